import * as pulumi from '@pulumi/pulumi';
import { DUMP_PROPS } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks } from './azure-mocks';
import {
  ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps, ScheduledPgDump, flexibleServerBackupArgs,
} from '../../../src/pulumi/azure';
import { testValidationCases, validationErrorOf } from '../../support/validation-cases';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const DUMP = DUMP_PROPS;
const SERVER: ManagedPostgresBackupPlanProps = {
  resourceGroupName: 'data',
  serverName: 'orders-db',
  location: 'westeurope',
  createServer: { administratorLogin: 'orders_admin', administratorLoginPassword: pulumi.secret('not-a-real-password') },
};
const PLAN_RULES = [
  { name: 'daily', frequency: 'daily' as const, retentionDays: 30 },
  { name: 'monthly', frequency: 'monthly' as const, retentionDays: 0 },
];


const BAD_NAMES = ['orders', 'my db', 'orders'];
const BAD_NAME_LINES = [
  'databaseNames[1] is "my db"; allowed: a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"',
  'databaseNames[2] is "orders"; allowed: a name not listed before (databaseNames[0] has it)',
];

describe('a validation error names the resource and the prop as the user wrote it, the value and the allowed range', () => {
  const cases: Array<{ name: string; construct?: string; build: () => void; line: string }> = [
    {
      name: 'ScheduledPgDump: dump retention',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { retentionDays: 0 } }),
      line: 'nightly-dump: dump.retentionDays is 0; allowed: an integer from 1 to 36500 days',
    },
    {
      name: 'ScheduledPgDump: an entry of a list inside dump',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { tables: ['orders', ' '] } }),
      line: 'nightly-dump: dump.tables[1] is " "; allowed: a non-empty name',
    },
    {
      name: 'ScheduledPgDump: an RPO shorter than the gap between two dumps',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, rpoHours: 12 }),
      line: 'nightly-dump: rpoHours is 12; allowed: an integer from 24 to 8784 hours (dump.schedule runs up to 24 hours apart, so a shorter RPO alarms between every two backups)',
    },
    {
      name: 'ScheduledPgDump: an RPO that is not a whole number of hours',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, rpoHours: 0.5 }),
      line: 'nightly-dump: rpoHours is 0.5; allowed: an integer from 1 to 8784 hours',
    },
    {
      name: 'ScheduledPgDump: a schedule Container Apps Jobs cannot run',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, dump: { schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' } } }),
      line: 'nightly-dump: dump.schedule.timezone is "Europe/Berlin"; allowed: UTC, or a zone without daylight saving time and with a whole-hour offset '
        + '(Azure Container Apps Jobs evaluates cron in UTC: Europe/Berlin observes daylight saving time, so no single UTC cron runs at the same local time '
        + 'all year; give the schedule in UTC)',
    },
    {
      name: 'ScheduledPgDump: immutability longer than the default retention',
      construct: 'nightly-dump',
      build: () => new ScheduledPgDump('nightly-dump', { ...DUMP, immutability: { days: 60 } }),
      line: 'nightly-dump: immutability.days is 60; allowed: an integer from 1 to 30 days (dump.retentionDays (default)) '
        + '(a backup cannot be locked longer than it is kept)',
    },
    {
      name: 'ManagedPostgresBackupPlan: the retention of the server\'s backups',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { ...SERVER, backupRetentionDays: 6 }),
      line: 'plan: backupRetentionDays is 6; allowed: an integer from 7 to 35 days',
    },
    {
      name: 'ManagedPostgresBackupPlan: the second rule of the vault\'s plan',
      construct: 'plan',
      build: () => new ManagedPostgresBackupPlan('plan', { ...SERVER, backupPlan: { rules: PLAN_RULES } }),
      line: 'plan: backupPlan.rules[1].retentionDays is 0; allowed: an integer from 1 to 3650 days',
    },
    {
      name: 'flexibleServerBackupArgs: a function names no resource, only the setting',
      build: () => flexibleServerBackupArgs({ backupRetentionDays: 3 }),
      line: 'backupRetentionDays is 3; allowed: an integer from 7 to 35 days',
    },
  ];

  testValidationCases(cases, () => undefined);
});

describe('database names follow one rule in every front end: a name with a space and a name listed twice are refused', () => {
  test('ScheduledPgDump', () => {
    const error = validationErrorOf(() => new ScheduledPgDump('nightly-dump', { ...DUMP, databaseNames: BAD_NAMES }));
    expect(error.message.split('\n').slice(1)).toEqual(BAD_NAME_LINES.map((line) => `  - nightly-dump: ${line}`));
  });
});
