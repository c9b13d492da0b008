import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE } from './stacks';
import { BlueprintServer, PostgresBackupBlueprint, PostgresBackupBlueprintProps } from '../../src/cdk';
import { BackupTier } from '../../src/core';
import { expectedReplicaPrunePolicy } from '../support/replica-prune-policy';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const COPY_VAULTS = {
  region: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:fleet-copies',
  account: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:fleet-offsite',
};

function fleetVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
}

function postgresInstance(stack: Stack, vpc: ec2.IVpc, id: string, identifier: string, storageEncryptionKey?: kms.IKey): rds.DatabaseInstance {
  return new rds.DatabaseInstance(stack, id, {
    storageEncryptionKey,
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceIdentifier: identifier,
    allocatedStorage: 100,
    storageEncrypted: true,
  });
}

/** A stack with one blueprint over `servers(stack, vpc)`. */
function blueprintStack(
  app: App, name: string, tier: BackupTier, servers: (stack: Stack, vpc: ec2.IVpc) => BlueprintServer[],
  extra: Partial<PostgresBackupBlueprintProps> = {},
): { stack: Stack; blueprint: PostgresBackupBlueprint } {
  const stack = new Stack(app, name, { env: ENV });
  const vpc = fleetVpc(stack);
  const blueprint = new PostgresBackupBlueprint(stack, 'Fleet', {
    vpc, tier, databases: servers(stack, vpc), image: TEST_RUNNER_IMAGE, ...extra,
  });
  return { stack, blueprint };
}

function scheduleCommand(template: Template, databaseName: string): string[] {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'))
    .map((schedule) => schedule.Properties)
    .filter((properties) => typeof properties.Target.Input === 'string' && properties.Target.Input.includes('containerOverrides'));
  const match = schedules.map((properties) => JSON.parse(properties.Target.Input).containerOverrides[0].command as string[])
    .filter((command) => command[command.indexOf('--database') + 1] === databaseName);
  if (match.length !== 1) throw new Error(`expected one dump schedule of ${databaseName}, found ${match.length}`);
  return match[0];
}

function resolved(stack: Stack, value: unknown): any {
  return JSON.parse(JSON.stringify(stack.resolve(value)));
}

