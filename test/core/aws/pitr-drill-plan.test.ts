import { planPitrDrill } from '../../../src/core/aws/pitr-drill';
import { resolveVerification } from '../../../src/core/policy/defaults';

describe('planPitrDrill', () => {
  const plan = planPitrDrill({
    databaseName: 'ledger',
    stanza: 'main',
    archiveWaitSeconds: 90,
    metricNamespace: 'PostgresBackup',
    verification: resolveVerification({ checks: ["SELECT count(*) > 0 FROM entries WHERE note <> 'x'"], maxRestoreDurationMinutes: 45 }),
  });

  test('carries each check in an environment variable the drill command names, so its quotes survive untouched', () => {
    expect(plan.environment).toEqual([
      { name: 'PG_BACKUP_SCRATCH_DIR', value: '/tmp' },
      { name: 'PG_BACKUP_PITR_CHECK_0', value: "SELECT count(*) > 0 FROM entries WHERE note <> 'x'" },
    ]);
    expect(plan.command).toEqual([
      'pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z',
      '--stanza', 'main', '--aws-credentials', '--archive-wait', '90s', '--recovery-timeout', '2700s', '--sql-env', 'PG_BACKUP_PITR_CHECK_0',
    ]);
  });

  test('alarms above the RTO on the drill\'s own restore time, with the default task size', () => {
    expect(plan.task).toEqual({ cpu: 2048, memoryLimitMiB: 8192, ephemeralStorageGiB: 100 });
    expect(plan.alarms.find((alarm) => alarm.id === 'RtoAlarm')).toMatchObject({
      description: 'A point-in-time recovery drill of ledger took longer than the RTO of 45 minutes',
      threshold: 2700,
      metric: { dimensions: { Database: 'ledger', Drill: 'pitr' } },
    });
  });
});
