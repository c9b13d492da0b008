import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE, databaseStack, minimalDumpProps } from './stacks';
import {
  ManagedPostgresBackupPlan, ManagedPostgresDatabase, PostgresBackupBlueprint, ScheduledPgDump, SelfHostedPitrArchive,
  SnapshotRestoreDrill, VerifyRestore,
} from '../../src/cdk';
import { BackupTier } from '../../src/core/policy/backup-tier';
import { BAD_DATABASE_NAMES, BAD_DATABASE_NAME_LINES, testValidationCases, validationErrorOf } from '../support/validation-cases';

type Fixture = { stack: Stack; vpc: ec2.Vpc; instance: rds.DatabaseInstance };


/** The error `build` throws in a fresh stack named `Backups`. */
const errorOf = (build: (fixture: Fixture) => void) => validationErrorOf(() => build(databaseStack()));

const PLAN_RULES = [
  { name: 'daily', frequency: 'daily' as const, retentionDays: 35 },
  { name: 'monthly', frequency: 'monthly' as const, retentionDays: 0 },
];


describe('one mistake is reported once, with the range that applies to the construct', () => {
  test.each([
    {
      name: 'an RPO that is not a number, on a dump (whose alarm watches at most 168 hours)',
      build: ({ stack, vpc, instance }: Fixture) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), rpoHours: NaN }),
      lines: ['Backups/NightlyDump: rpoHours is NaN; allowed: an integer from 1 to 168 hours'],
    },
    {
      name: 'an RPO that is not a number, on a managed backup plan',
      build: ({ stack, instance }: Fixture) => new ManagedPostgresBackupPlan(stack, 'Plan', { database: ManagedPostgresDatabase.fromInstance(instance), rpoHours: NaN }),
      lines: ['Backups/Plan: rpoHours is NaN; allowed: an integer from 1 to 168 hours'],
    },
    {
      name: 'a dump retention longer than any bucket lifecycle keeps, under the prop as written',
      build: ({ stack, vpc, instance }: Fixture) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), dump: { retentionDays: 1e12 } }),
      lines: ['Backups/NightlyDump: dump.retentionDays is 1000000000000; allowed: an integer from 1 to 36500 days'],
    },
  ])('$name', ({ build, lines }) => {
    expect(validationErrorOf(() => build(databaseStack())).message.split('\n').slice(1)).toEqual(lines.map((line) => `  - ${line}`));
  });
});

