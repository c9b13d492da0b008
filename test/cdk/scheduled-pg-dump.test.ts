import * as fs from 'node:fs';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { TEST_RUNNER_IMAGE, actionsOf, databaseStack, logicalIdOf, minimalDumpProps, statementsOfRole } from './stacks';
import { PostgresDatabase, ScheduledPgDump, ScheduledPgDumpProps } from '../../src/cdk';
import { expectedReplicaPrunePolicy } from '../support/replica-prune-policy';

/** Resolves `{ Fn::Join: ['', [...]] }` with refs shown as `<LogicalId>`, to compare ARNs and commands as text. */
function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.Ref) return `<${value.Ref}>`;
  if (value?.['Fn::GetAtt']) return `<${value['Fn::GetAtt'][0]}.${value['Fn::GetAtt'][1]}>`;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  return JSON.stringify(value);
}

describe('ScheduledPgDump with defaults, on an RDS instance', () => {
  let template: Template;
  let dump: ScheduledPgDump;
  let readerRoleId: string;

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStack();
    dump = new ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    dump.grantRead(reader);
    template = Template.fromStack(stack);
    readerRoleId = logicalIdOf(template, 'AWS::IAM::Role', 'Reader');
  });

  describe('schedule', () => {
    test('EventBridge Scheduler runs the dump daily at 02:00 UTC with the flexible window off', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 2 * * ? *)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    });

    test('a run that cannot start is retried, then sent to an encrypted, TLS-only dead-letter queue', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: {
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpDeadLetterQueue'), 'Arn'] } },
        },
      });
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    test('the task runs on Fargate in the private subnets without a public IP', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: {
          EcsParameters: {
            LaunchType: 'FARGATE',
            NetworkConfiguration: {
              AwsvpcConfiguration: {
                AssignPublicIp: 'DISABLED',
                Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
              },
            },
          },
        },
      });
    });

    test('the schedule runs pg-backup dump of its database into the prefix of the bucket', () => {
      const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0];
      const input = JSON.parse(flatten(schedule.Properties.Target.Input).replace(/<[^>]+>/, 'BUCKET'));
      expect(input.containerOverrides[0]).toEqual({
        name: 'runner',
        // The default compression is written out (zstd:1), so the task does what the policy says whatever the runner's own default.
        command: ['dump', '--to', 's3://BUCKET/pg-dumps', '--database', 'orders', '--format', 'custom', '--compress', 'zstd:1', '--row-counts', 'exact',
          '--lock-wait-timeout', '300s', '--metrics-namespace', 'PostgresBackup'],
      });
    });
  });

  describe('task definition', () => {
    test('is a Fargate task of 1 vCPU and 2 GiB whose runner reads the database secret as a container secret', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        RequiresCompatibilities: ['FARGATE'],
        Cpu: '1024',
        Memory: '2048',
        ContainerDefinitions: [Match.objectLike({
          Name: 'runner',
          Image: 'example.com/pg-backup:16',
          Secrets: [{ Name: 'PG_BACKUP_DATABASE_SECRET', ValueFrom: { Ref: Match.stringLikeRegexp('^DbSecretAttachment') } }],
          LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'dump' }) },
        })],
      });
    });

    test('its logs go to a log group with a retention', () => {
      template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    });

    test('the task may reach the database port: an ingress rule on the database security group', () => {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DbSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpTaskSecurityGroup'), 'GroupId'] },
        IpProtocol: 'tcp',
      });
    });
  });

  describe('least privilege', () => {
    const taskStatements = () => statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'DumpTaskTaskRole'));

    test('the task role may put objects and abort its uploads only under its own prefix', () => {
      const put = taskStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:Put') || a.startsWith('s3:Abort')));
      expect(put).toHaveLength(1);
      expect(actionsOf(put[0]).sort()).toEqual(['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject', 's3:PutObjectTagging']);
      expect(flatten(put[0].Resource)).toMatch(/^<DumpBackupsBucket[0-9A-F]+\.Arn>\/pg-dumps\/\*$/);
    });

    test('the task role has no delete permission of any kind', () => {
      const actions = taskStatements().flatMap(actionsOf);
      expect(actions.filter((a) => /^s3:(Delete|\*)|^s3:.*Retention|^s3:.*LegalHold/.test(a))).toEqual([]);
    });

    test('the task role reads nothing outside its own prefix', () => {
      const reads = taskStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('s3:Get') || a.startsWith('s3:List')));
      for (const statement of reads) {
        const resource = flatten(statement.Resource);
        if (actionsOf(statement).includes('s3:ListBucket')) {
          expect(statement.Condition).toEqual({ StringLike: { 's3:prefix': ['pg-dumps/*'] } });
        } else {
          expect(resource).toMatch(/\/pg-dumps\/\*$/);
        }
      }
      expect(reads.length).toBeGreaterThan(0);
    });

    test('the task role uses only the backup key, and only to encrypt and decrypt', () => {
      const kms = taskStatements().filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
      expect(kms.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']);
      kms.forEach((s) => expect(flatten(s.Resource)).toMatch(/^<DumpBackupsKey[0-9A-F]+\.Arn>$/));
    });

    test('the task role cannot read any secret; only the execution role reads the one database secret to start the task', () => {
      expect(taskStatements().flatMap(actionsOf).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
      const execution = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'DumpTaskExecutionRole'));
      const secretReads = execution.filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'));
      expect(secretReads).toHaveLength(1);
      expect(flatten(secretReads[0].Resource)).toMatch(/^<DbSecretAttachment[0-9A-F]+>$/);
    });

    test('grantRead gives read access to the prefix only: get, prefix-scoped list and decrypt, nothing to write', () => {
      const actions = statementsOfRole(template, readerRoleId).flatMap(actionsOf).sort();
      expect(actions).toEqual(['kms:Decrypt', 's3:GetObject', 's3:ListBucket']);
    });
  });

  describe('bucket', () => {
    test('blocks public access, encrypts with the KMS key and keeps versions', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpBackupsKey'), 'Arn'] } },
            BucketKeyEnabled: true,
          }],
        },
        VersioningConfiguration: { Status: 'Enabled' },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: 'Encrypts PostgreSQL backups' });
    });

    test('keeps dumps 30 days and aborts unfinished uploads after a day, by the core lifecycle rule', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [{
            Id: 'pg-dumps',
            Status: 'Enabled',
            Prefix: 'pg-dumps/',
            ExpirationInDays: 30,
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }],
        },
      });
    });

    test('accepts only TLS and denies deleting objects to every principal', () => {
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
        .find((p) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'DenyDeletingBackups'))!;
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const deny = statements.find((s: any) => s.Sid === 'DenyDeletingBackups');
      expect(deny).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:DeleteObject*' });
      expect(deny.Condition).toBeUndefined();
    });

    test('writes its server access logs into a separate bucket', () => {
      const buckets = template.findResources('AWS::S3::Bucket');
      const backup = Object.values(buckets).find((b) => b.Properties.LoggingConfiguration)!;
      const target = backup.Properties.LoggingConfiguration.DestinationBucketName.Ref;
      expect(Object.keys(buckets)).toContain(target);
      expect(target).toMatch(/^DumpBackupsAccessLogs/);
    });
  });

  describe('alarms and notifications', () => {
    test('a missing successful dump within the RPO (26 h for daily dumps) alarms, and missing data counts as breaching', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'BackupSucceeded',
        Namespace: 'PostgresBackup',
        Dimensions: [{ Name: 'Database', Value: 'orders' }],
        Statistic: 'Sum',
        Period: 26 * 3600,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^DumpNotificationsTopic') }],
      });
    });

    test('a failed run alarms', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'BackupFailed',
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^DumpNotificationsTopic') }],
      });
    });

    test('a dump task that stops with a non-zero exit code or fails to start notifies the topic', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.ecs'],
          'detail-type': ['ECS Task State Change'],
          'detail': {
            lastStatus: ['STOPPED'],
            taskDefinitionArn: [{ Ref: Match.stringLikeRegexp('^DumpTask') }],
            $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
          },
        },
        Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^DumpNotificationsTopic') } })],
      });
    });

    test('the created topic is encrypted with a key CloudWatch and EventBridge may use', () => {
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DumpNotificationsKey'), 'Arn'] } });
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
            Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } }),
          ]),
        },
      });
    });

    test('metric helpers name the runner metrics of the database', () => {
      expect(dump.metricFailures().metricName).toBe('BackupFailed');
      expect(dump.metricBytes().metricName).toBe('BackupBytes');
      expect(dump.metricBytes().dimensions).toEqual({ Database: 'orders' });
      expect(dump.metricBackupAge().usingMetrics.ok).toMatchObject({ metricName: 'BackupSucceeded', namespace: 'PostgresBackup' });
    });
  });
});

