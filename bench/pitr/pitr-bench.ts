/**
 * Point-in-time recovery, measured side by side in one run on one machine:
 *
 * 1. The data-loss window of `archive_timeout` on a quiet server: a row is committed at a random moment, then nothing
 *    else happens; the window is the time from that commit (the server's clock) until the WAL segment holding it is
 *    in the pgBackRest repository (a posix repository, polled every 50 ms). Losing the host inside that window loses
 *    the row. One cluster per `archive_timeout`, configured with the rendered archive block and pgbackrest.conf.
 * 2. The restore time of `pg-backup drill-pitr` (pgBackRest's time-targeted restore, then WAL replay until the target)
 *    with and without WAL to replay after the base backup: a pgbench database, a full backup, then a burst of pgbench
 *    writes, and recoveries to just after the backup and to the end of the burst.
 *
 * The figures replace the PITR section of BENCHMARKS.md (between its markers), with the command that reproduces them:
 *
 *   npx ts-node --transpile-only bench/pitr/pitr-bench.ts [--timeouts 10,30,60] [--samples 5] [--scale 20] [--burst-seconds 30]
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { PitrCluster, drillPitr, runAsServerUser, startPitrCluster } from '../../test/integration/pitr-cluster';
import { postgresBinDir } from '../../test/support/postgres';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';

const ROOT = path.resolve(__dirname, '..', '..');
const START_MARKER = '<!-- pitr-bench:start -->';
const END_MARKER = '<!-- pitr-bench:end -->';
const { values: flags } = parseArgs({
  options: {
    'timeouts': { type: 'string', default: '10,30,60' },
    'samples': { type: 'string', default: '5' },
    'scale': { type: 'string', default: '20' },
    'burst-seconds': { type: 'string', default: '30' },
    'out': { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});
const timeouts = flags.timeouts!.split(',').map(Number);
const samples = Number(flags.samples);
const scale = Number(flags.scale);
const burstSeconds = Number(flags['burst-seconds']);
/** Restores of each target; the median is reported. */
const RESTORE_REPEATS = 3;

const posix = (root: string) => ({ kind: 'posix' as const, path: path.join(root, 'repo') });

const fmt = (seconds: number) => seconds.toFixed(1);

/** True once `segment` is a file in the posix repository's archive. */
function archived(cluster: PitrCluster, segment: string): boolean {
  const archive = path.join(cluster.root, 'repo', 'archive', cluster.stanza);
  return fs.readdirSync(archive, { recursive: true }).map(String).some((file) => path.basename(file).startsWith(segment));
}

/** One commit at a random phase of the archive_timeout cycle; seconds until its segment is in the repository. */
async function lossWindowSample(cluster: PitrCluster, timeoutSeconds: number): Promise<number> {
  await sleep(Math.random() * timeoutSeconds * 1000);
  const [{ segment, committed }] = await cluster.pg.query<{ segment: string; committed: string }>(`
    INSERT INTO heartbeat VALUES (clock_timestamp());
    SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS segment, extract(epoch FROM clock_timestamp())::float8::text AS committed`);
  const deadline = Date.now() + (timeoutSeconds * 3 + 60) * 1000;
  while (!archived(cluster, segment)) {
    if (Date.now() > deadline) throw new Error(`segment ${segment} was not archived within ${timeoutSeconds * 3 + 60} s`);
    await sleep(50);
  }
  return Date.now() / 1000 - Number(committed);
}

interface WindowRow { readonly timeoutSeconds: number; readonly windows: number[] }

async function measureLossWindows(): Promise<WindowRow[]> {
  const rows: WindowRow[] = [];
  for (const timeoutSeconds of timeouts) {
    const cluster = await startPitrCluster({
      repository: posix, archiveTimeoutSeconds: timeoutSeconds, allowArchiveTimeoutOutsideRange: timeoutSeconds < 30,
    });
    try {
      await cluster.createStanzaAndFullBackup();
      await cluster.pg.query('CREATE TABLE heartbeat (at timestamptz)');
      await cluster.waitForArchive();
      const windows: number[] = [];
      for (let i = 0; i < samples; i++) windows.push(await lossWindowSample(cluster, timeoutSeconds));
      rows.push({ timeoutSeconds, windows });
      console.error(`archive_timeout ${timeoutSeconds} s: windows ${windows.map(fmt).join(', ')} s`);
    } finally {
      await cluster.stop();
    }
  }
  return rows;
}

interface RestoreRow { readonly label: string; readonly walSegments: number; readonly restoreSeconds: number; readonly recoverySeconds: number }

