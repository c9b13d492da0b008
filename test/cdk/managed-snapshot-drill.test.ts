import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { actionsOf, logicalIdOf, statementsOfRole, TEST_RUNNER_IMAGE, vpcWithDatabaseSubnets } from './stacks';
import { ManagedPostgresDatabase, SnapshotRestoreDrill, SnapshotRestoreDrillProps } from '../../src/cdk';
import { TaskHandler, aslProblems, expectFailurePath, runDrill, withFailures } from '../core/aws/state-machines/drill-harness';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'pg-drill-1.abc.eu-west-1.rds.amazonaws.com', Port: 5433 };

/** A stack with the VPC layout of the examples: public, private with egress (tasks), isolated (databases). */
function networkStack() {
  const app = new App();
  const stack = new Stack(app, 'Drill', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = vpcWithDatabaseSubnets(stack);
  return { stack, vpc };
}

/** What the drill's AWS calls answer when everything works: the newest snapshot, a scratch instance that comes up. */
function succeeding(snapshotsKey: string, idField: string): Record<string, TaskHandler> {
  return {
    'Find snapshots': () => ({
      [snapshotsKey]: [
        { [idField]: 'rds:shop-2026-11-23-02-05', Status: 'available', SnapshotCreateTime: '2026-11-23T02:05:00Z', Engine: 'aurora-postgresql', EngineVersion: '16.4' },
        { [idField]: 'rds:shop-2026-11-24-02-05', Status: 'available', SnapshotCreateTime: '2026-11-24T02:05:00Z', Engine: 'aurora-postgresql', EngineVersion: '16.4' },
      ],
    }),
    'Restore scratch instance': () => ({}),
    'Restore scratch cluster': () => ({}),
    'Create scratch instance': () => ({}),
    'Describe scratch instance': (_input, call) => ({ DbInstances: [{ DbInstanceStatus: call === 0 ? 'creating' : 'available', ...(call === 0 ? {} : { Endpoint: ENDPOINT }) }] }),
    'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED' }),
    'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
    'Stop checks task': () => ({}),
    'Delete scratch instance': () => ({}),
    'Delete scratch cluster': () => ({}),
    'Delete scratch instance after failure': () => ({}),
    'Delete scratch cluster after failure': () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    'Notify failure': () => ({ MessageId: 'm-1' }),
  };
}

/** The synthesized state machine definition of the drill, and its substitutions. */
function drillMachine(template: Template): { definition: any; substitutions: Record<string, unknown> } {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  const machine = machines[0];
  return { definition: JSON.parse(machine.Properties.DefinitionString), substitutions: machine.Properties.DefinitionSubstitutions };
}