describe('ScheduledPgDump with every option', () => {
  let template: Template;

  beforeAll(() => {
    const { stack, vpc } = databaseStack();
    const databaseSecurityGroup = new ec2.SecurityGroup(stack, 'SelfHostedSg', { vpc });
    const secret = new secretsmanager.Secret(stack, 'SelfHostedSecret');
    const breakGlass = new iam.Role(stack, 'BreakGlass', { assumedBy: new iam.AccountRootPrincipal() });
    new ScheduledPgDump(stack, 'Dump', {
      vpc,
      database: PostgresDatabase.fromSecret({ secret, connections: databaseSecurityGroup, host: 'db.internal', port: 5433 }),
      postgresMajorVersion: 15,
      databaseNames: ['orders', 'billing'],
      dump: {
        schedule: { expression: '30 1 * * 1-5', timezone: 'Europe/Berlin' },
        format: 'directory',
        jobs: 4,
        compression: 'zstd:3',
        tables: ['public.orders'],
        noOwner: true,
        noAcl: true,
        includeGlobals: true,
        retentionDays: 35,
      },
      rpoHours: 80,
      prefix: 'nightly/shop',
      objectLock: { mode: 'compliance', days: 14 },
      breakGlassRole: breakGlass,
      cpu: 2048,
      memoryLimitMiB: 8192,
      ephemeralStorageGiB: 100,
      image: TEST_RUNNER_IMAGE,
    });
    template = Template.fromStack(stack);
  });

  test('the schedule is rendered for EventBridge with the time zone, one schedule per database', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.map((s) => s.Properties.ScheduleExpression)).toEqual(['cron(30 1 ? * MON-FRI *)', 'cron(30 1 ? * MON-FRI *)']);
    expect(schedules.map((s) => s.Properties.ScheduleExpressionTimezone)).toEqual(['Europe/Berlin', 'Europe/Berlin']);
    expect(schedules.map((s) => JSON.parse(flatten(s.Properties.Target.Input).replace(/<[^>]+>/, 'B')).containerOverrides[0].command[4]))
      .toEqual(['orders', 'billing']);
  });

  test('the dump options of the policy become runner flags, with the host given by URL', () => {
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))[0];
    const command = JSON.parse(flatten(schedule.Properties.Target.Input).replace(/<[^>]+>/, 'B')).containerOverrides[0].command;
    expect(command).toEqual(['dump', '--to', 's3://B/nightly/shop', '--database', 'orders', '--format', 'directory', '--jobs', '4',
      '--compress', 'zstd:3', '--table', 'public.orders', '--no-owner', '--no-acl', '--globals', '--row-counts', 'exact',
      '--lock-wait-timeout', '300s', '--metrics-namespace', 'PostgresBackup', '--database-url', 'postgres://db.internal:5433/postgres']);
  });

  test('a server given by a credentials-only secret gets PGUSER and PGPASSWORD from it, and an ingress on its port', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Secrets: [
          { Name: 'PGUSER', ValueFrom: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^SelfHostedSecret') }, ':username::']] } },
          { Name: 'PGPASSWORD', ValueFrom: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('^SelfHostedSecret') }, ':password::']] } },
        ],
      })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5433, ToPort: 5433 });
  });

  test('cpu, memory and ephemeral storage are those given', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '2048', Memory: '8192', EphemeralStorage: { SizeInGiB: 100 } });
  });

  test('Object Lock locks every dump in compliance mode, and the lifecycle keeps them as long as retentionDays', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 14 } } },
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'nightly/shop/', ExpirationInDays: 35 })] },
    });
  });

  test('the Object Lock bucket logs into a separate bucket without Object Lock', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    const locked = Object.values(buckets).find((b) => b.Properties.ObjectLockEnabled)!;
    const logs = buckets[locked.Properties.LoggingConfiguration.DestinationBucketName.Ref];
    expect(logs.Properties.ObjectLockEnabled).toBeUndefined();
    expect(logs.Properties.LoggingConfiguration).toBeUndefined();
  });

  test('only the break-glass role escapes the delete deny', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DenyDeletingBackups',
          Effect: 'Deny',
          Action: 's3:DeleteObject*',
          Condition: { ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^BreakGlass'), 'Arn'] } } },
        })]),
      },
    });
  });

  test('the RPO alarm of each database uses the given RPO', () => {
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'BackupSucceeded', Period: 80 * 3600, TreatMissingData: 'breaching' }, 2);
  });
});

