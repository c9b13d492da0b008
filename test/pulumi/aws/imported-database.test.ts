import * as rds from '@pulumi/aws/rds';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { ManagedPostgresBackupPlan } from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-master-AbCdEf';
const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';

/** Creates a dump of `database` and waits until its children are registered. */
async function dumpOf(database: PostgresDatabase, databaseNames: string[]): Promise<ScheduledPgDump> {
  const dump = new ScheduledPgDump('orders', { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'], database, image: IMAGE, databaseNames });
  await Promise.all([valueOf(dump.urn), valueOf(dump.taskDefinition.arn), ...dump.schedules.map((schedule) => valueOf(schedule.arn))]);
  await new Promise((resolve) => setImmediate(resolve));
  return dump;
}

/** The runner's container definition and the command of the first schedule. */
function runnerOf(): { container: any; command: string[] } {
  const [container] = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-task').inputs.containerDefinitions);
  const command = JSON.parse(engine.named('aws:scheduler/schedule:Schedule', 'orders-schedule-0').inputs.target.input).containerOverrides[0].command;
  return { container, command };
}

describe('ScheduledPgDump of an instance read with aws.rds.Instance.get and its secret', () => {
  test('the task reads the user name and password from the given secret and connects to the read instance\'s address', async () => {
    const orders = rds.Instance.get('orders-db', 'orders-db');
    await dumpOf(PostgresDatabase.fromInstance(orders, { postgresMajorVersion: 16, secretArn: SECRET_ARN }), ['orders']);
    const { container, command } = runnerOf();
    expect(container.secrets).toEqual([
      { name: 'PGUSER', valueFrom: `${SECRET_ARN}:username::` },
      { name: 'PGPASSWORD', valueFrom: `${SECRET_ARN}:password::` },
    ]);
    expect(command.slice(command.indexOf('--database-url'))).toEqual(['--database-url', `postgres://${await valueOf(orders.address)}:5432/postgres`]);
  });

  test("an ingress rule from the task is added to the read instance's security group", async () => {
    const orders = rds.Instance.get('orders-db', 'orders-db');
    await dumpOf(PostgresDatabase.fromInstance(orders, { postgresMajorVersion: 16, secretArn: SECRET_ARN }), ['orders']);
    const [securityGroup] = await valueOf(orders.vpcSecurityGroupIds);
    expect(engine.named('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'orders-database-ingress').inputs)
      .toMatchObject({ securityGroupId: securityGroup, fromPort: 5432, toPort: 5432 });
  });
});

describe('ScheduledPgDump of a cluster read with aws.rds.Cluster.get and its secret', () => {
  test('the task connects to the read cluster\'s writer endpoint with the given secret', async () => {
    const ledger = rds.Cluster.get('ledger', 'ledger');
    await dumpOf(PostgresDatabase.fromCluster(ledger, { postgresMajorVersion: 16, secretArn: SECRET_ARN }), ['ledger']);
    const { container, command } = runnerOf();
    expect(container.secrets.map((entry: { valueFrom: string }) => entry.valueFrom)).toEqual([`${SECRET_ARN}:username::`, `${SECRET_ARN}:password::`]);
    expect(command.slice(command.indexOf('--database-url'))).toEqual(['--database-url', `postgres://${await valueOf(ledger.endpoint)}:5432/postgres`]);
  });
});

describe('ManagedPostgresBackupPlan of an instance read with aws.rds.Instance.get', () => {
  test('backs up the read instance by its ARN', async () => {
    const orders = rds.Instance.get('orders-db', 'orders-db');
    const plan = new ManagedPostgresBackupPlan('orders', {
      database: ManagedPostgresDatabase.fromInstance(orders, { storageEncryption: 'aws-managed-key' }),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] },
    });
    await Promise.all([valueOf(plan.urn), valueOf(plan.plan.arn), valueOf(plan.selection.id)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(engine.named('aws:backup/selection:Selection', 'orders-selection').inputs.resources).toEqual([await valueOf(orders.arn)]);
  });
});