describe('SnapshotRestoreDrill of an RDS instance', () => {
  let template: Template;
  let definition: any;
  let substitutions: Record<string, unknown>;
  const handlers = succeeding('DbSnapshots', 'DbSnapshotIdentifier');
  const checksFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'drill-checks-')), 'shop.sql');

  beforeAll(() => {
    fs.writeFileSync(checksFile, "SELECT count(*) > 0 FROM orders;\nSELECT max(placed_at) > now() - interval '2 days' FROM orders;\n");
    const { stack, vpc } = networkStack();
    const key = new kms.Key(stack, 'DbKey', { enableKeyRotation: true });
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      port: 5433,
      storageEncryptionKey: key,
    });
    new SnapshotRestoreDrill(stack, 'WeeklyDrill', {
      database: ManagedPostgresDatabase.fromInstance(instance, { storageEncryptionKey: key, databaseName: 'shop' }),
      vpc,
      image: TEST_RUNNER_IMAGE,
      verification: { checks: ["SELECT count(*) > 0 FROM customers WHERE email LIKE '%@%'"], maxRestoreDurationMinutes: 45 },
      checkFiles: [checksFile],
      rowCounts: [{ table: 'public.orders', min: 1000 }, { table: 'customers', min: 1, max: 10_000_000 }],
    });
    template = Template.fromStack(stack);
    ({ definition, substitutions } = drillMachine(template));
  });

  describe('scratch database placement', () => {
    test('goes into a DB subnet group of the isolated subnets', () => {
      template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
        DBSubnetGroupDescription: Match.stringLikeRegexp('snapshot drill'),
        SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcdatabaseSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcdatabaseSubnet2') }],
      });
      expect(substitutions.DbSubnetGroupName).toEqual({ Ref: expect.stringMatching(/^WeeklyDrillScratchSubnets/) });
    });

    test('has its own security group, reachable only from the checks task on the database port', () => {
      const scratchGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'WeeklyDrillScratchSecurityGroup');
      const taskGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'WeeklyDrillTaskSecurityGroup');
      const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
        .filter((rule) => rule.Properties.GroupId['Fn::GetAtt']?.[0] === scratchGroup);
      expect(ingress.map((rule) => rule.Properties)).toEqual([expect.objectContaining({
        IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433, SourceSecurityGroupId: { 'Fn::GetAtt': [taskGroup, 'GroupId'] },
      })]);
      expect(substitutions.VpcSecurityGroupIds).toEqual({ 'Fn::GetAtt': [scratchGroup, 'GroupId'] });
    });
  });

  const container = () => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];

  describe('checks task', () => {
    test('runs pg-backup check with the row-count bounds and one environment variable per SQL check', () => {
      expect(container().Command).toEqual(['pg-backup', 'check',
        '--min-rows', 'public.orders=1000', '--min-rows', 'customers=1', '--max-rows', 'customers=10000000',
        '--sql-env', 'PG_BACKUP_CHECK_0', '--sql-env', 'PG_BACKUP_CHECK_1', '--sql-env', 'PG_BACKUP_CHECK_2']);
      expect(Object.fromEntries(container().Environment.map((e: any) => [e.Name, e.Value]))).toEqual({
        PGDATABASE: 'shop',
        PGSSLMODE: 'require',
        PG_BACKUP_CHECK_0: "SELECT count(*) > 0 FROM customers WHERE email LIKE '%@%'",
        PG_BACKUP_CHECK_1: 'SELECT count(*) > 0 FROM orders',
        PG_BACKUP_CHECK_2: "SELECT max(placed_at) > now() - interval '2 days' FROM orders",
      });
    });

    test('logs in with the database\'s master credentials from its secret, never in plain text', () => {
      expect(container().Secrets.map((s: any) => s.Name)).toEqual(['PGUSER', 'PGPASSWORD']);
      expect(container().Secrets.map((s: any) => s.ValueFrom['Fn::Join'][1].slice(-1)[0])).toEqual([':username::', ':password::']);
    });
  });

  describe('state machine', () => {
    test('is the core snapshot drill, valid by asl-validator, with every placeholder substituted at deploy time', () => {
      expect(aslProblems(definition)).toEqual([]);
      const placeholders = [...new Set([...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]))].sort();
      expect(Object.keys(substitutions).sort()).toEqual(placeholders);
      expect(substitutions.SourceIdentifier).toEqual({ Ref: logicalIdOf(template, 'AWS::RDS::DBInstance', 'Db') });
      expect(substitutions.DatabaseName).toBe('shop');
      expect(definition.States['Run checks task'].TimeoutSeconds).toBe(45 * 60 + 600);
    });

    test('logs every event with execution data and traces with X-Ray', () => {
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
        TracingConfiguration: { Enabled: true },
      });
    });

    test('a successful drill restores the newest snapshot, checks it, deletes the scratch instance, then publishes success and duration', async () => {
      const run = await runDrill(definition, handlers);
      expect(run.error).toBeUndefined();
      expect(run.order).toEqual(['Find snapshots', 'Restore scratch instance', 'Describe scratch instance', 'Describe scratch instance',
        'Run checks task', 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
      expect(run.calls[1].input.DbSnapshotIdentifier).toBe('rds:shop-2026-11-24-02-05');
      expect(run.calls.find((c) => c.state === 'Delete scratch instance')!.input).toMatchObject({ SkipFinalSnapshot: true });
      const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
      expect(override.Environment).toEqual([
        { Name: 'PG_BACKUP_DRILL_ID', Value: expect.stringMatching(/^arn:aws:states:.*:execution:/) },
        { Name: 'PGHOST', Value: ENDPOINT.Address }, { Name: 'PGPORT', Value: '5433' }, { Name: 'PG_BACKUP_DRILL_SNAPSHOT', Value: 'rds:shop-2026-11-24-02-05' },
        { Name: 'PG_BACKUP_DRILL_STARTED_AT', Value: expect.any(String) },
      ]);
      expect(override.Command).toEqual(['pg-backup', ...container().Command.slice(1)]);
    });

    test('when the restore call fails, the scratch instance is deleted (if it exists), the failure notified, and the drill fails', async () => {
      const run = await runDrill(definition, withFailures(handlers, ['Restore scratch instance'], 'Rds.StorageQuotaExceededException'));
      expect(run.order).toEqual(['Find snapshots', 'Restore scratch instance', 'Delete scratch instance after failure', 'Publish failure metric', 'Notify failure']);
      expectFailurePath(run, { error: 'Rds.StorageQuotaExceededException', cleanup: ['Delete scratch instance after failure'] });
    });

    test('when the scratch instance never becomes available, the drill gives up after its bound and deletes it', async () => {
      const bound = definition.States['Is scratch instance available?'].Choices.find((c: any) => c.NumericGreaterThanEquals !== undefined).NumericGreaterThanEquals;
      const run = await runDrill(definition, { ...handlers, 'Describe scratch instance': () => ({ DbInstances: [{ DbInstanceStatus: 'creating' }] }) });
      expect(bound).toBe(45);
      expect(run.order.filter((state) => state === 'Describe scratch instance')).toHaveLength(bound);
      expect(run.order.slice(-3)).toEqual(['Delete scratch instance after failure', 'Publish failure metric', 'Notify failure']);
      expect(run.order).not.toContain('Run checks task');
      expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: ['Delete scratch instance after failure'] });
    });

    test('when the checks fail, the task is stopped, the scratch instance deleted, the failure notified, and the drill fails', async () => {
      const run = await runDrill(definition, withFailures(handlers, ['Run checks task']));
      expect(run.order.slice(4)).toEqual(['Run checks task', 'Find running checks task', 'Stop checks task', 'Delete scratch instance after failure',
        'Publish failure metric', 'Notify failure']);
      expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Stop checks task', 'Delete scratch instance after failure'] });
      // The harness fills ${DatabaseName} with its sample, "orders"; the template fills it with "shop" (asserted above).
      expect(run.calls[run.calls.length - 1].input).toMatchObject({ Subject: 'orders: snapshot restore drill failed' });
    });
  });

  describe('execution role', () => {
    const statements = () => statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'WeeklyDrillDrillRole'));
    const resourcesOf = (action: string) => statements().filter((s) => actionsOf(s).includes(action)).map((s) => s.Resource);

    test('creates, polls and deletes only instances with the scratch prefix', () => {
      const scratch = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:pg-drill-*']] };
      expect(resourcesOf('rds:DeleteDBInstance')).toEqual([scratch]);
      expect(resourcesOf('rds:DescribeDBInstances')).toEqual([scratch]);
    });

    test('restores only snapshots, into the drill subnet group, and lists only the source database\'s snapshots', () => {
      const restore = resourcesOf('rds:RestoreDBInstanceFromDBSnapshot').flat();
      expect(JSON.stringify(restore)).toContain(':snapshot:*');
      expect(JSON.stringify(restore)).toContain(':subgrp:');
      const list = resourcesOf('rds:DescribeDBSnapshots').flat();
      expect(list).toContainEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:', { Ref: logicalIdOf(template, 'AWS::RDS::DBInstance', 'Db') }]] });
    });

    test('may use the database key only to let RDS create grants for the restore', () => {
      const kmsStatement = statements().find((s) => actionsOf(s).includes('kms:CreateGrant'));
      expect(kmsStatement).toMatchObject({
        Action: ['kms:DescribeKey', 'kms:CreateGrant'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DbKey/), 'Arn'] },
        Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    });
  });

  describe('schedule and alarms', () => {
    test('runs weekly, Monday 06:00 UTC, through EventBridge Scheduler with a dead-letter queue', () => {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(0 6 ? * MON *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WeeklyDrillDeadLetterQueue'), 'Arn'] } } },
      });
    });

    test('a restore slower than the RTO alarms', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RestoreDurationSeconds',
        Threshold: 45 * 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'shop' }, { Name: 'Drill', Value: 'snapshot' }]),
      });
    });

    test('failed, timed-out or aborted executions alarm', () => {
      const alarm = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => /snapshot restore drill of shop failed/.test(a.Properties.AlarmDescription))!;
      const names = alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
      expect(names).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
    });
  });
});

