import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { RestoreValidationStateName } from '../../../src/core/aws/state-machines';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps } from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { TaskHandler, aslProblems, runDrill, taskError } from '../../core/aws/state-machines/drill-harness';

type RestoreTestingArgs = NonNullable<ManagedPostgresBackupPlanProps['restoreTesting']>;

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!shop';
const RESULTS_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/backups';
const VALIDATION = {
  vpcId: 'vpc-0123',
  taskSubnetIds: ['subnet-task-a', 'subnet-task-b'],
  secretArn: SECRET,
  image: IMAGE,
  databaseName: 'shop',
  postgresMajorVersion: 16,
  port: 5433,
};

async function deploy(restoreTesting: RestoreTestingArgs, props: Partial<ManagedPostgresBackupPlanProps> = {}): Promise<ManagedPostgresBackupPlan> {
  const plan = new ManagedPostgresBackupPlan('shop', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
    restoreTesting,
    ...props,
  });
  const validation = plan.restoreTesting?.validation;
  await Promise.all([
    valueOf(plan.urn), valueOf(plan.restoreTesting!.selection.id),
    ...(validation
      ? [valueOf(validation.definition), valueOf(validation.stateMachine.arn), ...validation.alarms.map((alarm) => valueOf(alarm.arn))]
      : []),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return plan;
}

const named = (type: string, name: string) => engine.named(type, name).inputs;
const validationStatements = () => engine.roleStatements('shop-restore-validation-drill-role');
const resourcesOf = (action: string) => validationStatements().filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);

