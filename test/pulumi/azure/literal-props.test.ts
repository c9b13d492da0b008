/**
 * A Pulumi output given where an Azure component types a plain value (from JavaScript, or through `as any`): it is
 * refused, saying a literal is needed and why, or the component registers the same resources as with the literal value
 * and writes no unresolved text. Never fewer resources, other settings or "Calling [toString] on an [Output<T>]".
 */
import * as pulumi from '@pulumi/pulumi';
import { DRILL_PROPS, DUMP_PROPS } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID } from './azure-mocks';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import { BackupStorage, FlexibleServerPitrDrill, ManagedPostgresBackupPlan, PointInTimeRestore, ScheduledPgDump } from '../../../src/pulumi/azure';
import { validationLines } from '../../support/validation-cases';
import { Options, errorOrOutcome, withValue } from '../../support/validation-sweep';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const SOURCE_SERVER = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/data/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders-db`;
const RULES = [{ name: 'weekly', frequency: 'weekly', retentionDays: 90 }, { name: 'monthly', frequency: 'monthly', retentionDays: 365 }];

interface Component {
  readonly name: string;
  readonly base: Options;
  readonly build: (options: Options) => unknown;
  /** Plain-typed options, each with a good value other than the default. */
  readonly literals: Readonly<Record<string, unknown>>;
  /** Cloud handles beside them, which take an output: each with a good value. */
  readonly handles: Readonly<Record<string, unknown>>;
}

const COMPONENTS: readonly Component[] = [
  {
    name: 'ScheduledPgDump',
    base: { ...DUMP_PROPS, storage: { accountName: 'ordersdumps', replication: { location: 'northeurope' } }, databaseNames: ['orders'], dump: { retentionDays: 90 } },
    build: (options) => new ScheduledPgDump('dump', options as never),
    literals: {
      'databaseNames': ['orders', 'billing'],
      'dump.retentionDays': 45,
      'dump.format': 'directory',
      'rpoHours': 30,
      'postgresMajorVersion': 15,
      'transitions': [{ days: 7, storageClass: 'COOL' }],
      'cpu': 1,
      'replicaTimeoutSeconds': 7200,
      'replicaRetryLimit': 1,
      'alerts': { alertEmails: ['dba@example.com'] },
      'alerts.alertEmails': ['dba@example.com'],
      'storage.skuName': 'Standard_GRS',
      'storage.replication': { location: 'northeurope', skuName: 'Standard_ZRS' },
      'storage.replication.deleteLock': false,
      'immutability': { mode: 'compliance', days: 7 },
      'encryption': { recipients: ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'] },
      'encryption.recipients': ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'],
      'estimate': { databaseSizeGb: 50 },
    },
    handles: { 'storage.accountName': 'ordersdumps', 'resourceGroupName': 'backups', 'connection.host': 'orders-db.postgres.database.azure.com' },
  },
  {
    name: 'BackupStorage',
    base: { resourceGroupName: 'backups', accountName: 'ordersdumps', dump: { retentionDays: 90 }, replication: { location: 'northeurope' } },
    build: (options) => new BackupStorage('storage', options as never),
    literals: {
      'containerName': 'dumps',
      'prefix': 'orders',
      'skuName': 'Standard_GRS',
      'dump': { retentionDays: 45 },
      'dump.retentionDays': 45,
      'transitions': [{ days: 7, storageClass: 'COOL' }],
      'immutability': { mode: 'compliance', days: 7 },
      'softDeleteDays': 30,
      'replication': { location: 'northeurope', skuName: 'Standard_ZRS' },
      'replication.location': 'swedencentral',
      'replication.deleteLock': false,
      'replication.immutability': { mode: 'compliance', days: 7 },
    },
    handles: { 'accountName': 'ordersdumps', 'location': 'westeurope', 'replication.resourceGroupName': 'offsite' },
  },
  {
    name: 'ManagedPostgresBackupPlan',
    base: {
      resourceGroupName: 'data',
      serverName: 'orders-db',
      location: 'westeurope',
      createServer: { administratorLogin: 'orders_admin', administratorLoginPassword: 'not-a-real-password' },
      backupPlan: { rules: RULES },
    },
    build: (options) => new ManagedPostgresBackupPlan('plan', options as never),
    literals: {
      'backupPlan': { rules: RULES },
      'backupPlan.rules': RULES,
      'backupPlan.rules[0]': RULES[0],
      'backupPlan.rules[1].frequency': 'monthly',
      'immutability': { mode: 'compliance', days: 30 },
      'immutability.mode': 'compliance',
      'vault': { redundancy: 'ZoneRedundant', softDeleteRetentionDays: 30 },
      'vault.redundancy': 'ZoneRedundant',
      'vault.softDeleteRetentionDays': 30,
      'alerts': { alertEmails: ['dba@example.com'] },
      'alerts.alertEmails': ['dba@example.com'],
      'preferredMaintenanceWindow': 'sun:05:00-sun:06:00',
    },
    handles: { 'serverName': 'orders-db', 'location': 'westeurope', 'createServer.skuName': 'Standard_D4ds_v5', 'backupRetentionDays': 14 },
  },
  {
    name: 'PointInTimeRestore',
    base: { resourceGroupName: 'data', sourceServerId: SOURCE_SERVER, restorePointInTime: '2026-11-24T10:15:00Z', sourceBackupRetentionDays: 14 },
    build: (options) => new PointInTimeRestore('restore', options as never),
    literals: { geoRestore: true },
    handles: { sourceServerId: SOURCE_SERVER, restorePointInTime: '2026-11-24T10:15:00Z', backupRetentionDays: 14 },
  },
  {
    name: 'FlexibleServerPitrDrill',
    base: {
      ...DRILL_PROPS,
      recoveryPointQuery: 'SELECT max(created_at) FROM orders',
      drillResults: {
        uri: 'azblob://ordersdumps/pg-dumps/pg-dumps',
        containerId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/backups/providers/Microsoft.Storage/storageAccounts/ordersdumps/blobServices/default/containers/pg-dumps`,
      },
    },
    build: (options) => new FlexibleServerPitrDrill('drill', options as never),
    literals: {
      'databaseName': 'billing',
      'schedule': { expression: '0 4 * * 1' },
      'schedule.expression': '0 4 * * 1',
      'targetLagMinutes': 90,
      'randomTarget': true,
      'readyTimeoutMinutes': 180,
      'checks': ['SELECT true'],
      'minRows': { 'public.orders': 10 },
      'recoveryPointQuery': 'SELECT max(updated_at) FROM orders',
      'maxRecoveryPointGapMinutes': 30,
      'scratchServerPrefix': 'orders-drill',
      'maxDrillAgeDays': 10,
      'sslMode': 'require',
      'alerts': { alertEmails: ['dba@example.com'] },
      'alerts.alertEmails': ['dba@example.com'],
    },
    handles: { 'sourceServerId': SOURCE_SERVER, 'scratchResourceGroupName': 'orders-drills', 'login.user': 'orders_admin' },
  },
];

