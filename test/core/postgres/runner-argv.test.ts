import { runnerDumpArgv } from '../../../src/core/postgres/runner-argv';

describe('runnerDumpArgv', () => {
  test('an empty policy dumps to the location with the runner defaults', () => {
    expect(runnerDumpArgv({}, { to: 's3://b/p' })).toEqual(['dump', '--to', 's3://b/p']);
  });

  test('every dump option becomes the flag an operator would type, values as separate arguments', () => {
    expect(runnerDumpArgv({
      format: 'directory',
      jobs: 4,
      compression: 'zstd:3',
      tables: ['public.a', 'b c'],
      excludeTables: ['t'],
      schemas: ['s'],
      excludeSchemas: ['x'],
      schemaOnly: true,
      noOwner: true,
      noAcl: true,
      includeGlobals: true,
      rowCounts: 'estimate',
      lockWaitTimeoutSeconds: 30,
    }, { to: 'file:///backups', database: 'shop', noRolePasswords: true, metricsNamespace: 'Team/Backups' })).toEqual([
      'dump', '--to', 'file:///backups', '--database', 'shop', '--format', 'directory', '--jobs', '4', '--compress', 'zstd:3',
      '--table', 'public.a', '--table', 'b c', '--exclude-table', 't', '--schema', 's', '--exclude-schema', 'x', '--schema-only',
      '--no-owner', '--no-acl', '--globals', '--no-role-passwords', '--row-counts', 'estimate', '--lock-wait-timeout', '30s',
      '--metrics-namespace', 'Team/Backups',
    ]);
  });

  test('--no-role-passwords only accompanies --globals', () => {
    expect(runnerDumpArgv({ dataOnly: true, compression: 0 }, { to: 's3://b/p', noRolePasswords: true }))
      .toEqual(['dump', '--to', 's3://b/p', '--compress', '0', '--data-only']);
  });
});
