import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { TEST_RUNNER_IMAGE, statementsOfRole } from './stacks';
import { ManagedPostgresBackupPlan, ManagedPostgresDatabase, PostgresDatabase, ScheduledPgDump } from '../../src/cdk';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-orders-AbCdEf';
const ENGINE_16 = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 });

/** A stack that defines no database: the instance, cluster, security group and secret are imported by their attributes. */
function importingStack() {
  const app = new App();
  const stack = new Stack(app, 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'OrdersSg', 'sg-0123456789abcdef0');
  const instance = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Orders', {
    instanceIdentifier: 'orders',
    instanceEndpointAddress: 'orders.abc123.eu-west-1.rds.amazonaws.com',
    port: 5433,
    securityGroups: [securityGroup],
    engine: ENGINE_16,
  });
  const cluster = rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Ledger', {
    clusterIdentifier: 'ledger',
    clusterEndpointAddress: 'ledger.cluster-abc123.eu-west-1.rds.amazonaws.com',
    port: 5432,
    securityGroups: [securityGroup],
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
  });
  const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'OrdersSecret', SECRET_ARN);
  return { stack, vpc, instance, cluster, secret };
}

/** The runner's container definition of the one task definition in `template`. */
function containerOf(template: Template): any {
  const [definition] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
  return definition.Properties.ContainerDefinitions[0];
}

describe('ScheduledPgDump of an imported RDS instance with its imported secret', () => {
  let template: Template;

  beforeAll(() => {
    const { stack, vpc, instance, secret } = importingStack();
    new ScheduledPgDump(stack, 'NightlyDump', {
      vpc, database: PostgresDatabase.fromInstance(instance, { secret }), databaseNames: ['orders'], image: TEST_RUNNER_IMAGE,
    });
    template = Template.fromStack(stack);
  });

  test('the task reads the user name and password from the imported secret', () => {
    expect(containerOf(template).Secrets).toEqual([
      { Name: 'PGUSER', ValueFrom: `${SECRET_ARN}:username::` },
      { Name: 'PGPASSWORD', ValueFrom: `${SECRET_ARN}:password::` },
    ]);
  });

  test("the task's execution role may read exactly the imported secret", () => {
    const [executionRole] = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([, role]) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('ecs-tasks.amazonaws.com'))
      .filter(([id]) => statementsOfRole(template, id).some((statement) => JSON.stringify(statement.Action).includes('secretsmanager:GetSecretValue')))
      .map(([id]) => id);
    const secretStatements = statementsOfRole(template, executionRole).filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager:'));
    expect(secretStatements.map((statement) => statement.Resource)).toEqual([SECRET_ARN]);
  });

  test("the dump connects to the imported instance's endpoint and port", () => {
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const command: string[] = JSON.parse(JSON.stringify(schedule.Properties.Target.Input).includes('Fn::Join')
      ? schedule.Properties.Target.Input['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'B')).join('')
      : schedule.Properties.Target.Input).containerOverrides[0].command;
    expect(command.slice(command.indexOf('--database-url'))).toEqual(['--database-url', 'postgres://orders.abc123.eu-west-1.rds.amazonaws.com:5433/postgres']);
  });

  test("the server's major version is the imported engine's, so the dump needs no postgresMajorVersion", () => {
    const { instance, secret } = importingStack();
    expect(PostgresDatabase.fromInstance(instance, { secret }).postgresMajorVersion).toBe(16);
  });

  test("the imported security group lets the dump task in on the instance's port", () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-0123456789abcdef0', FromPort: 5433, ToPort: 5433, SourceSecurityGroupId: Match.anyValue(),
    });
  });
});

describe('ScheduledPgDump of an imported Aurora cluster with its imported secret', () => {
  test("the dump connects to the imported cluster's writer endpoint with the secret's user name and password", () => {
    const { stack, vpc, cluster, secret } = importingStack();
    new ScheduledPgDump(stack, 'NightlyDump', {
      vpc, database: PostgresDatabase.fromCluster(cluster, { secret }), databaseNames: ['ledger'], image: TEST_RUNNER_IMAGE,
    });
    const template = Template.fromStack(stack);
    expect(containerOf(template).Secrets.map((entry: { Name: string }) => entry.Name)).toEqual(['PGUSER', 'PGPASSWORD']);
    expect(JSON.stringify(template.findResources('AWS::Scheduler::Schedule'))).toContain('postgres://ledger.cluster-abc123.eu-west-1.rds.amazonaws.com:5432/postgres');
  });
});

describe('PostgresDatabase of an imported database without a secret', () => {
  test.each([
    ['fromInstance', (stack: ReturnType<typeof importingStack>) => PostgresDatabase.fromInstance(stack.instance), 'Backups/Orders', 'instance'],
    ['fromCluster', (stack: ReturnType<typeof importingStack>) => PostgresDatabase.fromCluster(stack.cluster), 'Backups/Ledger', 'cluster'],
  ])('%s names the construct and says to pass the secret', (factory, create, path, kind) => {
    expect(() => create(importingStack())).toThrow(
      `PostgresDatabase.${factory}(${path}): the RDS ${kind} has no secret (an imported ${kind} never has one); pass its secret as `
      + `PostgresDatabase.${factory}(${kind}, { secret })`,
    );
  });
});

describe('ManagedPostgresBackupPlan of an imported RDS instance', () => {
  test('backs up the imported instance by its ARN, with the imported engine and secret', () => {
    const { stack, instance, secret } = importingStack();
    const database = ManagedPostgresDatabase.fromInstance(instance, { secret, storageEncryption: 'aws-managed-key' });
    new ManagedPostgresBackupPlan(stack, 'Backups', {
      database,
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] },
    });
    expect(database.managedHere).toBe(false);
    expect(database.postgresMajorVersion).toBe(16);
    expect(database.port).toBe(5433);
    expect(database.secret).toBe(secret);
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:orders']] }] },
    });
  });
});