describe('Pulumi ManagedPostgresBackupPlan with restore testing validated by pg-backup check', () => {
  const validated = () => deploy({
    dbSubnetGroupName: 'isolated',
    validation: {
      ...VALIDATION,
      rowCounts: [{ table: 'public.orders', min: 1000 }],
      checks: ['SELECT count(*) > 0 FROM orders'],
      drillResults: { bucketName: 'company-postgres-backups', bucketArn: 'arn:aws:s3:::company-postgres-backups', prefix: 'pg-dumps', encryptionKeyArn: RESULTS_KEY },
    },
  });

  test('the completion of a restore job of the plan\'s restore testing plan starts the validation, retried, its failed starts dead-lettered', async () => {
    const plan = await validated();
    const planArn = await valueOf(plan.restoreTesting!.plan.arn);
    const rule = named('aws:cloudwatch/eventRule:EventRule', 'shop-restore-validation-rule');
    expect(JSON.parse(rule.eventPattern)).toEqual({
      'source': ['aws.backup'],
      'detail-type': ['Restore Job State Change'],
      'detail': { status: ['COMPLETED'], restoreTestingPlanArn: [planArn] },
    });
    const target = named('aws:cloudwatch/eventTarget:EventTarget', 'shop-restore-validation-target');
    const queueArn = await valueOf(plan.restoreTesting!.validation!.deadLetterQueue.arn);
    expect(target).toMatchObject({
      arn: await valueOf(plan.restoreTesting!.validation!.stateMachine.arn),
      deadLetterConfig: { arn: queueArn },
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
    });
    expect(engine.roleStatements('shop-restore-validation-events-role')).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: target.arn },
    ]);
    const queuePolicy = JSON.parse(named('aws:sqs/queuePolicy:QueuePolicy', 'shop-restore-validation-starts-dead-letters-policy').policy);
    expect(queuePolicy.Statement).toContainEqual({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: queueArn,
      Condition: { ArnEquals: { 'aws:SourceArn': await valueOf(plan.restoreTesting!.validation!.rule.arn) } },
    });
  });

  test('the state machine is core\'s validation, valid ASL, with the database, the plan\'s topic, the task, its network and the result store filled in', async () => {
    const plan = await validated();
    const deployed = await valueOf(plan.restoreTesting!.validation!.definition);
    expect(deployed).not.toMatch(/\$\{[A-Za-z]+\}/);
    const definition = JSON.parse(deployed);
    expect(aslProblems(definition)).toEqual([]);
    expect(deployed).toContain(await valueOf(plan.notificationTopicArn));
    expect(deployed).toContain('subnet-task-a,subnet-task-b');
    expect(deployed).toContain('company-postgres-backups');
    expect(deployed).toContain('pg-dumps');
    const taskDefinitionArn = await valueOf(plan.restoreTesting!.validation!.taskDefinition.arn);
    expect(JSON.stringify(definition.States[RestoreValidationStateName.RUN_CHECKS])).toContain(taskDefinitionArn);
  });

  test('the checks task runs pg-backup check with the bounds and checks, logging in with the given secret', async () => {
    await validated();
    const container = JSON.parse(named('aws:ecs/taskDefinition:TaskDefinition', 'shop-restore-validation-task').containerDefinitions)[0];
    expect(container).toMatchObject({
      name: 'runner',
      image: IMAGE,
      entryPoint: ['env'],
      command: ['pg-backup', 'check', '--min-rows', 'public.orders=1000', '--sql-env', 'PG_BACKUP_CHECK_0'],
      secrets: [{ name: 'PGUSER', valueFrom: `${SECRET}:username::` }, { name: 'PGPASSWORD', valueFrom: `${SECRET}:password::` }],
    });
    expect(container.environment).toEqual(expect.arrayContaining([
      { name: 'PGDATABASE', value: 'shop' }, { name: 'PGSSLMODE', value: 'require' }, { name: 'PG_BACKUP_CHECK_0', value: 'SELECT count(*) > 0 FROM orders' },
    ]));
    expect(resourcesOf('secretsmanager:GetSecretValue')).toEqual([]);
    expect(engine.roleStatements('shop-restore-validation-execution-role').map((s) => s.Resource)).toContain(SECRET);
    expect(engine.roleStatements('shop-restore-validation-task-role')).toEqual([]);
  });

  test('the restored database is placed behind a security group only the checks task reaches, on the database\'s port', async () => {
    const plan = await validated();
    const taskGroupId = await valueOf(plan.restoreTesting!.validation!.taskSecurityGroup.id);
    const restored = named('aws:ec2/securityGroup:SecurityGroup', 'shop-restore-validation-restored-sg');
    expect(restored.ingress).toEqual([expect.objectContaining({ protocol: 'tcp', fromPort: 5433, toPort: 5433, securityGroups: [taskGroupId] })]);
    expect(restored.egress).toEqual([]);
    const selection = named('aws:backup/restoreTestingSelection:RestoreTestingSelection', 'shop-restore-testing-selection');
    expect(selection.restoreMetadataOverrides).toEqual({
      dbSubnetGroupName: 'isolated',
      vpcSecurityGroupIds: JSON.stringify([await valueOf(plan.restoreTesting!.validation!.restoredSecurityGroup!.id)]),
    });
  });

  test('its role describes restored instances, runs its task, reports to AWS Backup and writes drill results only under the prefix: nothing that deletes a database', async () => {
    await validated();
    const actions = validationStatements().flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['rds:DescribeDBInstances', 'backup:PutRestoreValidationResult', 'ecs:RunTask', 'ecs:StopTask', 's3:PutObject', 'sns:Publish']));
    expect(actions.filter((action) => /^rds:(Delete|Restore|Create|Modify)/.test(action))).toEqual([]);
    expect(resourcesOf('s3:PutObject')).toEqual(['arn:aws:s3:::company-postgres-backups/pg-dumps/shop/drills/*']);
    expect(resourcesOf('rds:DescribeDBInstances')).toEqual(['arn:aws:rds:eu-west-1:123456789012:db:*']);
    expect(resourcesOf('kms:GenerateDataKey')).toContain(RESULTS_KEY);
  });

  test('a failed validation and a start the rule could not make each raise an alarm on the plan\'s topic', async () => {
    const plan = await validated();
    const topic = await valueOf(plan.notificationTopicArn);
    const failed = named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-restore-validation-failed-validation');
    expect(failed).toMatchObject({ alarmActions: [topic], okActions: [topic], threshold: 1, treatMissingData: 'notBreaching' });
    expect(failed.alarmDescription).toBe('A restore test of the RDS instance failed its validation: the restored database could not be checked, or its checks failed');
    const deadLetters = named('aws:cloudwatch/metricAlarm:MetricAlarm', 'shop-restore-validation-validation-starts-dead-letters');
    expect(deadLetters.dimensions).toEqual({ QueueName: await valueOf(plan.restoreTesting!.validation!.deadLetterQueue.name) });
  });
});