describe('ScheduledPgDump of a managed server given by its secret', () => {
  test.each([
    [true, ['--globals', '--no-role-passwords']],
    [false, ['--globals']],
  ])('with managed %s, the globals are dumped with %j, as in Pulumi', (managed, flags) => {
    const { stack, vpc } = databaseStack();
    const secret = new secretsmanager.Secret(stack, 'AuroraSecret');
    const connections = new ec2.SecurityGroup(stack, 'AuroraSg', { vpc });
    new ScheduledPgDump(stack, 'Dump', {
      vpc,
      database: PostgresDatabase.fromSecret({ secret, connections, postgresMajorVersion: 16, managed }),
      databaseNames: ['orders'],
      dump: { includeGlobals: true },
      image: TEST_RUNNER_IMAGE,
    });
    const schedule = Object.values(Template.fromStack(stack).findResources('AWS::Scheduler::Schedule'))[0];
    const command: string[] = JSON.parse(flatten(schedule.Properties.Target.Input).replace(/<[^>]+>/, 'B')).containerOverrides[0].command;
    expect(command.filter((arg) => arg === '--globals' || arg === '--no-role-passwords')).toEqual(flags);
  });
});

describe('ScheduledPgDump image', () => {
  test('by default the runner image is built from the package Dockerfile with the server major as PG_MAJOR', () => {
    const { stack, vpc, instance } = databaseStack();
    new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), image: undefined });
    const assembly = Stack.of(stack).node.root as any;
    const cloudAssembly = assembly.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(cloudAssembly.directory, 'Backups.assets.json'), 'utf8'));
    const images = Object.values(manifest.dockerImages) as any[];
    expect(images).toHaveLength(1);
    expect(images[0].source).toMatchObject({ dockerFile: 'runner-image/Dockerfile', dockerBuildArgs: { PG_MAJOR: '16' }, platform: 'linux/amd64' });
    const context = path.join(cloudAssembly.directory, images[0].source.directory);
    expect(fs.readdirSync(context).sort()).toEqual(expect.arrayContaining(['package.json', 'runner-image']));
    expect(fs.existsSync(path.join(context, 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(context, 'src'))).toBe(false);
  });
});

