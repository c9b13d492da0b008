import {
  guardedDatabaseSubject, guardedEngineOf, isGuardedDatabase, planRequirePostgresBackups, unprotectedDatabasesMessage,
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
