// asl-validator is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as rds from 'aws-cdk-lib/aws-rds';
import { actionsOf, databaseStack, logicalIdOf, minimalDumpProps, statementsOfRole, TEST_RUNNER_IMAGE, vpcWithDatabaseSubnets } from './stacks';
import { BackupDashboard, ScheduledPgDump, VerifyRestore, VerifyRestoreProps } from '../../src/cdk';
import { STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS } from '../../src/core/aws/iam-action-groups';
import { aslProblems, runDrill } from '../core/aws/state-machines/drill-harness';

/** Sample values for the deploy-time substitutions, recognisable in the task requests. */
const SAMPLE_VALUES: Record<string, string> = {
  DatabaseName: 'orders',
  NotificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:backup-alerts',
  ClusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/backups',
  TaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/verify:1',
  ContainerName: 'runner',
  Subnets: 'subnet-aaa,subnet-bbb',
  SecurityGroups: 'sg-111',
  DumpLocation: 's3://backups-bucket/pg-dumps',
  TargetUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
  DrillResultsBucket: 'backups-bucket',
  DrillResultsFolder: 'pg-dumps/orders/drills',
};

interface LocalRun {
  readonly order: string[];
  readonly calls: Array<{ state: string; input: any }>;
  readonly error?: string;
}

function failWith(name: string): () => never {
  return () => {
    const error = new Error(`${name} from the mocked task`);
    error.name = name;
    throw error;
  };
}

