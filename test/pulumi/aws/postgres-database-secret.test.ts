import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { failureOf } from './aws-mocks';
import { PostgresDatabase } from '../../../src/pulumi/aws';

/** The failures of every output of `database`: the secret's, its key's and the security group's. */
async function failuresOf(database: PostgresDatabase): Promise<string[]> {
  const outputs = [database.secretArn, database.secretKmsKeyArn!, database.securityGroupId!];
  return Promise.all(outputs.map(async (output) => (await failureOf(output)).message));
}

// The mocks Pulumi's documentation shows: every resource reports its inputs as its state, every call its arguments.
void pulumi.runtime.setMocks({
  newResource: (args) => ({ id: `${args.name}_id`, state: args.inputs }),
  call: (args) => args.inputs,
}, 'project', 'stack', false);

const POSTGRES = { engine: 'postgres', instanceClass: 'db.t4g.micro', allocatedStorage: 20, username: 'app' };
const AURORA = { engine: 'aurora-postgresql', masterUsername: 'app' };

describe('PostgresDatabase from an RDS database that reports no masterUserSecrets', () => {
  test('an instance that reports no security group fails saying to pass securityGroupId, or where mocks that report it are', async () => {
    const instance = new rds.Instance('crm', { ...POSTGRES, manageMasterUserPassword: true });
    const [, , error] = await failuresOf(PostgresDatabase.fromInstance(instance));
    expect(error).toBe('PostgresDatabase.fromInstance(crm): the RDS instance reports no vpcSecurityGroupIds, so the dump task cannot be '
      + 'let in; pass securityGroupId, or in a unit test under pulumi.runtime.setMocks use setBackupMocks() from '
      + 'postgres-backup-constructs/pulumi/testing');
  });

  test('an instance with manageMasterUserPassword fails saying the mocks must answer the secret, and where such mocks are', async () => {
    const instance = new rds.Instance('orders', { ...POSTGRES, manageMasterUserPassword: true });
    const [error] = await failuresOf(PostgresDatabase.fromInstance(instance));
    expect(error).toBe('PostgresDatabase.fromInstance(orders): the RDS instance reports no masterUserSecrets, the secret the dump task '
      + 'connects with, although it has manageMasterUserPassword: true. RDS reports it once the instance exists; in a unit test under '
      + 'pulumi.runtime.setMocks the mocks must answer it: use setBackupMocks() from postgres-backup-constructs/pulumi/testing, '
      + 'or return masterUserSecrets from your own newResource mock');
  });

  test('an instance without manageMasterUserPassword fails saying to set it, to pass its secret or to use fromSecret', async () => {
    const instance = new rds.Instance('billing', { ...POSTGRES, password: 'not-managed' });
    const [error] = await failuresOf(PostgresDatabase.fromInstance(instance));
    expect(error).toBe('PostgresDatabase.fromInstance(billing): the RDS instance reports no masterUserSecrets, the secret the dump task '
      + 'connects with; create the instance with manageMasterUserPassword: true, pass its secret as '
      + 'PostgresDatabase.fromInstance(instance, { secretArn }), or use PostgresDatabase.fromSecret');
  });

  test('an Aurora cluster names itself and fromCluster', async () => {
    const cluster = new rds.Cluster('ledger', { ...AURORA, manageMasterUserPassword: true });
    const [error] = await failuresOf(PostgresDatabase.fromCluster(cluster));
    expect(error).toMatch(/^PostgresDatabase\.fromCluster\(ledger\): the RDS cluster reports no masterUserSecrets, .* although it has manageMasterUserPassword: true\. RDS reports it once the cluster exists;/);
  });
});