describe('PostgresBackupBlueprint with the three tiers', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-'));
  const app = new App({ outdir });
  blueprintStack(app, 'Gold', BackupTier.GOLD.with({
    copies: [
      { destination: 'region', region: 'eu-central-1', vaultArn: COPY_VAULTS.region, retentionDays: 35 },
      { destination: 'account', account: '210987654321', region: 'eu-west-1', vaultArn: COPY_VAULTS.account, retentionDays: 35 },
    ],
  }), (stack, vpc) => [{ id: 'payments', database: postgresInstance(stack, vpc, 'Payments', 'payments-db', new kms.Key(stack, 'PaymentsKey', { enableKeyRotation: true })), databaseNames: ['payments'] }],
  { tierOptions: { copyRegion: 'eu-central-1', copyAccount: '210987654321' } });
  blueprintStack(app, 'Silver', BackupTier.SILVER.with({
    copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: COPY_VAULTS.region, retentionDays: 14 }],
  }), (stack, vpc) => [{ id: 'catalog', database: postgresInstance(stack, vpc, 'Catalog', 'catalog-db'), databaseNames: ['catalog'] }],
  { tierOptions: { copyRegion: 'eu-central-1' } });
  const bronze = blueprintStack(app, 'Bronze', BackupTier.BRONZE, (stack, vpc) => [
    { id: 'orders-db', database: postgresInstance(stack, vpc, 'Orders', 'orders-db'), databaseNames: ['orders', 'invoices'] },
    {
      id: 'reports-db',
      database: postgresInstance(stack, vpc, 'Reports', 'reports-db'),
      databaseNames: ['reports'],
      overrides: {
        logicalDump: { retentionDays: 3, schedule: { expression: '30 3 * * *', timezone: 'Europe/Berlin' } },
        verification: { checks: ['SELECT count(*) > 0 FROM reports.daily'], maxRestoreDurationMinutes: 30 },
      },
    },
  ]);
  const assembly = app.synth();
  const templates = {
    gold: Template.fromJSON(assembly.getStackByName('Gold').template),
    silver: Template.fromJSON(assembly.getStackByName('Silver').template),
    bronze: Template.fromJSON(assembly.getStackByName('Bronze').template),
  };
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test.each([
    { tier: 'gold', database: 'payments', format: ['--format', 'directory', '--jobs', '4'], globals: true, retention: 35, rpo: 26, drill: 'cron(0 6 ? * MON *)', rto: 3600 },
    { tier: 'silver', database: 'catalog', format: ['--format', 'custom'], globals: false, retention: 14, rpo: 26, drill: 'cron(0 6 ? * MON *)', rto: 7200 },
    { tier: 'bronze', database: 'orders', format: ['--format', 'custom'], globals: false, retention: 7, rpo: 26, drill: 'cron(0 6 1 * ? *)', rto: 14400 },
  ] as const)('$tier: dumps, retention, RPO alarm and drill as the tier documents', ({ tier, database, format, globals, retention, rpo, drill, rto }) => {
    const template = templates[tier];
    const command = scheduleCommand(template, database);
    expect(command.join(' ')).toContain(format.join(' '));
    expect(command.includes('--globals')).toBe(globals);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: retention, Status: 'Enabled' })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp(`No successful pg_dump of ${database} .* RPO of ${rpo} hours`),
      Period: rpo * 3600,
      TreatMissingData: 'breaching',
    });
    const drillSchedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .find((schedule) => String(schedule.Properties.Target.Arn?.Ref ?? '').startsWith('FleetDrill'));
    expect(drillSchedule?.Properties.ScheduleExpression).toBe(drill);
    expect(JSON.parse(drillSchedule!.Properties.Target.Input['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'x')).join('')).rtoSeconds).toBe(rto);
  });

  test('gold: compliance Object Lock on the bucket and a compliance vault lock, hourly to monthly recovery points with copies to the region and the account', () => {
    const template = templates.gold;
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 7 } } },
    });
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 } });
    const rules = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    expect(rules.map((rule: any) => [rule.RuleName, rule.Lifecycle.DeleteAfterDays])).toEqual([
      ['hourly', 7], ['daily', 35], ['weekly', 90], ['monthly', 365], ['continuous', 14],
    ]);
    expect(rules[0].CopyActions.map((copy: any) => copy.DestinationBackupVaultArn)).toEqual([COPY_VAULTS.region, COPY_VAULTS.account]);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceIdentifier: 'payments-db', BackupRetentionPeriod: 14, CopyTagsToSnapshot: true, DeleteAutomatedBackups: false });
  });

  test('silver: governance Object Lock, daily and weekly recovery points copied to the second region, 7 days of automated backups', () => {
    const template = templates.silver;
    template.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 7 } } } });
    const rules = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    expect(rules.map((rule: any) => rule.RuleName)).toEqual(['daily', 'weekly', 'continuous']);
    expect(rules[0].CopyActions).toEqual([{ DestinationBackupVaultArn: COPY_VAULTS.region, Lifecycle: { DeleteAfterDays: 14 } }]);
    template.hasResourceProperties('AWS::RDS::DBInstance', { BackupRetentionPeriod: 7 });
  });

  test('bronze: no Object Lock, no vault lock, no copies; one daily plan selecting every server', () => {
    const template = templates.bronze;
    expect(JSON.stringify(template.findResources('AWS::S3::Bucket'))).not.toContain('ObjectLock');
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: Match.absent() });
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    const selection = Object.values(template.findResources('AWS::Backup::BackupSelection'))[0].Properties.BackupSelection;
    expect(selection.Resources).toHaveLength(2);
    const rules = Object.values(template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    expect(rules).toEqual([expect.objectContaining({ RuleName: 'daily', Lifecycle: { DeleteAfterDays: 7 } })]);
    expect(rules[0].CopyActions ?? []).toEqual([]);
  });

  test('every database gets its own dump schedule and RPO alarm; servers share the task definition and the drill machine', () => {
    const template = templates.bronze;
    template.resourceCountIs('AWS::ECS::TaskDefinition', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    for (const database of ['orders', 'invoices', 'reports']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp(`No successful pg_dump of ${database} `) });
    }
    expect(Object.keys(template.findResources('AWS::Scheduler::Schedule', { Properties: { Target: { Input: Match.stringLikeRegexp('containerOverrides') } } }))).toHaveLength(3);
  });

  test('a dump runs the shared task with its own database, its server\'s secret and folder, and the Server metric dimension', () => {
    const command = scheduleCommand(templates.bronze, 'invoices');
    const bucketName = bronze.blueprint.bucketName;
    expect(bucketName).toMatch(/^pg-backups-123456789012-eu-west-1-[0-9a-f]{8}$/);
    expect(command).toEqual([
      // The default compression is written out (zstd:1), so the task does what the policy says whatever the runner's own default.
      'dump', '--to', `s3://${bucketName}/pg-dumps/orders-db`, '--database', 'invoices', '--format', 'custom', '--compress', 'zstd:1',
      '--row-counts', 'exact', '--lock-wait-timeout', '300s', '--metrics-namespace', 'PostgresBackup', '--secret-env', 'PG_BACKUP_SECRET_0', '--metric-dimension', 'Server=orders-db',
    ]);
    expect(scheduleCommand(templates.bronze, 'reports')).toEqual(expect.arrayContaining(['--secret-env', 'PG_BACKUP_SECRET_1']));
    const container = Object.values(templates.bronze.findResources('AWS::ECS::TaskDefinition'))
      .flatMap((definition) => definition.Properties.ContainerDefinitions)
      .find((definition: any) => (definition.Secrets ?? []).some((secret: any) => secret.Name === 'PG_BACKUP_SECRET_0'));
    expect(container.Secrets.map((secret: any) => secret.Name)).toEqual(['PG_BACKUP_SECRET_0', 'PG_BACKUP_SECRET_1']);
  });

  test('a server\'s overrides apply to it alone: schedule, retention, RTO and checks', () => {
    const template = templates.bronze;
    const reports = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .find((schedule) => String(schedule.Properties.Target.Input).includes('"reports"') && String(schedule.Properties.Target.Input).includes('containerOverrides'));
    expect(reports?.Properties).toMatchObject({ ScheduleExpression: 'cron(30 3 * * ? *)', ScheduleExpressionTimezone: 'Europe/Berlin' });
    expect(scheduleCommand(template, 'orders')).toBeDefined();
    const orders = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .find((schedule) => String(schedule.Properties.Target.Input).includes('"orders"') && String(schedule.Properties.Target.Input).includes('containerOverrides'));
    expect(orders?.Properties).toMatchObject({ ScheduleExpression: 'cron(0 2 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
    const rules = Object.values(template.findResources('AWS::S3::Bucket'))
      .flatMap((bucket) => bucket.Properties.LifecycleConfiguration?.Rules ?? []);
    expect(rules).toEqual(expect.arrayContaining([
      expect.objectContaining({ Id: 'pg-dumps-orders-db', Prefix: 'pg-dumps/orders-db/', ExpirationInDays: 7 }),
      expect.objectContaining({ Id: 'pg-dumps-reports-db', Prefix: 'pg-dumps/reports-db/', ExpirationInDays: 3 }),
    ]));
    const drillInputs = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .filter((schedule) => String(schedule.Properties.Target.Arn?.Ref ?? '').startsWith('FleetDrill'))
      .map((schedule) => resolved(bronze.stack, schedule.Properties.Target.Input));
    const inputs = drillInputs.map((input) => JSON.parse((input['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'x')).join('')));
    expect(inputs.map((input) => [input.rtoSeconds, input.checkFile, input.databases])).toEqual(expect.arrayContaining([
      [14400, '/checks/group-0.sql', [
        { id: 'orders-db', name: 'orders', resultsFolder: 'pg-dumps/orders-db/orders/drills' },
        { id: 'orders-db', name: 'invoices', resultsFolder: 'pg-dumps/orders-db/invoices/drills' },
      ]],
      [1800, '/checks/group-1.sql', [{ id: 'reports-db', name: 'reports', resultsFolder: 'pg-dumps/reports-db/reports/drills' }]],
    ]));
    const writer = Object.values(template.findResources('AWS::ECS::TaskDefinition'))
      .flatMap((definition) => definition.Properties.ContainerDefinitions)
      .find((definition: any) => definition.Name === 'write-checks');
    expect(writer.Environment).toEqual(expect.arrayContaining([
      { Name: 'PG_BACKUP_CHECKS_0', Value: '' },
      { Name: 'PG_BACKUP_CHECKS_1', Value: 'SELECT count(*) > 0 FROM reports.daily;' },
    ]));
  });

  test('each server lets the one dump security group in once', () => {
    const ingress = Object.values(templates.bronze.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(2);
    expect(ingress.every((rule) => rule.Properties.SourceSecurityGroupId['Fn::GetAtt'][0].startsWith('FleetDumpSecurityGroup'))).toBe(true);
  });

  test('the fleet\'s ingress rules and dump roles are described as the fleet\'s, in the words the Pulumi blueprint uses', () => {
    const { plan } = bronze.blueprint;
    const ingress = Object.values(templates.bronze.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress.map((rule) => rule.Properties.Description)).toEqual([plan.databaseIngress.description, plan.databaseIngress.description]);
    expect(plan.databaseIngress.description).toBe('pg_dump from the fleet backup tasks');
    for (const description of [plan.descriptions.dumpTaskRole, plan.descriptions.dumpExecutionRole]) {
      templates.bronze.hasResourceProperties('AWS::IAM::Role', { Description: description });
    }
  });

  test('the runbook of each database is a file in the cloud assembly with the exact bucket, prefix, commands and target-time steps', () => {
    const { blueprint } = bronze;
    const invoices = blueprint.database('orders-db', 'invoices');
    expect(invoices.runbookPath).toBe('Bronze.runbooks/orders-db/invoices.md');
    const runbook = fs.readFileSync(path.join(outdir, invoices.runbookPath), 'utf8');
    const bucket = blueprint.bucketName!;
    expect(runbook).toContain(`\`s3://${bucket}/pg-dumps/orders-db\``);
    expect(runbook).toContain(`bucket \`${bucket}\`, prefix \`pg-dumps/orders-db\`, region \`eu-west-1\``);
    expect(runbook).toContain(`pg-backup list --from s3://${bucket}/pg-dumps/orders-db --database invoices`);
    expect(runbook).toContain(`aws s3 cp s3://${bucket}/pg-dumps/orders-db/invoices/latest - --region eu-west-1 | jq -r .backupId`);
    expect(runbook).toContain(`pg-backup restore --from s3://${bucket}/pg-dumps/orders-db --database invoices --latest --target-url "$TARGET_URL" --jobs 4`);
    expect(runbook).toContain('export TARGET_TIME_UTC=\'<YYYY-MM-DDTHH:MM:SSZ>\'');
    expect(runbook).toContain('aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier orders-db --target-db-instance-identifier orders-db-pitr --restore-time "$TARGET_TIME_UTC" --region eu-west-1');
    expect(runbook).toContain('26 h with dumps alone');
    // The topic is created by the stack: the runbook names the resource to look it up by.
    expect(runbook).toMatch(/Alarms go to \| `<Ref FleetNotificationsTopic[0-9A-F]+>`/);
    expect(runbook).not.toContain('${Token[');
  });

  test('each database has a stack output with its restore command pointing at its runbook', () => {
    const outputs = templates.bronze.findOutputs('*');
    const invoices = Object.values(outputs).find((output) => String(output.Description).startsWith('Restore invoices on orders-db'));
    expect(invoices?.Description).toContain('Bronze.runbooks/orders-db/invoices.md');
    expect(resolved(bronze.stack, invoices?.Value)).toContain('--database invoices --latest');
  });

  test('each server\'s monthly storage cost is estimated from the allocated storage and recorded for the synth report', () => {
    const estimate = bronze.blueprint.costEstimates.get('orders-db')!;
    expect(estimate.summary).toMatch(/^server orders-db \(databases orders, invoices\), \d+ GB of allocated storage compressed 3:1: about \$\d+\.\d\d a month for [\d,.]+ GB stored on average: dumps /);
    expect(estimate.items.map((item) => item.item)).toEqual(expect.arrayContaining(['logical-dumps', 'snapshots']));
    const metadata = bronze.blueprint.node.metadata.filter((entry) => (entry.data as any).kind === 'cost-estimate').map((entry) => entry.data as any);
    expect(metadata.map((data) => [data.database, data.monthlyCostUsd])).toEqual([
      ['Bronze/Orders', Math.round(estimate.totalMonthlyUsd * 100) / 100],
      ['Bronze/Reports', Math.round(bronze.blueprint.costEstimates.get('reports-db')!.totalMonthlyUsd * 100) / 100],
    ]);
  });

  test('the protection metadata names each database\'s construct path, so the synth report and the aspect see it covered', () => {
    const kinds = bronze.blueprint.node.metadata.map((entry) => entry.data as any)
      .filter((data) => data.database === 'Bronze/Orders').map((data) => `${data.kind}:${(data.databaseNames ?? []).join(',')}`);
    expect(kinds).toEqual(expect.arrayContaining(['logical-dump:orders', 'logical-dump:invoices', 'restore-drill:orders', 'managed-backup:']));
  });

  test('each database\'s dump record names its runbook in the cloud assembly, and no other record does', () => {
    const records = bronze.blueprint.node.metadata.map((entry) => entry.data as any).filter((data) => data.database === 'Bronze/Orders');
    expect(records.filter((data) => data.runbook !== undefined).map((data) => [data.kind, data.databaseNames[0], data.runbook])).toEqual([
      ['logical-dump', 'orders', 'Bronze.runbooks/orders-db/orders.md'],
      ['logical-dump', 'invoices', 'Bronze.runbooks/orders-db/invoices.md'],
    ]);
  });

  test('the fleet drill runs on the shared cluster, in the drill security group, and its role may run only the verify tasks', () => {
    const template = templates.bronze;
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0].Properties;
    expect(machine.DefinitionSubstitutions).toMatchObject({
      ContainerName: 'runner',
      TargetUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
      SecurityGroups: { 'Fn::GetAtt': [expect.stringMatching(/^FleetDrillSecurityGroup/), 'GroupId'] },
      ClusterArn: { 'Fn::GetAtt': [expect.stringMatching(/^FleetCluster/), 'Arn'] },
    });
    const definition = JSON.parse(resolved(bronze.stack, machine.DefinitionString));
    expect(Object.keys(definition.States)).toEqual(['Drill each database', 'Any drill failed?', 'Drills failed', 'Drills passed', 'Fleet drill error']);
    const role = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('FleetDrillRole'))!;
    const runTask = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: any) => ref.Ref === role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .find((statement: any) => [statement.Action].flat().includes('ecs:RunTask'));
    expect(runTask.Resource).toEqual({ Ref: expect.stringMatching(/^FleetDrillTask16/) });
  });
});

describe('PostgresBackupBlueprint validation', () => {
  function build(
    databases: (stack: Stack, vpc: ec2.IVpc) => BlueprintServer[], extra: Partial<PostgresBackupBlueprintProps> = {}, tier = BackupTier.BRONZE,
  ): () => void {
    return () => blueprintStack(new App(), 'Invalid', tier, databases, extra);
  }
  const server = (stack: Stack, vpc: ec2.IVpc, overrides: Partial<BlueprintServer> = {}): BlueprintServer => ({
    id: 'orders-db', database: postgresInstance(stack, vpc, `Db${Object.keys(overrides).join('')}`, 'orders-db'), ...overrides,
  });

  test.each([
    { name: 'an id with capitals', databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { id: 'Orders' })], message: /databases\[0\]\.id is "Orders"; allowed: 1-40 lowercase/ },
    {
      name: 'two servers with one id',
      databases: (s: Stack, v: ec2.IVpc) => [server(s, v), { ...server(s, v, { databaseNames: ['x'] }) }],
      message: /databases\[1\]\.id is "orders-db"; allowed: an id no other server/,
    },
    { name: 'no database names', databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { databaseNames: [] })], message: /databases\[0\]\.databaseNames is \[\]; allowed: at least one/ },
    {
      name: 'a server-level immutability override',
      databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { overrides: { immutability: { days: 3 } } })],
      message: /databases\[0\]\.overrides\.immutability .* set immutability on the blueprint's tier/,
    },
    {
      name: 'a server tier with another immutability than the blueprint\'s',
      databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { tier: BackupTier.BRONZE.with({ immutability: { mode: 'governance', days: 3 } }) })],
      message: /databases\[0\]\.tier is "BRONZE\*"; allowed: a tier with the immutability of the blueprint's tier/,
    },
    {
      name: 'a retention of 0 days',
      databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { overrides: { logicalDump: { retentionDays: 0 } } })],
      message: /databases\[0\]\.overrides\.logicalDump\.retentionDays is 0/,
    },
    {
      name: 'an RPO longer than an alarm can watch',
      databases: (s: Stack, v: ec2.IVpc) => [server(s, v, { overrides: { alarms: { rpoHours: 200 } } })],
      message: /databases\[0\]\.overrides\.alarms\.rpoHours is 200/,
    },
  ])('rejects $name', ({ databases, message }) => {
    expect(build(databases)).toThrow(message);
  });

  // AWS Backup API reference, Lifecycle: cold storage applies only to the types of its Feature availability by resource
  // table and "AWS Backup ignores this expression for other resource types"; RDS and Aurora are not in it.
  const COLD_RULES = { rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 35 }, { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365, moveToColdStorageAfterDays: 90 }] };

  test('a server\'s backup plan with cold storage is refused, naming the override, since AWS Backup ignores it for RDS', () => {
    expect(build((s, v) => [server(s, v, { overrides: { backupPlan: COLD_RULES } })]))
      .toThrow(/databases\[0\]\.overrides\.backupPlan\.rules\[1\]\.moveToColdStorageAfterDays is 90; allowed: unset on AWS \(AWS Backup does not move RDS or Aurora recovery points to cold storage/);
  });

  test('a tier whose AWS Backup rule runs every 30 minutes is refused, since AWS Backup refuses jobs under 60 minutes apart at deploy', () => {
    const often = { rules: [{ name: 'often', frequency: 'hourly' as const, retentionDays: 7, schedule: { expression: '0,30 * * * *' } }] };
    expect(build((s, v) => [server(s, v)], {}, BackupTier.BRONZE.with({ backupPlan: often })))
      .toThrow(/backupPlan\.rules\[0\]\.schedule\.expression is "0,30 \* \* \* \*"; allowed: a cron expression whose runs are at least 60 minutes apart/);
  });

  test('a tier with cold storage is refused as well', () => {
    expect(build((s, v) => [server(s, v)], {}, BackupTier.BRONZE.with({ backupPlan: COLD_RULES })))
      .toThrow(/backupPlan\.rules\[1\]\.moveToColdStorageAfterDays is 90; allowed: unset on AWS/);
  });

  test('a tier that copies needs its destination, named as the tierOptions prop that sets it', () => {
    expect(build((s, v) => [server(s, v)], {}, BackupTier.SILVER)).toThrow(/Fleet: tierOptions\.copyRegion is undefined; allowed: a region for copies\[0\]/);
    expect(build((s, v) => [server(s, v)], {}, BackupTier.SILVER)).toThrow(/Fleet: tierOptions\.copyRegionVaultArn is undefined; allowed: the ARN of the destination vault/);
  });
});

