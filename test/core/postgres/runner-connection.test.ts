import { RUNNER_DATABASE_SECRET_ENV, runnerDatabaseUrl, runnerSecretVariables } from '../../../src/core/postgres/runner-connection';

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
});