describe('ScheduledPgDump sizes its scratch disk from the directory-dump bound', () => {
  const taskStorage = (dump: ScheduledPgDumpProps['dump']) => {
    const { stack, vpc, instance } = databaseStack();
    new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), dump });
    const [task] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
    return task.Properties.EphemeralStorage;
  };

  test('a custom-format dump stages nothing, so the task keeps Fargate\'s own 20 GiB', () => {
    expect(taskStorage({ largestTableGiB: 500 })).toBeUndefined();
  });

  test('a directory-format dump of a large table keeps Fargate\'s own 20 GiB: it holds only what is not uploaded yet', () => {
    expect(taskStorage({ format: 'directory', jobs: 4, largestTableGiB: 30 })).toBeUndefined();
  });
});

describe('ScheduledPgDump rejects bad props at synth with the core messages', () => {
  const cases: Array<{ name: string; props: Partial<ScheduledPgDumpProps>; message: RegExp }> = [
    { name: 'a retention of 0 days', props: { dump: { retentionDays: 0 } }, message: /dump\.retentionDays is 0; allowed: an integer from 1 to 36500 days/ },
    { name: 'parallel jobs with the custom format', props: { dump: { jobs: 4 } }, message: /dump\.jobs is 4; allowed: 1 when format is "custom"/ },
    { name: 'an invalid cron expression', props: { dump: { schedule: { expression: '0 25 * * *' } } }, message: /dump\.schedule\.expression is "0 25 \* \* \*"/ },
    { name: 'a CPU value Fargate does not offer', props: { cpu: 300 }, message: /cpu is 300; allowed: one of: 256, 512, 1024, 2048, 4096, 8192, 16384/ },
    { name: 'memory Fargate does not offer with that CPU', props: { cpu: 256, memoryLimitMiB: 4096 }, message: /memoryLimitMiB is 4096; allowed: 512, 1024 or 2048 MiB with cpu 256/ },
    { name: 'memory off the step', props: { cpu: 8192, memoryLimitMiB: 17408 }, message: /memoryLimitMiB is 17408; allowed: 16384 to 61440 MiB in steps of 4096 with cpu 8192/ },
    { name: 'ephemeral storage under 21 GiB', props: { ephemeralStorageGiB: 20 }, message: /ephemeralStorageGiB is 20; allowed: an integer from 21 to 200 GiB/ },
    { name: 'ephemeral storage over 200 GiB', props: { ephemeralStorageGiB: 201 }, message: /ephemeralStorageGiB is 201; allowed: an integer from 21 to 200 GiB/ },
    { name: 'an RPO a CloudWatch alarm cannot watch', props: { rpoHours: 200 }, message: /rpoHours is 200; allowed: an integer from 1 to 168 hours/ },
    { name: 'an Object Lock longer than the retention', props: { objectLock: { days: 60 } }, message: /objectLock\.days is 60; allowed: an integer from 1 to 30 days \(dump\.retentionDays \(default\)\)/ },
  ];
  test.each(cases)('$name', ({ props, message }) => {
    const { stack, vpc, instance } = databaseStack();
    expect(() => new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), ...props })).toThrow(message);
  });

  test('several problems are reported in one error', () => {
    const { stack, vpc, instance } = databaseStack();
    expect(() => new ScheduledPgDump(stack, 'Dump', { ...minimalDumpProps(vpc, instance), dump: { retentionDays: 0 }, cpu: 300, ephemeralStorageGiB: 500 }))
      .toThrow(/3 problems[\s\S]*retentionDays[\s\S]*ephemeralStorageGiB[\s\S]*cpu/);
  });
});