describe('SnapshotRestoreDrill of an Aurora cluster', () => {
  let template: Template;
  let definition: any;
  const handlers = succeeding('DbClusterSnapshots', 'DbClusterSnapshotIdentifier');

  beforeAll(() => {
    const { stack, vpc } = networkStack();
    const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    new SnapshotRestoreDrill(stack, 'WeeklyDrill', { database: ManagedPostgresDatabase.fromCluster(cluster), vpc, image: TEST_RUNNER_IMAGE });
    template = Template.fromStack(stack);
    ({ definition } = drillMachine(template));
  });

  test('the definition is valid ASL and restores cluster snapshots', () => {
    expect(aslProblems(definition)).toEqual([]);
    expect(definition.States['Find snapshots'].Resource).toBe('arn:${Partition}:states:::aws-sdk:rds:describeDBClusterSnapshots');
  });

  test('a successful drill restores a scratch cluster and one instance, checks, and deletes both', async () => {
    const run = await runDrill(definition, handlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Find snapshots', 'Restore scratch cluster', 'Create scratch instance', 'Describe scratch instance',
      'Describe scratch instance', 'Run checks task', 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls[2].input).toMatchObject({ DbInstanceClass: 'db.t4g.medium', PubliclyAccessible: false });
  });

  test('when the restore call fails, the scratch cluster is deleted before the failure is notified', async () => {
    const run = await runDrill(definition, withFailures(handlers, ['Restore scratch cluster']));
    expect(run.order).toEqual(['Find snapshots', 'Restore scratch cluster', 'Delete scratch cluster after failure', 'Publish failure metric', 'Notify failure']);
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Delete scratch cluster after failure'] });
  });

  test('when the instance never becomes available, both the instance and the cluster are deleted', async () => {
    const run = await runDrill(definition, { ...handlers, 'Describe scratch instance': () => ({ DbInstances: [{ DbInstanceStatus: 'creating' }] }) });
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: ['Delete scratch instance after failure', 'Delete scratch cluster after failure'] });
  });

  test('when the checks fail, the task is stopped and both the instance and the cluster are deleted', async () => {
    const run = await runDrill(definition, withFailures(handlers, ['Run checks task']));
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Stop checks task', 'Delete scratch instance after failure', 'Delete scratch cluster after failure'] });
  });

  test('the execution role restores and deletes only clusters with the scratch prefix', () => {
    const statements = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'WeeklyDrillDrillRole'));
    const deletes = statements.filter((s) => actionsOf(s).includes('rds:DeleteDBCluster')).map((s) => s.Resource);
    expect(deletes).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:cluster:pg-drill-*']] }]);
  });
});

