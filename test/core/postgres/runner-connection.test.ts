import { RUNNER_DATABASE_SECRET_ENV, runnerConnection, runnerDatabaseUrl, runnerSecretVariables } from '../../../src/core/postgres/runner-connection';

describe('how the runner container connects', () => {
  test('a secret that holds the host is read whole from the variable the runner reads by default', () => {
    expect(runnerSecretVariables(true)).toEqual([{ variable: RUNNER_DATABASE_SECRET_ENV }]);
    expect(RUNNER_DATABASE_SECRET_ENV).toBe('PG_BACKUP_DATABASE_SECRET');
  });

  test('a secret with only credentials gives libpq its user and password', () => {
    expect(runnerSecretVariables(false)).toEqual([{ variable: 'PGUSER', jsonKey: 'username' }, { variable: 'PGPASSWORD', jsonKey: 'password' }]);
  });

  test('the URL names the host and the port, 5432 unless told', () => {
    expect(runnerDatabaseUrl('db.internal')).toBe('postgres://db.internal:5432/postgres');
    expect(runnerDatabaseUrl('db.internal', 6432)).toBe('postgres://db.internal:6432/postgres');
  });

  test('a connection reads the whole secret without a host, and credentials plus the URL of the host with one', () => {
    const secretOf = (jsonKey?: string) => `secret${jsonKey ? `:${jsonKey}` : ''}`;
    expect(runnerConnection(undefined, secretOf, (host: string) => runnerDatabaseUrl(host))).toEqual({ secrets: { [RUNNER_DATABASE_SECRET_ENV]: 'secret' } });
    expect(runnerConnection('db.internal', secretOf, (host: string) => runnerDatabaseUrl(host, 6432))).toEqual({
      secrets: { PGUSER: 'secret:username', PGPASSWORD: 'secret:password' },
      databaseUrl: 'postgres://db.internal:6432/postgres',
    });
  });
});