describe('ScheduledPgDump with grandfather-father-son retention', () => {
  let template: Template;
  let dump: ScheduledPgDump;

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStack();
    dump = new ScheduledPgDump(stack, 'Dump', {
      ...minimalDumpProps(vpc, instance),
      databaseNames: ['orders', 'billing'],
      dump: { retention: { daily: 7, weekly: 4, monthly: 12, yearly: 2, minimumKept: 5, pruneSchedule: { expression: '30 6 * * *' } } },
    });
    template = Template.fromStack(stack);
  });

  const roleIdOf = (taskDefinitionPrefix: string) => {
    const [taskDefinition] = Object.entries(template.findResources('AWS::ECS::TaskDefinition')).filter(([id]) => id.startsWith(taskDefinitionPrefix));
    return taskDefinition[1].Properties.TaskRoleArn['Fn::GetAtt'][0] as string;
  };
  const deletes = (statement: any) => actionsOf(statement).some((action) => /^s3:(DeleteObject|\*)/.test(action));

  test('the dump task role cannot delete: no statement of it allows a delete', () => {
    const statements = statementsOfRole(template, roleIdOf('DumpTask'));
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.filter(deletes)).toEqual([]);
    expect(statements.flatMap(actionsOf)).toContain('s3:PutObjectTagging');
  });

  test('the prune task role alone may delete, and only the objects under the dump prefix', () => {
    const statements = statementsOfRole(template, roleIdOf('DumpPruneTask'));
    const deleting = statements.filter(deletes);
    expect(deleting).toHaveLength(1);
    expect(actionsOf(deleting[0])).toEqual(expect.arrayContaining(['s3:DeleteObject']));
    expect(flatten(deleting[0].Resource)).toMatch(/^<DumpBackupsBucket\w+\.Arn>\/pg-dumps\/\*$/);
    expect(statements.flatMap(actionsOf)).not.toContain('s3:PutObject');
  });

  test('the bucket policy denies deleting to every principal but the prune role', () => {
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
      .find((p) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'DenyDeletingBackups'))!;
    const deny = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'DenyDeletingBackups');
    expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [roleIdOf('DumpPruneTask'), 'Arn'] } } });
  });

  test('a prune runs per database on its own schedule with every count and the RPO spelled out', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .filter((schedule) => schedule.Properties.ScheduleExpression === 'cron(30 6 * * ? *)');
    expect(schedules).toHaveLength(2);
    const commands = schedules.map((schedule) => JSON.parse(flatten(schedule.Properties.Target.Input)).containerOverrides[0].command);
    expect(commands[1]).toEqual(['prune', '--from', expect.stringMatching(/^s3:\/\/<DumpBackupsBucket\w+>\/pg-dumps$/), '--database', 'billing',
      '--rpo', '26h', '--daily', '7', '--weekly', '4', '--monthly', '12', '--yearly', '2', '--minimum-kept', '5', '--metrics-namespace', 'PostgresBackup']);
    expect(dump.pruneSchedules).toHaveLength(2);
  });

  test('a failed or halted prune alarms per database', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'PruneFailed', Dimensions: [{ Name: 'Database', Value: 'billing' }], Threshold: 1 });
  });

  test('the bucket lifecycle only expires dumps as a safety net at twice the longest class', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'pg-dumps/', ExpirationInDays: 1464, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })]) },
    });
  });
});

