import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { DUMP_PROPS, KEY_VAULT_ID } from './azure-fixtures';
import { AzureMockEngine, installAzureMocks, SUBSCRIPTION_ID, valueOf } from './azure-mocks';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { PolicyValidationError } from '../../../src/core/policy/validation';
import {
  RUNNER_IMAGE_UID, runnerArgvOfDrillCommand, SCRATCH_PASSWORD_FILE, SCRATCH_TARGET_URL,
} from '../../../src/pulumi/azure/restore-drill-containers';
import { ScheduledPgDump, ScheduledPgDumpProps } from '../../../src/pulumi/azure/scheduled-pg-dump';
import { recipientsFrom } from '../../../src/runner/age-encryption';
import { parseBackupLocation } from '../../../src/runner/backup-location';
import { parseCommandLine } from '../../../src/runner/cli-commands';
import { FlagReader, readCommonOptions } from '../../../src/runner/cli-options';
import { resolveConnection } from '../../../src/runner/database-connection';

const engine = new AzureMockEngine();
installAzureMocks(engine);
beforeEach(() => engine.reset());

const BASE = DUMP_PROPS;

/** Creates the component and waits until every job, alert and role assignment is registered. */
async function deploy(props: Partial<ScheduledPgDumpProps> = {}): Promise<ScheduledPgDump> {
  const dump = new ScheduledPgDump('orders', { ...BASE, ...props });
  await Promise.all([
    ...dump.dumpJobs.map((job) => valueOf(job.id)),
    ...dump.drillJobs.map((job) => valueOf(job.id)),
    ...dump.rpoWatchJobs.map((job) => valueOf(job.id)),
    ...dump.pruneJobs.map((job) => valueOf(job.id)),
    ...dump.alerts.map((alert) => valueOf(alert.id)),
    ...dump.roleAssignments.map((assignment) => valueOf(assignment.id)),
    valueOf(dump.storage.managementPolicy.id),
  ]);
  return dump;
}

/** The job's container `env` as a process environment, with secrets replaced by what Key Vault would hand over. */
function environmentOf(container: any, secrets: Record<string, string>): NodeJS.ProcessEnv {
  return Object.fromEntries(container.env.map((variable: any) => [variable.name, variable.value ?? secrets[variable.secretRef]]));
}

describe('ScheduledPgDump storage', () => {
  test('the storage account takes only HTTPS with TLS 1.2, no public blob access and no shared keys', async () => {
    await deploy();
    const account = engine.named('azure-native:storage:StorageAccount', 'orders-storage').inputs;
    expect(account).toMatchObject({
      accountName: 'ordersdumps',
      kind: 'StorageV2',
      sku: { name: 'Standard_GRS' },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
    });
    expect(account.immutableStorageWithVersioning).toBeUndefined();
  });

  test('blobs are versioned and deleted blobs and containers stay recoverable for 14 days', async () => {
    await deploy();
    expect(engine.named('azure-native:storage:BlobServiceProperties', 'orders-storage-blob-service').inputs).toMatchObject({
      accountName: 'ordersdumps',
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 14 },
      containerDeleteRetentionPolicy: { enabled: true, days: 14 },
    });
    expect(engine.named('azure-native:storage:BlobContainer', 'orders-storage-container').inputs).toMatchObject({ containerName: 'pg-dumps', publicAccess: 'None' });
  });

  test('the lifecycle from core tiers the dumps and deletes them after the retention, and old versions after a week', async () => {
    await deploy({ dump: { retentionDays: 120 }, transitions: [{ days: 30, storageClass: StorageClass.COOL }] });
    expect(engine.named('azure-native:storage:ManagementPolicy', 'orders-storage-lifecycle').inputs.policy.rules).toEqual([{
      name: 'pg-dumps',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: ['pg-dumps/pg-dumps/'] },
        actions: {
          baseBlob: { tierToCool: { daysAfterModificationGreaterThan: 30 }, delete: { daysAfterModificationGreaterThan: 120 } },
          version: { delete: { daysAfterCreationGreaterThan: 7 } },
        },
      },
    }]);
  });

  test('compliance immutability locks every blob version for its days', async () => {
    await deploy({ dump: { retentionDays: 35 }, immutability: { mode: 'compliance', days: 35 } });
    expect(engine.named('azure-native:storage:StorageAccount', 'orders-storage').inputs.immutableStorageWithVersioning).toEqual({
      enabled: true,
      immutabilityPolicy: { immutabilityPeriodSinceCreationInDays: 35, state: 'Locked', allowProtectedAppendWrites: false },
    });
  });
});