describe('PostgresBackupBlueprint sizes the dump task\'s scratch disk from the directory-dump bound', () => {
  test('the fleet dump task keeps Fargate\'s own 20 GiB for a directory dump of a large table: it holds only what is not uploaded yet', () => {
    const { stack } = blueprintStack(new App(), 'ScratchDisk', BackupTier.BRONZE, (s, v) => [
      { id: 'orders-db', database: postgresInstance(s, v, 'Orders', 'orders-db') },
      {
        id: 'events-db',
        database: postgresInstance(s, v, 'Events', 'events-db'),
        overrides: { logicalDump: { format: 'directory', jobs: 2, largestTableGiB: 120 } },
      },
    ]);
    const dumpTasks = Object.entries(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))
      .filter(([id]) => id.includes('DumpTask')).map(([, task]) => task.Properties);
    expect(dumpTasks).toHaveLength(1);
    expect(dumpTasks[0].EphemeralStorage).toBeUndefined();
  });

  test('a fleet of custom-format dumps keeps Fargate\'s own 20 GiB', () => {
    const { stack } = blueprintStack(new App(), 'NoScratch', BackupTier.BRONZE, (s, v) => [
      { id: 'orders-db', database: postgresInstance(s, v, 'Orders', 'orders-db'), overrides: { logicalDump: { largestTableGiB: 150 } } },
    ]);
    const dumpTasks = Object.entries(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'))
      .filter(([id]) => id.includes('DumpTask')).map(([, task]) => task.Properties);
    expect(dumpTasks.map((task) => task.EphemeralStorage)).toEqual([undefined]);
  });
});