describe('a validation error names the construct path and the prop as the user wrote it, the value and the allowed range', () => {
  const cases: Array<{ name: string; construct: string; build: (fixture: Fixture) => void; line: string }> = [
    {
      name: 'ScheduledPgDump: dump retention',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), dump: { retentionDays: 0 } }),
      line: 'Backups/NightlyDump: dump.retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'ScheduledPgDump: a retention floor of no backup',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), dump: { retention: { daily: 7, minimumKept: 0 } } }),
      line: 'Backups/NightlyDump: dump.retention.minimumKept is 0; allowed: an integer from 1 to 1000 backups',
    },
    {
      name: 'ScheduledPgDump: a lifecycle safety net shorter than the retention classes',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', {
        ...minimalDumpProps(vpc, instance), dump: { retentionDays: 30, retention: { daily: 7, weekly: 4, monthly: 0 } },
      }),
      line: 'Backups/NightlyDump: dump.retentionDays is 30; allowed: at least 56 days (twice the longest class of dump.retention) '
        + '(with dump.retention the prune task deletes dumps and retentionDays is only the bucket lifecycle\'s safety net, which must never delete what a class keeps)',
    },
    {
      name: 'ScheduledPgDump: an event age EventBridge Scheduler does not keep',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), maxEventAge: Duration.hours(25) }),
      line: 'Backups/NightlyDump: maxEventAge is 90000; allowed: an integer from 60 to 86400 seconds',
    },
    {
      name: 'ScheduledPgDump: an entry of a list inside dump',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), dump: { tables: ['orders', ' '] } }),
      line: 'Backups/NightlyDump: dump.tables[1] is " "; allowed: a non-empty name',
    },
    {
      name: 'ScheduledPgDump: the dump schedule',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', {
        ...minimalDumpProps(vpc, instance), dump: { schedule: { expression: '0 2 * * *', timezone: 'Mars/Olympus' } },
      }),
      line: 'Backups/NightlyDump: dump.schedule.timezone is "Mars/Olympus"; allowed: an IANA time zone name such as "UTC" or "Europe/Berlin"',
    },
    {
      name: 'ScheduledPgDump: an Object Lock longer than the default retention',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), objectLock: { days: 60 } }),
      line: 'Backups/NightlyDump: objectLock.days is 60; allowed: an integer from 1 to 30 days (dump.retentionDays (default)) '
        + '(a backup cannot be locked longer than it is kept)',
    },
    {
      name: 'ScheduledPgDump: an RPO shorter than the dump schedule',
      construct: 'Backups/NightlyDump',
      build: ({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), rpoHours: 2 }),
      line: 'Backups/NightlyDump: rpoHours is 2; allowed: an integer from 24 to 8784 hours '
        + '(dump.schedule runs up to 24 hours apart, so a shorter RPO alarms between every two backups)',
    },
    {
      name: 'VerifyRestore: the RTO',
      construct: 'Backups/Verify',
      build: ({ stack, vpc, instance }) => new VerifyRestore(stack, 'Verify', {
        vpc,
        source: new ScheduledPgDump(stack, 'NightlyDump', minimalDumpProps(vpc, instance)),
        image: TEST_RUNNER_IMAGE,
        verification: { maxRestoreDurationMinutes: 0 },
      }),
      line: 'Backups/Verify: verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
    {
      name: 'ManagedPostgresBackupPlan: the second rule of the plan',
      construct: 'Backups/Plan',
      build: ({ stack, instance }) => new ManagedPostgresBackupPlan(stack, 'Plan', {
        database: ManagedPostgresDatabase.fromInstance(instance), backupPlan: { rules: PLAN_RULES },
      }),
      line: 'Backups/Plan: backupPlan.rules[1].retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'ManagedPostgresBackupPlan: a vault lock longer than a rule keeps backups',
      construct: 'Backups/Plan',
      build: ({ stack, instance }) => new ManagedPostgresBackupPlan(stack, 'Plan', {
        database: ManagedPostgresDatabase.fromInstance(instance), backupPlan: { rules: [PLAN_RULES[0]] }, immutability: { days: 40 },
      }),
      line: 'Backups/Plan: immutability.days is 40; allowed: an integer from 1 to 35 days (backupPlan.rules[0].retentionDays) '
        + '(a backup cannot be locked longer than it is kept)',
    },
    {
      name: 'ManagedPostgresBackupPlan: the RPO',
      construct: 'Backups/Plan',
      build: ({ stack, instance }) => new ManagedPostgresBackupPlan(stack, 'Plan', {
        database: ManagedPostgresDatabase.fromInstance(instance), backupPlan: { rules: [PLAN_RULES[0]] }, rpoHours: 0,
      }),
      line: 'Backups/Plan: rpoHours is 0; allowed: an integer from 1 to 168 hours',
    },
    {
      name: 'SelfHostedPitrArchive: archive_timeout',
      construct: 'Backups/Archive',
      build: ({ stack }) => new SelfHostedPitrArchive(stack, 'Archive', { postgresMajorVersion: 15, pitr: { archiveTimeoutSeconds: 10 } }),
      line: 'Backups/Archive: pitr.archiveTimeoutSeconds is 10; allowed: an integer from 30 to 3600 seconds (or set allowArchiveTimeoutOutsideRange)',
    },
    {
      name: 'SelfHostedPitrArchive: the drill\'s RTO',
      construct: 'Backups/Archive',
      build: ({ stack, vpc }) => new SelfHostedPitrArchive(stack, 'Archive', {
        postgresMajorVersion: 15, drill: { vpc, image: TEST_RUNNER_IMAGE, verification: { maxRestoreDurationMinutes: 0 } },
      }),
      line: 'Backups/Archive: drill.verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
    {
      name: 'SnapshotRestoreDrill: a check of the drill',
      construct: 'Backups/SnapshotDrill',
      build: ({ stack, vpc, instance }) => new SnapshotRestoreDrill(stack, 'SnapshotDrill', {
        database: ManagedPostgresDatabase.fromInstance(instance), vpc, image: TEST_RUNNER_IMAGE, verification: { checks: [''] },
      }),
      line: 'Backups/SnapshotDrill: verification.checks[0] is ""; allowed: a non-empty query',
    },
    {
      name: 'PostgresBackupBlueprint: a server\'s override',
      construct: 'Backups/Fleet',
      build: ({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.BRONZE,
        image: TEST_RUNNER_IMAGE,
        databases: [{ id: 'orders-db', database: instance, overrides: { logicalDump: { retentionDays: 0 } } }],
      }),
      line: 'Backups/Fleet: databases[0].overrides.logicalDump.retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'PostgresBackupBlueprint: a value of the server\'s own tier',
      construct: 'Backups/Fleet',
      build: ({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.BRONZE,
        image: TEST_RUNNER_IMAGE,
        databases: [{ id: 'orders-db', database: instance, tier: BackupTier.BRONZE.with({ verification: { maxRestoreDurationMinutes: 0 } }) }],
      }),
      line: 'Backups/Fleet: databases[0].tier.verification.maxRestoreDurationMinutes is 0; allowed: an integer from 1 to 10080 minutes',
    },
    {
      name: 'PostgresBackupBlueprint: the copy region a tier needs',
      construct: 'Backups/Fleet',
      build: ({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
        vpc, tier: BackupTier.SILVER, image: TEST_RUNNER_IMAGE, databases: [{ id: 'orders-db', database: instance }],
      }),
      line: 'Backups/Fleet: tierOptions.copyRegion is undefined; allowed: a region for copies[0] (the SILVER tier copies every backup to a second region)',
    },
    {
      name: 'PostgresBackupBlueprint: the time zone of a server\'s dump schedule',
      construct: 'Backups/Fleet',
      build: ({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.BRONZE,
        image: TEST_RUNNER_IMAGE,
        databases: [{ id: 'orders-db', database: instance, overrides: { logicalDump: { schedule: { expression: '0 2 * * *', timezone: 'Mars/Olympus' } } } }],
      }),
      line: 'Backups/Fleet: databases[0].overrides.logicalDump.schedule.timezone is "Mars/Olympus"; allowed: an IANA time zone name such as "UTC" or "Europe/Berlin"',
    },
    {
      name: 'PostgresBackupBlueprint: a server\'s dump schedule restricting both days',
      construct: 'Backups/Fleet',
      build: ({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.BRONZE,
        image: TEST_RUNNER_IMAGE,
        databases: [{ id: 'orders-db', database: instance, tier: BackupTier.BRONZE.with({ logicalDump: { schedule: { expression: '0 2 1 * 1' } } }) }],
      }),
      line: 'Backups/Fleet: databases[0].tier.logicalDump.schedule.expression is "0 2 1 * 1"; allowed: a cron expression that restricts day-of-month or '
        + 'day-of-week, not both (cron runs on either day, which EventBridge and AWS Backup cannot express)',
    },
  ];

  testValidationCases(cases, databaseStack);
});

