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
    expect(plan.task).toMatchObject({ cpu: 2048, memoryLimitMiB: 8192, ephemeralStorageGiB: 100, containerName: 'drill-pitr' });
    expect(plan.alarms.find((alarm) => alarm.id === 'RtoAlarm')).toMatchObject({
      description: 'A point-in-time recovery drill of ledger took longer than the RTO of 45 minutes',
      threshold: 2700,
      metric: { dimensions: { Database: 'ledger', Drill: 'pitr' } },
    });
  });

  test('without drillResultsPrefix, nothing is recorded: the state machine writes no failed drill and the task gets no write', () => {
    expect(plan.drillResults).toBeUndefined();
    expect(plan.drill.placeholders).not.toContain('DrillResultsFolder');
    expect(plan.descriptions.taskRole).toBe('PITR drill task: read the WAL archive and base backups, nothing else');
  });

  test.each([
    ['', 'main/drills'],
    ['pitr/prod', 'pitr/prod/main/drills'],
  ])('with drillResultsPrefix %j, the stanza\'s results go to %s, where the task may put and the state machine writes failures', (prefix, folder) => {
    const recording = planPitrDrill({
      databaseName: 'ledger',
      stanza: 'main',
      archiveWaitSeconds: 90,
      metricNamespace: 'PostgresBackup',
      verification: resolveVerification({}),
      drillResultsPrefix: prefix,
    });
    expect(recording.drillResults).toMatchObject({ prefix, folder });
    expect(recording.drillResults!.taskGrants).toEqual([
      expect.objectContaining({ resource: 'drill-results', actions: ['s3:PutObject'] }),
      expect.objectContaining({ resource: 'backup-key', actions: ['kms:GenerateDataKey'] }),
    ]);
    expect(recording.drill.placeholders).toEqual(expect.arrayContaining(['DrillResultsBucket', 'DrillResultsFolder']));
    expect(recording.drill.iamActions).toContainEqual(expect.objectContaining({ resource: 'drill-result-objects', actions: ['s3:PutObject'] }));
  });

  test('a drillResultsPrefix without the bucket it is in is refused, naming the construct; with the bucket it is planned', () => {
    const options = {
      databaseName: 'ledger',
      stanza: 'main',
      archiveWaitSeconds: 90,
      metricNamespace: 'PostgresBackup',
      drillResultsPrefix: 'drills',
      verification: resolveVerification({}),
    };
    expect(() => planPitrDrill(options, { construct: 'Backups/LedgerDrill', resultsBucketGiven: false }))
      .toThrow('Backups/LedgerDrill: drillResultsPrefix is "drills"; allowed: only with drillResultsBucket, the bucket it is in');
    expect(planPitrDrill(options, { construct: 'Backups/LedgerDrill', resultsBucketGiven: true }).drillResults).toBeDefined();
  });
});
