import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
// asl-validator is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import aslValidator = require('asl-validator');
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PgDumpLocation } from '../../../src/pulumi/aws/pg-dump-source';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { VerifyRestore, VerifyRestoreProps } from '../../../src/pulumi/aws/verify-restore';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };

function source(): ScheduledPgDump {
  return new ScheduledPgDump('orders', {
    ...NETWORK,
    image: IMAGE,
    database: PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders', postgresMajorVersion: 16 }),
    databaseNames: ['orders'],
  });
}

async function deploy(props: Partial<VerifyRestoreProps> = {}): Promise<{ drill: VerifyRestore; dump: ScheduledPgDump }> {
  const dump = source();
  const drill = new VerifyRestore('orders-drill', { source: dump, ...NETWORK, image: IMAGE, ...props });
  await Promise.all([
    valueOf(drill.urn), valueOf(drill.stateMachine.arn), valueOf(drill.schedule.arn), valueOf(dump.taskDefinition.arn),
    ...drill.alarms.map((alarm) => valueOf(alarm.arn)),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return { drill, dump };
}

describe('VerifyRestore', () => {
  test('its state machine is core\'s dump restore drill with every placeholder filled, and asl-validator accepts it', async () => {
    const { drill, dump } = await deploy();
    const definition = JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-drill-drill').inputs.definition);
    const result = aslValidator(definition);
    expect(result.isValid ? [] : result.errors).toEqual([]);
    const text = JSON.stringify(definition);
    expect(text).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
    expect(text).toContain(await valueOf(dump.cluster.arn));
    expect(text).toContain(await valueOf(drill.notificationTopicArn));
    expect(text).toContain('subnet-a,subnet-b');
    expect(Object.keys(definition.States)).toEqual(Object.keys(drill.drill.definition.States));
  });

  test('the drill logs every event with execution data and traces with X-Ray', async () => {
    await deploy();
    expect(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-drill-drill').inputs).toMatchObject({
      type: 'STANDARD',
      loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: expect.stringMatching(/:\*$/) },
      tracingConfiguration: { enabled: true },
    });
  });

  test('the drill role has exactly core\'s actions, each scoped to the drill\'s own task, cluster, roles, topic and namespace', async () => {
    const { drill, dump } = await deploy();
    const statements = engine.roleStatements('orders-drill-drill-role');
    const clusterArn = await valueOf(dump.cluster.arn);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['ecs:RunTask'], Resource: await valueOf(drill.taskDefinition.arn) },
      { Effect: 'Allow', Action: ['ecs:DescribeTasks', 'ecs:StopTask', 'ecs:TagResource'], Resource: `arn:aws:ecs:eu-west-1:123456789012:task/${await valueOf(dump.cluster.name)}/*` },
      { Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': clusterArn } } },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: await valueOf(drill.notificationTopicArn) },
      { Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'PostgresBackup' } } },
    ]));
    const granted = new Set(statements.flatMap((statement) => [statement.Action].flat()));
    for (const action of drill.drill.iamActions.flatMap((group) => group.actions)) expect(granted).toContain(action);
  });

  test('the drill role may put a failed drill\'s result only in the drills folder of its database beside the dumps', async () => {
    const { dump } = await deploy();
    const statements = engine.roleStatements('orders-drill-drill-role');
    const bucketArn = await valueOf(dump.bucketArn);
    const puts = statements.filter((statement) => [statement.Action].flat().includes('s3:PutObject'));
    expect(puts).toEqual([{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: `${bucketArn}/pg-dumps/orders/drills/*` }]);
    const definition = JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-drill-drill').inputs.definition);
    expect(definition.States['Store failed drill record'].Parameters.Bucket).toBe(await valueOf(dump.bucketName));
    expect(definition.States['Build failed drill record'].Output).toContain("'failedDrillRecord': { 'key': 'pg-dumps/orders/drills' & '/' & ");
  });

  test('the drill task may read the dumps and write only its result beside them: no other write, no delete', async () => {
    await deploy();
    const statements = engine.roleStatements('orders-drill-task-role');
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort())
      .toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(statements.filter((statement) => [statement.Action].flat().includes('s3:PutObject')).map((statement) => statement.Resource))
      .toEqual([expect.stringMatching(/^arn:aws:s3:::[a-z0-9-]+\/pg-dumps\/\*\/drills\/\*$/)]);
  });

  test('the task restores into a scratch PostgreSQL of the same major listening on loopback, after it is healthy', async () => {
    const { dump } = await deploy({ verification: { checks: ['select count(*) > 0 from orders'] } });
    const task = engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-drill-task').inputs;
    expect(task).toMatchObject({ cpu: '2048', memory: '8192', ephemeralStorage: { sizeInGib: 50 } });
    const containers = JSON.parse(task.containerDefinitions);
    expect(containers.map((c: any) => c.name)).toEqual(['scratch-postgres', 'runner', 'write-checks']);
    expect(containers[0]).toMatchObject({ image: 'public.ecr.aws/docker/library/postgres:16', command: ['postgres', '-c', 'listen_addresses=127.0.0.1'] });
    expect(containers[1].dependsOn).toEqual([{ containerName: 'scratch-postgres', condition: 'HEALTHY' }, { containerName: 'write-checks', condition: 'SUCCESS' }]);
    expect(containers[1].command).toEqual(['pg-backup', 'verify', '--from', await valueOf(dump.dumpLocation), '--latest',
      '--target-url', 'postgresql://postgres@127.0.0.1:5432/postgres', '--database', 'orders', '--jobs', '2', '--check', '/checks/check-0.sql']);
    expect(containers[2].environment).toEqual([{ name: 'PG_BACKUP_CHECK_0', value: 'select count(*) > 0 from orders' }]);
  });

  test('the scratch PostgreSQL and the runner share a generated password from one secret only the execution role reads, never trust', async () => {
    await deploy();
    const secret = engine.named('aws:secretsmanager/secret:Secret', 'orders-drill-scratch-password');
    const secretArn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret/${secret.name}`;
    expect(secret.inputs.description).toBe('Password of the throwaway PostgreSQL inside the restore drill task');
    // Written once as a write-only secret value (kept out of the Pulumi state): a password of 32 letters and digits.
    const value = engine.named('aws:secretsmanager/secretVersion:SecretVersion', 'orders-drill-scratch-password-value').inputs;
    expect(value).toMatchObject({ secretId: secret.id, secretStringWoVersion: 1 });
    expect(value.secretStringWo).toEqual({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: expect.stringMatching(/^[A-Za-z0-9]{32}$/) });
    expect(value.secretString).toBeUndefined();
    const [server, runner] = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-drill-task').inputs.containerDefinitions);
    expect(server.secrets).toEqual([{ name: 'POSTGRES_PASSWORD', valueFrom: secretArn }]);
    expect(runner.secrets).toEqual([{ name: 'PGPASSWORD', valueFrom: secretArn }]);
    expect(JSON.stringify([server, runner])).not.toMatch(/POSTGRES_HOST_AUTH_METHOD|trust/);
    const readers = engine.ofType('aws:iam/role:Role').map((role) => role.name)
      .filter((role) => engine.roleStatements(role).some((statement) => [statement.Resource].flat().includes(secretArn)));
    expect(readers).toEqual(['orders-drill-execution-role']);
    expect(engine.roleStatements('orders-drill-execution-role')).toContainEqual(
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: secretArn });
  });

  test('it runs weekly on Monday 06:00 UTC and alarms on failed executions and on a restore slower than the RTO', async () => {
    const { drill } = await deploy({ verification: { maxRestoreDurationMinutes: 45 } });
    expect(engine.named('aws:scheduler/schedule:Schedule', 'orders-drill-schedule').inputs).toMatchObject({
      scheduleExpression: 'cron(0 6 ? * MON *)', scheduleExpressionTimezone: 'UTC', target: { arn: await valueOf(drill.stateMachine.arn) },
    });
    const failed = engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-drill-failed-drill').inputs;
    expect(failed.metricQueries[0]).toMatchObject({ id: 'expr_1', expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)', returnData: true });
    expect(failed.metricQueries.slice(1).map((q: any) => q.metric.metricName)).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']);
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-drill-rto').inputs).toMatchObject({
      metricName: 'RestoreDurationSeconds', dimensions: { Database: 'orders', Drill: 'dump' }, threshold: 2700, comparisonOperator: 'GreaterThanThreshold',
    });
  });

  test('with maxDrillAgeDays it alarms when no drill succeeded within those days, missing data breaching', async () => {
    await deploy({ verification: { schedule: { expression: '0 6 * * *' } }, maxDrillAgeDays: 3 });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-drill-drill-age').inputs).toMatchObject({
      alarmDescription: 'No successful dump restore drill of orders within 3 days',
      metricName: 'RestoreDrillSucceeded',
      dimensions: { Database: 'orders', Drill: 'dump' },
      statistic: 'Sum',
      period: 3 * 86_400,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
  });

  test('a drill of dumps in a bucket of another program reads that bucket and prefix', async () => {
    const location = PgDumpLocation.fromBucket({
      bucketName: 'legacy-dumps', bucketArn: 'arn:aws:s3:::legacy-dumps', prefix: 'nightly', databaseNames: ['shop'], postgresMajorVersion: 15,
    });
    const drill = new VerifyRestore('legacy', { source: location, ...NETWORK, image: IMAGE });
    await Promise.all([valueOf(drill.stateMachine.arn), valueOf(drill.taskDefinition.arn)]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await valueOf(drill.definition)).toContain('s3://legacy-dumps/nightly');
    expect(engine.roleStatements('legacy-task-role')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::legacy-dumps/nightly/*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::legacy-dumps', Condition: { StringLike: { 's3:prefix': ['nightly/*'] } } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::legacy-dumps/nightly/*/drills/*' },
    ]);
  });

  test.each([
    ['ephemeral storage under 21 GiB', { ephemeralStorageGiB: 10 }, 'ephemeralStorageGiB is 10; allowed: an integer from 21 to 200 GiB'],
    ['an RTO of 0 minutes', { verification: { maxRestoreDurationMinutes: 0 } }, 'verification.maxRestoreDurationMinutes is 0'],
    ['a check file that does not exist', { checkFiles: [path.join(os.tmpdir(), 'no-such-check.sql')] }, 'checkFiles[0]'],
    ['a drill-age alarm of 8 days', { maxDrillAgeDays: 8 }, 'maxDrillAgeDays is 8; allowed: an integer from 1 to 7 days'],
  ])('%s is rejected with core\'s message', (_case, props, message) => {
    const location = PgDumpLocation.fromBucket({ bucketName: 'b', bucketArn: 'arn:aws:s3:::b', prefix: 'p', databaseNames: ['d'], postgresMajorVersion: 16 });
    expect(() => new VerifyRestore('bad', { source: location, ...NETWORK, image: IMAGE, ...props } as VerifyRestoreProps)).toThrow(message);
  });

  test('check files are read as checks', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'checks-')), 'orders.sql');
    fs.writeFileSync(file, 'select true');
    await deploy({ checkFiles: [file] });
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-drill-task').inputs.containerDefinitions);
    expect(containers[2].environment).toEqual([{ name: 'PG_BACKUP_CHECK_0', value: 'select true' }]);
  });
});

describe('VerifyRestore into a scratch RDS instance', () => {
  const SCRATCH = { restoreTarget: 'scratch-rds' as const, scratchSubnetIds: ['subnet-isolated-a', 'subnet-isolated-b'] };

  test('the scratch instance is placed in a DB subnet group of the given subnets, behind a security group only the drill task reaches on 5432', async () => {
    const { drill } = await deploy(SCRATCH);
    expect(engine.named('aws:rds/subnetGroup:SubnetGroup', 'orders-drill-scratch-subnets').inputs.subnetIds).toEqual(['subnet-isolated-a', 'subnet-isolated-b']);
    expect(engine.named('aws:ec2/securityGroup:SecurityGroup', 'orders-drill-scratch-sg').inputs).toMatchObject({
      vpcId: 'vpc-0123',
      ingress: [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, securityGroups: [await valueOf(drill.securityGroup.id)] }],
      egress: [],
    });
    const definition = JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-drill-drill').inputs.definition);
    const parameters = definition.States['Restore scratch instance'].Parameters;
    expect(parameters.DbSubnetGroupName).toBe(await valueOf(drill.scratchSubnetGroup!.name));
    expect(parameters['VpcSecurityGroupIds.$']).toContain(await valueOf(drill.scratchSecurityGroup!.id));
    expect(JSON.stringify(definition)).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
  });

  test('the drill role deletes only scratch instances, and the task reads only the RDS-managed secrets of scratch instances', async () => {
    await deploy(SCRATCH);
    expect(engine.roleStatements('orders-drill-drill-role')).toEqual(expect.arrayContaining([{
      Effect: 'Allow',
      Action: ['rds:AddTagsToResource', 'rds:CreateDBInstance', 'rds:DeleteDBInstance', 'rds:DescribeDBInstances'],
      Resource: 'arn:aws:rds:eu-west-1:123456789012:db:pg-drill-*',
    }]));
    expect(engine.roleStatements('orders-drill-task-role')).toEqual(expect.arrayContaining([{
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-*',
      Condition: { StringLike: { 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn': 'arn:aws:rds:eu-west-1:123456789012:db:pg-drill-*' } },
    }]));
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-drill-task').inputs.containerDefinitions);
    expect(containers.map((c: any) => c.name)).toEqual(['runner']);
    expect(containers[0].dependsOn).toBeUndefined();
  });

  test('without scratchSubnetIds the drill is refused, naming the prop', () => {
    expect(() => new VerifyRestore('orders-drill', { source: source(), ...NETWORK, image: IMAGE, restoreTarget: 'auto' }))
      .toThrow(/scratchSubnetIds is undefined; allowed: the subnets of the scratch RDS instance.*restoreTarget 'auto' may create a scratch RDS instance/);
  });
});