describe('VerifyRestore of a ScheduledPgDump', () => {
  let template: Template;
  let definition: any;
  let substitutions: Record<string, unknown>;

  /** Executes the synthesized definition locally, with deploy-time values replaced by samples and every task mocked. */
  async function runLocally(handlers: Record<string, (input: any) => unknown>): Promise<LocalRun> {
    const run = await runDrill(definition, handlers, {}, SAMPLE_VALUES);
    return { order: [...run.order], calls: [...run.calls], ...(run.error ? { error: run.error.name } : {}) };
  }

  const succeeding: Record<string, (input: any) => unknown> = {
    'Run verify task': () => ({ TaskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/backups/1', LastStatus: 'STOPPED' }),
    'Find running verify task': () => ({ TaskArns: ['arn:aws:ecs:eu-west-1:123456789012:task/backups/1'] }),
    'Stop verify task': () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    'Store failed drill record': () => ({ ETag: '"1"' }),
    'Notify failure': () => ({ MessageId: 'm-1' }),
  };

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
    const drill = new VerifyRestore(stack, 'Verify', {
      vpc,
      source: dump,
      image: TEST_RUNNER_IMAGE,
      verification: { checks: ["SELECT count(*) > 0 FROM orders WHERE created_at > now() - interval '2 days'"], maxRestoreDurationMinutes: 45 },
      ephemeralStorageGiB: 80,
    });
    new BackupDashboard(stack, 'Dashboard', { dump, drills: [drill] });
    template = Template.fromStack(stack);
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    definition = JSON.parse(machine.Properties.DefinitionString);
    substitutions = machine.Properties.DefinitionSubstitutions;
  });

  describe('task', () => {
    const containers = () => Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .find((t) => t.Properties.ContainerDefinitions.some((c: any) => c.Name === 'scratch-postgres'))!.Properties.ContainerDefinitions;

    test('a scratch PostgreSQL of the dump\'s major listens on the task loopback only and has a health check', () => {
      const server = containers().find((c: any) => c.Name === 'scratch-postgres');
      expect(server.Image).toBe('public.ecr.aws/docker/library/postgres:16');
      expect(server.Command).toEqual(['postgres', '-c', 'listen_addresses=127.0.0.1']);
      expect(server.PortMappings).toBeUndefined();
      expect(server.HealthCheck.Command).toEqual(['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres']);
    });

    test('the runner waits for the scratch server to be healthy and for the checks to be written, then runs pg-backup verify', () => {
      const runner = containers().find((c: any) => c.Name === 'runner');
      expect(runner.DependsOn).toEqual(expect.arrayContaining([
        { ContainerName: 'scratch-postgres', Condition: 'HEALTHY' },
        { ContainerName: 'write-checks', Condition: 'SUCCESS' },
      ]));
      expect(runner.Command.slice(0, 2)).toEqual(['pg-backup', 'verify']);
      expect(runner.MountPoints).toEqual([{ ContainerPath: '/checks', SourceVolume: 'checks', ReadOnly: true }]);
    });

    test('the runner and the scratch server share a generated password as a container secret, never in plain text', () => {
      const [server, runner] = ['scratch-postgres', 'runner'].map((name) => containers().find((c: any) => c.Name === name));
      expect(server.Secrets[0].Name).toBe('POSTGRES_PASSWORD');
      expect(runner.Secrets[0].Name).toBe('PGPASSWORD');
      expect(runner.Secrets[0].ValueFrom).toEqual(server.Secrets[0].ValueFrom);
      expect(JSON.stringify(containers())).not.toMatch(/POSTGRES_HOST_AUTH_METHOD/);
    });

    test('ephemeral storage is sized by the prop', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', { EphemeralStorage: { SizeInGiB: 80 }, Cpu: '2048', Memory: '8192' });
    });

    test('the drill task role may read the dumps and write only its result beside them: no other write, no delete', () => {
      const taskRoles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('VerifyTaskTaskRole'));
      const statements = statementsOfRole(template, taskRoles[0]);
      expect(statements.flatMap(actionsOf).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
      const puts = statements.filter((statement: any) => actionsOf(statement).includes('s3:PutObject'));
      expect(puts).toHaveLength(1);
      expect(JSON.stringify(puts[0].Resource)).toMatch(/"\/pg-dumps\/\*\/drills\/\*"/);
    });
  });

  describe('state machine', () => {
    test('is the core definition, valid by asl-validator, with every placeholder substituted at deploy time', () => {
      expect(aslProblems(definition)).toEqual([]);
      const placeholders = [...new Set([...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]))].sort();
      expect(Object.keys(substitutions).sort()).toEqual(placeholders);
      expect(substitutions.NotificationTopicArn).toEqual({ Ref: expect.stringMatching(/^DumpNotificationsTopic/) });
    });

    test('logs every event with execution data and traces with X-Ray', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
        TracingConfiguration: { Enabled: true },
      });
    });

    test('every Task state has a timeout, and the verify task\'s is the RTO plus the start-up margin', () => {
      const tasks = Object.entries(definition.States).filter(([, s]: [string, any]) => s.Type === 'Task');
      tasks.forEach(([name, state]: [string, any]) => expect({ name, timeout: typeof state.TimeoutSeconds }).toEqual({ name, timeout: 'number' }));
      expect(definition.States['Run verify task'].TimeoutSeconds).toBe(45 * 60 + 600);
    });

    test('a successful drill restores the latest dump of the database with the checks and publishes success and duration', async () => {
      const run = await runLocally(succeeding);
      expect(run.error).toBeUndefined();
      expect(run.order).toEqual(['Run verify task', 'Publish restore duration', 'Publish success metric']);
      const command = run.calls[0].input.Overrides.ContainerOverrides[0].Command;
      expect(command).toEqual(['pg-backup', 'verify', '--from', 's3://backups-bucket/pg-dumps', '--latest', '--target-url',
        'postgresql://postgres@127.0.0.1:5432/postgres', '--database', 'orders', '--jobs', '2', '--check', '/checks/check-0.sql']);
      expect(run.calls[0].input.NetworkConfiguration.AwsvpcConfiguration).toEqual({ Subnets: ['subnet-aaa', 'subnet-bbb'], SecurityGroups: ['sg-111'], AssignPublicIp: 'DISABLED' });
    });

    test.each([
      { name: 'the verify task fails', error: 'States.TaskFailed' },
      { name: 'the verify task times out', error: 'States.Timeout' },
    ])('when $name, the task is stopped, the failure is published and notified, and the execution fails', async ({ error }) => {
      const run = await runLocally({ ...succeeding, 'Run verify task': failWith(error) });
      expect(run.error).toBe(error);
      expect(run.order).toEqual([
        'Run verify task', 'Find running verify task', 'Stop verify task', 'Publish failure metric', 'Store failed drill record', 'Notify failure',
      ]);
      const stored = run.calls.find((c) => c.state === 'Store failed drill record')!.input;
      expect(stored).toMatchObject({ Bucket: 'backups-bucket', Key: expect.stringMatching(/^pg-dumps\/orders\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/) });
      expect(JSON.parse(stored.Body)).toMatchObject({ kind: 'dump', database: 'orders', succeeded: false, reason: `${error}: ${error} from the mocked task` });
      const notify = run.calls[run.calls.length - 1].input;
      expect(notify).toMatchObject({ TopicArn: SAMPLE_VALUES.NotificationTopicArn, Subject: 'orders: dump restore drill failed' });
      expect(notify.Message).toContain(error);
    });
  });

  describe('execution role', () => {
    const roleStatements = () => statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'VerifyDrillRole'));

    test('may put a failed drill\'s result only in the drills folder of its database beside the dumps', () => {
      const puts = roleStatements().filter((s) => actionsOf(s).includes('s3:PutObject'));
      expect(puts.map((s) => ({ actions: actionsOf(s), resource: JSON.stringify(s.Resource) }))).toEqual([
        { actions: ['s3:PutObject'], resource: expect.stringContaining('/pg-dumps/orders/drills/*') },
      ]);
      expect(substitutions).toMatchObject({ DrillResultsBucket: { Ref: expect.stringMatching(/^DumpBackupsBucket/) }, DrillResultsFolder: 'pg-dumps/orders/drills' });
    });

    test('runs only the drill task definition and passes only its two roles, to ECS', () => {
      const run = roleStatements().find((s) => actionsOf(s).includes('ecs:RunTask'));
      expect(run.Resource).toEqual({ Ref: expect.stringMatching(/^VerifyTask/) });
      const pass = roleStatements().find((s) => actionsOf(s).includes('iam:PassRole'));
      expect(pass.Resource).toHaveLength(2);
      expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    });

    test('an action without a resource ARN is held by a condition to the cluster or the metric namespace', () => {
      const unscoped = roleStatements().filter((s) => s.Resource === '*');
      const byAction = Object.fromEntries(unscoped.flatMap((s) => actionsOf(s).map((a) => [a, s.Condition])));
      expect(byAction['ecs:ListTasks']).toEqual({ ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [expect.stringMatching(/^DumpCluster/), 'Arn'] } } });
      expect(byAction['cloudwatch:PutMetricData']).toEqual({ StringEquals: { 'cloudwatch:namespace': 'PostgresBackup' } });
      // Only the services that have no resource-level permissions are left unconditioned: log delivery and X-Ray, the
      // actions aws-cdk-lib adds for a logged, traced state machine being core's list, which Pulumi's role is given.
      const free = Object.entries(byAction).filter(([, condition]) => condition === undefined).map(([action]) => action);
      expect(free.sort()).toEqual(STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS.flatMap((group) => group.actions).sort());
    });

    test('publishes only to the notification topic, with its key', () => {
      const publish = roleStatements().filter((s) => actionsOf(s).includes('sns:Publish'));
      publish.forEach((s) => expect(s.Resource).toEqual({ Ref: expect.stringMatching(/^DumpNotificationsTopic/) }));
      expect(roleStatements().some((s) => actionsOf(s).includes('kms:GenerateDataKey'))).toBe(true);
    });
  });

  describe('schedule, alarms and dashboard', () => {
    test('the drill runs weekly on Monday 06:00 UTC through EventBridge Scheduler, flexible window off', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 6 ? * MON *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: { Ref: Match.stringLikeRegexp('^VerifyDrill') } },
      });
    });

    test('failed, timed-out or aborted executions alarm', () => {
      const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => /restore drill of orders failed/.test(a.Properties.AlarmDescription))!;
      const names = alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
      expect(names).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^DumpNotificationsTopic/) }]);
    });

    test('a restore slower than the RTO alarms', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RestoreDurationSeconds',
        Threshold: 45 * 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'dump' }]),
      });
    });

    test('the dashboard shows backup age, size, duration, drill results and restore duration', () => {
      const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
      const body = JSON.stringify(dashboard.Properties.DashboardBody);
      for (const shown of ['hours since the last good dump', 'BackupBytes', 'BackupDurationSeconds', 'RestoreDrillSucceeded', 'RestoreDrillFailed', 'RestoreDurationSeconds']) {
        expect(body).toContain(shown);
      }
    });
  });
});

