import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { VerifyRestore } from '../../../src/pulumi/aws/verify-restore';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };
const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const IDENTITY_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:backup-age-identity';

function encryptedDump(identitySecretArn?: string): ScheduledPgDump {
  return new ScheduledPgDump('orders', {
    ...NETWORK,
    image: IMAGE,
    database: PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders', postgresMajorVersion: 16 }),
    databaseNames: ['orders'],
    encryption: { recipients: [RECIPIENT], ...(identitySecretArn ? { identitySecretArn } : {}) },
  });
}

async function deploy(): Promise<{ dump: ScheduledPgDump; drill: VerifyRestore }> {
  const dump = encryptedDump(IDENTITY_SECRET);
  const drill = new VerifyRestore('orders-drill', { source: dump, ...NETWORK, image: IMAGE });
  await Promise.all([valueOf(drill.urn), valueOf(drill.taskDefinition.arn), valueOf(dump.taskDefinition.arn), valueOf(drill.executionRole.arn)]);
  await new Promise((resolve) => setImmediate(resolve));
  return { dump, drill };
}

const containers = (name: string) => JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', name).inputs.containerDefinitions);
const readsIdentity = (statements: any[]) => statements.some((statement) => JSON.stringify(statement.Resource).includes('backup-age-identity'));

describe('Pulumi ScheduledPgDump with age encryption and a VerifyRestore of it', () => {
  test('the dump container gets the public keys in PG_BACKUP_AGE_RECIPIENTS and no identity', async () => {
    await deploy();
    const [runner] = containers('orders-task');
    expect(runner.environment).toEqual([{ name: 'PG_BACKUP_AGE_RECIPIENTS', value: RECIPIENT }]);
    expect(JSON.stringify(runner)).not.toContain('backup-age-identity');
  });

  test('the drill container gets the identity as PG_BACKUP_AGE_IDENTITY from the secret', async () => {
    await deploy();
    const runner = containers('orders-drill-task').find((container: any) => container.name === 'runner');
    expect(runner.secrets).toEqual([{ name: 'PG_BACKUP_AGE_IDENTITY', valueFrom: IDENTITY_SECRET }]);
  });

  test('only the drill\'s execution role may read the identity secret: neither dump role nor the drill\'s runner role', async () => {
    await deploy();
    expect(engine.roleStatements('orders-drill-execution-role').filter((statement) => readsIdentity([statement])))
      .toEqual([{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: IDENTITY_SECRET }]);
    for (const role of ['orders-task-role', 'orders-execution-role', 'orders-drill-task-role']) {
      expect({ role, reads: readsIdentity(engine.roleStatements(role)) }).toEqual({ role, reads: false });
    }
  });

  test('a VerifyRestore of encrypted dumps without an identity secret fails naming encryption.identitySecret', () => {
    const dump = encryptedDump();
    expect(() => new VerifyRestore('orders-drill', { source: dump, ...NETWORK, image: IMAGE }))
      .toThrow(/orders-drill: encryption\.identitySecret is undefined; allowed: a secret holding the age identity/);
  });

  test('a bad recipient fails naming encryption.recipients[0] and the value', () => {
    expect(() => new ScheduledPgDump('orders', {
      ...NETWORK,
      image: IMAGE,
      database: PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders', postgresMajorVersion: 16 }),
      encryption: { recipients: ['ssh-ed25519 AAAA'] },
    })).toThrow(/orders: encryption\.recipients\[0\] is "ssh-ed25519 AAAA"; allowed: an age public key/);
  });
});
