/**
 * Every numeric, string, enum, schedule and list option of each AWS construct, given a bad value in CDK and in Pulumi
 * AWS: both refuse it with a {@link PolicyValidationError} (not a crash, not silence) that names the construct, and
 * their lines are the same, one of them naming the option as the user wrote it, the value and what is allowed. A value
 * that is not known yet (a CDK token) is not refused.
 */
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { App, Aspects, CfnParameter, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cdkRds from 'aws-cdk-lib/aws-rds';
import * as cdk from '../../src/cdk';
import { BackupTier } from '../../src/core/policy/backup-tier';
import { formatValue, PolicyValidationError } from '../../src/core/policy/validation';
import * as pulumiAws from '../../src/pulumi/aws';
import { vpcWithDatabaseSubnets } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks } from '../pulumi/aws/aws-mocks';
import { validationErrorOf, validationLines } from '../support/validation-cases';
import {
  BadValue, Options, POSITIVE, WHOLE_NON_NEGATIVE, WHOLE_POSITIVE, errorOrOutcome, listEntries, schedule, values, withValue,
} from '../support/validation-sweep';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

/** Failures of resources registered after their component was built: a bad value a component did not check at once. */
const lateFailures: string[] = [];
process.on('unhandledRejection', (reason) => lateFailures.push(String((reason as Error)?.message ?? reason)));