describe('VerifyRestore with maxDrillAgeDays', () => {
  test('alarms on no RestoreDrillSucceeded of the database\'s dump drill within those days, missing data breaching, notifying the topic', () => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
    new VerifyRestore(stack, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE, verification: { schedule: { expression: '0 6 * * *' } }, maxDrillAgeDays: 3 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: 'No successful dump restore drill of orders within 3 days',
      MetricName: 'RestoreDrillSucceeded',
      Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'dump' }]),
      Statistic: 'Sum',
      Period: 3 * 86_400,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DumpNotificationsTopic') }],
    });
  });
});

describe('VerifyRestore rejects bad props at synth with the core messages', () => {
  const cases: Array<{ name: string; props: Partial<VerifyRestoreProps>; message: RegExp }> = [
    { name: 'ephemeral storage under 21 GiB', props: { ephemeralStorageGiB: 10 }, message: /ephemeralStorageGiB is 10; allowed: an integer from 21 to 200 GiB/ },
    { name: 'an RTO of 0 minutes', props: { verification: { maxRestoreDurationMinutes: 0 } }, message: /verification\.maxRestoreDurationMinutes is 0/ },
    { name: 'an invalid schedule', props: { verification: { schedule: { expression: 'every monday' } } }, message: /verification\.schedule\.expression is "every monday"/ },
    { name: 'memory Fargate does not offer', props: { cpu: 1024, memoryLimitMiB: 1024 }, message: /memoryLimitMiB is 1024; allowed: 2048 to 8192 MiB/ },
    { name: 'a missing check file', props: { checkFiles: ['/nonexistent/check.sql'] }, message: /checkFiles\[0\] is "\/nonexistent\/check.sql"/ },
    { name: 'a drill-age alarm of 8 days', props: { maxDrillAgeDays: 8 }, message: /maxDrillAgeDays is 8; allowed: an integer from 1 to 7 days/ },
    { name: 'a drill-age alarm no longer than the weekly schedule', props: { maxDrillAgeDays: 7 }, message: /maxDrillAgeDays is 7; allowed: no value with this schedule \(the window would need at least 8 days; the alarm looks back at most 7\) \(drills are up to 7 days apart/ },
  ];
  test.each(cases)('$name', ({ props, message }) => {
    const { stack, vpc, instance } = databaseStack();
    const dump = new ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
    expect(() => new VerifyRestore(stack, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE, ...props })).toThrow(message);
  });
});