describe('database names follow one rule in every front end: a name with a space and a name listed twice are refused', () => {
  test('ScheduledPgDump', () => {
    const error = errorOf(({ stack, vpc, instance }) => new ScheduledPgDump(stack, 'NightlyDump', { ...minimalDumpProps(vpc, instance), databaseNames: BAD_DATABASE_NAMES }));
    expect(error.message.split('\n').slice(1)).toEqual(BAD_DATABASE_NAME_LINES.map((line) => `  - Backups/NightlyDump: ${line}`));
  });

  test('PostgresBackupBlueprint, under the server', () => {
    const error = errorOf(({ stack, vpc, instance }) => new PostgresBackupBlueprint(stack, 'Fleet', {
      vpc, tier: BackupTier.BRONZE, image: TEST_RUNNER_IMAGE, databases: [{ id: 'orders-db', database: instance, databaseNames: BAD_DATABASE_NAMES }],
    }));
    expect(error.message.split('\n').slice(1)).toEqual(BAD_DATABASE_NAME_LINES.map((line) => `  - Backups/Fleet: ${line.replace(/databaseNames/g, 'databases[0].databaseNames')}`));
  });

  test('VerifyRestore, for the database it restores', () => {
    const error = errorOf(({ stack, vpc, instance }) => new VerifyRestore(stack, 'Verify', {
      vpc, source: new ScheduledPgDump(stack, 'NightlyDump', minimalDumpProps(vpc, instance)), image: TEST_RUNNER_IMAGE, databaseName: 'my db',
    }));
    expect(error.message.split('\n').slice(1)).toEqual([
      '  - Backups/Verify: databaseName is "my db"; allowed: a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"',
    ]);
  });
});
