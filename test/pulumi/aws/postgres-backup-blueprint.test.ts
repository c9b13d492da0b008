import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { ManagedPostgresDatabase } from '../../../src/pulumi/aws/managed-postgres-database';
import { BlueprintServer, PostgresBackupBlueprint, PostgresBackupBlueprintProps } from '../../../src/pulumi/aws/postgres-backup-blueprint';
import { PostgresDatabase } from '../../../src/pulumi/aws/postgres-database';
import { RequirePostgresBackups } from '../../../src/pulumi/aws/require-postgres-backups';
import { parseCommandLine } from '../../../src/runner/cli-commands';
import { expectedReplicaPrunePolicy } from '../../support/replica-prune-policy';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const COPY_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:fleet-copies';

/** A self-managed server given by an RDS-style secret (host inside). */
function selfManaged(id: string, extra: Partial<BlueprintServer> = {}): BlueprintServer {
  return {
    id,
    database: PostgresDatabase.fromSecret({ secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`, securityGroupId: `sg-${id}`, postgresMajorVersion: 16 }),
    databaseNames: [id.replace(/-/g, '_')],
    ...extra,
  };
}

/** An RDS for PostgreSQL instance with an RDS-managed secret and, unless told otherwise, its tier's automated backups. */
function rdsServer(id: string, extra: Partial<BlueprintServer> = {}, tier: BackupTier | 'without automated-backup args' = BackupTier.BRONZE): BlueprintServer {
  const instance = new rds.Instance(id, {
    identifier: `${id}-db`,
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 100,
    manageMasterUserPassword: true,
    username: 'postgres',
    storageEncrypted: true,
    ...(tier instanceof BackupTier ? PostgresBackupBlueprint.managedSnapshotArgs(tier, { finalSnapshotIdentifier: `${id}-final` }, { copyRegion: 'eu-central-1', copyAccount: '210987654321' }) : {}),
  });
  return {
    id,
    database: PostgresDatabase.fromInstance(instance, { postgresMajorVersion: 16 }),
    managedDatabase: ManagedPostgresDatabase.fromInstance(instance, { storageEncryption: 'customer-managed-key' }),
    databaseNames: [id],
    ...extra,
  };
}

const COLD_RULES = { rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 35 }, { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365, moveToColdStorageAfterDays: 90 }] };
const BASE: Omit<PostgresBackupBlueprintProps, 'tier' | 'databases'> = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'], image: IMAGE };

/** Creates the blueprint and waits until every resource it started registering has registered. */
async function deploy(props: Partial<PostgresBackupBlueprintProps> & Pick<PostgresBackupBlueprintProps, 'databases'>): Promise<PostgresBackupBlueprint> {
  const blueprint = new PostgresBackupBlueprint('fleet', { ...BASE, tier: BackupTier.BRONZE, ...props });
  await Promise.all([
    valueOf(blueprint.urn),
    valueOf(blueprint.dashboard.dashboardBody),
    ...blueprint.databases.flatMap((database) => [valueOf(database.schedule.arn), valueOf(database.rpoAlarm.arn), valueOf(database.runbook)]),
    ...blueprint.drillSchedules.map((schedule) => valueOf(schedule.arn)),
    ...blueprint.backupPlans.map((plan) => valueOf(plan.arn)),
    ...(blueprint.drillDefinition ? [valueOf(blueprint.drillDefinition)] : []),
    ...props.databases.flatMap((server) => (server.managedDatabase?.settings ? [valueOf(server.managedDatabase.settings)] : [])),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return blueprint;
}

function dumpSchedule(name: string): any {
  return engine.named('aws:scheduler/schedule:Schedule', name).inputs;
}

function dumpCommand(name: string): string[] {
  return JSON.parse(dumpSchedule(name).target.input).containerOverrides[0].command;
}

function lifecycleRule(id: string): any {
  const rules = engine.ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration').flatMap((config) => config.inputs.rules);
  const found = rules.find((rule: any) => rule.id === id);
  if (!found) throw new Error(`no lifecycle rule ${id}; rules: ${rules.map((rule: any) => rule.id).join(', ')}`);
  return found;
}

describe('PostgresBackupBlueprint (Pulumi AWS) renders each tier', () => {
  test('BRONZE: a daily dump at 02:00 UTC kept 14 days under the server\'s own prefix, drilled monthly, no AWS Backup plan', async () => {
    const tier = BackupTier.BRONZE.policy();
    const blueprint = await deploy({ databases: [selfManaged('billing')] });
    const schedule = dumpSchedule('fleet-billing-billing-dump');
    expect(schedule.scheduleExpression).toBe('cron(0 2 * * ? *)');
    expect(schedule.scheduleExpressionTimezone).toBe('UTC');
    expect(lifecycleRule('pg-dumps-billing').filter.prefix).toBe('pg-dumps/billing/');
    expect(lifecycleRule('pg-dumps-billing').expiration.days).toBe(tier.logicalDump!.retentionDays);
    expect(blueprint.drillSchedules).toHaveLength(1);
    expect(blueprint.backupPlans).toHaveLength(0);
    expect(engine.ofType('aws:backup/vault:Vault')).toHaveLength(0);
  });

  test('SILVER on an RDS instance: its dumps, and an AWS Backup plan with the tier\'s rules and the copy to another region', async () => {
    const tier = BackupTier.SILVER.with({ copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: COPY_VAULT, retentionDays: 14 }] });
    const blueprint = await deploy({ tier, tierOptions: { copyRegion: 'eu-central-1' }, databases: [rdsServer('catalog', {}, tier)] });
    expect(blueprint.backupPlans).toHaveLength(1);
    const plan = engine.ofType('aws:backup/plan:Plan')[0].inputs;
    const expected = tier.policy({ copyRegion: 'eu-central-1' }).backupPlan!;
    expect(plan.rules.map((rule: any) => rule.ruleName)).toEqual([...expected.rules!.map((rule) => rule.name), ...(expected.continuousBackupRetentionDays ? ['continuous'] : [])]);
    expect(plan.rules[0].copyActions).toEqual([{ destinationVaultArn: COPY_VAULT, lifecycle: { deleteAfter: 14 } }]);
    const selection = engine.ofType('aws:backup/selection:Selection')[0].inputs;
    const instanceArn = engine.named('aws:rds/instance:Instance', 'catalog').id.replace(/-id$/, '');
    expect(selection.resources).toEqual([`arn:aws:rds:eu-west-1:123456789012:instance/${instanceArn}`]);
    // AWS Backup publishes vault events to the created topic.
    const topicPolicy = JSON.parse(engine.ofType('aws:sns/topicPolicy:TopicPolicy')[0].inputs.policy);
    expect(topicPolicy.Statement.map((statement: any) => statement.Principal?.Service)).toContain('backup.amazonaws.com');
  });

  test('GOLD: the bucket is write-once for the tier\'s days and the vault is locked for the same minimum', async () => {
    const tier = BackupTier.GOLD.with({
      copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: COPY_VAULT, retentionDays: 35 }],
    });
    const lock = tier.policy({ copyRegion: 'eu-central-1', copyAccount: '210987654321' }).immutability!;
    await deploy({ tier, tierOptions: { copyRegion: 'eu-central-1', copyAccount: '210987654321' }, databases: [rdsServer('payments', {}, tier)] });
    const objectLock = engine.ofType('aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration')[0].inputs;
    expect(objectLock.rule.defaultRetention.days).toBe(lock.days);
    expect(engine.ofType('aws:backup/vaultLockConfiguration:VaultLockConfiguration')[0].inputs.minRetentionDays).toBe(lock.days);
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) shares its infrastructure', () => {
  test('each extra database adds at most three resources (its schedule, its RPO alarm and its server\'s ingress rule) and a tenth of an RTO alarm', async () => {
    await deploy({ databases: [selfManaged('s1')] });
    const one = engine.resources.length;
    engine.reset();
    await deploy({ databases: Array.from({ length: 11 }, (_, index) => selfManaged(`s${index + 1}`)) });
    const eleven = engine.resources.length;
    // Eleven drilled databases take two RTO alarms (ten databases an alarm), one database one.
    expect((eleven - one) / 10).toBeLessThanOrEqual(3.1);
    expect(engine.ofType('aws:ecs/cluster:Cluster')).toHaveLength(1);
    expect(engine.ofType('aws:s3/bucket:Bucket').filter((bucket) => !bucket.name.includes('access-logs'))).toHaveLength(1);
    expect(engine.ofType('aws:sfn/stateMachine:StateMachine')).toHaveLength(1);
    expect(engine.ofType('aws:sns/topic:Topic')).toHaveLength(1);
    expect(engine.ofType('aws:cloudwatch/dashboard:Dashboard')).toHaveLength(1);
  });

  test('every dump runs the one task definition of its major with its own database, folder, secret variable and Server dimension', async () => {
    await deploy({ databases: [selfManaged('billing'), selfManaged('crm', { databaseNames: ['crm', 'crm_audit'] })] });
    expect(engine.ofType('aws:ecs/taskDefinition:TaskDefinition').filter((task) => task.name.startsWith('fleet-dump-task'))).toHaveLength(1);
    const command = parseCommandLine(dumpCommand('fleet-crm-crm-audit-dump'));
    expect(command).toMatchObject({ command: 'dump' });
    const argv = dumpCommand('fleet-crm-crm-audit-dump');
    expect(argv[argv.indexOf('--to') + 1]).toBe('s3://fleet-backups-bucket-bucket/pg-dumps/crm');
    expect(argv[argv.indexOf('--database') + 1]).toBe('crm_audit');
    expect(argv[argv.indexOf('--secret-env') + 1]).toBe('PG_BACKUP_SECRET_1');
    expect(argv[argv.indexOf('--metric-dimension') + 1]).toBe('Server=crm');
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'fleet-dump-task-16').inputs.containerDefinitions);
    expect(containers[0].secrets).toEqual([
      { name: 'PG_BACKUP_SECRET_0', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing-AbCdEf' },
      { name: 'PG_BACKUP_SECRET_1', valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm-AbCdEf' },
    ]);
  });

  test('an RDS server\'s credentials-only secret is paired with its address in the command', async () => {
    await deploy({ databases: [rdsServer('orders')] });
    const argv = dumpCommand('fleet-orders-orders-dump');
    expect(argv[argv.indexOf('--database-url') + 1]).toBe('postgres://orders.abc123.eu-west-1.rds.amazonaws.com:5432/postgres');
  });

  test('the dump tasks may read exactly the fleet\'s secrets, forty to a managed policy so IAM\'s size limits hold for large fleets', async () => {
    await deploy({ databases: Array.from({ length: 51 }, (_, index) => selfManaged(`s${index + 1}`)) });
    const policies = engine.ofType('aws:iam/policy:Policy').map((policy) => JSON.parse(policy.inputs.policy).Statement[0]);
    expect(policies.map((statement) => statement.Resource.length)).toEqual([40, 11]);
    expect(policies.flatMap((statement) => statement.Resource)).toEqual(
      Array.from({ length: 51 }, (_, index) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:s${index + 1}-AbCdEf`),
    );
    expect(engine.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((attachment) => attachment.inputs.role))
      .toEqual(['fleet-dump-execution-role', 'fleet-dump-execution-role']);
  });

  test('one rule pages when a dump task of any major stops with an error, naming the schedule that started it', async () => {
    await deploy({ databases: [selfManaged('billing'), selfManaged('legacy', { postgresMajorVersion: 14 })] });
    const pattern = JSON.parse(engine.named('aws:cloudwatch/eventRule:EventRule', 'fleet-dump-task-failed').inputs.eventPattern);
    expect(pattern.detail.taskDefinitionArn).toEqual([
      'arn:aws:ecs:eu-west-1:123456789012:task-definition/fleet-pg-dump-14:1', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/fleet-pg-dump-16:1',
    ]);
    const target = engine.named('aws:cloudwatch/eventTarget:EventTarget', 'fleet-dump-task-failed-notification').inputs;
    expect(target.inputTransformer.inputTemplate).toBe(
      '"A fleet pg_dump task failed: <detail-taskArn> (started by <detail-startedBy>) stopped (<detail-stopCode>): <detail-stoppedReason>"',
    );
  });

  test('the dump task may write under the fleet prefix and never delete', async () => {
    await deploy({ databases: [selfManaged('billing')] });
    const statements = engine.roleStatements('fleet-dump-task-role');
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toContain('s3:PutObject');
    expect(actions.filter((action: string) => action.startsWith('s3:Delete'))).toEqual([]);
  });

  test('one schedule drills every database of a group, naming each in its input, and the state machine is core\'s fleet drill', async () => {
    const blueprint = await deploy({ databases: [selfManaged('billing'), selfManaged('crm')] });
    expect(blueprint.drillSchedules).toHaveLength(1);
    const schedule = engine.ofType('aws:scheduler/schedule:Schedule').find((candidate) => candidate.name.startsWith('fleet-drill-schedule'))!.inputs;
    const input = JSON.parse(schedule.target.input);
    expect(input).toMatchObject({
      bucket: 'fleet-backups-bucket-bucket',
      prefix: 'pg-dumps',
      taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/fleet-restore-drill-16:1',
      databases: [{ id: 'billing', name: 'billing' }, { id: 'crm', name: 'crm' }],
    });
    const definition = JSON.parse(await valueOf(blueprint.drillDefinition!));
    expect(JSON.stringify(definition)).not.toMatch(/\$\{[A-Za-z]+\}/);
    expect(definition.States['Drill each database'].ItemProcessor.States['Run verify task'].Parameters.Cluster)
      .toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/fleet-cluster');
  });

  test('servers with different drill settings get separate drill groups, each with its own checks file', async () => {
    const blueprint = await deploy({
      databases: [selfManaged('billing'), selfManaged('crm', { overrides: { verification: { checks: ['SELECT count(*) > 0 FROM customers'] } } })],
    });
    expect(blueprint.drillSchedules).toHaveLength(2);
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'fleet-drill-task-16').inputs.containerDefinitions);
    const writer = containers.find((container: any) => container.name === 'write-checks');
    expect(writer.environment).toEqual([
      { name: 'PG_BACKUP_CHECKS_0', value: '' },
      { name: 'PG_BACKUP_CHECKS_1', value: 'SELECT count(*) > 0 FROM customers;' },
    ]);
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) per-database overrides', () => {
  test('a server\'s override of the dump schedule and retention changes only its schedule and its lifecycle rule', async () => {
    await deploy({
      databases: [
        selfManaged('billing'),
        selfManaged('crm', { overrides: { logicalDump: { schedule: { expression: '0 */6 * * *' }, retentionDays: 45 } } }),
      ],
    });
    expect(dumpSchedule('fleet-crm-crm-dump').scheduleExpression).toBe('cron(0 0/6 * * ? *)');
    expect(dumpSchedule('fleet-billing-billing-dump').scheduleExpression).toBe('cron(0 2 * * ? *)');
    expect(lifecycleRule('pg-dumps-crm').expiration.days).toBe(45);
    expect(lifecycleRule('pg-dumps-billing').expiration.days).toBe(BackupTier.BRONZE.policy().logicalDump!.retentionDays);
  });

  test('a server\'s own RPO sets its RPO alarm, which pages when the dump stops reporting', async () => {
    await deploy({
      databases: [selfManaged('crm', { overrides: { logicalDump: { schedule: { expression: '0 */6 * * *' } }, alarms: { rpoHours: 8 } } })],
    });
    const alarm = engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'fleet-crm-crm-rpo').inputs;
    expect(alarm.period).toBe(8 * 3600);
    expect(alarm.dimensions).toEqual({ Database: 'crm', Server: 'crm' });
    expect(alarm.treatMissingData).toBe('breaching');
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) sizes the dump task\'s scratch disk from the directory-dump bound', () => {
  test('the fleet dump task keeps Fargate\'s own 20 GiB for a directory dump of a large table: it holds only what is not uploaded yet', async () => {
    await deploy({
      databases: [selfManaged('billing'), selfManaged('crm', { overrides: { logicalDump: { format: 'directory', jobs: 2, largestTableGiB: 120 } } })],
    });
    expect(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'fleet-dump-task-16').inputs.ephemeralStorage).toBeUndefined();
  });

  test('a fleet of custom-format dumps keeps Fargate\'s own 20 GiB', async () => {
    await deploy({ databases: [selfManaged('billing', { overrides: { logicalDump: { largestTableGiB: 150 } } })] });
    expect(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'fleet-dump-task-16').inputs.ephemeralStorage).toBeUndefined();
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) and the instances\' own automated backups', () => {
  afterEach(() => jest.restoreAllMocks());

  test('an instance given managedSnapshotArgs of its tier gets no warning', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockResolvedValue();
    await deploy({ databases: [rdsServer('orders')] });
    expect(warn).not.toHaveBeenCalled();
  });

  test('an instance without them gets a warning naming each setting it lacks', async () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockResolvedValue();
    await deploy({ databases: [rdsServer('orders', {}, 'without automated-backup args')] });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^orders: the database's automated backups differ from its tier: backupRetentionDays is undefined, the tier asks for 7;.*copyTagsToSnapshot/),
      expect.anything());
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) runbooks and estimates', () => {
  test('each runbook names the exact bucket, prefix and restore commands, and for an RDS server the point-in-time steps', async () => {
    const tier = BackupTier.SILVER.without('copies');
    const blueprint = await deploy({ tier, databases: [rdsServer('orders', {}, tier)] });
    const runbook = await valueOf(blueprint.runbooks['orders/orders']);
    expect(runbook).toContain('s3://fleet-backups-bucket-bucket/pg-dumps/orders');
    expect(runbook).toContain('pg-backup restore --from s3://fleet-backups-bucket-bucket/pg-dumps/orders');
    expect(runbook).toContain('--database orders');
    expect(runbook).toContain('aws rds restore-db-instance-to-point-in-time');
    expect(runbook).toContain('--source-db-instance-identifier orders-db');
    expect(runbook).toContain('TARGET_TIME_UTC');
    expect(await valueOf(blueprint.database('orders', 'orders').restoreCommand))
      .toBe('pg-backup restore --from s3://fleet-backups-bucket-bucket/pg-dumps/orders --database orders --latest --target-url "$TARGET_URL"');
  });

  test('runbooks are written to the runbook directory once known', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'runbooks-'));
    try {
      await deploy({ runbookDirectory: directory, databases: [selfManaged('billing')] });
      expect(fs.readFileSync(path.join(directory, 'billing', 'billing.md'), 'utf8')).toContain('s3://fleet-backups-bucket-bucket/pg-dumps/billing');
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test('a server with sizes gets core\'s monthly storage-cost estimate; one without gets none', async () => {
    const blueprint = await deploy({ databases: [selfManaged('billing', { estimate: { databaseSizeGb: 200 } }), selfManaged('crm')] });
    expect(blueprint.costEstimates.get('billing')!.totalMonthlyUsd).toBeGreaterThan(0);
    expect(blueprint.costEstimates.has('crm')).toBe(false);
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) refuses bad input before registering anything', () => {
  test.each<[string, Partial<PostgresBackupBlueprintProps>, string]>([
    ['no database', { databases: [] }, 'databases is []; allowed: at least one database'],
    ['an id with capitals', { databases: [selfManaged('Billing')] }, 'databases[0].id is "Billing"; allowed: 1-40 lowercase letters'],
    ['a repeated id', { databases: [selfManaged('crm'), selfManaged('crm')] }, 'databases[1].id is "crm"; allowed: an id no other server of the blueprint has'],
    ['no major', { databases: [{ ...selfManaged('crm'), database: PostgresDatabase.fromSecret({ secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:x' }) }] },
      'databases[0].postgresMajorVersion is undefined; allowed: a PostgreSQL major version'],
    ['a server\'s own immutability', { databases: [selfManaged('crm', { overrides: { immutability: { days: 7 } } })] }, 'databases[0].overrides.immutability'],
    ['too many concurrent drills', { maxConcurrentDrills: 41, databases: [selfManaged('crm')] }, 'maxConcurrentDrills is 41; allowed: an integer from 1 to 40'],
    // AWS Backup ignores a lifecycle's cold storage for RDS and Aurora (API reference, Lifecycle: only the types of its
    // Feature availability by resource table move), so the recovery points would stay warm.
    ['cold storage in an RDS server\'s backup plan', { databases: [rdsServer('crm', { overrides: { backupPlan: COLD_RULES } })] },
      'databases[0].overrides.backupPlan.rules[1].moveToColdStorageAfterDays is 90; allowed: unset on AWS (AWS Backup does not move RDS or Aurora recovery points to cold storage'],
    ['an AWS Backup rule every 30 minutes in an RDS server\'s plan', {
      databases: [rdsServer('crm', { overrides: { backupPlan: { rules: [{ name: 'often', frequency: 'hourly', retentionDays: 7, schedule: { expression: '0,30 * * * *' } }] } } })],
    }, 'databases[0].overrides.backupPlan.rules[0].schedule.expression is "0,30 * * * *"; allowed: a cron expression whose runs are at least 60 minutes apart'],
    ['cold storage in the tier', { tier: BackupTier.BRONZE.with({ backupPlan: COLD_RULES }), databases: [rdsServer('crm')] },
      'backupPlan.rules[1].moveToColdStorageAfterDays is 90; allowed: unset on AWS'],
    ['a dump task size Fargate does not offer', { dumpCpu: 1024, dumpMemoryLimitMiB: 512, databases: [selfManaged('crm')] }, 'dumpMemoryLimitMiB is 512; allowed: 2048 to 8192 MiB in steps of 1024 with dumpCpu 1024'],
  ])('%s', (_, props, message) => {
    let error: unknown;
    try {
      new PostgresBackupBlueprint('bad', { ...BASE, tier: BackupTier.BRONZE, databases: [], ...props });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as Error).message).toContain(message);
    expect(engine.resources.filter((resource) => resource.name.startsWith('bad'))).toEqual([]);
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) and RequirePostgresBackups', () => {
  test('an RDS instance in the blueprint is protected; one beside it is named', async () => {
    let guard: RequirePostgresBackups | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      guard = new RequirePostgresBackups({ level: 'warning' });
      new rds.Instance('forgotten', { engine: 'postgres', instanceClass: 'db.t4g.micro', allocatedStorage: 20 });
      const blueprint = new PostgresBackupBlueprint('fleet', { ...BASE, tier: BackupTier.BRONZE, databases: [rdsServer('orders')] });
      await valueOf(blueprint.urn);
      return {};
    });
    expect(guard!.check()).toEqual(['forgotten']);
  });
});

describe('PostgresBackupBlueprint (Pulumi AWS) with a retention policy and an offsite destination given by ARN', () => {
  test('outputs the bucket- and key-policy statements its owner must add for the fleet prune role, scoped to the fleet prefix', async () => {
    const blueprint = await deploy({
      databases: [selfManaged('orders')],
      retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
      replication: { destinationBucketArn: 'arn:aws:s3:::fleet-offsite', replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:alias/fleet-offsite' },
    });
    const policy = JSON.parse(await valueOf(blueprint.replicaPruneDestinationPolicy!));
    expect(engine.named('aws:iam/role:Role', 'fleet-prune-role')).toBeDefined();
    const principal = { AWS: expect.stringMatching(/^arn:aws:iam::123456789012:role\/fleet-prune-role/) };
    expect(policy).toEqual(expectedReplicaPrunePolicy(principal, 'fleet-offsite', `${blueprint.prefix}`));
  });
});