describe('ScheduledPgDump identity', () => {
  test('the job identity may use blob data in its one container and read its one Key Vault secret, nothing more', async () => {
    const dump = await deploy();
    const principal = await valueOf(dump.identity.principalId);
    const assignments = engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)
      .filter((assignment) => assignment.principalId === principal);
    const containerId = await valueOf(dump.storage.container.id);
    expect(assignments).toHaveLength(2);
    expect(assignments).toEqual(expect.arrayContaining([
      expect.objectContaining({
        scope: containerId,
        principalId: 'orders-identity-principal',
        principalType: 'ServicePrincipal',
        roleDefinitionId: expect.stringMatching(new RegExp(`^/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/[0-9a-f-]{36}$`)),
      }),
      expect.objectContaining({
        scope: `${KEY_VAULT_ID}/secrets/orders-db-backup-password`,
        principalId: 'orders-identity-principal',
        roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6`,
      }),
    ]));
    expect(containerId).toMatch(/\/storageAccounts\/ordersdumps\/blobServices\/default\/containers\/pg-dumps$/);
  });

  test('a registry id adds AcrPull on that registry and the job pulls with the identity', async () => {
    const registryId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/shared/providers/Microsoft.ContainerRegistry/registries/teamregistry`;
    const dump = await deploy({ imageRegistry: { server: 'teamregistry.azurecr.io', registryId } });
    expect(engine.named('azure-native:authorization:RoleAssignment', 'orders-image-pull').inputs).toMatchObject({
      scope: registryId,
      roleDefinitionId: `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d`,
    });
    expect(engine.named('azure-native:app:Job', 'orders-dump-0').inputs.configuration.registries)
      .toEqual([{ server: 'teamregistry.azurecr.io', identity: await valueOf(dump.identity.id) }]);
  });
});

describe('ScheduledPgDump job', () => {
  test('runs on the UTC cron of the policy, one execution at a time, with the password from Key Vault', async () => {
    const dump = await deploy();
    const job = engine.named('azure-native:app:Job', 'orders-dump-0').inputs;
    const identityId = await valueOf(dump.identity.id);
    expect(job).toMatchObject({
      resourceGroupName: 'backups',
      environmentId: BASE.environmentId,
      identity: { type: 'UserAssigned', userAssignedIdentities: [identityId] },
      configuration: {
        triggerType: 'Schedule',
        scheduleTriggerConfig: { cronExpression: '0 2 * * *', parallelism: 1, replicaCompletionCount: 1 },
        replicaTimeout: 14400,
        replicaRetryLimit: 1,
        secrets: [{ name: 'database-password', keyVaultUrl: 'https://team-kv.vault.azure.net/secrets/orders-db-backup-password', identity: identityId }],
      },
    });
    expect(job.template.containers[0]).toMatchObject({ name: 'pg-backup', image: BASE.image, resources: { cpu: 1, memory: '2Gi' } });
  });

  test('its command line and environment are what the runner reads: azblob location, database, managed identity, PGPASSWORD', async () => {
    await deploy({ databaseNames: ['orders', 'billing'], dump: { format: 'directory', jobs: 4, includeGlobals: true, excludeTables: ['audit_log'] } });
    const job = engine.named('azure-native:app:Job', 'orders-dump-1').inputs;
    const container = job.template.containers[0];
    const env = environmentOf(container, { 'database-password': 's3cret' });

    const parsed = parseCommandLine(container.args);
    expect(parsed.command).toBe('dump');
    expect(parsed.flags).toMatchObject({
      'to': ['azblob://ordersdumps/pg-dumps/pg-dumps'],
      'database': 'billing',
      'format': 'directory',
      'jobs': '4',
      'exclude-table': ['audit_log'],
      'globals': true,
      'no-role-passwords': true,
    });
    expect(parseBackupLocation((parsed.flags.to as string[])[0])).toEqual({ kind: 'azblob', account: 'ordersdumps', container: 'pg-dumps', prefix: 'pg-dumps' });

    const connection = resolveConnection({ url: parsed.flags['database-url'] as string, flag: '--database-url' }, env).withDatabase('billing');
    expect(connection.describe()).toBe('backup_reader@orders-db.postgres.database.azure.com:5432/billing');
    expect(connection.childEnv()).toEqual({ PGPASSWORD: 's3cret' });
    expect(connection.dbname).toContain('sslmode=require');
    expect(container.args.join(' ')).not.toContain('s3cret');

    // DefaultAzureCredential uses the user-assigned identity named by AZURE_CLIENT_ID; no key or connection string.
    expect(env.AZURE_CLIENT_ID).toBe('orders-identity-client');
    expect(env.AZURE_STORAGE_CONNECTION_STRING).toBeUndefined();
    expect(readCommonOptions(new FlagReader(parsed.flags, env), env).metrics.destination).toBe('off');
  });

  test('one job per database, each dumping its own database', async () => {
    await deploy({ databaseNames: ['orders', 'billing', 'auth'] });
    const databases = [0, 1, 2].map((index) => parseCommandLine(engine.named('azure-native:app:Job', `orders-dump-${index}`).inputs.template.containers[0].args));
    expect(databases.map((parsed) => [parsed.command, parsed.flags.database])).toEqual([['dump', 'orders'], ['dump', 'billing'], ['dump', 'auth']]);
  });

  test.each([
    ['a UTC cron', { expression: '30 1 * * 1-5' }, '30 1 * * 1-5'],
    ['a cron in a fixed-offset zone', { expression: '0 9 * * *', timezone: 'Asia/Tokyo' }, '0 0 * * *'],
    ['a rate', { expression: 'rate(6 hours)' }, '0 */6 * * *'],
  ])('renders %s as the cron Container Apps runs in UTC', async (_, schedule, cron) => {
    await deploy({ dump: { schedule } });
    expect(engine.named('azure-native:app:Job', 'orders-dump-0').inputs.configuration.scheduleTriggerConfig.cronExpression).toBe(cron);
  });

  test('a failed execution of each job raises an alert to the created action group', async () => {
    const dump = await deploy({ alerts: { alertEmails: ['dba@example.com'] } });
    expect(engine.named('azure-native:monitor:ActionGroup', 'orders-alerts').inputs).toMatchObject({
      location: 'global', enabled: true, emailReceivers: [{ name: 'email-0', emailAddress: 'dba@example.com', useCommonAlertSchema: true }],
    });
    const alert = engine.named('azure-native:monitor:MetricAlert', 'orders-dump-0-failed').inputs;
    expect(alert).toMatchObject({
      scopes: [await valueOf(dump.dumpJobs[0].id)],
      enabled: true,
      actions: [{ actionGroupId: await valueOf(dump.actionGroupId) }],
      criteria: {
        odataType: 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria',
        allOf: [expect.objectContaining({
          metricNamespace: 'Microsoft.App/jobs',
          metricName: 'Executions',
          dimensions: [{ name: 'state', operator: 'Include', values: ['Failed'] }],
          operator: 'GreaterThan',
          threshold: 0,
          timeAggregation: 'Total',
        })],
      },
    });
  });

  test('an existing action group is used as it is', async () => {
    const actionGroupId = `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/ops/providers/microsoft.insights/actionGroups/dba`;
    await deploy({ alerts: { actionGroupId } });
    expect(engine.ofType('azure-native:monitor:ActionGroup')).toEqual([]);
    expect(engine.named('azure-native:monitor:MetricAlert', 'orders-dump-0-failed').inputs.actions).toEqual([{ actionGroupId }]);
  });
});

describe('ScheduledPgDump RPO watch', () => {
  test('every database gets an hourly job running pg-backup status with the RPO of the dump schedule, 26 hours for daily dumps', async () => {
    await deploy({ databaseNames: ['orders', 'billing'] });
    const watches = [0, 1].map((index) => engine.named('azure-native:app:Job', `orders-rpo-watch-${index}`).inputs);
    expect(watches.map((job) => job.configuration.scheduleTriggerConfig.cronExpression)).toEqual(['17 * * * *', '17 * * * *']);
    const parsed = watches.map((job) => parseCommandLine(job.template.containers[0].args));
    expect(parsed.map(({ command, flags }) => [command, flags])).toEqual([
      ['status', { from: 'azblob://ordersdumps/pg-dumps/pg-dumps', database: 'orders', rpo: '26h' }],
      ['status', { from: 'azblob://ordersdumps/pg-dumps/pg-dumps', database: 'billing', rpo: '26h' }],
    ]);
  });

  test.each([
    ['dumps every 6 hours', { dump: { schedule: { expression: 'rate(6 hours)' } } }, '8h'],
    ['an RPO set by the user', { rpoHours: 48 }, '48h'],
  ])('the watched RPO follows %s', async (_, props, rpo) => {
    const dump = await deploy(props);
    expect(parseCommandLine(engine.named('azure-native:app:Job', 'orders-rpo-watch-0').inputs.template.containers[0].args).flags.rpo).toBe(rpo);
    expect(`${dump.rpoHours}h`).toBe(rpo);
  });

  test('the watch runs as its own identity, which may only read the dumps\' container and holds no database secret', async () => {
    const dump = await deploy({ imageRegistry: { server: 'teamregistry.azurecr.io', registryId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/apps/providers/Microsoft.ContainerRegistry/registries/team` } });
    const job = engine.named('azure-native:app:Job', 'orders-rpo-watch-0').inputs;
    const watchIdentity = await valueOf(dump.rpoWatchIdentity.id);
    expect(watchIdentity).not.toBe(await valueOf(dump.identity.id));
    expect(job.identity.userAssignedIdentities).toEqual([watchIdentity]);
    expect(job.configuration.secrets).toBeUndefined();
    expect(job.template.containers[0].env.map((variable: any) => variable.name)).toEqual(['AZURE_CLIENT_ID', 'PG_BACKUP_METRICS']);
    const principal = await valueOf(dump.rpoWatchIdentity.principalId);
    const grants = engine.ofType('azure-native:authorization:RoleAssignment').filter((assignment) => assignment.inputs.principalId === principal);
    expect(grants.map((assignment) => [assignment.inputs.scope, assignment.inputs.roleDefinitionId.split('/').pop()]).sort()).toEqual([
      [`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/apps/providers/Microsoft.ContainerRegistry/registries/team`, '7f951dda-4ed3-4680-a7ca-43fe172d538d'],
      [await valueOf(dump.storage.container.id), '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'],
    ]);
  });

  test('a failed watch raises an alert that names the database and the RPO', async () => {
    const dump = await deploy();
    const alert = engine.named('azure-native:monitor:MetricAlert', 'orders-rpo-watch-0-failed').inputs;
    expect(alert.scopes).toEqual([await valueOf(dump.rpoWatchJobs[0].id)]);
    expect(alert.description).toBe('No complete dump of postgres within the RPO of 26 hours (or the watch could not read the storage); see the watch job\'s execution logs');
    expect(alert.criteria.allOf[0].dimensions).toEqual([{ name: 'state', operator: 'Include', values: ['Failed'] }]);
  });
});

describe('ScheduledPgDump drill-age watch', () => {
  test('with maxDrillAgeDays the hourly watch also fails when no restore drill succeeded within that many days, and its alert says so', async () => {
    await deploy({ verification: {}, maxDrillAgeDays: 8 });
    const args: string[] = engine.named('azure-native:app:Job', 'orders-rpo-watch-0').inputs.template.containers[0].args;
    expect(args.slice(args.indexOf('--drill-age'), args.indexOf('--drill-age') + 2)).toEqual(['--drill-age', '8d']);
    expect(parseCommandLine(args).command).toBe('status');
    expect(engine.named('azure-native:monitor:MetricAlert', 'orders-rpo-watch-0-failed').inputs.description).toBe(
      'No complete dump of postgres within the RPO of 26 hours, or no successful restore drill within 8 days (or the watch could not read the storage); '
      + 'see the watch job\'s execution logs',
    );
  });

  test('without maxDrillAgeDays the watch does not look at drills', async () => {
    await deploy({ verification: {} });
    expect(engine.named('azure-native:app:Job', 'orders-rpo-watch-0').inputs.template.containers[0].args).not.toContain('--drill-age');
  });
});

describe('ScheduledPgDump restore drill', () => {
  test('runs pg-backup verify of the latest dump into a scratch PostgreSQL beside it, within the RTO', async () => {
    await deploy({ verification: { checks: ['select count(*) > 0 from orders'], maxRestoreDurationMinutes: 45 }, cpu: 2, memoryGi: 4 });
    const job = engine.named('azure-native:app:Job', 'orders-drill-0').inputs;
    expect(job.configuration).toMatchObject({
      scheduleTriggerConfig: { cronExpression: '0 6 * * 1' },
      replicaTimeout: 2700,
      replicaRetryLimit: 0,
      secrets: [{ name: 'check-0', value: 'select count(*) > 0 from orders' }],
    });
    const [runner, scratch] = job.template.containers;
    const parsed = parseCommandLine(runnerArgvOfDrillCommand(runner.command));
    expect(parsed.command).toBe('verify');
    expect(parsed.flags).toMatchObject({
      'from': 'azblob://ordersdumps/pg-dumps/pg-dumps', 'database': 'postgres', 'latest': true, 'target-url': SCRATCH_TARGET_URL, 'jobs': '2', 'check': ['/checks/check-0.sql'],
    });
    expect(resolveConnection({ url: SCRATCH_TARGET_URL, flag: '--target-url' }, {}).describe()).toBe('postgres@127.0.0.1:5432/postgres');
    expect(scratch).toMatchObject({ name: 'scratch-postgres', image: 'postgres:16' });
    expect(scratch.command[2]).toContain('listen_addresses=127.0.0.1');
    expect(parsed.flags).toMatchObject({ rto: '45m' });
    // The two containers split the replica so its total stays a Consumption size.
    expect([runner.resources, scratch.resources]).toEqual([{ cpu: 1, memory: '2Gi' }, { cpu: 1, memory: '2Gi' }]);
    expect(job.template.volumes).toEqual([
      { name: 'drill-signal', storageType: 'EmptyDir' },
      { name: 'checks', storageType: 'Secret', secrets: [{ secretRef: 'check-0', path: 'check-0.sql' }] },
    ]);
    expect(engine.named('azure-native:monitor:MetricAlert', 'orders-drill-0-failed').inputs.scopes).toHaveLength(1);
  });

  test('the scratch server requires a password made for each drill, which is in neither the job definition nor its logs: nothing trusts the replica\'s loopback', async () => {
    await deploy({ verification: { checks: ['select 1'] } });
    const job = engine.named('azure-native:app:Job', 'orders-drill-0').inputs;
    const [runner, scratch] = job.template.containers;
    expect(JSON.stringify(job)).not.toMatch(/POSTGRES_HOST_AUTH_METHOD|trust/i);
    expect(scratch.env ?? []).toEqual([]);
    expect(JSON.stringify([runner.env, scratch.env ?? [], job.configuration.secrets])).not.toMatch(/PASSWORD/);
    const serverScript: string = scratch.command[2];
    const runnerScript: string = runner.command[2];
    // The scratch container writes 16 random bytes as hex, readable by the runner's user alone, before the server starts with it.
    const writes = serverScript.indexOf(`od -An -N16 -tx1 /dev/urandom | tr -d ' \\n' > ${SCRATCH_PASSWORD_FILE}.new`);
    expect(writes).toBeGreaterThan(serverScript.indexOf('umask 077'));
    expect(serverScript).toContain(`chown ${RUNNER_IMAGE_UID} ${SCRATCH_PASSWORD_FILE}.new`);
    expect(serverScript.indexOf(`POSTGRES_PASSWORD_FILE=${SCRATCH_PASSWORD_FILE} docker-entrypoint.sh postgres`)).toBeGreaterThan(writes);
    // The runner reads it after the server is up, into its own environment, and prints nothing of it.
    expect(runnerScript.indexOf(`PGPASSWORD="$(cat ${SCRATCH_PASSWORD_FILE})"`)).toBeGreaterThan(runnerScript.indexOf('pg_isready'));
    expect(runnerScript).not.toMatch(/echo[^\n]*PGPASSWORD|set -x/);
    // The user the file is given to is the runner image's.
    expect(readFileSync(path.join(__dirname, '../../../runner-image/Dockerfile'), 'utf8')).toContain(`USER ${RUNNER_IMAGE_UID}:`);
  });

  test('the drill shell passes the runner arguments through "$@", never re-parsed, and always releases the scratch server', async () => {
    await deploy({ verification: {} });
    const runner = engine.named('azure-native:app:Job', 'orders-drill-0').inputs.template.containers[0];
    const script: string = runner.command[2];
    expect(script).toContain('pg-backup "$@"');
    expect(script.lastIndexOf('touch /run/drill/done')).toBeGreaterThan(script.indexOf('pg-backup "$@"'));
    expect(script.trim().endsWith('exit $status')).toBe(true);
  });
});

describe('ScheduledPgDump validation', () => {
  const cases: Array<[string, Partial<ScheduledPgDumpProps>, string]> = [
    ['a schedule in a zone with daylight saving time', { dump: { schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' } } },
      'dump.schedule.timezone is "Europe/Berlin"; allowed: UTC, or a zone without daylight saving time and with a whole-hour offset (Azure Container Apps Jobs evaluates cron in UTC'],
    ['an invalid cron', { dump: { schedule: { expression: '0 25 * * *' } } }, 'dump.schedule.expression is "0 25 * * *"'],
    ['a drill schedule in a zone with daylight saving time', { verification: { schedule: { expression: '0 6 * * 1', timezone: 'America/New_York' } } },
      'verification.schedule.timezone is "America/New_York"'],
    ['parallel jobs with the custom format', { dump: { jobs: 4 } }, 'dump.jobs is 4'],
    ['immutability longer than the retention', { dump: { retentionDays: 30 }, immutability: { days: 60 } },
      'immutability.days is 60; allowed: an integer from 1 to 30 days (dump.retentionDays)'],
    ['an Azure tier change too early to pay off', { dump: { retentionDays: 100 }, transitions: [{ days: 90, storageClass: StorageClass.ARCHIVE }] },
      'lifecycleRules[0].expirationDays is 100; allowed: at least 270 days'],
    ['an S3 storage class', { transitions: [{ days: 30, storageClass: StorageClass.GLACIER_FLEXIBLE }] },
      'lifecycleRules[0].transitions[0].storageClass is "GLACIER_FLEXIBLE"; allowed: an Azure access tier'],
    ['a replica size Container Apps does not offer', { cpu: 0.3 }, 'cpu is 0.3; allowed: one of: 0.25, 0.5'],
    ['memory that does not match the vCPUs', { cpu: 1, memoryGi: 3 }, 'memoryGi is 3; allowed: 2 (twice the 1 vCPUs'],
    ['a drill on the smallest replica', { cpu: 0.25, memoryGi: 0.5, verification: {} }, 'cpu is 0.25; allowed: at least 0.5 with verification'],
    ['a database listed twice', { databaseNames: ['orders', 'orders'] }, 'databaseNames[1] is "orders"; allowed: a name not listed before'],
    ['no database', { databaseNames: [] }, 'databaseNames is []; allowed: at least one database name'],
    ['an invalid container name', { storage: { accountName: 'ordersdumps', containerName: 'PG_Dumps' } }, 'containerName is "PG_Dumps"'],
    ['a malformed alert address', { alerts: { alertEmails: ['dba'] } }, 'alerts.alertEmails[0] is "dba"; allowed: an e-mail address'],
    ['a drill age without drills', { maxDrillAgeDays: 8 }, 'maxDrillAgeDays is 8; allowed: only with verification'],
    ['a drill age shorter than the weekly drills and their RTO', { verification: {}, maxDrillAgeDays: 7 },
      'maxDrillAgeDays is 7; allowed: an integer from 8 to 365 days (drills are up to 7 days apart and may take the RTO of 60 minutes, '
      + 'so a shorter window would alert between two good drills)'],
    ['a drill age of more than a year', { verification: {}, maxDrillAgeDays: 400 }, 'maxDrillAgeDays is 400; allowed: an integer from 1 to 365 days'],
  ];
  test.each(cases)('rejects %s before creating anything, naming the prop, the value and what is allowed', (_, props, message) => {
    let thrown: unknown;
    try {
      new ScheduledPgDump('orders', { ...BASE, ...props });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PolicyValidationError);
    expect((thrown as Error).message).toContain(message);
  });

  test('reports several problems at once', () => {
    expect(() => new ScheduledPgDump('orders', { ...BASE, cpu: 3.3, databaseNames: [''], dump: { jobs: 0 } }))
      .toThrow(/3 problems[\s\S]*dump\.jobs is 0[\s\S]*databaseNames\[0\] is ""[\s\S]*cpu is 3\.3/);
  });

  test('a host that is an output is accepted now and lands in the command line once known', async () => {
    const dump = await deploy({ connection: { ...BASE.connection, host: pulumi.output('late.postgres.database.azure.com') } });
    expect(dump.dumpJobs).toHaveLength(1);
    const args = engine.named('azure-native:app:Job', 'orders-dump-0').inputs.template.containers[0].args;
    expect(parseCommandLine(args).flags['database-url']).toBe('postgresql://backup_reader@late.postgres.database.azure.com:5432/postgres?sslmode=require');
  });
});

describe('ScheduledPgDump pruning', () => {
  const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';
  const CONTRIBUTOR = `/subscriptions/${SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`;

  /** Every blob data action each principal holds on the dumps' container, built-in roles named by their GUID. */
  async function blobActionsByPrincipal(): Promise<Record<string, string[]>> {
    const containerId = engine.ofType('azure-native:storage:BlobContainer')[0];
    const definitions = engine.ofType('azure-native:authorization:RoleDefinition').map((resource) => resource.inputs);
    const held: Record<string, string[]> = {};
    for (const assignment of engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)) {
      if (!String(assignment.scope).includes('/containers/')) continue;
      const guid = String(assignment.roleDefinitionId).split('/').pop();
      const custom = definitions.find((definition) => definition.roleDefinitionId === guid);
      const actions = custom ? custom.permissions.flatMap((permission: { dataActions: string[] }) => permission.dataActions)
        : assignment.roleDefinitionId === CONTRIBUTOR ? [`${BLOBS}/read`, `${BLOBS}/write`, `${BLOBS}/delete`, `${BLOBS}/add/action`]
          : [`${BLOBS}/read`];
      held[assignment.principalId] = [...(held[assignment.principalId] ?? []), ...actions];
    }
    expect(containerId).toBeDefined();
    return held;
  }

  test('the dump job identity may write, read and tag dumps but holds no delete action: its custom role leaves it out', async () => {
    await deploy();
    const [writer] = engine.ofType('azure-native:authorization:RoleDefinition').map((resource) => resource.inputs);
    expect(writer.permissions).toEqual([{
      dataActions: [`${BLOBS}/read`, `${BLOBS}/write`, `${BLOBS}/add/action`, `${BLOBS}/tags/read`, `${BLOBS}/tags/write`],
      notDataActions: [`${BLOBS}/delete`],
    }]);
    expect(writer.assignableScopes).toEqual([`/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/backups`]);
    const held = await blobActionsByPrincipal();
    expect(held['orders-identity-principal']).not.toContain(`${BLOBS}/delete`);
    // Without a retention policy nothing prunes, and no identity of the component may delete a dump.
    expect(Object.values(held).flat()).not.toContain(`${BLOBS}/delete`);
    expect(engine.ofType('azure-native:app:Job').map((job) => job.name)).not.toContain('orders-prune-0');
  });

  test('with dump.retention, one prune job per database runs pg-backup prune with the classes, the floor and the RPO on the prune schedule', async () => {
    const dump = await deploy({
      databaseNames: ['orders', 'billing'],
      dump: { retentionDays: 800, retention: { daily: 7, weekly: 5, monthly: 12, yearly: 1, minimumKept: 4, pruneSchedule: { expression: '30 6 * * *' } } },
    });
    expect(dump.pruneJobs).toHaveLength(2);
    const jobs = [0, 1].map((index) => engine.named('azure-native:app:Job', `orders-prune-${index}`).inputs);
    expect(jobs.map((job) => job.configuration.scheduleTriggerConfig.cronExpression)).toEqual(['30 6 * * *', '30 6 * * *']);
    const parsed = jobs.map((job) => parseCommandLine(job.template.containers[0].args));
    expect(parsed.map(({ command, flags }) => [command, flags])).toEqual(['orders', 'billing'].map((database) => ['prune', {
      'from': 'azblob://ordersdumps/pg-dumps/pg-dumps', database, 'rpo': '26h', 'daily': '7', 'weekly': '5', 'monthly': '12', 'yearly': '1', 'minimum-kept': '4',
    }]));
    const pruneIdentity = await valueOf(dump.pruneIdentity!.id);
    expect(jobs.every((job) => job.identity.userAssignedIdentities[0] === pruneIdentity)).toBe(true);
    expect(jobs.every((job) => job.template.containers[0].env.some((variable: { name: string }) => variable.name === 'PG_BACKUP_DATABASE_URL'))).toBe(false);
    expect(engine.named('azure-native:monitor:MetricAlert', 'orders-prune-1-failed').inputs.description).toMatch(/prune of billing failed, or deleted nothing/);
  });

  test('only the prune identity may delete, and only in the dumps\' container', async () => {
    const dump = await deploy({ dump: { retentionDays: 800, retention: { daily: 7, minimumKept: 3 } } });
    const held = await blobActionsByPrincipal();
    const prunePrincipal = await valueOf(dump.pruneIdentity!.principalId);
    const deleters = Object.entries(held).filter(([, actions]) => actions.includes(`${BLOBS}/delete`)).map(([principal]) => principal);
    expect(deleters).toEqual([prunePrincipal]);
    const pruneGrants = engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)
      .filter((assignment) => assignment.principalId === prunePrincipal);
    expect(pruneGrants).toEqual([expect.objectContaining({ scope: await valueOf(dump.storage.container.id), roleDefinitionId: CONTRIBUTOR })]);
  });
});

describe('ScheduledPgDump with age encryption', () => {
  const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const IDENTITY_SECRET_URI = 'https://team-kv.vault.azure.net/secrets/orders-age-identity';
  const ENCRYPTED: Partial<ScheduledPgDumpProps> = {
    encryption: { recipients: [RECIPIENT], identitySecret: { keyVaultId: KEY_VAULT_ID, secretUri: IDENTITY_SECRET_URI } },
    verification: {},
  };
  const assignmentsOf = async (principalId: pulumi.Input<string>) => {
    const principal = await valueOf(principalId);
    return engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)
      .filter((assignment) => assignment.principalId === principal);
  };

  test('the dump job gets only the public keys, in PG_BACKUP_AGE_RECIPIENTS as the runner reads them, and no identity', async () => {
    await deploy(ENCRYPTED);
    const job = engine.named('azure-native:app:Job', 'orders-dump-0').inputs;
    const env = environmentOf(job.template.containers[0], { 'database-password': 's3cret' });
    expect(recipientsFrom([], env)).toEqual({ recipients: [RECIPIENT], source: 'PG_BACKUP_AGE_RECIPIENTS' });
    expect(env.PG_BACKUP_AGE_IDENTITY).toBeUndefined();
    expect(JSON.stringify(job)).not.toContain('orders-age-identity');
  });

  test('the drill job reads the identity from Key Vault into PG_BACKUP_AGE_IDENTITY with its own identity', async () => {
    const dump = await deploy(ENCRYPTED);
    const job = engine.named('azure-native:app:Job', 'orders-drill-0').inputs;
    const drillIdentity = await valueOf(dump.drillIdentity!.id);
    expect(job.identity.userAssignedIdentities).toEqual([drillIdentity]);
    expect(job.configuration.secrets).toEqual([{ name: 'age-identity', keyVaultUrl: IDENTITY_SECRET_URI, identity: drillIdentity }]);
    const env = environmentOf(job.template.containers[0], { 'age-identity': 'AGE-SECRET-KEY-1EXAMPLE' });
    expect(env).toMatchObject({ PG_BACKUP_AGE_IDENTITY: 'AGE-SECRET-KEY-1EXAMPLE', AZURE_CLIENT_ID: await valueOf(dump.drillIdentity!.clientId) });
  });

  test('only the drill identity may read the age identity secret; it holds no database secret and may not delete', async () => {
    const dump = await deploy(ENCRYPTED);
    const secretScope = `${KEY_VAULT_ID}/secrets/orders-age-identity`;
    const readers = engine.ofType('azure-native:authorization:RoleAssignment').map((resource) => resource.inputs)
      .filter((assignment) => assignment.scope === secretScope).map((assignment) => assignment.principalId);
    expect(readers).toEqual([await valueOf(dump.drillIdentity!.principalId)]);
    const drillGrants = await assignmentsOf(dump.drillIdentity!.principalId);
    const containerId = await valueOf(dump.storage.container.id);
    expect(drillGrants.map((grant) => grant.scope).sort()).toEqual([containerId, secretScope].sort());
    // The drill writes its result beside the dumps with the dump writer's role, which leaves out delete.
    const onContainer = (grants: any[]) => grants.find((grant) => grant.scope === containerId);
    expect(onContainer(drillGrants).roleDefinitionId).toBe(onContainer(await assignmentsOf(dump.identity.principalId)).roleDefinitionId);
  });

  test('a drill of dumps that are not encrypted runs as its own identity too, without any Key Vault secret', async () => {
    const dump = await deploy({ verification: {} });
    const job = engine.named('azure-native:app:Job', 'orders-drill-0').inputs;
    expect(job.identity.userAssignedIdentities).toEqual([await valueOf(dump.drillIdentity!.id)]);
    expect((await assignmentsOf(dump.drillIdentity!.principalId)).map((grant) => grant.scope)).toEqual([await valueOf(dump.storage.container.id)]);
  });

  const cases: Array<[string, Partial<ScheduledPgDumpProps>, string]> = [
    ['drills of encrypted dumps without the identity secret', { encryption: { recipients: [RECIPIENT] }, verification: {} },
      'encryption.identitySecret is undefined; allowed: a secret holding the age identity (AGE-SECRET-KEY-1…) of one of the recipients (verification drills the dumps'],
    ['a recipient that is not an age public key', { encryption: { recipients: ['ssh-ed25519 AAAA'] } },
      'encryption.recipients[0] is "ssh-ed25519 AAAA"; allowed: an age public key'],
    ['no recipient', { encryption: { recipients: [] } }, 'encryption.recipients is []; allowed: at least one age public key'],
  ];
  test.each(cases)('rejects %s, naming the prop, the value and what is allowed', (_, props, message) => {
    expect(() => new ScheduledPgDump('orders', { ...BASE, ...props })).toThrow(message);
  });
});
