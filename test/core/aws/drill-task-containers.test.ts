import { pitrDrillContainers, snapshotDrillContainers, verifyRestoreContainers } from '../../../src/core/aws/drill-task-containers';
import { planPitrDrill } from '../../../src/core/aws/pitr-drill';
import { planSnapshotRestoreDrill } from '../../../src/core/aws/snapshot-restore-drill';
import { planVerifyRestore } from '../../../src/core/aws/verify-restore';
import { resolveVerification } from '../../../src/core/policy/defaults';

const source = { sourceDatabaseNames: ['shop'], metricNamespace: 'PostgresBackup' };

describe('the planned containers of a drill task', () => {
  test('a dump restored in the task runs the scratch server, the runner and the checks writer, the runner waiting for both', () => {
    const plan = planVerifyRestore({ verification: { checks: ['SELECT true'] } }, { ...source, identitySecretGiven: true });
    const { containers, volumes } = verifyRestoreContainers(plan, 's3://bucket/pg-dumps');
    expect(containers.map((container) => [container.name, container.image, container.essential])).toEqual([
      ['scratch-postgres', 'postgres-server', false], ['runner', 'runner', true], ['write-checks', 'postgres-server', false],
    ]);
    const [scratch, runner, writer] = containers;
    expect(scratch).toMatchObject({ secrets: { POSTGRES_PASSWORD: 'scratch-password' }, healthCheck: { retries: 12 } });
    expect(runner).toMatchObject({
      entryPoint: ['env'],
      secrets: { PGPASSWORD: 'scratch-password', PG_BACKUP_AGE_IDENTITY: 'age-identity' },
      dependsOn: [{ containerName: 'scratch-postgres', condition: 'HEALTHY' }, { containerName: 'write-checks', condition: 'SUCCESS' }],
      mountPoints: [{ containerPath: '/checks', sourceVolume: 'checks', readOnly: true }],
    });
    expect(runner.command.slice(0, 4)).toEqual(['pg-backup', 'verify', '--from', 's3://bucket/pg-dumps']);
    expect(writer).toMatchObject({ environment: { PG_BACKUP_CHECK_0: 'SELECT true' }, mountPoints: [{ sourceVolume: 'checks', readOnly: false }] });
    expect(volumes).toEqual(['checks']);
  });

  test('a dump restored into a scratch RDS instance without checks runs the runner alone, waiting for nothing', () => {
    const plan = planVerifyRestore({ restoreTarget: 'scratch-rds' }, source);
    const { containers, volumes } = verifyRestoreContainers(plan, 's3://bucket/pg-dumps');
    expect(containers.map((container) => container.name)).toEqual(['runner']);
    expect(containers[0]).not.toHaveProperty('dependsOn');
    expect(containers[0]).not.toHaveProperty('secrets');
    expect(volumes).toEqual([]);
  });

  test('a point-in-time drill hands pgbackrest.conf, its results location and the cipher pass to its one container', () => {
    const plan = planPitrDrill({ databaseName: 'ledger', stanza: 'main', archiveWaitSeconds: 90, metricNamespace: 'PostgresBackup', verification: resolveVerification({}) });
    const { containers } = pitrDrillContainers(plan, { pgBackRestConf: '[global]', resultsLocation: 's3://archive/drills', cipherPassVariable: 'PGBACKREST_REPO1_CIPHER_PASS' });
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: 'drill-pitr',
      environment: { PG_BACKUP_PGBACKREST_CONF: '[global]', PG_BACKUP_SCRATCH_DIR: '/tmp', PG_BACKUP_DRILL_RECORD_TO: 's3://archive/drills' },
      secrets: { PGBACKREST_REPO1_CIPHER_PASS: 'cipher-pass' },
      plainEnvironment: plan.task.plainEnvironment,
    });
  });

  test('a snapshot drill\'s checks run as the database\'s own user, recording their results only where told', () => {
    const database = { kind: 'instance' as const, databaseName: 'orders', postgresMajorVersion: 16, hasSecret: true, checkFiles: [] };
    const plan = planSnapshotRestoreDrill({}, database, { construct: 'Stack/Drill' });
    const [checks] = snapshotDrillContainers(plan).containers;
    expect(checks.secrets).toEqual({ PGUSER: 'database-username', PGPASSWORD: 'database-password' });
    expect(checks.environment).not.toHaveProperty('PG_BACKUP_DRILL_RECORD_TO');
    expect(snapshotDrillContainers(plan, 's3://b/p').containers[0].environment).toMatchObject({ PG_BACKUP_DRILL_RECORD_TO: 's3://b/p' });
  });
});