describe('ScheduledPgDump with grandfather-father-son retention and an offsite copy', () => {
  const OFFSITE = {
    destinationBucketArn: 'arn:aws:s3:::orders-offsite',
    replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite',
  };
  let template: Template;

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStack();
    new ScheduledPgDump(stack, 'Dump', {
      ...minimalDumpProps(vpc, instance),
      dump: { retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 } },
      replication: OFFSITE,
    });
    template = Template.fromStack(stack);
  });

  const roleIds = () => Object.keys(template.findResources('AWS::IAM::Role'));
  const pruneRoleId = () => {
    const [taskDefinition] = Object.entries(template.findResources('AWS::ECS::TaskDefinition')).filter(([id]) => id.startsWith('DumpPruneTask'));
    return taskDefinition[1].Properties.TaskRoleArn['Fn::GetAtt'][0] as string;
  };
  const deletesIn = (statement: any, bucket: string) => actionsOf(statement).some((action) => /^s3:(Delete|\*)/.test(action))
    && flatten(statement.Resource).includes(bucket);

  test('the prune role alone may delete in the offsite bucket, under the dump prefix, and read and decrypt what it prunes there', () => {
    for (const role of roleIds().filter((id) => id !== pruneRoleId())) {
      expect(statementsOfRole(template, role).filter((statement) => deletesIn(statement, 'orders-offsite'))).toEqual([]);
    }
    const statements = statementsOfRole(template, pruneRoleId());
    const offsite = statements.filter((statement) => flatten(statement.Resource).includes('orders-offsite')
      || flatten(statement.Resource).includes('eu-central-1'));
    expect(offsite.map((statement) => `${actionsOf(statement).join(',')} on ${flatten(statement.Resource)}`)).toEqual([
      's3:GetObject on arn:aws:s3:::orders-offsite/pg-dumps/*',
      's3:ListBucket on arn:aws:s3:::orders-offsite',
      'kms:Decrypt on arn:aws:kms:eu-central-1:123456789012:key/*',
      's3:DeleteObject on arn:aws:s3:::orders-offsite/pg-dumps/*',
    ]);
    expect(offsite[1].Condition).toEqual({ StringLike: { 's3:prefix': ['pg-dumps/*'] } });
    expect(offsite[2].Condition).toEqual({ 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/orders-offsite' } });
  });

  test('the prune run prunes the offsite copy too, with the same retention', () => {
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .filter((resource) => flatten(resource.Properties.Target.Input).includes('"prune"'));
    const command: string[] = JSON.parse(flatten(schedule.Properties.Target.Input)).containerOverrides[0].command;
    expect(command.slice(0, 2)).toEqual(['prune', '--from']);
    expect(command[command.indexOf('--replica') + 1]).toBe('s3://orders-offsite/pg-dumps');
  });

  test('the statements the destination\'s owner must add for the prune role are a stack output: exactly the role\'s own grants there', () => {
    const outputs = Object.entries(template.findOutputs('*')).filter(([id]) => id.startsWith('DumpReplicaPruneDestinationPolicy'));
    expect(outputs).toHaveLength(1);
    const [, output] = outputs[0];
    expect(output.Description).toMatch(/offsite bucket.*replica key.*s3:\/\/orders-offsite\/pg-dumps$/);
    const policy = JSON.parse(flatten(output.Value));
    const principal = { AWS: `<${pruneRoleId()}.Arn>` };
    expect(policy).toEqual(expectedReplicaPrunePolicy(principal, 'orders-offsite', 'pg-dumps'));
    // Every action the role itself is granted on the offsite bucket and key, and nothing more.
    const granted = statementsOfRole(template, pruneRoleId())
      .filter((statement) => /orders-offsite|eu-central-1/.test(flatten(statement.Resource))).flatMap(actionsOf).sort();
    expect([...policy.bucketPolicyStatements, ...policy.keyPolicyStatements].flatMap((statement: any) => statement.Action).sort()).toEqual(granted);
  });
});

describe('ScheduledPgDump without a prune of its offsite copy', () => {
  test.each([
    ['an offsite copy kept by age (retentionDays): nothing prunes it', { dump: { retentionDays: 45 } }],
    ['retention without an offsite copy', { dump: { retention: { daily: 7, minimumKept: 3 } }, replication: undefined }],
  ])('%s: no destination policy output', (_, props) => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', {
      ...minimalDumpProps(vpc, instance),
      replication: { destinationBucketArn: 'arn:aws:s3:::orders-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/orders-offsite' },
      ...props,
    } as ScheduledPgDumpProps);
    expect(dump.replicaPruneDestinationPolicy).toBeUndefined();
    expect(Object.keys(Template.fromStack(stack).findOutputs('*')).filter((id) => id.includes('ReplicaPruneDestinationPolicy'))).toEqual([]);
  });
});