const IMAGE = 'example.com/pg-backup:16';
const CDK_IMAGE = ecs.ContainerImage.fromRegistry(IMAGE);
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf';
const PULUMI_DATABASE = () => pulumiAws.PostgresDatabase.fromSecret({ secretArn: SECRET, securityGroupId: 'sg-db', postgresMajorVersion: 16 });
const REPLICATION = {
  destinationBucketArn: 'arn:aws:s3:::orders-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const COPY_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:orders-copies';
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

/**
 * One CDK app for the whole sweep (a VPC with isolated subnets and an RDS instance are slow to build): each case adds
 * its construct under an id of its own, so a construct a bad value left half-built is in nobody's way.
 */
let shared: { stack: Stack; offsite: Stack; vpc: ec2.Vpc; instance: cdkRds.DatabaseInstance } | undefined;
function sharedStack(): NonNullable<typeof shared> {
  if (shared) return shared;
  const app = new App();
  const stack = new Stack(app, 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = vpcWithDatabaseSubnets(stack);
  const instance = new cdkRds.DatabaseInstance(stack, 'Db', {
    engine: cdkRds.DatabaseInstanceEngine.postgres({ version: cdkRds.PostgresEngineVersion.VER_16_4 }), vpc, storageEncrypted: true,
  });
  const offsite = new Stack(app, 'Offsite', { env: { account: '123456789012', region: 'eu-central-1' } });
  shared = { stack, offsite, vpc, instance };
  return shared;
}

let constructs = 0;
/** An id no construct of the sweep has yet. */
const nextId = (name: string) => `${name}${++constructs}`;

function pulumiInstance(): rds.Instance {
  return new rds.Instance('orders-db', {
    engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', allocatedStorage: 20, manageMasterUserPassword: true, username: 'postgres',
  });
}

/** An options object with a misspelt key beside `others`, reported at the key. */
const misspelt = (path: string, key: string, value: unknown, others: Options = {}): BadValue[] => [
  { path, value: { ...others, [key]: value }, at: `${path}.${key}`, shown: value },
];

/** A construct in both front ends: how each is built from the shared options, and the bad values of its options. */
interface SweptConstruct {
  readonly name: string;
  /** The CDK stack it is built in: the CDK error names `<stack>/<id>`. */
  readonly cdkStack: 'Backups' | 'Offsite';
  /** Its Pulumi resource name, which the Pulumi error must name. */
  readonly pulumiName: string;
  readonly cdk: (options: Options, id: string) => unknown;
  readonly pulumi: (options: Options) => unknown;
  readonly base: Options;
  readonly bad: readonly BadValue[];
  /** Options whose value may be a CDK token or a Pulumi output, each with a good value. */
  readonly deferrable: Readonly<Record<string, unknown>>;
  /** Options whose value decides what is synthesized, so a CDK token or a Pulumi output is refused: each with a good value. */
  readonly literal?: Readonly<Record<string, unknown>>;
}

const DUMP: SweptConstruct = {
  name: 'ScheduledPgDump',
  cdkStack: 'Backups',
  pulumiName: 'dump',
  base: { databaseNames: ['orders'] },
  cdk: (options, id) => {
    const { stack, vpc, instance } = sharedStack();
    const database = cdk.PostgresDatabase.fromInstance(instance);
    return new cdk.ScheduledPgDump(stack, id, { vpc, database, image: CDK_IMAGE, ...options } as cdk.ScheduledPgDumpProps);
  },
  pulumi: (options) => new pulumiAws.ScheduledPgDump('dump', { ...NETWORK, image: IMAGE, database: PULUMI_DATABASE(), ...options } as never),
  bad: [
    ...listEntries('databaseNames', 'orders', 'billing'),
    ...values('rpoHours', WHOLE_POSITIVE),
    ...values('postgresMajorVersion', [-1, 0, 16.5, NaN, Infinity, 100]),
    ...values('prefix', ['', '   ', '/', 'a'.repeat(1025)]),
    ...values('cpu', WHOLE_POSITIVE),
    ...values('memoryLimitMiB', WHOLE_POSITIVE),
    ...values('ephemeralStorageGiB', WHOLE_POSITIVE),
    ...values('metricNamespace', ['', '   ', 'n'.repeat(256)]),
    ...values('retryAttempts', WHOLE_NON_NEGATIVE),
    ...schedule('dump.schedule'),
    ...values('dump.format', ['Custom', 'DIRECTORY', 'tar', '']),
    ...values('dump.compression', ['gzip:10', 'ZSTD:3', 'zstd:0', 'lz4:13', '', '   ', -1, 2.5, NaN, Infinity]),
    ...values('dump.jobs', WHOLE_POSITIVE),
    ...values('dump.largestTableGiB', POSITIVE),
    ...listEntries('dump.tables', 'public.orders', 'public.lines'),
    ...listEntries('dump.excludeTables', 'public.audit', 'public.log'),
    ...listEntries('dump.schemas', 'public', 'sales'),
    ...listEntries('dump.excludeSchemas', 'audit', 'scratch'),
    ...values('dump.retentionDays', WHOLE_POSITIVE),
    ...['daily', 'weekly', 'monthly', 'yearly'].flatMap((kind) => values(`dump.retention.${kind}`, WHOLE_NON_NEGATIVE)),
    ...values('dump.retention.minimumKept', WHOLE_POSITIVE),
    ...schedule('dump.retention.pruneSchedule'),
    ...values('dump.lockWaitTimeoutSeconds', POSITIVE),
    ...values('dump.rowCounts', ['Exact', 'none', '']),
    ...misspelt('dump', 'retentionDay', 45),
    ...misspelt('dump.retention', 'monthy', 6),
    ...misspelt('dump.schedule', 'timeZone', 'UTC', { expression: '0 2 * * *' }),
    ...misspelt('objectLock', 'mode_', 'compliance', { days: 7 }),
    ...values('objectLock.mode', ['Governance', 'COMPLIANCE', '']),
    ...values('objectLock.days', WHOLE_POSITIVE),
    ...listEntries('encryption.recipients', AGE_RECIPIENT, AGE_RECIPIENT.replace(/c$/, 'd')).slice(0, 2),
  ],
  deferrable: { 'cpu': 1024, 'memoryLimitMiB': 2048, 'ephemeralStorageGiB': 40, 'prefix': 'pg-dumps', 'dump.jobs': 1 },
  literal: {
    'rpoHours': 26,
    'retryAttempts': 2,
    'objectLock.days': 7,
    'databaseNames': ['orders'],
    'dump.schedule.expression': '0 2 * * *',
    'dump.schedule.timezone': 'UTC',
    'dump.format': 'custom',
    'dump.tables': ['public.orders'],
    'dump.retentionDays': 30,
    'dump.retention.daily': 7,
  },
};

/** Replication options need the rest of their object: each bad value of `replication.*` comes with a good base. */
function withBase(bad: readonly BadValue[], prefix: string, base: Options): BadValue[] {
  return bad.map((entry) => (entry.path.startsWith(`${prefix}.`)
    ? {
      ...entry,
      value: { ...base, [entry.path.slice(prefix.length + 1)]: entry.value },
      path: prefix,
      at: entry.at ?? entry.path,
      shown: entry.shown ?? entry.value,
    }
    : entry));
}

/** Bad values of the offsite copy of a dump bucket, which ScheduledPgDump and PostgresBackupBlueprint both take. */
const BAD_REPLICATION: BadValue[] = [
  ...values('replication.destinationBucketArn', ['', '   ', 'orders-offsite']),
  ...values('replication.replicaKmsKeyArn', ['', '   ', 'alias/orders']),
  ...values('replication.destinationAccount', ['', '12345', '1234567890123']),
  ...values('replication.destinationExpirationDays', WHOLE_POSITIVE),
  ...values('replication.latencyAlarmMinutes', WHOLE_POSITIVE),
  ...values('replication.roleName', ['', '   ', 'r'.repeat(65)]),
];

const DUMP_SWEPT: SweptConstruct = {
  ...DUMP,
  bad: withBase([
    ...DUMP.bad,
    ...BAD_REPLICATION,
  ], 'replication', REPLICATION),
};

const VERIFY: SweptConstruct = {
  name: 'VerifyRestore',
  cdkStack: 'Backups',
  pulumiName: 'verify',
  base: {},
  cdk: (options, id) => {
    const { stack, vpc, instance } = sharedStack();
    const source = new cdk.ScheduledPgDump(stack, `${id}Source`, { vpc, database: cdk.PostgresDatabase.fromInstance(instance), image: CDK_IMAGE, databaseNames: ['orders'] });
    return new cdk.VerifyRestore(stack, id, { vpc, source, image: CDK_IMAGE, ...options } as cdk.VerifyRestoreProps);
  },
  pulumi: (options) => new pulumiAws.VerifyRestore('verify', {
    ...NETWORK,
    image: IMAGE,
    scratchSubnetIds: NETWORK.subnetIds,
    source: new pulumiAws.ScheduledPgDump('dump', { ...NETWORK, image: IMAGE, database: PULUMI_DATABASE(), databaseNames: ['orders'] }),
    ...options,
  } as never),
  bad: [
    ...values('databaseName', ['', '   ', 'd'.repeat(64)]),
    ...schedule('verification.schedule'),
    ...listEntries('verification.checks', 'SELECT true', 'SELECT 1 = 1'),
    ...values('verification.maxRestoreDurationMinutes', WHOLE_POSITIVE),
    ...values('cpu', WHOLE_POSITIVE),
    ...values('memoryLimitMiB', WHOLE_POSITIVE),
    ...values('ephemeralStorageGiB', WHOLE_POSITIVE),
    ...values('jobs', WHOLE_POSITIVE),
    ...values('maxDrillAgeDays', WHOLE_POSITIVE),
    ...values('restoreTarget', ['Auto', 'SCRATCH-RDS', 'rds', '']),
    ...values('scratchInstance.instanceClass', ['', '   ', 'm5.large']),
    ...values('scratchInstance.storageHeadroomPercent', [-1, NaN, Infinity]),
    ...values('scratchInstance.minAllocatedStorageGiB', WHOLE_POSITIVE),
    ...values('scratchInstance.maxAllocatedStorageGiB', WHOLE_POSITIVE),
    ...values('scratchInstance.identifierPrefix', ['', '   ', 'Orders_Drill', 'p'.repeat(64)]),
    ...values('scratchInstance.pollIntervalSeconds', WHOLE_POSITIVE),
  ].map((entry) => (entry.path.startsWith('scratchInstance.') ? { ...entry, base: { restoreTarget: 'scratch-rds' } } : entry)),
  deferrable: { cpu: 2048, memoryLimitMiB: 8192, jobs: 2 },
  literal: {
    'maxDrillAgeDays': 8,
    'verification.schedule.expression': '0 6 * * 1',
    'verification.maxRestoreDurationMinutes': 60,
    'verification.checks': ['SELECT true'],
    'databaseName': 'orders',
    'restoreTarget': 'auto',
    'scratchInstance.identifierPrefix': 'pg-drill',
    'scratchInstance.instanceClass': 'db.t4g.micro',
    'scratchInstance.maxAllocatedStorageGiB': 100,
    'scratchInstance.pollIntervalSeconds': 60,
  },
};

const PLAN: SweptConstruct = {
  name: 'ManagedPostgresBackupPlan',
  cdkStack: 'Backups',
  pulumiName: 'plan',
  base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] } },
  cdk: (options, id) => {
    const { stack, instance } = sharedStack();
    return new cdk.ManagedPostgresBackupPlan(stack, id, { database: cdk.ManagedPostgresDatabase.fromInstance(instance), ...options });
  },
  pulumi: (options) => new pulumiAws.ManagedPostgresBackupPlan('plan', { database: pulumiAws.ManagedPostgresDatabase.fromInstance(pulumiInstance()), ...options }),
  bad: [
    ...values('managedSnapshots.backupRetentionDays', [...WHOLE_POSITIVE, 36]),
    ...values('managedSnapshots.preferredBackupWindow', ['', '   ', '2:00-02:30', '02:00-02:10', '25:00-25:30']),
    ...values('managedSnapshots.preferredMaintenanceWindow', ['', '   ', 'sun:04:00']),
    ...values('backupPlan.rules[0].name', ['', '   ']),
    { path: 'backupPlan.rules', value: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'daily', frequency: 'weekly', retentionDays: 90 }], at: 'backupPlan.rules[1].name', shown: 'daily' },
    ...values('backupPlan.rules[0].frequency', ['Daily', 'DAILY', '']),
    ...values('backupPlan.rules[0].retentionDays', [-1, 0, 2.5, NaN, Infinity, 36_501]),
    // Any value: AWS Backup ignores cold storage for RDS and Aurora (API reference, Lifecycle), so even 90 is refused.
    ...values('backupPlan.rules[0].moveToColdStorageAfterDays', [-1, 0, 2.5, NaN, Infinity, 36_411, 30, 90]),
    ...values('copies', [[{ destination: 'region', region: 'eu-central-1', retentionDays: 36_501, vaultArn: COPY_VAULT }]])
      .map((bad) => ({ ...bad, at: 'copies[0].retentionDays', shown: 36_501 })),
    ...schedule('backupPlan.rules[0].schedule'),
    // AWS Backup refuses rules whose backup jobs are less than 60 minutes apart when the plan is deployed.
    ...values('backupPlan.rules[0].schedule.expression', ['*/15 * * * *', '0,30 * * * *', '10,50 0,23 * * *']),
    ...values('backupPlan.continuousBackupRetentionDays', [...WHOLE_POSITIVE, 36]),
    ...values('copies', [[{ destination: 'Region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULT }]]).map((bad) => ({ ...bad, at: 'copies[0].destination', shown: 'Region' })),
    ...values('rpoHours', WHOLE_POSITIVE),
    ...values('maxRestorableTimeLagMinutes', WHOLE_POSITIVE),
    ...values('restorableTimeCheckIntervalMinutes', WHOLE_POSITIVE),
    ...values('metricNamespace', ['', '   ', 'n'.repeat(256)]),
    ...values('immutability.mode', ['Governance', '']),
    ...values('immutability.days', WHOLE_POSITIVE),
    ...values('airGappedCopy.retentionDays', WHOLE_POSITIVE),
    ...values('airGappedCopy.minRetentionDays', WHOLE_POSITIVE),
    ...values('airGappedCopy.maxRetentionDays', WHOLE_POSITIVE),
    ...values('airGappedCopy.vaultName', ['', '   ', 'v'.repeat(51), 'orders vault']),
    ...values('restoreTesting.recoveryPoint', ['Latest', 'oldest', '']),
    ...values('restoreTesting.selectionWindowDays', WHOLE_POSITIVE),
    ...values('restoreTesting.startWindowHours', WHOLE_POSITIVE),
    ...values('restoreTesting.validationWindowHours', WHOLE_NON_NEGATIVE),
    ...values('restoreTesting.dbSubnetGroupName', ['', '   ']),
    ...listEntries('restoreTesting.vpcSecurityGroupIds', 'sg-0123456789abcdef0', 'sg-0123456789abcdef1'),
    ...schedule('restoreTesting.schedule'),
    ...misspelt('managedSnapshots', 'backupRetention', 14),
    ...misspelt('backupPlan', 'continuousBackupRetention', 14, { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] }),
    ...misspelt('backupPlan.rules[0]', 'retention', 35, { name: 'daily', frequency: 'daily', retentionDays: 35 }),
    ...misspelt('copies[0]', 'vault', COPY_VAULT, { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULT }),
  ],
  deferrable: {},
  literal: {
    'rpoHours': 26,
    'restorableTimeCheckIntervalMinutes': 15,
    'immutability.days': 7,
    'backupPlan.rules[0].frequency': 'daily',
    'backupPlan.rules[0].schedule.expression': '0 5 * * *',
    'backupPlan.rules': [{ frequency: 'daily' }],
    'copies': [{ destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULT }],
    'copies[0].destination': 'region',
    'metricNamespace': 'PostgresBackup',
  },
};

const SNAPSHOT_DRILL: SweptConstruct = {
  name: 'SnapshotRestoreDrill',
  cdkStack: 'Backups',
  pulumiName: 'snapshot',
  base: { postgresMajorVersion: 16 },
  cdk: (options, id) => {
    const { stack, vpc, instance } = sharedStack();
    return new cdk.SnapshotRestoreDrill(stack, id, {
      database: cdk.ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'orders' }), vpc, image: CDK_IMAGE, ...options,
    } as cdk.SnapshotRestoreDrillProps);
  },
  pulumi: (options) => new pulumiAws.SnapshotRestoreDrill('snapshot', {
    database: pulumiAws.ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders', kind: 'instance' }),
    secretArn: SECRET,
    databaseName: 'orders',
    vpcId: 'vpc-0123',
    scratchSubnetIds: ['subnet-a'],
    taskSubnetIds: ['subnet-b'],
    image: IMAGE,
    ...options,
  } as never),
  bad: [
    ...schedule('verification.schedule'),
    ...listEntries('verification.checks', 'SELECT true', 'SELECT 1 = 1'),
    ...values('verification.maxRestoreDurationMinutes', WHOLE_POSITIVE),
    ...values('rowCounts', [[{ table: '' }], [{ table: '   ' }]]).map((bad) => ({ ...bad, at: 'rowCounts[0].table', shown: (bad.value as Array<{ table: string }>)[0].table })),
    ...[-1, 2.5, NaN, Infinity].map((min) => ({ path: 'rowCounts', value: [{ table: 'public.orders', min }], at: 'rowCounts[0].min', shown: min })),
    ...[-1, 2.5, NaN].map((max) => ({ path: 'rowCounts', value: [{ table: 'public.orders', max }], at: 'rowCounts[0].max', shown: max })),
    { path: 'rowCounts', value: [{ table: 'public.orders', min: 1 }, { table: 'public.orders', min: 2 }], at: 'rowCounts[1].table', shown: 'public.orders' },
    ...values('snapshotType', ['AwsBackup', 'RDS', '']),
    ...values('scratchInstanceClass', ['', '   ', 'm5.large']),
    ...values('scratchIdentifierPrefix', ['', '   ', 'Orders_Drill', 'p'.repeat(64)]),
    ...values('pollIntervalSeconds', WHOLE_POSITIVE),
    ...values('postgresMajorVersion', [-1, 0, 16.5, NaN, Infinity, 100]),
    ...values('metricNamespace', ['', '   ', 'n'.repeat(256)]),
    ...values('pointInTime.targetLagMinutes', WHOLE_NON_NEGATIVE),
    ...values('pointInTime.randomExtraLagMinutes', WHOLE_NON_NEGATIVE),
    ...values('pointInTime.recoveryPointQuery', ['', '   ']),
    ...values('pointInTime.maxRecoveryPointGapMinutes', WHOLE_NON_NEGATIVE),
    ...misspelt('verification', 'check', ['SELECT true']),
  ],
  deferrable: {},
  literal: {
    'verification.maxRestoreDurationMinutes': 60,
    'pollIntervalSeconds': 60,
    'pointInTime.targetLagMinutes': 5,
    'snapshotType': 'automated',
    'scratchInstanceClass': 'db.t4g.micro',
    'scratchIdentifierPrefix': 'pg-drill',
    'rowCounts': [{ table: 'public.orders', min: 1 }],
    'metricNamespace': 'PostgresBackup',
  },
};

