import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { ScheduledPgDump, ScheduledPgDumpProps } from '../../../src/pulumi/aws/scheduled-pg-dump';
import { parseCommandLine } from '../../../src/runner/cli-commands';
import { expectedReplicaPrunePolicy } from '../../support/replica-prune-policy';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-orders-AbCdEf';
const BASE: ScheduledPgDumpProps = {
  vpcId: 'vpc-0123',
  subnetIds: ['subnet-a', 'subnet-b'],
  database: PostgresDatabase.fromSecret({
    secretArn: SECRET_ARN, host: 'orders.cluster-x.eu-west-1.rds.amazonaws.com', securityGroupId: 'sg-db', postgresMajorVersion: 16, managed: true,
  }),
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
  databaseNames: ['orders'],
};

/** Creates the component and waits until its children are registered. */
async function deploy(props: Partial<ScheduledPgDumpProps> = {}): Promise<ScheduledPgDump> {
  const dump = new ScheduledPgDump('orders', { ...BASE, ...props });
  await Promise.all([
    valueOf(dump.urn),
    valueOf(dump.taskDefinition.arn),
    valueOf(dump.taskFailedRule.arn),
    ...dump.schedules.map((schedule) => valueOf(schedule.arn)),
    ...dump.alarms.map((alarm) => valueOf(alarm.arn)),
    ...(dump.backupBucket.bucketPolicy ? [valueOf(dump.backupBucket.bucketPolicy.id)] : []),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return dump;
}

describe('ScheduledPgDump with defaults', () => {
  test('EventBridge Scheduler runs the dump daily at 02:00 UTC with the flexible window off, retrying into a dead-letter queue', async () => {
    const dump = await deploy();
    const schedule = engine.named('aws:scheduler/schedule:Schedule', 'orders-schedule-0').inputs;
    expect(schedule).toMatchObject({
      scheduleExpression: 'cron(0 2 * * ? *)',
      scheduleExpressionTimezone: 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: await valueOf(dump.deadLetterQueue.arn) },
        ecsParameters: {
          launchType: 'FARGATE',
          networkConfiguration: { subnets: ['subnet-a', 'subnet-b'], assignPublicIp: false },
        },
      },
    });
    expect(engine.named('aws:sqs/queue:Queue', 'orders-dead-letters').inputs).toMatchObject({ sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 });
  });

  test('each scheduled run overrides the command with core\'s dump argv for its database', async () => {
    const dump = await deploy({ databaseNames: ['orders', 'billing'], dump: { includeGlobals: true, jobs: 4, format: 'directory' } });
    const bucket = await valueOf(dump.bucketName);
    const commands = [0, 1].map((index) => JSON.parse(engine.named('aws:scheduler/schedule:Schedule', `orders-schedule-${index}`).inputs.target.input).containerOverrides[0].command);
    expect(commands.map((command: string[]) => parseCommandLine(command).flags)).toEqual([
      expect.objectContaining({ 'to': [`s3://${bucket}/pg-dumps`], 'database': 'orders', 'format': 'directory', 'jobs': '4', 'globals': true, 'no-role-passwords': true }),
      expect.objectContaining({ database: 'billing' }),
    ]);
    expect(commands[0].slice(-2)).toEqual(['--database-url', 'postgres://orders.cluster-x.eu-west-1.rds.amazonaws.com:5432/postgres']);
  });

  test('the task runs the given image on Fargate with the database credentials from the secret and logs kept 90 days', async () => {
    await deploy();
    const task = engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-task').inputs;
    expect(task).toMatchObject({ cpu: '1024', memory: '2048', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] });
    const [container] = JSON.parse(task.containerDefinitions);
    expect(container).toMatchObject({ name: 'runner', image: BASE.image, stopTimeout: 30 });
    expect(container.secrets).toEqual([
      { name: 'PGUSER', valueFrom: `${SECRET_ARN}:username::` },
      { name: 'PGPASSWORD', valueFrom: `${SECRET_ARN}:password::` },
    ]);
    expect(engine.named('aws:cloudwatch/logGroup:LogGroup', 'orders-logs').inputs.retentionInDays).toBe(90);
  });

  test('a custom-format dump stages nothing, so the task keeps Fargate\'s own 20 GiB of ephemeral storage', async () => {
    await deploy({ dump: { largestTableGiB: 500 } });
    expect(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-task').inputs.ephemeralStorage).toBeUndefined();
  });

  test('a directory-format dump of a large table keeps Fargate\'s own 20 GiB: it holds only what is not uploaded yet', async () => {
    await deploy({ dump: { format: 'directory', jobs: 4, largestTableGiB: 30 } });
    expect(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'orders-task').inputs.ephemeralStorage).toBeUndefined();
  });

  test('the dump role may write and read under its prefix and use the key, and may not delete anything', async () => {
    const dump = await deploy();
    const statements = engine.roleStatements('orders-task-role');
    const bucketArn = await valueOf(dump.bucketArn);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action: string) => /Delete|PutBucket|PutObjectRetention|PutLifecycle/.test(action))).toEqual([]);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], Resource: `${bucketArn}/pg-dumps/*` },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${bucketArn}/pg-dumps/*` },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['pg-dumps/*'] } } },
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Encrypt'] }),
    ]));
    expect(statements.every((statement) => [statement.Resource].flat().every((resource: string) => resource === bucketArn || resource.startsWith(`${bucketArn}/pg-dumps/`) || resource.startsWith('arn:aws:kms:')))).toBe(true);
  });

  test('the bucket policy denies deleting objects to everyone, and plain HTTP and TLS below 1.2', async () => {
    const dump = await deploy();
    const bucketArn = await valueOf(dump.bucketArn);
    const policy = JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'orders-backups-policy').inputs.policy);
    expect(policy.Statement).toEqual([
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: [bucketArn, `${bucketArn}/*`], Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } },
      { Sid: 'DenyDeletingBackups', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteObject*', Resource: `${bucketArn}/*` },
    ]);
  });

  test('a break-glass role is the one principal the delete deny spares', async () => {
    const breakGlassRoleArn = 'arn:aws:iam::123456789012:role/break-glass';
    await deploy({ breakGlassRoleArn });
    const policy = JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'orders-backups-policy').inputs.policy);
    expect(policy.Statement[2].Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': breakGlassRoleArn } });
  });

  test('the bucket blocks public access, is versioned, KMS-encrypted with a bucket key, and logs access to a separate bucket', async () => {
    await deploy();
    expect(engine.named('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', 'orders-backups-public-access').inputs).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(engine.named('aws:s3/bucketVersioning:BucketVersioning', 'orders-backups-versioning').inputs.versioningConfiguration).toEqual({ status: 'Enabled' });
    expect(engine.named('aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', 'orders-backups-encryption').inputs.rules)
      .toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/orders-backups-key' }, bucketKeyEnabled: true }]);
    expect(engine.named('aws:s3/bucketLogging:BucketLogging', 'orders-backups-logging').inputs).toMatchObject({ targetBucket: 'orders-backups-access-logs-bucket', targetPrefix: 'backup-bucket/' });
  });

  test('the lifecycle from core keeps dumps 30 days, noncurrent versions 7, unfinished uploads 1', async () => {
    await deploy();
    expect(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'orders-backups-lifecycle').inputs.rules).toEqual([{
      id: 'pg-dumps',
      status: 'Enabled',
      filter: { prefix: 'pg-dumps/' },
      expiration: { days: 30 },
      noncurrentVersionExpiration: { noncurrentDays: 7 },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
    }]);
  });

  test('Object Lock locks each dump for its days in the mode asked', async () => {
    await deploy({ dump: { retentionDays: 35 }, objectLock: { mode: 'compliance', days: 35 } });
    expect(engine.named('aws:s3/bucket:Bucket', 'orders-backups-bucket').inputs.objectLockEnabled).toBe(true);
    expect(engine.named('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration', 'orders-backups-object-lock').inputs.rule)
      .toEqual({ defaultRetention: { mode: 'COMPLIANCE', days: 35 } });
  });

  test('the RPO alarm pages when no dump succeeded in 26 hours, missing data breaching; a failed run pages too', async () => {
    const dump = await deploy();
    const topicArn = await valueOf(dump.notificationTopicArn);
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-rpo-0').inputs).toMatchObject({
      namespace: 'PostgresBackup',
      metricName: 'BackupSucceeded',
      dimensions: { Database: 'orders' },
      statistic: 'Sum',
      period: 93600,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-failed-dump-0').inputs).toMatchObject({
      metricName: 'BackupFailed', period: 300, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
    });
  });

  test('a task that stops with a non-zero exit or fails to start notifies the topic', async () => {
    const dump = await deploy();
    const rule = engine.named('aws:cloudwatch/eventRule:EventRule', 'orders-task-failed').inputs;
    expect(JSON.parse(rule.eventPattern)).toEqual({
      'source': ['aws.ecs'],
      'detail-type': ['ECS Task State Change'],
      'detail': {
        lastStatus: ['STOPPED'],
        taskDefinitionArn: [await valueOf(dump.taskDefinition.arn)],
        $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
      },
    });
    expect(engine.named('aws:cloudwatch/eventTarget:EventTarget', 'orders-task-failed-notification').inputs.arn).toBe(await valueOf(dump.notificationTopicArn));
  });

  test('the created topic is encrypted with a key CloudWatch and EventBridge may use, and accepts only TLS', async () => {
    await deploy();
    const key = JSON.parse(engine.named('aws:kms/key:Key', 'orders-notifications-key').inputs.policy);
    expect(key.Statement.filter((s: any) => s.Principal.Service).map((s: any) => s.Principal.Service)).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
    const topicPolicy = JSON.parse(engine.named('aws:sns/topicPolicy:TopicPolicy', 'orders-notifications-topic-policy').inputs.policy);
    expect(topicPolicy.Statement[0]).toMatchObject({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('the task may reach the database: an ingress rule on its security group from the task\'s', async () => {
    const dump = await deploy();
    expect(engine.named('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', 'orders-database-ingress').inputs).toMatchObject({
      securityGroupId: 'sg-db', referencedSecurityGroupId: await valueOf(dump.securityGroup.id), fromPort: 5432, toPort: 5432, ipProtocol: 'tcp',
    });
  });
});

describe('ScheduledPgDump validation', () => {
  test.each([
    ['0 retention', { dump: { retentionDays: 0 } }, 'dump.retentionDays is 0'],
    ['jobs with custom format', { dump: { jobs: 4 } }, 'dump.jobs'],
    ['a cpu/memory pair Fargate does not offer', { cpu: 1024, memoryLimitMiB: 1024 }, 'memoryLimitMiB is 1024; allowed: 2048 to 8192 MiB in steps of 1024 with cpu 1024'],
    ['ephemeral storage over 200 GiB', { ephemeralStorageGiB: 500 }, 'ephemeralStorageGiB is 500; allowed: an integer from 21 to 200 GiB'],
    ['an invalid cron', { dump: { schedule: { expression: '61 2 * * *' } } }, 'dump.schedule'],
    ['an RPO a CloudWatch alarm cannot watch', { rpoHours: 200 }, 'rpoHours is 200; allowed: an integer from 1 to 168 hours'],
  ])('%s is rejected with core\'s message', (_case, props, message) => {
    expect(() => new ScheduledPgDump('bad', { ...BASE, ...props } as ScheduledPgDumpProps)).toThrow(PolicyValidationError);
    expect(() => new ScheduledPgDump('bad2', { ...BASE, ...props } as ScheduledPgDumpProps)).toThrow(message);
  });

  test('a server without a known major version must name one', () => {
    const database = PostgresDatabase.fromSecret({ secretArn: SECRET_ARN });
    expect(() => new ScheduledPgDump('nomajor', { ...BASE, database })).toThrow('postgresMajorVersion is undefined');
  });
});

describe('ScheduledPgDump with grandfather-father-son retention', () => {
  const RETENTION = { daily: 7, weekly: 4, monthly: 12, yearly: 2, minimumKept: 5, pruneSchedule: { expression: '30 6 * * *' } };

  async function deployWithPrune(): Promise<ScheduledPgDump> {
    const dump = await deploy({ databaseNames: ['orders', 'billing'], dump: { retention: RETENTION } });
    await Promise.all([valueOf(dump.pruneTaskDefinition!.arn), ...dump.pruneSchedules.map((schedule) => valueOf(schedule.arn))]);
    await new Promise((resolve) => setImmediate(resolve));
    return dump;
  }

  test('the dump role cannot delete; the prune role alone may, only under the dump prefix', async () => {
    const dump = await deployWithPrune();
    const bucketArn = await valueOf(dump.bucketArn);
    const actionsOf = (role: string) => engine.roleStatements(role).flatMap((statement) => [statement.Action].flat()) as string[];
    expect(actionsOf('orders-task-role').filter((action) => /Delete/.test(action))).toEqual([]);
    const pruneStatements = engine.roleStatements('orders-prune-role');
    expect(pruneStatements).toContainEqual({ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `${bucketArn}/pg-dumps/*` });
    expect(actionsOf('orders-prune-role')).not.toContain('s3:PutObject');
    const policy = JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'orders-backups-policy').inputs.policy);
    const deny = policy.Statement.find((statement: { Sid?: string }) => statement.Sid === 'DenyDeletingBackups');
    expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': await valueOf(dump.pruneRole!.arn) } });
  });

  test('with an offsite copy, the prune role alone may delete there, under the dump prefix, and the prune run prunes it too', async () => {
    const dump = await deploy({
      dump: { retention: RETENTION },
      replication: { destinationBucketArn: 'arn:aws:s3:::orders-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite' },
    });
    await Promise.all([valueOf(dump.pruneTaskDefinition!.arn), ...dump.pruneSchedules.map((schedule) => valueOf(schedule.arn))]);
    await new Promise((resolve) => setImmediate(resolve));
    const offsite = (role: string) => engine.roleStatements(role)
      .filter((statement) => JSON.stringify(statement.Resource).includes('orders-offsite') || JSON.stringify(statement.Resource).includes('eu-central-1'));
    expect(offsite('orders-prune-role')).toEqual([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::orders-offsite/pg-dumps/*'] },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::orders-offsite'], Condition: { StringLike: { 's3:prefix': ['pg-dumps/*'] } } },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: ['arn:aws:kms:eu-central-1:123456789012:key/*'],
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders-offsite' } },
      },
      { Effect: 'Allow', Action: 's3:DeleteObject', Resource: ['arn:aws:s3:::orders-offsite/pg-dumps/*'] },
    ]);
    expect(offsite('orders-task-role').flatMap((statement) => [statement.Action].flat()).filter((action) => /Delete/.test(action))).toEqual([]);
    const command: string[] = JSON.parse(engine.named('aws:scheduler/schedule:Schedule', 'orders-prune-schedule-0').inputs.target.input).containerOverrides[0].command;
    expect(command[command.indexOf('--replica') + 1]).toBe('s3://orders-offsite/pg-dumps');
  });

  test('with an offsite copy given by ARN, the statements its owner must add for the prune role are an output: exactly the role\'s own grants there', async () => {
    const dump = await deploy({
      dump: { retention: RETENTION },
      replication: { destinationBucketArn: 'arn:aws:s3:::orders-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite' },
    });
    const policy = JSON.parse(await valueOf(dump.replicaPruneDestinationPolicy!));
    const principal = { AWS: await valueOf(dump.pruneRole!.arn) };
    expect(policy).toEqual(expectedReplicaPrunePolicy(principal, 'orders-offsite', 'pg-dumps'));
    await new Promise((resolve) => setImmediate(resolve));
    const granted = engine.roleStatements('orders-prune-role')
      .filter((statement) => /orders-offsite|eu-central-1/.test(JSON.stringify(statement.Resource))).flatMap((statement) => [statement.Action].flat()).sort();
    const named = [...policy.bucketPolicyStatements, ...policy.keyPolicyStatements].flatMap((statement: { Action: string[] }) => statement.Action);
    expect(named.sort()).toEqual(granted);
  });

  test('without an offsite copy, or with one kept by age only, there is no destination policy to add', async () => {
    expect((await deploy({ dump: { retention: RETENTION } })).replicaPruneDestinationPolicy).toBeUndefined();
    const kept = await deploy({
      dump: { retentionDays: 45 },
      replication: { destinationBucketArn: 'arn:aws:s3:::orders-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite' },
    });
    expect(kept.replicaPruneDestinationPolicy).toBeUndefined();
  });

  test('a prune runs per database on its own schedule with every count and the RPO spelled out', async () => {
    const dump = await deployWithPrune();
    const bucket = await valueOf(dump.bucketName);
    const schedule = engine.named('aws:scheduler/schedule:Schedule', 'orders-prune-schedule-1').inputs;
    expect(schedule).toMatchObject({ scheduleExpression: 'cron(30 6 * * ? *)', scheduleExpressionTimezone: 'UTC' });
    expect(JSON.parse(schedule.target.input).containerOverrides[0].command).toEqual(['prune', '--from', `s3://${bucket}/pg-dumps`, '--database', 'billing',
      '--rpo', '26h', '--daily', '7', '--weekly', '4', '--monthly', '12', '--yearly', '2', '--minimum-kept', '5', '--metrics-namespace', 'PostgresBackup']);
  });
});
