import * as crypto from 'node:crypto';
import {
  BlueprintServerHandle, PostgresBackupBlueprintEnvironment, blueprintAutomatedBackupWarning, planPostgresBackupBlueprint,
  postgresBackupBlueprintAttributes,
} from '../../../src/core/aws/postgres-backup-blueprint';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { resolveManagedSnapshots } from '../../../src/core/policy/defaults';

const SELF_MANAGED: BlueprintServerHandle = { managed: false, postgresMajorVersion: 16 };
const MANAGED: BlueprintServerHandle = { managed: true, postgresMajorVersion: 16, kind: 'instance' };

function plan(environment: Partial<PostgresBackupBlueprintEnvironment> = {}, bucketName?: string) {
  return planPostgresBackupBlueprint({ tier: BackupTier.BRONZE, databases: [{ id: 'orders' }], bucketName }, {
    servers: [SELF_MANAGED], validation: { construct: 'Stack/Fleet' }, ...environment,
  });
}

describe('the shared bucket of a PostgresBackupBlueprint', () => {
  test('is named after the account, the region and a hash of the construct path when all three are known', () => {
    const hash = crypto.createHash('sha256').update('Stack/Fleet').digest('hex').slice(0, 8);
    expect(plan({ constructPath: 'Stack/Fleet', account: '111122223333', region: 'eu-west-1' }).bucketName)
      .toBe(`pg-backups-111122223333-eu-west-1-${hash}`);
  });

  test.each([
    ['no construct path (Pulumi)', { account: '111122223333', region: 'eu-west-1' }],
    ['no account', { constructPath: 'Stack/Fleet', region: 'eu-west-1' }],
    ['no region', { constructPath: 'Stack/Fleet', account: '111122223333' }],
  ])('is left to the deployment with %s', (_case, environment) => {
    expect(plan(environment).bucketName).toBeUndefined();
  });

  test('is the given bucketName, whatever the environment', () => {
    expect(plan({ constructPath: 'Stack/Fleet', account: '111122223333', region: 'eu-west-1' }, 'acme-fleet-dumps').bucketName).toBe('acme-fleet-dumps');
  });
});

describe('the attributes and schedules a PostgresBackupBlueprint takes from its plan', () => {
  test('every schedule starts the runner container and retries a start as every schedule does', () => {
    expect(plan().scheduleStart).toEqual({ retryAttempts: 3, maxEventAgeSeconds: 3600, containerName: 'runner' });
  });

  test('the attributes are the plan, its prefix and namespace, and the cost estimates of the servers with sizes', () => {
    const planned = planPostgresBackupBlueprint({
      tier: BackupTier.BRONZE, databases: [{ id: 'orders', estimate: { databaseSizeGb: 10 } }, { id: 'crm' }], prefix: 'fleet',
    }, { servers: [SELF_MANAGED, SELF_MANAGED] });
    const attributes = postgresBackupBlueprintAttributes(planned);
    expect(attributes).toMatchObject({ plan: planned, prefix: 'fleet', metricNamespace: 'PostgresBackup' });
    expect([...attributes.costEstimates.keys()]).toEqual(['orders']);
  });
});

describe('a server whose connection is not a secret holding its host', () => {
  test('is refused, naming its entry, since the shared dump task reads nothing else', () => {
    expect(() => planPostgresBackupBlueprint({ tier: BackupTier.BRONZE, databases: [{ id: 'orders' }, { id: 'crm' }] }, {
      servers: [SELF_MANAGED, { ...SELF_MANAGED, connectionSecret: false }], validation: { construct: 'Stack/Fleet' },
    })).toThrow('Stack/Fleet: databases[1].database is "PostgresDatabase.fromSecret({ host })"; allowed: a database whose secret holds its host');
  });
});

describe('the warning about a managed server whose automated backups are not its tier\'s', () => {
  const server = planPostgresBackupBlueprint({ tier: BackupTier.SILVER, tierOptions: { copyRegion: 'eu-central-1', copyRegionVaultArn: 'arn:aws:backup:eu-central-1:111122223333:backup-vault:copies' }, databases: [{ id: 'orders' }] }, {
    servers: [MANAGED], region: 'eu-west-1', validation: { construct: 'Fleet' },
  }).servers[0];

  test('names each setting that differs, and how to give the tier\'s', () => {
    expect(blueprintAutomatedBackupWarning(server, { backupRetentionDays: 1, copyTagsToSnapshot: true }))
      .toMatch(/^orders: the database's automated backups differ from its tier: backupRetentionDays is 1, the tier asks for \d+;.*managedSnapshotArgs/);
  });

  test('asks to check them by hand for an imported database, whose settings are unknown', () => {
    expect(blueprintAutomatedBackupWarning(server, undefined)).toMatch(/^orders: the database is imported, so its automated backups cannot be set from here/);
  });

  test('is none when the database has the tier\'s settings', () => {
    expect(blueprintAutomatedBackupWarning(server, resolveManagedSnapshots(server.policy.managedSnapshots!))).toBeUndefined();
  });
});