const ARCHIVE: SweptConstruct = {
  name: 'SelfHostedPitrArchive',
  cdkStack: 'Backups',
  pulumiName: 'archive',
  base: { postgresMajorVersion: 15 },
  cdk: (options, id) => new cdk.SelfHostedPitrArchive(sharedStack().stack, id, options as unknown as cdk.SelfHostedPitrArchiveProps),
  pulumi: (options) => new pulumiAws.SelfHostedPitrArchive('archive', options as unknown as never),
  bad: [
    ...values('clusterName', ['', '   ', 'orders cluster', 'c'.repeat(256)]),
    ...values('prefix', ['   ', '/', 'a'.repeat(1025)]),
    ...values('postgresMajorVersion', [-1, 0, 15.5, NaN, Infinity, 100]),
    ...values('dataDirectory', ['', '   ', 'relative/path']),
    ...values('postgresqlConfFile', ['', '   ', 'relative.conf']),
    ...values('pgPort', [-1, 0, 2.5, NaN, 65536]),
    ...values('rpoArchiveTimeouts', POSITIVE),
    ...values('metricNamespace', ['', '   ', 'n'.repeat(256)]),
    ...values('pitr.windowDays', [-1, 0, 2.5, NaN, Infinity, 36_501]),
    ...values('pitr.archiveTimeoutSeconds', WHOLE_POSITIVE),
    ...values('pitr.retainFull', WHOLE_POSITIVE),
    ...values('pitr.archiver', ['pgBackRest', 'WAL-G', 'barman', '']),
    ...values('pitr.expireBy', ['Lifecycle', '']),
    ...values('pitr.walRetentionDays', [-1, 0, 2.5, NaN, Infinity, 36_501]),
    ...schedule('pitr.fullBackupSchedule'),
    ...schedule('pitr.diffBackupSchedule'),
    ...values('immutability.mode', ['Governance', '']),
    ...values('immutability.days', WHOLE_POSITIVE),
    ...misspelt('pitr', 'windowDay', 14),
    ...misspelt('pitr.fullBackupSchedule', 'expresion', '0 1 * * 0', { expression: '0 1 * * 0' }),
    ...values('estimate.databaseSizeGb', [-1, NaN, Infinity]),
  ],
  deferrable: {},
  literal: {
    'clusterName': 'orders', 'prefix': 'wal', 'pitr.windowDays': 7, 'pitr.archiveTimeoutSeconds': 60, 'pitr.archiver': 'pgbackrest', 'immutability.days': 7,
  },
};

