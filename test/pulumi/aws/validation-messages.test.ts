import * as rds from '@pulumi/aws/rds';
import { AwsMockEngine, installAwsMocks } from './aws-mocks';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { resolveVerification } from '../../../src/core/policy/defaults';
import {
  ManagedPostgresBackupPlan, ManagedPostgresDatabase, PostgresBackupBlueprint, PostgresDatabase, ScheduledPgDump, ScheduledPgDumpProps,
  PitrDrill, SelfHostedPitrArchive, SnapshotRestoreDrill, VerifyRestore,
} from '../../../src/pulumi/aws';
import { BAD_DATABASE_NAMES, BAD_DATABASE_NAME_LINES, testValidationCases, validationErrorOf } from '../../support/validation-cases';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16';
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };
const DATABASE_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf';
const DATABASE = PostgresDatabase.fromSecret({
  secretArn: DATABASE_SECRET, securityGroupId: 'sg-db', postgresMajorVersion: 16,
});
const DUMP: ScheduledPgDumpProps = { ...NETWORK, image: IMAGE, database: DATABASE, databaseNames: ['orders'] };
const PLAN_RULES = [
  { name: 'daily', frequency: 'daily' as const, retentionDays: 35 },
  { name: 'monthly', frequency: 'monthly' as const, retentionDays: 0 },
];

function managedDatabase(): ManagedPostgresDatabase {
  const instance = new rds.Instance('orders-db', {
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
    backupRetentionPeriod: 7,
  });
  return ManagedPostgresDatabase.fromInstance(instance);
}


describe('a validation error names the resource and the prop as the user wrote it, the value and the allowed range', () => {
  const cases: Array<{ name: string; construct: string; build: () => void; line: string }> = [
    {
      name: 'ScheduledPgDump: dump retention',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { retentionDays: 0 } }),
      line: 'nightly-dump: dump.retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'ScheduledPgDump: an event age EventBridge Scheduler does not keep',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, maxEventAgeSeconds: 30 }),
      line: 'nightly-dump: maxEventAgeSeconds is 30; allowed: an integer from 60 to 86400 seconds',
    },
    {
      name: 'ScheduledPgDump: an entry of a list inside dump',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { tables: ['orders', ' '] } }),
      line: 'nightly-dump: dump.tables[1] is " "; allowed: a non-empty name',
    },
    {
      name: 'ScheduledPgDump: the dump schedule',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { schedule: { expression: '0 2 * * *', timezone: 'Mars/Olympus' } } }),
      line: 'nightly-dump: dump.schedule.timezone is "Mars/Olympus"; allowed: an IANA time zone name such as "UTC" or "Europe/Berlin"',
    },
    {
      name: 'ScheduledPgDump: an Object Lock longer than the default retention',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, objectLock: { days: 60 } }),
      line: 'nightly-dump: objectLock.days is 60; allowed: an integer from 1 to 30 days (dump.retentionDays (default)) '
        + '(a backup cannot be locked longer than it is kept)',
    },
    {
      name: 'ScheduledPgDump: an RPO shorter than the dump schedule',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, rpoHours: 2 }),
      line: 'nightly-dump: rpoHours is 2; allowed: an integer from 24 to 8784 hours '
        + '(dump.schedule runs up to 24 hours apart, so a shorter RPO alarms between every two backups)',
    },
    {
      name: 'VerifyRestore: the RTO',
      construct: 'verify',
      build: () => new VerifyRestore('verify', {
        ...NETWORK, image: IMAGE, source: new ScheduledPgDump('nightly-dump', DUMP), verification: { maxRestoreDurationMinutes: 0 },
      }),
      line: 'verify: verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
    {
      name: 'ManagedPostgresBackupPlan: the second rule of the plan',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { database: managedDatabase(), backupPlan: { rules: PLAN_RULES } }),
      line: 'plan: backupPlan.rules[1].retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'ManagedPostgresBackupPlan: a vault lock longer than a rule keeps backups',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { database: managedDatabase(), backupPlan: { rules: [PLAN_RULES[0]] }, immutability: { days: 40 } }),
      line: 'plan: immutability.days is 40; allowed: an integer from 1 to 35 days (backupPlan.rules[0].retentionDays) '
        + '(a backup cannot be locked longer than it is kept)',
    },
    {
      name: 'ManagedPostgresBackupPlan: the RPO',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { database: managedDatabase(), backupPlan: { rules: [PLAN_RULES[0]] }, rpoHours: 0 }),
      line: 'plan: rpoHours is 0; allowed: an integer from 1 to 168 hours',
    },
    {
      name: 'SelfHostedPitrArchive: archive_timeout',
      construct: 'archive',
      build: () => new SelfHostedPitrArchive('archive', { postgresMajorVersion: 15, pitr: { archiveTimeoutSeconds: 10 } }),
      line: 'archive: pitr.archiveTimeoutSeconds is 10; allowed: an integer from 30 to 3600 seconds (or set allowArchiveTimeoutOutsideRange)',
    },
    {
      name: 'SelfHostedPitrArchive: the drill\'s RTO',
      construct: 'archive',
      build: () => new SelfHostedPitrArchive('archive', {
        postgresMajorVersion: 15, drill: { ...NETWORK, image: IMAGE, verification: { maxRestoreDurationMinutes: 0 } },
      }),
      line: 'archive: drill.verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
    {
      name: 'PostgresBackupBlueprint: a server\'s override',
      construct: 'fleet',
      build: () => new PostgresBackupBlueprint('fleet', {
        ...NETWORK,
        image: IMAGE,
        tier: BackupTier.BRONZE,
        databases: [{ id: 'orders-db', database: DATABASE, overrides: { logicalDump: { retentionDays: 0 } } }],
      }),
      line: 'fleet: databases[0].overrides.logicalDump.retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'PostgresBackupBlueprint: a value of the server\'s own tier',
      construct: 'fleet',
      build: () => new PostgresBackupBlueprint('fleet', {
        ...NETWORK,
        image: IMAGE,
        tier: BackupTier.BRONZE,
        databases: [{ id: 'orders-db', database: DATABASE, tier: BackupTier.BRONZE.with({ verification: { maxRestoreDurationMinutes: 0 } }) }],
      }),
      line: 'fleet: databases[0].tier.verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
  ];

  testValidationCases(cases, () => undefined);
});