test('the deployed validation reports a restored database failing its checks as FAILED to AWS Backup and notifies the plan\'s topic', async () => {
  const plan = await deploy({ dbSubnetGroupName: 'isolated', validation: VALIDATION });
  const definition = JSON.parse(await valueOf(plan.restoreTesting!.validation!.definition));
  const names = RestoreValidationStateName;
  const handlers: Record<string, TaskHandler> = {
    [names.DESCRIBE_INSTANCE]: () => ({ DbInstances: [{ DbInstanceStatus: 'available', Endpoint: { Address: 'restored.abc.eu-west-1.rds.amazonaws.com', Port: 5433 } }] }),
    [names.RUN_CHECKS]: () => { throw taskError('States.TaskFailed', 'pg-backup check: public.orders has 3 rows; allowed: at least 1000'); },
    'Find running checks task': () => ({ TaskArns: [] }),
    'Stop checks task': () => ({}),
    [names.REPORT_SUCCESSFUL]: () => ({}),
    [names.REPORT_FAILED]: () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    'Notify failure': () => ({ MessageId: 'message-1' }),
  };
  const run = await runDrill(definition, Object.fromEntries(Object.entries(handlers).filter(([state]) => definition.States[state])), {
    detail: { restoreJobId: 'restore-job-1', status: 'COMPLETED', createdResourceArn: 'arn:aws:rds:eu-west-1:123456789012:db:awsbackup-restore-test-1', creationDate: '2026-11-24T06:00:00.000Z' },
  });
  expect(run.error).toBeDefined();
  expect(run.order).toContain(names.REPORT_FAILED);
  expect(run.calls.find((c) => c.state === names.REPORT_FAILED)?.input).toMatchObject({ RestoreJobId: 'restore-job-1', ValidationStatus: 'FAILED' });
  expect(run.calls.find((c) => c.state === 'Notify failure')?.input.TopicArn).toBe(await valueOf(plan.notificationTopicArn));
});

test('restore testing given its own security groups creates none for the restored database', async () => {
  await deploy({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'], validation: VALIDATION });
  expect(engine.ofType('aws:ec2/securityGroup:SecurityGroup').map((group) => group.name)).toEqual(['shop-restore-validation-task-sg']);
  expect(named('aws:backup/restoreTestingSelection:RestoreTestingSelection', 'shop-restore-testing-selection').restoreMetadataOverrides)
    .toEqual({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' });
});

test('restore testing without validation creates no state machine, rule or task', async () => {
  await deploy({});
  expect(engine.ofType('aws:backup/restoreTestingPlan:RestoreTestingPlan')).toHaveLength(1);
  expect(engine.ofType('aws:sfn/stateMachine:StateMachine').map((machine) => machine.name).filter((name) => name.includes('restore-validation'))).toEqual([]);
  expect(engine.ofType('aws:cloudwatch/eventRule:EventRule').map((rule) => rule.name).filter((name) => name.includes('restore-validation'))).toEqual([]);
  expect(engine.ofType('aws:ecs/taskDefinition:TaskDefinition')).toEqual([]);
});

test.each([
  ['without a subnet group', { validation: VALIDATION }, 'restoreTesting.dbSubnetGroupName is undefined'],
  ['with checks longer than the validation window', { dbSubnetGroupName: 'isolated', validation: { ...VALIDATION, checksTimeoutMinutes: 90 } },
    'restoreTesting.validationWindowHours is 1; allowed: at least the checks\' 90 minutes'],
  ['without the PostgreSQL major', { dbSubnetGroupName: 'isolated', validation: { ...VALIDATION, postgresMajorVersion: undefined } },
    'restoreTesting.validation.postgresMajorVersion is undefined'],
  ['with a row bound without bounds', { dbSubnetGroupName: 'isolated', validation: { ...VALIDATION, rowCounts: [{ table: 'orders' }] } },
    'restoreTesting.validation.rowCounts[0] is {"table":"orders"}; allowed: a bound with min, max or both'],
  ['with a log retention CloudWatch Logs does not offer', { dbSubnetGroupName: 'isolated', validation: { ...VALIDATION, logRetentionDays: 4 } },
    'restoreTesting.validation.logRetentionDays is 4; allowed: one of: 1, 3, 5, 7'],
])('restore testing validation %s is refused before any resource is created, naming the option', (_case, restoreTesting, message) => {
  expect(() => new ManagedPostgresBackupPlan('bad', {
    database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance' }),
    restoreTesting: restoreTesting as RestoreTestingArgs,
  })).toThrow(message);
  expect(engine.ofType('aws:backup/restoreTestingPlan:RestoreTestingPlan')).toEqual([]);
});