const OFFSITE: SweptConstruct = {
  name: 'OffsiteBackupBucket',
  cdkStack: 'Offsite',
  pulumiName: 'offsite',
  base: { bucketName: 'orders-backups-offsite', replicationRoleNames: ['orders-dumps-replication'] },
  cdk: (options, id) => new cdk.OffsiteBackupBucket(sharedStack().offsite, id, options as unknown as cdk.OffsiteBackupBucketProps),
  pulumi: (options) => new pulumiAws.OffsiteBackupBucket('offsite', { account: '123456789012', region: 'eu-central-1', ...options } as unknown as never),
  bad: [
    ...values('bucketName', ['', '   ', 'Orders_Backups', 'b'.repeat(64), 'ab']),
    ...values('keyAlias', ['', '   ', 'alias/aws/s3']),
    ...listEntries('replicationRoleNames', 'orders-dumps-replication', 'orders-wal-replication'),
    ...values('replicationRoleNames', [[]]).map((bad) => ({ ...bad, at: 'replicationRoleNames', shown: [] })),
    ...values('sourceAccount', ['', '12345', '1234567890123']),
    ...values('objectLock.mode', ['Compliance', '']),
    ...values('objectLock.days', WHOLE_POSITIVE),
    ...values('expirationDays', WHOLE_POSITIVE),
  ],
  deferrable: { bucketName: 'orders-backups-offsite', expirationDays: 400 },
  literal: { 'objectLock.days': 7, 'replicationRoleNames': ['orders-dumps-replication'] },
};

