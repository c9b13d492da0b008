import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
// asl-validator is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { TEST_RUNNER_IMAGE, actionsOf, logicalIdOf, statementsOfRole } from './stacks';
import { SelfHostedPitrExampleStack } from '../../examples/self-hosted-pitr/pitr-stack';
import { SelfHostedPitrArchive, SelfHostedPitrArchiveProps } from '../../src/cdk';
import { TaskHandler, aslProblems, runDrill, taskError } from '../core/aws/state-machines/drill-harness';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/** The value of an SSM parameter of the template, with CloudFormation references written as `{Ref}`. */
function parameterText(template: Template, namePart: string): string {
  const parameter = Object.values(template.findResources('AWS::SSM::Parameter')).find((p) => JSON.stringify(p.Properties.Name).includes(namePart))!;
  const value = parameter.Properties.Value;
  if (typeof value === 'string') return value;
  return (value['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : `{${Object.keys(part as object)[0]}}`)).join('');
}

function archiveStack(props: Partial<SelfHostedPitrArchiveProps> = {}): { stack: Stack; archive: SelfHostedPitrArchive } {
  const stack = new Stack(new App(), 'Pitr', { env: ENV });
  const archive = new SelfHostedPitrArchive(stack, 'Archive', { clusterName: 'orders', postgresMajorVersion: 15, ...props });
  return { stack, archive };
}

describe('SelfHostedPitrArchive with pgBackRest, an instance role and a drill', () => {
  let template: Template;
  let roleId: string;
  let definition: any;
  let substitutions: Record<string, unknown>;

  beforeAll(() => {
    const stack = new Stack(new App(), 'Pitr', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    new SelfHostedPitrArchive(stack, 'Archive', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      pitr: { windowDays: 14, archiveTimeoutSeconds: 60, retainFull: 3 },
      createInstanceRole: true,
      drill: { vpc, image: TEST_RUNNER_IMAGE, verification: { checks: ["SELECT count(*) > 0 FROM orders WHERE placed_at > now() - interval '1 day'"] } },
    });
    template = Template.fromStack(stack);
    roleId = logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveInstanceRole');
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    definition = JSON.parse(machine.Properties.DefinitionString);
    substitutions = machine.Properties.DefinitionSubstitutions;
  });

  describe('bucket', () => {
    test('blocks public access, is versioned and KMS-encrypted, and counts requests under the WAL prefix', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
        MetricsConfigurations: [{ Id: 'wal-archive', Prefix: 'archive/orders/' }],
      });
    });

    test('its lifecycle, pgBackRest expiring its own backups, never expires a current object', () => {
      const bucket = Object.values(template.findResources('AWS::S3::Bucket')).find((b) => b.Properties.MetricsConfigurations)!;
      expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
        { Id: 'wal-archive', Status: 'Enabled', Prefix: 'archive/orders/', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        { Id: 'base-backups', Status: 'Enabled', Prefix: 'backup/orders/', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      ]);
    });

    test('denies TLS-less requests, and deleting objects to every principal but the archiving role (and the account root)', () => {
      const policy = Object.values(template.findResources('AWS::S3::BucketPolicy'))
        .find((p) => p.Properties.PolicyDocument.Statement.some((s: any) => s.Sid === 'DenyDeletingArchive'))!;
      const statements = policy.Properties.PolicyDocument.Statement;
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      const deny = statements.find((s: any) => s.Sid === 'DenyDeletingArchive');
      expect(deny).toMatchObject({ Effect: 'Deny', Action: 's3:DeleteObject*', Principal: { AWS: '*' } });
      expect(JSON.stringify(deny.Condition.ArnNotEquals['aws:PrincipalArn'])).toContain(roleId);
    });
  });

  describe('host access', () => {
    test('the instance role puts, reads and (for pgBackRest expire) deletes only under the WAL and base-backup prefixes', () => {
      const statements = statementsOfRole(template, roleId);
      const objects = statements.find((s) => actionsOf(s).includes('s3:PutObject'));
      expect(actionsOf(objects).sort()).toEqual(['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject']);
      expect(JSON.stringify(objects.Resource)).toMatch(/\/archive\/orders\/\*.*\/backup\/orders\/\*/);
      const list = statements.find((s) => actionsOf(s).includes('s3:ListBucket'));
      expect(list.Condition.StringLike['s3:prefix']).toEqual(['archive/orders', 'archive/orders/*', 'backup/orders', 'backup/orders/*']);
      expect(statements.flatMap(actionsOf)).toEqual(expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'ssm:GetParameter']));
    });

    test('an instance profile carries the role, which is managed by SSM and may run the CloudWatch agent', () => {
      template.hasResourceProperties('AWS::IAM::InstanceProfile', { Roles: [{ Ref: roleId }] });
      const role = template.findResources('AWS::IAM::Role')[roleId];
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toMatch(/AmazonSSMManagedInstanceCore.*CloudWatchAgentServerPolicy/);
    });
  });

  describe('rendered configuration', () => {
    test('the archive block in SSM archives with pgBackRest every 60 seconds at most', () => {
      const text = parameterText(template, 'postgresql.conf');
      expect(text).toContain('archive_mode = on');
      expect(text).toContain("archive_command = 'pgbackrest --stanza=orders archive-push %p'");
      expect(text).toContain('archive_timeout = 60');
      expect(text).toContain('wal_level = replica');
    });

    test('pgbackrest.conf in SSM names this bucket, its region and key, instance credentials and three fulls', () => {
      const text = parameterText(template, 'pgbackrest.conf');
      expect(text).toContain('repo1-type=s3');
      expect(text).toMatch(/repo1-s3-bucket=\{Ref\}/);
      expect(text).toContain('repo1-s3-region=eu-west-1');
      expect(text).toContain('repo1-s3-key-type=auto');
      expect(text).toMatch(/repo1-s3-kms-key-id=\{Fn::GetAtt\}/);
      expect(text).toContain('repo1-retention-full=3');
      expect(text).toContain('[orders]\npg1-path=/var/lib/postgresql/15/main');
    });
  });

  describe('scheduled base backups and archive check through State Manager', () => {
    const associations = () => Object.values(template.findResources('AWS::SSM::Association')).map((a) => a.Properties);

    test.each([
      ['orders-full-base-backup', 'cron(0 1 ? * SUN *)', 'runuser -u postgres -- pgbackrest --stanza=orders backup --type=full'],
      ['orders-diff-base-backup', 'cron(0 1 ? * MON-SAT *)', 'runuser -u postgres -- pgbackrest --stanza=orders backup --type=diff'],
    ])('%s runs %s on the tagged hosts: %s', (name, schedule, command) => {
      const association = associations().find((a) => a.AssociationName === name)!;
      expect(association).toMatchObject({
        Name: 'AWS-RunShellScript',
        ScheduleExpression: schedule,
        Targets: [{ Key: 'tag:postgres-backup:pitr-archive', Values: ['orders'] }],
        ApplyOnlyAtCronInterval: true,
      });
      expect(association.Parameters.commands).toEqual(['set -euo pipefail', command]);
    });

    test('the archive check runs every 30 minutes with a heartbeat and hands its metrics to the CloudWatch agent', () => {
      const check = associations().find((a) => a.AssociationName === 'orders-archive-check')!;
      expect(check.ScheduleExpression).toBe('rate(30 minutes)');
      expect(check.Parameters.commands[1]).toContain('pg-backup check-archive --cluster orders --stanza orders --heartbeat --metrics-namespace PostgresBackup');
      expect(check.Parameters.commands[1]).toContain('/dev/tcp/127.0.0.1/25888');
    });

    test('a failed association on a host notifies the topic', () => {
      const rule = Object.values(template.findResources('AWS::Events::Rule'))
        .find((r) => r.Properties.EventPattern?.['detail-type']?.[0] === 'EC2 State Manager Instance Association State Change')!;
      expect(rule.Properties.EventPattern.detail.status).toEqual(['Failed']);
      expect(rule.Properties.EventPattern.detail['association-id']).toHaveLength(3);
      expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toMatch(/ArchiveNotificationsTopic/);
    });
  });

  describe('alarms', () => {
    test('RPO: no PUT under the WAL prefix within 3 × archive_timeout pages, and silence counts as breaching', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/S3',
        MetricName: 'PutRequests',
        Dimensions: Match.arrayWith([{ Name: 'FilterId', Value: 'wal-archive' }]),
        Period: 180,
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^ArchiveNotificationsTopic') }],
      });
    });

    test.each([
      ['ArchiveFailing', 'GreaterThanOrEqualToThreshold', 1, 'notBreaching'],
      ['SecondsSinceLastArchivedWal', 'GreaterThanThreshold', 30 * 60 + 2 * 60 + 300, 'breaching'],
      ['NewestArchivedWalReadable', 'LessThanThreshold', 1, 'notBreaching'],
    ])('archiver health: %s %s %d, missing data %s', (metricName, comparison, threshold, missing) => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'PostgresBackup',
        MetricName: metricName,
        Dimensions: [{ Name: 'Database', Value: 'orders' }],
        ComparisonOperator: comparison,
        Threshold: threshold,
        TreatMissingData: missing,
      });
    });

    test('archiver health: growth of failed_count since the previous check', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'DIFF(failed)' })]),
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      });
    });
  });

  describe('PITR drill', () => {
    const bucketId = () => logicalIdOf(template, 'AWS::S3::Bucket', 'ArchiveBucket');
    const container = () => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];

    test('the task runs pg-backup drill-pitr with the rendered pgbackrest.conf and the checks in its environment', () => {
      expect(container().Command).toEqual(expect.arrayContaining(['drill-pitr', '--stanza', 'orders', '--aws-credentials', '--archive-wait', '240s', '--sql-env', 'PG_BACKUP_PITR_CHECK_0']));
      const environment = Object.fromEntries(container().Environment.map((e: any) => [e.Name, e.Value]));
      expect(JSON.stringify(environment.PG_BACKUP_PGBACKREST_CONF)).toContain('repo1-type=s3');
      expect(environment.PG_BACKUP_PITR_CHECK_0).toBe("SELECT count(*) > 0 FROM orders WHERE placed_at > now() - interval '1 day'");
    });

    test('the task role reads the archive and may only put its own results, under <cluster>/drills/, encrypted with the archive key', () => {
      const taskRole = logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveDrillTaskTaskRole');
      const statements = statementsOfRole(template, taskRole);
      expect(statements.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
      const put = statements.find((statement) => actionsOf(statement).includes('s3:PutObject'));
      expect(put.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(), 'Arn'] }, '/orders/drills/*']] });
    });

    test('the task records each drill beside the archive, at the root of its bucket as its repository is', () => {
      const environment = Object.fromEntries(container().Environment.map((e: any) => [e.Name, e.Value]));
      expect(environment.PG_BACKUP_DRILL_RECORD_TO).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: bucketId() }, '/']] });
    });

    test('the state machine may put only the cluster\'s results, and is given the bucket and the results folder', () => {
      const drillRole = logicalIdOf(template, 'AWS::IAM::Role', 'ArchiveDrillDrillRole');
      const puts = statementsOfRole(template, drillRole).filter((statement) => actionsOf(statement).includes('s3:PutObject'));
      expect(puts.map((statement) => statement.Resource)).toEqual([{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId(), 'Arn'] }, '/orders/drills/*']] }]);
      expect(substitutions).toMatchObject({ DrillResultsBucket: { Ref: bucketId() }, DrillResultsFolder: 'orders/drills' });
    });

    test('the state machine is the core PITR definition, valid, with every placeholder substituted, logged and traced', () => {
      expect(aslProblems(definition)).toEqual([]);
      const placeholders = [...new Set([...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]))].sort();
      expect(Object.keys(substitutions).sort()).toEqual(placeholders);
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true }, TracingConfiguration: { Enabled: true } });
      template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 6 ? * MON *)', FlexibleTimeWindow: { Mode: 'OFF' } });
    });

    describe('executed path by path in aws-local-stepfunctions', () => {
      const ok: Record<string, TaskHandler> = {
        'Run PITR drill task': () => ({ TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/pitr/1' }),
        'Find running PITR drill task': () => ({ TaskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/pitr/1'] }),
        'Stop PITR drill task': () => ({}),
        'Publish success metric': () => ({}),
        'Publish restore duration': () => ({}),
        'Publish failure metric': () => ({}),
        'Store failed drill record': () => ({ ETag: '"1"' }),
        'Notify failure': () => ({ MessageId: 'm-1' }),
      };
      /** The template's substitutions that are plain text, as Step Functions receives them. */
      const literal = () => ({ DrillResultsFolder: substitutions.DrillResultsFolder as string, DatabaseName: substitutions.DatabaseName as string });
      const run = (handlers: Record<string, TaskHandler>, input: Record<string, string> = {}) => runDrill(definition, handlers, input, literal());

      test('success: the task recovers to the execution start, then success and restore duration are published, and nothing is stored', async () => {
        const result = await run(ok);
        expect(result.error).toBeUndefined();
        expect(result.order).toEqual(['Run PITR drill task', 'Publish restore duration', 'Publish success metric']);
        const command = result.calls[0].input.Overrides.ContainerOverrides[0].Command;
        expect(command.slice(0, 3)).toEqual(['pg-backup', 'drill-pitr', '--target-time']);
        // The execution's own start time ($$.Execution.StartTime), an RFC 3339 timestamp.
        expect(command[3]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
        expect(command).toContain('--aws-credentials');
      });

      test('a requested targetTime is the recovery target', async () => {
        const result = await run(ok, { targetTime: '2026-11-29T23:59:00Z' });
        expect(result.calls[0].input.Overrides.ContainerOverrides[0].Command[3]).toBe('2026-11-29T23:59:00Z');
      });

      test.each(['States.TaskFailed', 'States.Timeout'])(
        '%s: the task is stopped, the failure published, a failed drill for the target stored under orders/drills/, notified, and the execution fails',
        async (error) => {
          const result = await run({ ...ok, 'Run PITR drill task': () => { throw taskError(error, `${error} from the mocked task`); } }, { targetTime: '2026-11-29T23:59:00Z' });
          expect(result.error?.name).toBe(error);
          expect(result.order).toEqual([
            'Run PITR drill task', 'Find running PITR drill task', 'Stop PITR drill task', 'Publish failure metric', 'Store failed drill record', 'Notify failure',
          ]);
          const put = result.calls.find((call) => call.state === 'Store failed drill record')!.input;
          expect(put.Key).toMatch(/^orders\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/);
          expect(JSON.parse(put.Body)).toMatchObject({
            kind: 'pitr', database: 'orders', succeeded: false, reason: `${error}: ${error} from the mocked task`, restored: { targetTime: '2026-11-29T23:59:00Z' },
          });
          expect(result.calls[result.calls.length - 1].input).toMatchObject({ Subject: 'orders: pitr restore drill failed' });
        },
      );

      test('a targetTime that is not a timestamp fails the drill without starting a task, stores the failure, and notifies', async () => {
        const result = await run(ok, { targetTime: 'yesterday' });
        expect(result.error?.name).toBe('RestoreDrill.InvalidTargetTime');
        expect(result.order).toEqual(['Publish failure metric', 'Store failed drill record', 'Notify failure']);
      });
    });
  });
});

describe('SelfHostedPitrArchive with other archivers', () => {
  test.each([
    ['wal-g', "archive_command = 'wal-g --config /etc/wal-g/wal-g.env wal-push %p'", 'wal-g.env'],
    ['barman-cloud', "barman-cloud-wal-archive --cloud-provider aws-s3 --gzip ''s3://{Ref}'' orders %p", undefined],
    ['archive-command', '--if-none-match', undefined],
  ] as const)('%s: the archive block uses it, and its lifecycle expires WAL no sooner than recovery allows', (archiver, command, conf) => {
    const { stack, archive } = archiveStack({ pitr: { archiver } });
    const template = Template.fromStack(stack);
    expect(parameterText(template, 'postgresql.conf')).toContain(command);
    expect(archive.archiverConfParameter === undefined).toBe(conf === undefined);
    const bucket = Object.values(template.findResources('AWS::S3::Bucket')).find((b) => b.Properties.MetricsConfigurations)!;
    const wal = bucket.Properties.LifecycleConfiguration.Rules.find((r: any) => r.Id === 'wal-archive');
    expect(wal.ExpirationInDays).toBe(archive.pitr.walRetentionDays);
    expect(archive.pitr.walRetentionDays).toBe(2 * 7 + 7);
  });

  test('archive-command: the weekly base backup is pg_basebackup -Ft -z -Xs uploaded under base/', () => {
    const { stack } = archiveStack({ pitr: { archiver: 'archive-command' } });
    const full = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Association')).find((a) => a.Properties.AssociationName === 'orders-full-base-backup')!;
    const script = JSON.stringify(full.Properties.Parameters.commands);
    expect(script).toContain('pg_basebackup -D \\"$work\\"/backup -Ft -z -Xs --checkpoint=fast');
    expect(script).toMatch(/\/base\/\$\(date -u/);
  });

  test('Object Lock with lifecycle expiry: the bucket locks objects and WAL expires after the WAL retention', () => {
    const { stack } = archiveStack({ pitr: { expireBy: 'lifecycle' }, immutability: { mode: 'compliance', days: 14 } });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 14 } } },
    });
  });

  test('recoveryConf renders the recovery settings of a target with this archive\'s restore_command', () => {
    const { archive } = archiveStack();
    const conf = archive.recoveryConf({ target: { kind: 'time', time: '2026-11-24T10:15:00Z' } });
    expect(conf.text).toContain("restore_command = 'pgbackrest --stanza=orders archive-get %f \"%p\"'");
    expect(conf.text).toContain("recovery_target_time = '2026-11-24 10:15:00+00'");
    expect(conf.files.map((file) => file.path)).toEqual(['/var/lib/postgresql/15/main/postgresql.auto.conf', '/var/lib/postgresql/15/main/recovery.signal']);
  });

  test('grantRestore gives another principal read-only access', () => {
    const { stack, archive } = archiveStack();
    const role = new iam.Role(stack, 'Restorer', { assumedBy: new iam.AccountRootPrincipal() });
    archive.grantRestore(role);
    const template = Template.fromStack(stack);
    expect(statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'Restorer')).flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 's3:GetObject', 's3:ListBucket']);
  });
});