/** The resources registered, by type and name, once the component's outputs have settled. */
async function registered(): Promise<Record<string, unknown>> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  const byName = engine.resources.map((resource) => [`${resource.type} ${resource.name}`, resource.inputs] as const);
  return Object.fromEntries(byName.sort(([a], [b]) => a.localeCompare(b)));
}

const cases = COMPONENTS.flatMap((component) => Object.entries(component.literals).map(([path, good]) => ({ component, path, good })));
const handleCases = COMPONENTS.flatMap((component) => Object.entries(component.handles).map(([path, good]) => ({ component, path, good })));

/** The component built with `path` given `good` as a literal and as an output: the resources each registered. */
async function literalAndOutput(component: Component, path: string, good: unknown) {
  expect(errorOrOutcome(() => component.build(withValue(component.base, path, good)))).toBe('accepted');
  const withLiteral = await registered();
  engine.reset();
  const outcome = errorOrOutcome(() => component.build(withValue(component.base, path, pulumi.output(good))));
  return { withLiteral, outcome, withOutput: outcome === 'accepted' ? await registered() : undefined };
}

describe('an output where an Azure component takes a plain value is refused as not a literal, or changes nothing the component creates', () => {
  test.each(cases)('$component.name $path', async ({ component, path, good }) => {
    const { withLiteral, outcome, withOutput } = await literalAndOutput(component, path, good);
    if (withOutput !== undefined) {
      expect(Object.keys(withOutput)).toEqual(Object.keys(withLiteral));
      expect(withOutput).toEqual(withLiteral);
      return;
    }
    expect(typeof outcome === 'string' ? outcome : 'PolicyValidationError').toBe('PolicyValidationError');
    const prefix = `${path} is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: `;
    expect(validationLines(outcome as PolicyValidationError).filter((line) => line.startsWith(prefix) && line.endsWith(' when the program runs)'))).toHaveLength(1);
  });
});

describe('an output where an Azure component takes a cloud handle is accepted, and creates what the literal value does', () => {
  test.each(handleCases)('$component.name $path', async ({ component, path, good }) => {
    const { withLiteral, outcome, withOutput } = await literalAndOutput(component, path, good);
    expect(outcome).toBe('accepted');
    expect(withOutput).toEqual(withLiteral);
  });
});

test('an estimate without the database size is refused by name, not crashed on', () => {
  const component = COMPONENTS.find((entry) => entry.name === 'ScheduledPgDump')!;
  const error = errorOrOutcome(() => component.build(withValue(component.base, 'estimate', { compressionRatio: 3 })));
  expect(validationLines(error as PolicyValidationError)).toContain(
    'estimate.databaseSizeGb is undefined; allowed: a number from 0 to 10000000 GB, the size the estimate is worked out from');
});