describe('SnapshotRestoreDrill rejects bad props at synth', () => {
  const cases: Array<{ name: string; props: Partial<SnapshotRestoreDrillProps>; message: RegExp }> = [
    { name: 'an RTO of 0 minutes', props: { verification: { maxRestoreDurationMinutes: 0 } }, message: /verification\.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes/ },
    { name: 'an invalid schedule', props: { verification: { schedule: { expression: 'weekly' } } }, message: /verification\.schedule\.expression is "weekly"/ },
    { name: 'a bound without min or max', props: { rowCounts: [{ table: 'orders' }] }, message: /rowCounts\[0\] is \{"table":"orders"\}; allowed: a bound with min, max or both/ },
    { name: 'a minimum above the maximum', props: { rowCounts: [{ table: 'orders', min: 10, max: 5 }] }, message: /rowCounts\[0\]\.min is 10; allowed: at most rowCounts\[0\]\.max, 5/ },
    { name: 'a table name with quotes', props: { rowCounts: [{ table: "orders'--", min: 1 }] }, message: /rowCounts\[0\]\.table is "orders'--"/ },
    { name: 'a table name with a space outside quotes', props: { rowCounts: [{ table: 'Sales Dept.orders', min: 1 }] }, message: /rowCounts\[0\]\.table is "Sales Dept\.orders"; allowed: a table name as SQL writes it/ },
    { name: 'a missing check file', props: { checkFiles: ['/nonexistent/checks.sql'] }, message: /checkFiles\[0\] is "\/nonexistent\/checks\.sql"/ },
    { name: 'a scratch prefix with capitals', props: { scratchIdentifierPrefix: 'Drill' }, message: /scratchIdentifierPrefix is "Drill"; allowed: lowercase letters/ },
  ];

  test.each(cases)('$name', ({ props, message }) => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    expect(() => new SnapshotRestoreDrill(stack, 'Drill', {
      database: ManagedPostgresDatabase.fromInstance(instance), vpc, image: TEST_RUNNER_IMAGE, ...props,
    })).toThrow(message);
  });

  test('a quoted table name with spaces and capitals is a valid bound, passed to the checks as written', () => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    new SnapshotRestoreDrill(stack, 'Drill', {
      database: ManagedPostgresDatabase.fromInstance(instance),
      vpc,
      image: TEST_RUNNER_IMAGE,
      rowCounts: [{ table: '"Sales Dept"."Customer Orders"', min: 1 }],
    });
    const [taskDefinition] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
    expect(taskDefinition.Properties.ContainerDefinitions[0].Command).toEqual(['pg-backup', 'check', '--min-rows', '"Sales Dept"."Customer Orders"=1']);
  });

  test('a database without a secret cannot be checked', () => {
    const { stack, vpc } = networkStack();
    expect(() => new SnapshotRestoreDrill(stack, 'Drill', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance', postgresMajorVersion: 16 }), vpc, image: TEST_RUNNER_IMAGE,
    })).toThrow(/database\.secret is undefined; allowed: the database's secret/);
  });
});