async function measureRestores(): Promise<{ rows: RestoreRow[]; databaseBytes: number }> {
  const cluster = await startPitrCluster({ repository: posix, archiveTimeoutSeconds: 60 });
  try {
    const pgbench = (args: string[]) => runAsServerUser(['pgbench', '-h', cluster.pg.socketDir, '-p', String(cluster.pg.port), '-U', 'postgres', ...args]);
    await pgbench(['-i', '-q', '-s', String(scale), 'postgres']);
    const [{ bytes }] = await cluster.pg.query<{ bytes: string }>("SELECT pg_database_size('postgres')::text AS bytes");
    await cluster.createStanzaAndFullBackup();
    await cluster.pg.query('SELECT pg_sleep(1.1)');
    const afterBackup = await cluster.serverNow();
    await cluster.pg.query('CREATE TABLE marker (at timestamptz); INSERT INTO marker VALUES (now())');
    await pgbench(['-n', '-c', '2', '-T', String(burstSeconds), 'postgres']);
    const afterBurst = await cluster.serverNow();
    await cluster.pg.query('INSERT INTO marker VALUES (now())');
    await cluster.waitForArchive();

    const targets = [['to just after the full backup', afterBackup], [`to the end of a ${burstSeconds} s pgbench burst`, afterBurst]] as const;
    const measured = new Map<string, Array<{ walSegments: number; restoreSeconds: number; recoverySeconds: number }>>();
    // Interleaved, so a slow moment of the shared machine does not fall on one target only.
    for (let repeat = 0; repeat < RESTORE_REPEATS; repeat++) {
      for (const [label, target] of targets) {
        const report = await drillPitr(['--target-time', target, '--pgbackrest-config', cluster.configFile, '--stanza', cluster.stanza],
          { PG_BIN_DIR: cluster.pg.binDir });
        const result = report.result as { walSegmentsRestored: number; restoreSeconds: number; recoverySeconds: number };
        const run = { walSegments: result.walSegmentsRestored, restoreSeconds: result.restoreSeconds, recoverySeconds: result.recoverySeconds };
        measured.set(label, [...(measured.get(label) ?? []), run]);
        console.error(`${label}: restore ${fmt(result.restoreSeconds)} s, recovery ${fmt(result.recoverySeconds)} s, ${result.walSegmentsRestored} segments`);
      }
    }
    const rows = targets.map(([label]) => {
      const runs = measured.get(label)!;
      return {
        label,
        walSegments: runs[0].walSegments,
        restoreSeconds: median(runs.map((run) => run.restoreSeconds)),
        recoverySeconds: median(runs.map((run) => run.recoverySeconds)),
      };
    });
    return { rows, databaseBytes: Number(bytes) };
  } finally {
    await cluster.stop();
  }
}

function machine(): string {
  const cpus = os.cpus();
  const pg = execFileSync(path.join(postgresBinDir(), 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  const pgbackrest = execFileSync('pgbackrest', ['version'], { encoding: 'utf8' }).trim();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${pg}, ${pgbackrest}, Node ${process.version}`;
}

function section(windows: WindowRow[], restores: { rows: RestoreRow[]; databaseBytes: number }): string {
  const command = `npx ts-node --transpile-only bench/pitr/pitr-bench.ts --timeouts ${timeouts.join(',')} --samples ${samples} --scale ${scale} --burst-seconds ${burstSeconds}`;
  const windowLines = windows.map(({ timeoutSeconds, windows: w }) =>
    `| ${timeoutSeconds} | ${fmt(median(w))} | ${fmt(Math.max(...w))} | ${w.map(fmt).join(', ')} |`);
  const restoreLines = restores.rows.map((row) =>
    `| ${row.label} | ${row.walSegments} | ${fmt(row.restoreSeconds)} | ${fmt(row.recoverySeconds)} | ${fmt(row.restoreSeconds + row.recoverySeconds)} |`);
  return `${START_MARKER}
## Point-in-time recovery: data-loss window and restore time

Measured side by side in one run by \`bench/pitr/pitr-bench.ts\` on ${machine()} (server, pgBackRest and
repository on the same machine, which other work shared during the run). Every cluster runs with the archive block and
\`pgbackrest.conf\` rendered by core (pgBackRest, \`archive-async=y\`, \`compress-type=zst\`), archiving to a posix
repository. Reproduce with:

\`\`\`sh
${command}
\`\`\`

### Data lost with the host: commit → its WAL segment in the repository, on a quiet server

One row committed at a random moment, nothing else written; the window is the time from that commit (server clock) until
the segment holding it is a file in the repository. ${samples} samples per setting.

| \`archive_timeout\` (s) | window (s): median | longest (s) | samples (s) |
| --- | --- | --- | --- |
${windowLines.join('\n')}

The window is bounded by \`archive_timeout\` plus the archiver's own latency: the server switches segments once
\`archive_timeout\` has passed since the last switch, so a commit made just after a switch waits nearly the whole
timeout, one made just before waits almost nothing. On a busy server segments fill (16 MiB) before the timeout and the
window is shorter. This is the RPO of a self-hosted database that loses its disk; the RPO alarm of
\`SelfHostedPitrArchive\` watches the same bound on the bucket.

### Restore time of \`pg-backup drill-pitr\` (pgbench scale ${scale}: database ${(restores.databaseBytes / 1e9).toFixed(2)} GB; median of ${RESTORE_REPEATS} interleaved runs)

| recovery target | WAL segments replayed | \`pgbackrest restore\` (s) | WAL replay to the target (s) | total (s) |
| --- | --- | --- | --- | --- |
${restoreLines.join('\n')}

The restore copies and decompresses the base backup; replay then fetches each archived segment with \`archive-get\` and
applies it, so the recovery time grows with the WAL written since the base backup: this is what the daily
differential backups bound.
${END_MARKER}`;
}


async function main(): Promise<void> {
  const windows = await measureLossWindows();
  const restores = await measureRestores();
  const text = section(windows, restores);
  writeBenchmarkSection(flags.out!, START_MARKER, END_MARKER, text);
  console.log(text);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
