import { runPgBackup, type PgBackupRun } from './support/pg-backup-process';

/** The CloudWatch Embedded Metric Format lines a run wrote to stderr. */
function metricLines(run: PgBackupRun): Record<string, unknown>[] {
  return run.stderr.split('\n').flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return parsed._aws ? [parsed] : [];
    } catch {
      return [];
    }
  });
}

/**
 * A check of the WAL archive that cannot run at all is a failed check for the alarms (ArchiveCheckFailed), as an
 * unhealthy archive is: a host whose server is down must not look like a host with no news.
 */
describe('check-archive that cannot check', () => {
  test('a server that does not answer fails the check, exits 1 and writes ArchiveCheckFailed once', async () => {
    const run = await runPgBackup(['check-archive', '--target-url', 'postgres://postgres@127.0.0.1:9/postgres', '--no-archive-get', '--cluster', 'down-db']);
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ command: 'check-archive', ok: false });
    expect(run.result.error).toMatch(/cannot connect to postgres@127\.0\.0\.1:9\/postgres \(the server whose archive is checked\)/);
    const failed = metricLines(run).filter((line) => line.ArchiveCheckFailed !== undefined);
    expect(failed).toEqual([expect.objectContaining({ ArchiveCheckFailed: 1, ArchiveCheckSucceeded: 0, Database: 'down-db' })]);
  });

  test('a bad --target-url is a usage error, and no check ran to fail', async () => {
    const run = await runPgBackup(['check-archive', '--target-url', 'mysql://nowhere/postgres', '--no-archive-get']);
    expect(run.exitCode).toBe(2);
    expect(metricLines(run).filter((line) => line.ArchiveCheckFailed !== undefined)).toEqual([]);
  });
});