describe('SelfHostedPitrArchive rejects input that would break recovery, with core\'s messages', () => {
  test.each<[string, Partial<SelfHostedPitrArchiveProps>, string]>([
    ['a PITR window longer than the WAL kept', { pitr: { windowDays: 30, retainFull: 6, walRetentionDays: 20 } },
      'pitr.walRetentionDays is 20; allowed: an integer of at least 72 days (retainFull × full-backup interval + windowDays)'],
    ['an archive_timeout under 30 s', { pitr: { archiveTimeoutSeconds: 10 } },
      'pitr.archiveTimeoutSeconds is 10; allowed: an integer from 30 to 3600 seconds (or set allowArchiveTimeoutOutsideRange)'],
    ['an archive_timeout over an hour', { pitr: { archiveTimeoutSeconds: 7200 } },
      'pitr.archiveTimeoutSeconds is 7200; allowed: an integer from 30 to 3600 seconds'],
    ['Object Lock with pgBackRest\'s own expire', { immutability: { mode: 'governance', days: 7 } },
      'pitr.expireBy is "archiver"; allowed: "lifecycle" when immutability is set (the archiver cannot delete objects under Object Lock'],
    ['a lifecycle rule of the user that deletes WAL recovery needs', { additionalLifecycleRules: [{ id: 'tidy', prefix: '', expirationDays: 3 }] },
      'additionalLifecycleRules[0]'],
    ['a drill with an archiver other than pgBackRest', { pitr: { archiver: 'wal-g' }, drill: { vpc: undefined as unknown as ec2.IVpc } },
      'drill is "(drill)"; allowed: undefined unless pitr.archiver is "pgbackrest"'],
  ])('%s', (_name, props, message) => {
    expect(() => archiveStack(props)).toThrow(message);
  });

  test('an archive_timeout of 10 s is accepted with an explicit override', () => {
    const { archive } = archiveStack({ pitr: { archiveTimeoutSeconds: 10, allowArchiveTimeoutOutsideRange: true } });
    expect(archive.postgresqlConf).toContain('archive_timeout = 10');
  });
});

