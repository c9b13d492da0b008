import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import {
  CHECK_ARCHIVE_METRICS, CheckArchiveCommandReport, checkArchiveCommand,
} from '../../src/runner/check-archive-command';
import { parseCommandLine } from '../../src/runner/cli-commands';
import { FlagReader, readCommonOptions } from '../../src/runner/cli-options';
import { RunnerError } from '../../src/runner/runner-error';
import { PitrCluster, commitOrders, usePitrCluster } from '../integration/pitr-cluster';

/** Runs `pg-backup check-archive <args>` through its command function, as the CLI does once it is registered. */
async function checkArchive(args: string[]): Promise<CheckArchiveCommandReport> {
  const reader = new FlagReader(parseCommandLine(['check-archive', ...args]).flags, {});
  const common = readCommonOptions(reader, {});
  return checkArchiveCommand(reader, { common, logger: pino({ level: 'silent' }), env: {}, signal: new AbortController().signal });
}

function archiveArgs(cluster: PitrCluster): string[] {
  const socketUrl = `postgresql://postgres@localhost:${cluster.pg.port}/postgres?host=${cluster.pg.socketDir}`;
  return ['--target-url', socketUrl, '--cluster', 'orders-db', '--pgbackrest-config', cluster.configFile, '--stanza', cluster.stanza];
}

function metric(report: { metrics: Array<{ name: string; value: number }> }, name: string): number | undefined {
  return report.metrics.find((entry) => entry.name === name)?.value;
}

describe('pg-backup check-archive on a host that archives with pgBackRest', () => {
  const cluster = usePitrCluster({ repository: (root) => ({ kind: 'posix', path: path.join(root, 'repo') }) });

  beforeAll(async () => {
    await cluster().createStanzaAndFullBackup();
    await commitOrders(cluster(), 1, 10);
    await cluster().waitForArchive();
  });

  test('a working archiver is healthy: no failures, the newest segment fetched back, its age measured', async () => {
    const report = await checkArchive(archiveArgs(cluster()));
    expect(report.database).toBe('orders-db');
    expect(report.result).toMatchObject({ cluster: 'orders-db', archiveMode: 'on', failedCount: 0, newestWalReadable: true });
    expect(metric(report, CHECK_ARCHIVE_METRICS.failing)).toBe(0);
    expect(metric(report, CHECK_ARCHIVE_METRICS.newestWalReadable)).toBe(1);
    expect(metric(report, CHECK_ARCHIVE_METRICS.checkSucceeded)).toBe(1);
    expect(metric(report, CHECK_ARCHIVE_METRICS.secondsSinceLastArchived)).toBeGreaterThanOrEqual(0);
  });

  test('--heartbeat commits a transaction, so even a quiet server writes WAL for archive_timeout to ship', async () => {
    const [{ before }] = await cluster().pg.query<{ before: string }>('SELECT pg_current_wal_insert_lsn()::text AS before');
    await checkArchive([...archiveArgs(cluster()), '--heartbeat', '--no-archive-get']);
    const [{ moved }] = await cluster().pg.query<{ moved: boolean }>(`SELECT pg_current_wal_insert_lsn() > '${before}'::pg_lsn AS moved`);
    expect(moved).toBe(true);
  });

  test('a failing archive_command makes the check fail, naming the segment, and writes the failing metrics', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await cluster().pg.query("ALTER SYSTEM SET archive_command = 'false'");
      await cluster().pg.query('SELECT pg_reload_conf()');
      await commitOrders(cluster(), 11, 20);
      await cluster().pg.query('SELECT pg_switch_wal()');
      for (let attempt = 0; attempt < 150; attempt++) {
        const [{ failed }] = await cluster().pg.query<{ failed: number }>('SELECT failed_count::int AS failed FROM pg_stat_archiver');
        if (failed > 0) break;
        await sleep(200);
      }

      const error = await checkArchive(archiveArgs(cluster())).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(RunnerError);
      expect((error as RunnerError).exitCode).toBe(1);
      expect((error as RunnerError).message).toMatch(/^the WAL archive of orders-db is unhealthy: archive_command is failing: [0-9A-F]{24} failed at /);
      const line = JSON.parse(written.find((entry) => entry.includes(CHECK_ARCHIVE_METRICS.failing))!);
      expect(line).toMatchObject({ Database: 'orders-db', [CHECK_ARCHIVE_METRICS.failing]: 1, [CHECK_ARCHIVE_METRICS.checkFailed]: 1 });
      expect(line[CHECK_ARCHIVE_METRICS.failedCount]).toBeGreaterThan(0);
    } finally {
      spy.mockRestore();
      const rendered = cluster().archiveSettings.settings.find((setting) => setting.name === 'archive_command')!.value as string;
      await cluster().pg.query(`ALTER SYSTEM SET archive_command = '${rendered.replace(/'/g, "''")}'`);
      await cluster().pg.query('SELECT pg_reload_conf()');
    }
  });
});