const BLUEPRINT: SweptConstruct = {
  name: 'PostgresBackupBlueprint',
  cdkStack: 'Backups',
  pulumiName: 'fleet',
  base: { tier: BackupTier.BRONZE, databases: [{ id: 'orders-db', databaseNames: ['orders'] }] },
  cdk: (options, id) => {
    const { stack, vpc, instance } = sharedStack();
    const databases = (options.databases as Options[]).map((server) => ({ database: instance, ...server }));
    return new cdk.PostgresBackupBlueprint(stack, id, { vpc, image: CDK_IMAGE, ...options, databases } as never);
  },
  pulumi: (options) => {
    const databases = (options.databases as Options[]).map((server) => ({ database: PULUMI_DATABASE(), ...server }));
    return new pulumiAws.PostgresBackupBlueprint('fleet', { ...NETWORK, image: IMAGE, ...options, databases } as never);
  },
  bad: withBase([
    ...values('databases[0].id', ['', '   ', 'orders db', 'i'.repeat(64)]),
    ...values('databases[0].postgresMajorVersion', [-1, 0, 16.5, NaN, Infinity, 100]),
    { path: 'databases', value: [{ id: 'orders-db' }, { id: 'orders-db' }], at: 'databases[1].id', shown: 'orders-db' },
    ...values('databases', [[]]).map((bad) => ({ ...bad, at: 'databases', shown: [] })),
    ...listEntries('databases[0].databaseNames', 'orders', 'billing'),
    ...values('databases[0].overrides.logicalDump.retentionDays', WHOLE_POSITIVE),
    ...values('databases[0].overrides.verification.maxRestoreDurationMinutes', WHOLE_POSITIVE),
    ...['daily', 'weekly', 'monthly', 'yearly'].flatMap((kind) => values(`retention.${kind}`, WHOLE_NON_NEGATIVE)),
    ...values('retention.minimumKept', WHOLE_POSITIVE),
    ...misspelt('retention', 'monthy', 6),
    ...values('bucketName', ['', '   ', 'Fleet_Backups', 'b'.repeat(64)]),
    ...values('prefix', ['', '   ', '/', 'Upper']),
    ...values('dumpCpu', WHOLE_POSITIVE),
    ...values('dumpMemoryLimitMiB', WHOLE_POSITIVE),
    ...values('drillCpu', WHOLE_POSITIVE),
    ...values('drillMemoryLimitMiB', WHOLE_POSITIVE),
    ...values('drillEphemeralStorageGiB', WHOLE_POSITIVE),
    ...values('maxConcurrentDrills', WHOLE_POSITIVE),
    ...values('maxDrillAgeDays', WHOLE_POSITIVE),
    ...values('metricNamespace', ['', '   ', 'n'.repeat(256)]),
    ...BAD_REPLICATION,
  ], 'replication', REPLICATION),
  deferrable: {},
  literal: {
    'maxDrillAgeDays': 8, 'maxConcurrentDrills': 2, 'databases[0].id': 'orders-db', 'metricNamespace': 'PostgresBackup',
  },
};