describe('PostgresBackupBlueprint with a retention policy and an offsite destination given by ARN', () => {
  test('outputs the bucket- and key-policy statements its owner must add for the fleet prune role, scoped to the fleet prefix', () => {
    const { stack, blueprint } = blueprintStack(new App(), 'PrunedOffsite', BackupTier.BRONZE, (scope, vpc) => [
      { id: 'orders', database: postgresInstance(scope, vpc, 'Orders', 'orders-db'), databaseNames: ['orders'] },
    ], {
      retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
      replication: { destinationBucketArn: 'arn:aws:s3:::fleet-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/fleet-offsite' },
    });
    const template = Template.fromStack(stack);
    const outputs = Object.entries(template.findOutputs('*')).filter(([id]) => id.includes('ReplicaPruneDestinationPolicy'));
    expect(outputs).toHaveLength(1);
    const policy = resolved(stack, blueprint.replicaPruneDestinationPolicy);
    expect(outputs[0][1].Value).toEqual(policy);
    // Every token in the JSON is the prune role's ARN.
    const parts = policy['Fn::Join'][1] as unknown[];
    expect(parts.filter((part) => typeof part !== 'string')).toEqual([0, 1, 2].map(() => resolved(stack, blueprint.pruneTaskDefinition!.taskRole.roleArn)));
    const parsed = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'PRUNE-ROLE-ARN')).join(''));
    const principal = { AWS: 'PRUNE-ROLE-ARN' };
    expect(parsed).toEqual(expectedReplicaPrunePolicy(principal, 'fleet-offsite', `${blueprint.prefix}`));
  });
});