describe('a log retention CloudWatch Logs would refuse at deploy is refused by every component that takes one', () => {
  const ALLOWED = 'one of: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653';
  const source = () => new ScheduledPgDump('nightly-dump', DUMP);
  const cases: Array<{ name: string; construct: string; build: () => void; line: string }> = [
    { name: 'ScheduledPgDump', construct: 'nightly-dump', build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, logRetentionDays: 10 }) },
    { name: 'VerifyRestore', construct: 'verify', build: () => new VerifyRestore('verify', { ...NETWORK, image: IMAGE, source: source(), logRetentionDays: 10 }) },
    {
      name: 'ManagedPostgresBackupPlan',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { database: managedDatabase(), backupPlan: { rules: [PLAN_RULES[0]] }, logRetentionDays: 10 }),
    },
    {
      name: 'SnapshotRestoreDrill',
      construct: 'drill',
      build: () => new SnapshotRestoreDrill('drill', {
        database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'shop', kind: 'instance' }),
        postgresMajorVersion: 16,
        secretArn: DATABASE_SECRET,
        image: IMAGE,
        vpcId: 'vpc-0123',
        scratchSubnetIds: ['subnet-a'],
        taskSubnetIds: ['subnet-b'],
        logRetentionDays: 10,
      }),
    },
    {
      name: 'PitrDrill',
      construct: 'pitr-drill',
      build: () => new PitrDrill('pitr-drill', {
        ...NETWORK,
        image: IMAGE,
        databaseName: 'orders',
        stanza: 'orders',
        archiveWaitSeconds: 120,
        metricNamespace: 'PostgresBackup',
        verification: resolveVerification({}),
        notificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
        restoreStatements: [],
        pgBackRestConf: '[orders]\n',
        logRetentionDays: 10,
      }),
    },
    {
      name: 'PostgresBackupBlueprint',
      construct: 'fleet',
      build: () => new PostgresBackupBlueprint('fleet', {
        ...NETWORK, image: IMAGE, tier: BackupTier.BRONZE, databases: [{ id: 'orders-db', database: DATABASE }], logRetentionDays: 10,
      }),
    },
  ].map((entry) => ({ ...entry, line: `${entry.construct}: logRetentionDays is 10; allowed: ${ALLOWED}` }));

  testValidationCases(cases, () => undefined);
});

describe('database names follow one rule in every front end: a name with a space and a name listed twice are refused', () => {
  test('ScheduledPgDump', () => {
    const error = validationErrorOf(() => new ScheduledPgDump('nightly-dump', { ...DUMP, databaseNames: BAD_DATABASE_NAMES }));
    expect(error.message.split('\n').slice(1)).toEqual(BAD_DATABASE_NAME_LINES.map((line) => `  - nightly-dump: ${line}`));
  });

  test('PostgresBackupBlueprint, under the server', () => {
    const error = validationErrorOf(() => new PostgresBackupBlueprint('fleet', {
      ...NETWORK, image: IMAGE, tier: BackupTier.BRONZE, databases: [{ id: 'orders-db', database: DATABASE, databaseNames: BAD_DATABASE_NAMES }],
    }));
    expect(error.message.split('\n').slice(1)).toEqual(BAD_DATABASE_NAME_LINES.map((line) => `  - fleet: ${line.replace(/databaseNames/g, 'databases[0].databaseNames')}`));
  });

  test('VerifyRestore, for the database it restores', () => {
    const error = validationErrorOf(() => new VerifyRestore('verify', { ...NETWORK, image: IMAGE, source: new ScheduledPgDump('nightly-dump', DUMP), databaseName: 'my db' }));
    expect(error.message.split('\n').slice(1)).toEqual([
      '  - verify: databaseName is "my db"; allowed: a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"',
    ]);
  });
});