const SWEPT: readonly SweptConstruct[] = [DUMP_SWEPT, VERIFY, PLAN, SNAPSHOT_DRILL, ARCHIVE, OFFSITE, BLUEPRINT];

const badCases = SWEPT.flatMap((swept) => swept.bad.map((bad) => {
  const { base: entryBase, ...entry } = bad as BadValue & { base?: Options };
  const options = withValue({ ...swept.base, ...entryBase }, entry.path, entry.value);
  const at = entry.at ?? entry.path;
  const shown = entry.shown ?? entry.value;
  return { swept, options, at, shown, title: `${swept.name} ${at} = ${formatValue(shown)}` };
}));

describe('every bad option value is refused in CDK and Pulumi AWS alike, naming the construct, the option, the value and the range', () => {
  test.each(badCases)('$title', ({ swept, options, at, shown }) => {
    const id = nextId(swept.name);
    const cdkError = errorOrOutcome(() => swept.cdk(options, id));
    const pulumiError = errorOrOutcome(() => swept.pulumi(options));
    expect(typeof cdkError === 'string' ? cdkError : 'PolicyValidationError').toBe('PolicyValidationError');
    expect(typeof pulumiError === 'string' ? pulumiError : 'PolicyValidationError').toBe('PolicyValidationError');
    const cdkFailure = cdkError as PolicyValidationError;
    const pulumiFailure = pulumiError as PolicyValidationError;
    expect([cdkFailure.construct, pulumiFailure.construct]).toEqual([`${swept.cdkStack}/${id}`, swept.pulumiName]);
    const lines = validationLines(cdkFailure);
    expect(validationLines(pulumiFailure)).toEqual(lines);
    const prefix = `${at} is ${formatValue(shown)}; allowed: `;
    expect(lines.filter((line) => line.startsWith(prefix) && line.length > prefix.length)).not.toEqual([]);
  });
});

