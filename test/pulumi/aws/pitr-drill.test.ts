// asl-validator is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import aslValidator = require('asl-validator');
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PitrDrillOptions, SelfHostedPitrArchive, SelfHostedPitrArchiveProps } from '../../../src/pulumi/aws/self-hosted-pitr-archive';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const DRILL: PitrDrillOptions = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'], image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:15' };
const ALARM = 'aws:cloudwatch/metricAlarm:MetricAlarm';

async function deploy(drill: Partial<PitrDrillOptions> = {}, props: Partial<SelfHostedPitrArchiveProps> = {}): Promise<SelfHostedPitrArchive> {
  const archive = new SelfHostedPitrArchive('orders', { clusterName: 'orders', postgresMajorVersion: 15, drill: { ...DRILL, ...drill }, ...props });
  const pitrDrill = archive.drill!;
  await Promise.all([
    valueOf(archive.urn), valueOf(pitrDrill.stateMachine.arn), valueOf(pitrDrill.schedule.arn), valueOf(pitrDrill.taskDefinition.arn),
    ...pitrDrill.alarms.map((alarm) => valueOf(alarm.arn)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return archive;
}

describe('SelfHostedPitrArchive drill', () => {
  test('without a drill prop no drill is created', async () => {
    const archive = new SelfHostedPitrArchive('plain', { clusterName: 'orders', postgresMajorVersion: 15 });
    await valueOf(archive.urn);
    expect(archive.drill).toBeUndefined();
    expect(engine.ofType('aws:sfn/stateMachine:StateMachine')).toEqual([]);
  });

  test('its state machine is core\'s PITR drill with every placeholder filled, and asl-validator accepts it', async () => {
    const archive = await deploy();
    const definition = JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-pitr-drill-drill').inputs.definition);
    const result = aslValidator(definition);
    expect(result.isValid ? [] : result.errors).toEqual([]);
    const text = JSON.stringify(definition);
    expect(text).not.toMatch(/\$\{[A-Za-z0-9]+\}/);
    expect(text).toContain(await valueOf(archive.drill!.cluster.arn));
    expect(text).toContain(await valueOf(archive.drill!.taskDefinition.arn));
    expect(text).toContain(await valueOf(archive.notificationTopicArn));
    expect(text).toContain('subnet-a,subnet-b');
    expect(text).toContain(await valueOf(archive.drill!.securityGroup.id));
    expect(Object.keys(definition.States)).toEqual(Object.keys(archive.drill!.drill.definition.States));
  });

  test('the task runs pg-backup drill-pitr on the stanza with the drill\'s pgbackrest.conf, the checks in its environment', async () => {
    const archive = await deploy({ verification: { checks: ["select count(*) > 0 from orders where note = 'it''s'"], maxRestoreDurationMinutes: 30 } });
    const task = engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-pitr-drill-task').inputs;
    expect(task).toMatchObject({ cpu: '2048', memory: '8192', ephemeralStorage: { sizeInGib: 100 }, requiresCompatibilities: ['FARGATE'] });
    const [container] = JSON.parse(task.containerDefinitions);
    expect(container).toMatchObject({ name: 'drill-pitr', image: DRILL.image, entryPoint: ['env'] });
    expect(container.command).toEqual(['pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z', '--stanza', 'orders', '--aws-credentials',
      '--archive-wait', '240s', '--recovery-timeout', '1800s', '--sql-env', 'PG_BACKUP_PITR_CHECK_0']);
    const environment = Object.fromEntries(container.environment.map((variable: any) => [variable.name, variable.value]));
    expect(environment.PG_BACKUP_PITR_CHECK_0).toBe("select count(*) > 0 from orders where note = 'it''s'");
    expect(environment.PG_BACKUP_SCRATCH_DIR).toBe('/tmp');
    expect(environment.PG_BACKUP_PGBACKREST_CONF).toContain(`repo1-s3-bucket=${await valueOf(archive.bucketName)}`);
    expect(environment.PG_BACKUP_PGBACKREST_CONF).toContain('pg1-path=/tmp/pitr-drill/data');
  });

  test('the drill task reads the archive and may only put its own results, under <cluster>/drills/, encrypted with the archive key', async () => {
    const archive = await deploy();
    const statements = engine.roleStatements('orders-pitr-drill-task-role');
    expect(statements.flatMap((statement) => [statement.Action].flat()).sort())
      .toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    const bucketArn = await valueOf(archive.archive.bucketArn);
    expect(statements.filter((statement) => [statement.Action].flat().includes('s3:PutObject')).map((statement) => statement.Resource))
      .toEqual([`${bucketArn}/orders/drills/*`]);
  });

  test('the task records each drill beside the archive, at the root of its bucket as its repository is', async () => {
    const archive = await deploy();
    const [container] = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-pitr-drill-task').inputs.containerDefinitions);
    const environment = Object.fromEntries(container.environment.map((variable: any) => [variable.name, variable.value]));
    expect(environment.PG_BACKUP_DRILL_RECORD_TO).toBe(`s3://${await valueOf(archive.bucketName)}/`);
  });

  test('the drill role may put only the cluster\'s results, and its definition writes failures into that folder of the archive bucket', async () => {
    const archive = await deploy();
    const bucketArn = await valueOf(archive.archive.bucketArn);
    const puts = engine.roleStatements('orders-pitr-drill-drill-role').filter((statement) => [statement.Action].flat().includes('s3:PutObject'));
    expect(puts).toEqual([{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: `${bucketArn}/orders/drills/*` }]);
    const definition = JSON.parse(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-pitr-drill-drill').inputs.definition);
    expect(definition.States['Store failed drill record'].Parameters.Bucket).toBe(await valueOf(archive.bucketName));
    expect(definition.States['Build failed drill record'].Output).toContain("'failedDrillRecord': { 'key': 'orders/drills' & '/' & ");
  });

  test('the drill role has exactly core\'s actions, scoped to the drill\'s task, cluster, roles, topic and namespace', async () => {
    const archive = await deploy();
    const drill = archive.drill!;
    const statements = engine.roleStatements('orders-pitr-drill-drill-role');
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['ecs:RunTask'], Resource: await valueOf(drill.taskDefinition.arn) },
      { Effect: 'Allow', Action: ['ecs:ListTasks'], Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': await valueOf(drill.cluster.arn) } } },
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [await valueOf(drill.taskRole.arn), await valueOf(drill.executionRole.arn)],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: await valueOf(archive.notificationTopicArn) },
      { Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'PostgresBackup' } } },
    ]));
    const granted = new Set(statements.flatMap((statement) => [statement.Action].flat()));
    for (const action of drill.drill.iamActions.flatMap((group) => group.actions)) expect(granted).toContain(action);
    // The created topic is encrypted, so publishing needs its key.
    expect(granted).toContain('kms:GenerateDataKey');
  });

  test('it runs on the verification schedule through the scheduler role, with a dead-letter queue', async () => {
    const archive = await deploy({ verification: { schedule: { expression: '0 5 * * 3', timezone: 'Europe/Berlin' } } });
    expect(engine.named('aws:scheduler/schedule:Schedule', 'orders-pitr-drill-schedule').inputs).toMatchObject({
      scheduleExpression: 'cron(0 5 ? * WED *)',
      scheduleExpressionTimezone: 'Europe/Berlin',
      target: {
        arn: await valueOf(archive.drill!.stateMachine.arn),
        roleArn: await valueOf(archive.drill!.schedulerRole.arn),
        retryPolicy: { maximumRetryAttempts: 3 },
      },
    });
    const actions = engine.roleStatements('orders-pitr-drill-scheduler-role').map((statement) => statement.Action).sort();
    expect(actions).toEqual(['sqs:SendMessage', 'states:StartExecution']);
  });

  test('it alarms on failed executions, a restore slower than the RTO and dead letters, with missing data not breaching', async () => {
    const archive = await deploy({ verification: { maxRestoreDurationMinutes: 45 } });
    const failed = engine.named(ALARM, 'orders-pitr-drill-failed-drill').inputs;
    expect(failed.metricQueries[0]).toMatchObject({ expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)', returnData: true });
    expect(failed.metricQueries.slice(1).map((query: any) => query.metric.dimensions.StateMachineArn))
      .toEqual(Array(3).fill(await valueOf(archive.drill!.stateMachine.arn)));
    expect(engine.named(ALARM, 'orders-pitr-drill-rto').inputs).toMatchObject({
      metricName: 'RestoreDurationSeconds', dimensions: { Database: 'orders', Drill: 'pitr' }, statistic: 'Maximum', threshold: 2700, comparisonOperator: 'GreaterThanThreshold',
    });
    expect(engine.named(ALARM, 'orders-pitr-drill-schedule-dead-letters').inputs).toMatchObject({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible' });
    const drillAlarms = engine.ofType(ALARM).filter((alarm) => alarm.name.startsWith('orders-pitr-drill-'));
    expect(drillAlarms.map((alarm) => alarm.inputs.treatMissingData)).toEqual(['notBreaching', 'notBreaching', 'notBreaching']);
    for (const alarm of drillAlarms) expect(alarm.inputs.alarmActions).toEqual([await valueOf(archive.notificationTopicArn)]);
  });

  test('a given cluster is used instead of a created one', async () => {
    const cluster = { arn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/shared', name: 'shared' };
    await deploy({ cluster });
    expect(engine.ofType('aws:ecs/cluster:Cluster')).toEqual([]);
    expect(engine.named('aws:sfn/stateMachine:StateMachine', 'orders-pitr-drill-drill').inputs.definition).toContain(cluster.arn);
  });

  test.each([
    ['a drill of a WAL-G archive', {}, { pitr: { archiver: 'wal-g' as const } }, 'drill is "(drill)"; allowed: undefined unless pitr.archiver is "pgbackrest"'],
    ['ephemeral storage under 21 GiB', { ephemeralStorageGiB: 10 }, {}, 'drill.ephemeralStorageGiB is 10; allowed: an integer from 21 to 200 GiB'],
    ['an RTO of 0 minutes', { verification: { maxRestoreDurationMinutes: 0 } }, {}, 'drill.verification.maxRestoreDurationMinutes is 0'],
  ])('%s is rejected with core\'s message', (_case, drill, props, message) => {
    expect(() => new SelfHostedPitrArchive('bad', { postgresMajorVersion: 15, drill: { ...DRILL, ...drill }, ...props } as SelfHostedPitrArchiveProps)).toThrow(message);
  });
});
