/**
 * Every numeric, string, enum, schedule and list option of each Azure component, given a bad value: it is refused with a
 * {@link PolicyValidationError} (not a crash, not silence) naming the resource, the option as the user wrote it, the
 * value and what is allowed.
 */
import * as pulumi from '@pulumi/pulumi';
import { DUMP_PROPS } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID } from './azure-mocks';
import { formatValue, PolicyValidationError } from '../../../src/core/policy/validation';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps, PointInTimeRestore, ScheduledPgDump, ScheduledPgDumpProps } from '../../../src/pulumi/azure';
import { validationLines } from '../../support/validation-cases';
import {
  BadValue, Options, POSITIVE, WHOLE_NON_NEGATIVE, WHOLE_POSITIVE, errorOrOutcome, listEntries, schedule, values, withValue,
} from '../../support/validation-sweep';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const DUMP: ScheduledPgDumpProps = { ...DUMP_PROPS, databaseNames: ['orders'] };
const SERVER: ManagedPostgresBackupPlanProps = {
  resourceGroupName: 'data',
  serverName: 'orders-db',
  location: 'westeurope',
  createServer: { administratorLogin: 'orders_admin', administratorLoginPassword: pulumi.secret('not-a-real-password') },
};
const SOURCE_SERVER = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/data/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db`;
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

interface SweptComponent {
  readonly name: string;
  readonly resourceName: string;
  readonly build: (options: Options) => unknown;
  readonly base: Options;
  readonly bad: readonly BadValue[];
}

const COMPONENTS: readonly SweptComponent[] = [
  {
    name: 'ScheduledPgDump',
    resourceName: 'dump',
    base: DUMP as unknown as Options,
    build: (options) => new ScheduledPgDump('dump', options as unknown as ScheduledPgDumpProps),
    bad: [
      ...listEntries('databaseNames', 'orders', 'billing'),
      ...values('rpoHours', WHOLE_POSITIVE),
      ...values('postgresMajorVersion', [-1, 0, 16.5, NaN, Infinity, 100]),
      ...values('maxDrillAgeDays', WHOLE_POSITIVE),
      ...values('cpu', [-1, 0, NaN, Infinity, 0.3, 100]),
      ...values('memoryGi', [-1, 0, NaN, Infinity]),
      ...values('replicaTimeoutSeconds', WHOLE_POSITIVE),
      ...values('replicaRetryLimit', WHOLE_NON_NEGATIVE),
      ...schedule('dump.schedule').filter((bad) => !bad.path.endsWith('timezone')),
      ...values('dump.format', ['Custom', 'tar', '']),
      ...values('dump.compression', ['gzip:10', 'ZSTD:3', '', -1, NaN]),
      ...values('dump.jobs', WHOLE_POSITIVE),
      ...values('dump.retentionDays', WHOLE_POSITIVE),
      ...['daily', 'weekly', 'monthly', 'yearly'].flatMap((kind) => values(`dump.retention.${kind}`, WHOLE_NON_NEGATIVE)),
      ...values('dump.retention.minimumKept', WHOLE_POSITIVE),
      ...values('dump.lockWaitTimeoutSeconds', POSITIVE),
      { path: 'dump', value: { retentionDay: 45 }, at: 'dump.retentionDay', shown: 45 },
      ...listEntries('dump.tables', 'public.orders', 'public.lines'),
      ...listEntries('verification.checks', 'SELECT true', 'SELECT 1 = 1'),
      ...values('verification.maxRestoreDurationMinutes', WHOLE_POSITIVE),
      ...values('immutability.days', WHOLE_POSITIVE),
      ...values('immutability.mode', ['Governance', '']),
      ...listEntries('encryption.recipients', AGE_RECIPIENT, AGE_RECIPIENT.replace(/c$/, 'd')).slice(0, 2),
      ...values('storage.accountName', ['', '   ', 'ab', 'Orders_Dumps', 'ORDERSDUMPS', 'orders-dumps', 'a'.repeat(25), 42]),
      ...values('storage.containerName', ['', '   ', 'ab', 'Pg_Dumps', 'pg--dumps', '-pgdumps', 'c'.repeat(64)]),
      ...values('storage.prefix', ['', '   ', '/pg-dumps', 'pg-dumps/', ' pg-dumps', 'p'.repeat(513)]),
      ...values('storage.skuName', ['Standard_XYZ', 'standard_grs', '']),
      ...values('storage.softDeleteDays', [...WHOLE_POSITIVE, 366]),
      ...[
        ...values('storage.replication.location', ['', 'North Europe']),
        ...values('storage.replication.accountName', ['', 'Offsite_Dumps', 'o'.repeat(25)]),
        ...values('storage.replication.containerName', ['', 'Replicas_']),
        ...values('storage.replication.skuName', ['Standard_GRS', '']),
        ...values('storage.replication.expirationDays', [...WHOLE_POSITIVE, 36_501]),
      ].map((bad) => ({ ...bad, base: { storage: { accountName: 'ordersdumps', replication: { location: 'northeurope' } } } })),
    ],
  },
  {
    name: 'ManagedPostgresBackupPlan',
    resourceName: 'plan',
    base: SERVER as unknown as Options,
    build: (options) => new ManagedPostgresBackupPlan('plan', options as unknown as ManagedPostgresBackupPlanProps),
    bad: [
      ...values('backupRetentionDays', [...WHOLE_POSITIVE, 6, 36]),
      ...values('backupPlan.rules[0].name', ['', '   ']),
      { path: 'backupPlan.rules', value: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }, { name: 'daily', frequency: 'weekly', retentionDays: 90 }], at: 'backupPlan.rules[1].name', shown: 'daily' },
      ...values('backupPlan.rules[0].frequency', ['Daily', 'DAILY', '']).map((bad) => ({ ...bad, base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }] } } })),
      ...values('backupPlan.rules[0].retentionDays', [...WHOLE_POSITIVE, 3651]).map((bad) => ({ ...bad, base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }] } } })),
      ...values('immutability.days', WHOLE_POSITIVE).map((bad) => ({ ...bad, base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }] } } })),
      ...values('vault.softDeleteRetentionDays', [-1, 2.5, NaN, Infinity, 1e12]).map((bad) => ({ ...bad, base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }] } } })),
      ...values('vault.redundancy', ['georedundant', '']).map((bad) => ({ ...bad, base: { backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 30 }] } } })),
    ],
  },
  {
    name: 'PointInTimeRestore',
    resourceName: 'restore',
    base: { resourceGroupName: 'data', sourceServerId: SOURCE_SERVER, restorePointInTime: '2026-11-24T10:15:00Z', sourceBackupRetentionDays: 14 },
    build: (options) => new PointInTimeRestore('restore', options as never),
    bad: [
      ...values('restorePointInTime', ['', '   ', 'yesterday', '2026-11-24 10:15', '2026-13-01T00:00:00Z']),
      ...values('sourceBackupRetentionDays', [-1, 0, 2.5, NaN, Infinity, 36]),
      ...values('backupRetentionDays', [...WHOLE_POSITIVE, 36]),
    ],
  },
];

const cases = COMPONENTS.flatMap((component) => component.bad.map((bad) => {
  const { base: entryBase, ...entry } = bad as BadValue & { base?: Options };
  const options = withValue({ ...component.base, ...entryBase }, entry.path, entry.value);
  const at = entry.at ?? entry.path;
  const shown = entry.shown ?? entry.value;
  return { component, options, at, shown, title: `${component.name} ${at} = ${formatValue(shown)}` };
}));

describe('every bad option value of an Azure component is refused, naming the resource, the option, the value and the range', () => {
  test.each(cases)('$title', ({ component, options, at, shown }) => {
    const error = errorOrOutcome(() => component.build(options));
    expect(typeof error === 'string' ? error : 'PolicyValidationError').toBe('PolicyValidationError');
    const failure = error as PolicyValidationError;
    expect(failure.construct).toBe(component.resourceName);
    const prefix = `${at} is ${formatValue(shown)}; allowed: `;
    expect(validationLines(failure).filter((line) => line.startsWith(prefix) && line.length > prefix.length)).not.toEqual([]);
  });
});

/** Plain-typed props of the Azure ScheduledPgDump given a Pulumi output, each with a good value. */
const OUTPUTS: Readonly<Record<string, unknown>> = {
  'databaseNames': ['orders'],
  'rpoHours': 26,
  'maxDrillAgeDays': 8,
  'dump.retentionDays': 30,
  'dump.schedule.expression': '0 2 * * *',
  'dump.tables': ['public.orders'],
  'verification.maxRestoreDurationMinutes': 60,
  'storage.containerName': 'pg-dumps',
  'storage.prefix': 'pg-dumps',
  'storage.softDeleteDays': 14,
};

describe('a Pulumi output where the Azure ScheduledPgDump takes a plain value is refused, saying a literal is needed and why', () => {
  test.each(Object.entries(OUTPUTS))('%s', (path, good) => {
    const options = withValue({ ...(DUMP as unknown as Options), ...(path === 'maxDrillAgeDays' ? { verification: {} } : {}) }, path, pulumi.output(good));
    const error = errorOrOutcome(() => new ScheduledPgDump('dump', options as unknown as ScheduledPgDumpProps));
    expect(typeof error === 'string' ? error : 'PolicyValidationError').toBe('PolicyValidationError');
    expect((error as PolicyValidationError).construct).toBe('dump');
    const prefix = `${path} is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: `;
    expect(validationLines(error as PolicyValidationError).filter((line) => line.startsWith(prefix) && / runs\)$/.test(line))).not.toEqual([]);
  });

  test('an output for the storage account name, a cloud handle, is checked once it is known', () => {
    expect(errorOrOutcome(() => new ScheduledPgDump('dump', { ...DUMP, storage: { accountName: pulumi.output('ordersdumps') } }))).toBe('accepted');
  });
});