const deferredCases = SWEPT.flatMap((swept) => Object.entries(swept.deferrable).map(([path, good]) => ({ swept, path, good })));

describe('an option whose value is not known yet is not refused', () => {
  test.each(deferredCases)('$swept.name $path as a CDK token', ({ swept, path, good }) => {
    const token = typeof good === 'number' ? Lazy.number({ produce: () => good }) : Lazy.string({ produce: () => String(good) });
    expect(errorOrOutcome(() => swept.cdk(withValue(swept.base, path, token), nextId(swept.name)))).toBe('accepted');
  });
});

/** A CDK token of the kind a user passes for `good`: a stack parameter's value, as a number, a string or a list. */
function cdkToken(good: unknown, id: string): unknown {
  const { stack } = sharedStack();
  if (typeof good === 'number') return new CfnParameter(stack, `${id}Param`, { type: 'Number' }).valueAsNumber;
  if (Array.isArray(good)) return new CfnParameter(stack, `${id}Param`, { type: 'CommaDelimitedList' }).valueAsList;
  return new CfnParameter(stack, `${id}Param`, { type: 'String' }).valueAsString;
}

const literalCases = SWEPT.flatMap((swept) => Object.entries(swept.literal ?? {}).map(([path, good]) => ({ swept, path, good })));