describe('PostgresBackupBlueprint given a database it cannot connect to (from JavaScript, where no compiler checks the type)', () => {
  test.each([
    ['an imported Aurora cluster', (stack: Stack) => rds.DatabaseCluster.fromDatabaseClusterAttributes(stack, 'Ledger', {
      clusterIdentifier: 'ledger', clusterEndpointAddress: 'ledger.cluster-abc123.eu-west-1.rds.amazonaws.com', port: 5432,
    }), /Backups\/Ledger \(ImportedDatabaseCluster\w*\)/],
    ['an imported instance', (stack: Stack) => rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Orders', {
      instanceIdentifier: 'orders', instanceEndpointAddress: 'orders.abc123.eu-west-1.rds.amazonaws.com', port: 5432, securityGroups: [],
    }), /Backups\/Orders \(\w+\)/],
  ])('%s is refused by its prop and path, naming what to pass instead', (_name, imported, named) => {
    const app = new App();
    const build = () => blueprintStack(app, 'Backups', BackupTier.BRONZE, (stack) => [
      { id: 'orders', database: asServerDatabase(imported(stack)) },
    ]);
    const thrown = (() => {
      try {
        build();
      } catch (error) {
        return (error as Error).message;
      }
      return 'nothing thrown';
    })();
    expect(thrown).toMatch(/^Invalid backup policy \(1 problem\):\n {2}- Backups\/Fleet: databases\[0\]\.database is "/);
    expect(thrown).toMatch(named);
    expect(thrown).toContain('allowed: an rds.DatabaseInstance or rds.DatabaseCluster of this app, or a PostgresDatabase (for a database this app imports: '
      + 'PostgresDatabase.fromInstance(imported, { secret }) or PostgresDatabase.fromSecret)');
  });
});

/** `database` where the blueprint's props take a server, as a JavaScript program passes it. */
function asServerDatabase(database: unknown): BlueprintServer['database'] {
  return database as BlueprintServer['database'];
}