describe('the self-hosted PITR example', () => {
  test('passes the AwsSolutions checks without acknowledging anything itself', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-pitr-'));
    try {
      const app = new App({ outdir });
      new SelfHostedPitrExampleStack(app, 'SelfHostedPitrExample', { env: ENV });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      let findings: unknown[];
      try {
        app.synth();
        const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
        findings = report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []);
      } catch (error) {
        findings = [(error as Error).message];
      }
      expect(findings).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('SelfHostedPitrArchive user data', () => {
  test('installs pgBackRest, writes the rendered files from SSM, and starts the heartbeat and the metric listener', () => {
    const { archive } = archiveStack();
    const commands = archive.userDataCommands().join('\n');
    expect(commands).toContain('apt-get install -y pgbackrest');
    expect(commands).toMatch(/aws ssm get-parameter --region eu-west-1 --name \$\{Token\[.*\]\} --query Parameter.Value --output text > \/etc\/pgbackrest\/pgbackrest.conf/);
    expect(commands).toContain('> /etc/postgresql/15/main/conf.d/50-wal-archive.conf');
    expect(commands).toContain('ExecStart=/usr/bin/psql -qAtX -c "SELECT txid_current()"');
    expect(commands).toContain('systemctl enable --now pg-backup-heartbeat.timer');
    expect(commands).toContain('{"logs":{"metrics_collected":{"emf":{}}}}');
  });
});

describe("SelfHostedPitrArchive's pgbackrest.conf names the S3 endpoint of its stack's partition", () => {
  /** The configuration's text, with each reference written as `{Ref <name>}` so the region's and the domain's differ. */
  function archiverConf(env?: { account: string; region: string }): string {
    const stack = new Stack(new App(), 'Pitr', { env });
    new SelfHostedPitrArchive(stack, 'Archive', { clusterName: 'orders', postgresMajorVersion: 15 });
    const parameter = Object.values(Template.fromStack(stack).findResources('AWS::SSM::Parameter'))
      .find((candidate) => JSON.stringify(candidate.Properties.Name).includes('pgbackrest.conf'))!;
    return (parameter.Properties.Value['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : (part as { Ref?: string }).Ref !== undefined ? `{Ref ${(part as { Ref: string }).Ref}}` : '{…}')).join('');
  }

  test.each([
    ['eu-west-1', 's3.eu-west-1.amazonaws.com'],
    ['cn-north-1', 's3.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', 's3.cn-northwest-1.amazonaws.com.cn'],
    ['us-gov-west-1', 's3.us-gov-west-1.amazonaws.com'],
    ['us-iso-east-1', 's3.us-iso-east-1.c2s.ic.gov'],
  ])('in %s: %s', (region, endpoint) => {
    expect(archiverConf({ account: '123456789012', region })).toContain(`\nrepo1-s3-endpoint=${endpoint}\nrepo1-s3-region=${region}\n`);
  });

  test('in an environment-agnostic stack: the deploy-time region and the domain of its partition', () => {
    expect(archiverConf()).toContain('\nrepo1-s3-endpoint=s3.{Ref AWS::Region}.{Ref AWS::URLSuffix}\nrepo1-s3-region={Ref AWS::Region}\n');
  });
});

describe('two SelfHostedPitrArchive of one app under one cluster name', () => {
  const HOME = { account: '123456789012', region: 'eu-west-1' };
  const refusal = (first: string, second: string) => `Invalid backup policy (1 problem):\n  - ${second}: clusterName is "main"; allowed: a cluster name no other `
    + `SelfHostedPitrArchive of the same account and region uses (${first} uses it; it names the archive's SSM parameters, State Manager `
    + 'associations, host tag and metrics, which two archives cannot share)';

  test('in one stack: the second is refused, naming the first', () => {
    const stack = new Stack(new App(), 'Pitr', { env: HOME });
    new SelfHostedPitrArchive(stack, 'Orders', { postgresMajorVersion: 16 });
    expect(() => new SelfHostedPitrArchive(stack, 'Billing', { postgresMajorVersion: 16 })).toThrow(refusal('Pitr/Orders', 'Pitr/Billing'));
  });

  test.each([
    ['of one account and region', HOME, HOME],
    ['both environment-agnostic (deployed where the CLI points, one account and region)', undefined, undefined],
  ])('in two stacks %s: the second is refused, naming the first', (_name, firstEnv, secondEnv) => {
    const app = new App();
    new SelfHostedPitrArchive(new Stack(app, 'TeamA', { env: firstEnv }), 'Archive', { postgresMajorVersion: 16 });
    const second = new Stack(app, 'TeamB', { env: secondEnv });
    expect(() => new SelfHostedPitrArchive(second, 'Archive', { postgresMajorVersion: 16 })).toThrow(refusal('TeamA/Archive', 'TeamB/Archive'));
  });

  test.each([
    ['another account', { account: '210987654321', region: 'eu-west-1' }],
    ['another region', { account: '123456789012', region: 'eu-central-1' }],
  ])('in %s, or under another cluster name, both are built', (_name, otherEnv) => {
    const app = new App();
    new SelfHostedPitrArchive(new Stack(app, 'TeamA', { env: HOME }), 'Archive', { postgresMajorVersion: 16 });
    const elsewhere = new SelfHostedPitrArchive(new Stack(app, 'TeamB', { env: otherEnv }), 'Archive', { postgresMajorVersion: 16 });
    const renamed = new SelfHostedPitrArchive(new Stack(app, 'TeamC', { env: HOME }), 'Archive', { postgresMajorVersion: 16, clusterName: 'billing' });
    expect([elsewhere.clusterName, renamed.clusterName]).toEqual(['main', 'billing']);
  });
});