describe('an option whose value decides what is synthesized refuses a CDK token and a Pulumi output, saying a literal is needed and why', () => {
  test.each(literalCases)('$swept.name $path', ({ swept, path, good }) => {
    const id = nextId(swept.name);
    const cdkError = errorOrOutcome(() => swept.cdk(withValue(swept.base, path, cdkToken(good, id)), id));
    const pulumiError = errorOrOutcome(() => swept.pulumi(withValue(swept.base, path, pulumi.output(good))));
    expect(typeof cdkError === 'string' ? cdkError : 'PolicyValidationError').toBe('PolicyValidationError');
    expect(typeof pulumiError === 'string' ? pulumiError : 'PolicyValidationError').toBe('PolicyValidationError');
    expect([(cdkError as PolicyValidationError).construct, (pulumiError as PolicyValidationError).construct]).toEqual([`${swept.cdkStack}/${id}`, swept.pulumiName]);
    const prefix = `${path} is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: `;
    const cdkLines = validationLines(cdkError as PolicyValidationError).filter((line) => line.startsWith(prefix));
    expect(cdkLines).not.toEqual([]);
    cdkLines.forEach((line) => expect(line).toMatch(/ synthesized\)$/));
    expect(validationLines(pulumiError as PolicyValidationError).filter((line) => line.startsWith(prefix))).toEqual(cdkLines);
  });
});

describe('a Pulumi output given where a component types a plain value is refused, or leaves no unresolved text in any resource', () => {
  // CDK takes these as tokens (their value only flows into the template); the Pulumi components write them as text.
  test.each(deferredCases)('$swept.name $path', async ({ swept, path, good }) => {
    const outcome = errorOrOutcome(() => swept.pulumi(withValue(swept.base, path, pulumi.output(good))));
    if (outcome === 'accepted') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const unresolvedText = engine.resources.map((resource) => JSON.stringify(resource.inputs)).filter((text) => /Calling \[toString\]|\[object Object\]/.test(text));
      expect(unresolvedText).toEqual([]);
      return;
    }
    expect(typeof outcome === 'string' ? outcome : 'PolicyValidationError').toBe('PolicyValidationError');
    const prefix = `${path} is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: `;
    const lines = validationLines(outcome as PolicyValidationError).filter((line) => line.startsWith(prefix) && line.endsWith(' when the program runs)'));
    expect(lines).toHaveLength(1);
  });
});

test('an estimate without the database size (a JavaScript program can leave it out) is refused by both front ends, not crashed on', () => {
  const options = withValue(ARCHIVE.base, 'estimate', { compressionRatio: 3 });
  const expected = 'estimate.databaseSizeGb is undefined; allowed: a number from 0 to 10000000 GB, the size the estimate is worked out from';
  expect(validationLines(validationErrorOf(() => ARCHIVE.cdk(options, 'ArchiveWithoutSize')))).toContainEqual(expect.stringContaining(expected));
  expect(validationLines(validationErrorOf(() => ARCHIVE.pulumi(options)))).toContainEqual(expect.stringContaining(expected));
});

describe('RequirePostgresBackups', () => {
  test.each(['Error', 'warn', ''])('level %j is refused by both front ends with the same line', (level) => {
    const cdkError = validationErrorOf(() => Aspects.of(sharedStack().stack).add(new cdk.RequirePostgresBackups({ level: level as 'error' })));
    const pulumiError = validationErrorOf(() => new pulumiAws.RequirePostgresBackups({ level: level as 'error' }));
    expect(validationLines(pulumiError)).toEqual(validationLines(cdkError));
    expect(validationLines(cdkError)).toContainEqual(expect.stringMatching(new RegExp(`\\blevel is ${JSON.stringify(level)}; allowed: one of: error, warning`)));
  });
});

describe('a bad value is refused when its component is built, not later', () => {
  test('no resource of a swept component failed to register after its component was built', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([...new Set(lateFailures)]).toEqual([]);
  });
});
