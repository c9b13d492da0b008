import {
  GuardedCandidate, ProtectedDatabases, backedUpDatabases, checkAcknowledgementReason, guardedCandidateOf, guardedDatabaseSubject, guardedEngineOf,
  isGuardedDatabase,
  planRequirePostgresBackups, unprotectedDatabasesMessage, unprotectedDatabasesReport,
} from '../../../src/core/aws/require-postgres-backups';

describe('which databases RequirePostgresBackups requires to be protected', () => {
  test.each([
    { engine: 'postgres', expected: 'postgres' },
    { engine: 'aurora-postgresql', expected: 'postgres' },
    { engine: 'POSTGRES', expected: 'postgres' },
    { engine: 'mysql', expected: 'other' },
    { engine: Promise.resolve('postgres'), expected: 'unknown' },
    { engine: undefined, expected: undefined },
    { engine: '', expected: undefined },
  ])('an engine given as $engine is $expected', ({ engine, expected }) => {
    expect(guardedEngineOf(engine)).toBe(expected);
  });

  const plan = planRequirePostgresBackups();
  test.each([
    { database: { engine: 'postgres' as const }, guarded: true },
    { database: { engine: 'unknown' as const }, guarded: true },
    { database: { engine: 'other' as const }, guarded: false },
    { database: { engine: 'postgres' as const, clusterMember: true }, guarded: false },
    { database: { engine: 'postgres' as const, readReplica: true }, guarded: false },
  ])('by default $database is guarded: $guarded', ({ database, guarded }) => {
    expect(isGuardedDatabase(plan, database)).toBe(guarded);
  });

  test('read replicas are guarded when the plan includes them', () => {
    expect(isGuardedDatabase(planRequirePostgresBackups({ includeReadReplicas: true }), { engine: 'postgres', readReplica: true })).toBe(true);
  });

  test('a database whose engine is not known says it is checked as PostgreSQL', () => {
    expect(guardedDatabaseSubject('orders', 'aws:rds/instance:Instance', 'unknown'))
      .toBe('orders (aws:rds/instance:Instance; its engine is not known while the program runs, so it is checked as PostgreSQL)');
    expect(guardedDatabaseSubject('orders', 'aws:rds/instance:Instance', 'postgres')).toBe('orders (aws:rds/instance:Instance)');
  });

  test('one error names every unprotected database, in the singular for one', () => {
    expect(unprotectedDatabasesMessage(['a (x)'], ['ScheduledPgDump', 'ManagedPostgresBackupPlan'], 'acknowledge it.'))
      .toBe('One PostgreSQL database has no backups: no ScheduledPgDump or ManagedPostgresBackupPlan protects it:\n  - a (x)\nProtect each, or acknowledge it.');
    expect(unprotectedDatabasesMessage(['a (x)', 'b (y)'], ['ScheduledPgDump'], 'acknowledge it.'))
      .toBe('2 PostgreSQL databases have no backups: no ScheduledPgDump protects them:\n  - a (x)\n  - b (y)\nProtect each, or acknowledge it.');
  });
});

describe('what RequirePostgresBackups counts as protection and reports', () => {
  test('a protection record counts when it names a database and is a backup: a restore drill or a cost estimate is not', () => {
    expect(backedUpDatabases([
      { kind: 'logical-dump', database: 'App/Orders' },
      { kind: 'pitr-drill', database: 'App/Drilled' },
      { kind: 'cost-estimate', database: 'App/Estimated' },
      { kind: 'managed-backup' },
      undefined,
    ])).toEqual(new Set(['App/Orders']));
  });

  test('a recorded database is protected, one never recorded is not, and a drill cannot be recorded as a backup', () => {
    const registry = new ProtectedDatabases<object>();
    const [orders, scratch] = [{}, {}];
    registry.record(orders, 'managed-backup');
    registry.record(undefined, 'logical-dump');
    expect([registry.has(orders), registry.has(scratch)]).toEqual([true, false]);
    expect(() => registry.record(scratch, 'pitr-drill' as 'logical-dump'))
      .toThrow('recordProtectedDatabase: kind is "pitr-drill"; allowed: one of: logical-dump, managed-backup, wal-archive');
  });

  const candidate = (name: string, engine: unknown): GuardedCandidate => ({
    name, type: 'aws:rds/instance:Instance', instance: true, engine, identifier: name, references: () => [], replicateSourceDb: undefined,
  });

  test.each([
    { level: 'error' as const, warnings: [], error: true },
    { level: 'warning' as const, warnings: ['orders'], error: false },
  ])('at level $level, the uncovered PostgreSQL databases are named, with a warning each or one error', ({ level, warnings, error }) => {
    const report = unprotectedDatabasesReport(planRequirePostgresBackups({ level }),
      [candidate('orders', 'postgres'), candidate('covered', 'postgres'), candidate('crm', 'mysql')], (c) => c.name === 'covered');
    expect(report.names).toEqual(['orders']);
    expect(report.warnings.map((warning) => warning.candidate.name)).toEqual(warnings);
    expect(report.error !== undefined).toBe(error);
    expect([report.error, ...report.warnings.map((warning) => warning.message)].join('')).toContain('RequirePostgresBackups.acknowledge(database, reason)');
  });

  test('at level error, no error when every database is covered', () => {
    expect(unprotectedDatabasesReport(planRequirePostgresBackups(), [candidate('orders', 'postgres')], () => true)).toEqual({ names: [], warnings: [] });
  });

  test.each(['', '  ', undefined])('an acknowledgement without a reason (%j) is refused', (reason) => {
    expect(() => checkAcknowledgementReason(reason)).toThrow('RequirePostgresBackups.acknowledge.reason');
  });
});

describe('which registered resources the guard takes as candidates', () => {
  const registered = (type: string, props: Record<string, unknown>, readId?: string) => ({ type, name: 'orders', props, readId, resource: { id: 'orders-id' } });

  test('an RDS instance this program creates is a candidate with its engine, identifier and source', () => {
    const candidate = guardedCandidateOf(registered('aws:rds/instance:Instance', { engine: 'postgres', identifier: 'orders', replicateSourceDb: 'main' }));
    expect(candidate).toMatchObject({ name: 'orders', type: 'aws:rds/instance:Instance', instance: true, engine: 'postgres', identifier: 'orders', replicateSourceDb: 'main' });
    expect(candidate!.references()).toEqual([undefined, undefined, 'orders-id']);
  });

  test('a cluster is a candidate that names no source; a database read with get and any other resource are none', () => {
    expect(guardedCandidateOf(registered('aws:rds/cluster:Cluster', { engine: 'aurora-postgresql', replicateSourceDb: 'x' }))).toMatchObject({ instance: false, replicateSourceDb: undefined });
    expect(guardedCandidateOf(registered('aws:rds/instance:Instance', { engine: 'postgres' }, 'db-123'))).toBeUndefined();
    expect(guardedCandidateOf(registered('aws:s3/bucket:Bucket', {}))).toBeUndefined();
  });
});