describe('VerifyRestore into a scratch RDS instance', () => {
  let template: Template;
  let drill: VerifyRestore;

  beforeAll(() => {
    const { stack, vpc, instance } = databaseStackWithIsolatedSubnets();
    const dump = new ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
    drill = new VerifyRestore(stack, 'Verify', {
      vpc,
      source: dump,
      image: TEST_RUNNER_IMAGE,
      restoreTarget: 'scratch-rds',
      scratchInstance: { instanceClass: 'db.r6g.xlarge', maxAllocatedStorageGiB: 4000 },
    });
    template = Template.fromStack(stack);
  });

  const drillRoleStatements = () => statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'VerifyDrillRole'));
  const rdsArnPattern = (statement: any) => JSON.stringify(statement.Resource);

  test('the state machine is core\'s scratch RDS drill, with the dump bucket, prefix, subnet group and scratch security group substituted', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.parse(machine.Properties.DefinitionString);
    expect(aslProblems(definition)).toEqual([]);
    expect(definition.States['Restore scratch instance'].Parameters).toMatchObject({ DbInstanceClass: 'db.r6g.xlarge', ManageMasterUserPassword: true, DeletionProtection: false });
    expect(Object.keys(definition.States)).toEqual(expect.arrayContaining(['Delete scratch instance', 'Delete scratch instance after failure']));
    const substitutions = machine.Properties.DefinitionSubstitutions;
    expect(substitutions.DumpDatabaseFolder).toBe('pg-dumps/orders');
    expect(substitutions.DumpBucket).toEqual({ Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'DumpBackupsBucket') });
    expect(substitutions.DbSubnetGroupName).toEqual({ Ref: logicalIdOf(template, 'AWS::RDS::DBSubnetGroup', 'VerifyScratchSubnets') });
    expect(substitutions.VpcSecurityGroupIds).toEqual({ 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'VerifyScratchSecurityGroup'), 'GroupId'] });
  });

  test('the scratch instance sits in the isolated subnets, and its security group lets in PostgreSQL from the drill task only', () => {
    const isolated = Object.entries(template.findResources('AWS::EC2::Subnet'))
      .filter(([, subnet]) => subnet.Properties.Tags.some((tag: any) => tag.Key === 'aws-cdk:subnet-type' && tag.Value === 'Isolated')).map(([id]) => ({ Ref: id }));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
    const scratchGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'VerifyScratchSecurityGroup');
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => JSON.stringify(rule.Properties.GroupId).includes(scratchGroup));
    expect(ingress.map((rule) => rule.Properties)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'VerifyTaskSecurityGroup'), 'GroupId'] },
    })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Scratch RDS instance'),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    expect(drill.scratchSecurityGroup).toBeDefined();
  });

  test('the drill role creates, polls and deletes only instances named with the scratch prefix, and lets RDS create only its managed secret', () => {
    const statements = drillRoleStatements();
    const onScratch = statements.find((statement: any) => actionsOf(statement).includes('rds:DeleteDBInstance'))!;
    expect(actionsOf(onScratch).sort()).toEqual(['rds:AddTagsToResource', 'rds:CreateDBInstance', 'rds:DeleteDBInstance', 'rds:DescribeDBInstances']);
    expect(rdsArnPattern(onScratch)).toMatch(/:db:pg-drill-\*"/);
    const secrets = statements.find((statement: any) => actionsOf(statement).includes('secretsmanager:CreateSecret'))!;
    expect(rdsArnPattern(secrets)).toMatch(/:secret:rds!db-\*"/);
    const manifest = statements.find((statement: any) => actionsOf(statement).includes('s3:GetObject'))!;
    expect(rdsArnPattern(manifest)).toMatch(/\/pg-dumps\/\*"/);
    expect(statements.flatMap(actionsOf)).not.toContain('rds:DeleteDBCluster');
  });

  test('the task reads only the RDS-managed secrets tagged with a scratch instance of this drill, and runs no scratch server of its own', () => {
    const taskRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('VerifyTaskTaskRole'))!;
    const read = statementsOfRole(template, taskRole).find((statement: any) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))!;
    expect(actionsOf(read).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    expect(JSON.stringify(read.Resource)).toMatch(/:secret:rds!db-\*"/);
    expect(JSON.stringify(read.Condition.StringLike['secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn'])).toMatch(/:db:pg-drill-\*"/);
    const containers = Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .find((t) => t.Properties.ContainerDefinitions.some((c: any) => c.Command?.[1] === 'verify'))!.Properties.ContainerDefinitions;
    expect(containers.map((c: any) => c.Name)).toEqual(['runner']);
    expect(Object.keys(template.findResources('AWS::SecretsManager::Secret')).filter((id) => id.startsWith('Verify'))).toEqual([]);
  });

  test('the protection metadata says the drill restores into a scratch RDS instance, and up to which storage', () => {
    expect(drill.plan.protection).toMatchObject({ kind: 'restore-drill', restoreTarget: 'scratch-rds', maxScratchStorageGiB: 4000 });
  });
});

/** {@link databaseStack} with isolated subnets, where scratch instances go. */
function databaseStackWithIsolatedSubnets() {
  const stack = new Stack(new App(), 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = vpcWithDatabaseSubnets(stack);
  const instance = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc, storageEncrypted: true,
  });
  return { stack, vpc, instance };
}
