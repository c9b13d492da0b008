/**
 * Point-in-time recovery for real: a throwaway PostgreSQL 15 cluster archives WAL with pgBackRest 2.45, configured
 * only with the `postgresql.conf` archive block and the `pgbackrest.conf` that core renders; rows are committed before
 * and after a target time T read from the server's clock; the archive is then recovered to T and only the rows
 * committed before T may be there.
 *
 * Two recovery paths are proven:
 * - in place, with the RENDERED recovery settings: `pgbackrest restore --delta --type=none` lays down the base backup
 *   and writes no recovery settings of its own (the test checks that), then the files of `renderRecoveryConf`
 *   (`restore_command`, `recovery_target_time`, … appended to `postgresql.auto.conf`, and `recovery.signal`) are
 *   applied as an operator following the runbook would;
 * - into a scratch directory with `pg-backup drill-pitr`, which runs pgBackRest's own time-targeted restore
 *   (`--type=time --target=T --target-action=promote`, argv from core) so pgBackRest picks the base backup for T
 *   and writes the recovery settings itself.
 *
 * The S3 repository is tested against s3rver over TLS with a self-signed certificate (`repo1-storage-verify-tls=n`,
 * path-style URIs, shared keys); see the describe block below for what pgBackRest did there.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PitrCluster, commitOrders, drillPitr, runAsServerUser, startPitrCluster, usePitrCluster } from './pitr-cluster';
import { pgBackRestInfoArgv, pgBackRestRestoreArgv, renderPgBackRestConf } from '../../src/core/postgres/pgbackrest-conf';
import { renderRecoveryConf } from '../../src/core/postgres/recovery-conf';
import { cli } from '../runner/support/in-process-cli';
import { useS3 } from '../support/s3';

const BUCKET = 'pitr-archive';

/** Rows 1–100 committed before T, rows 101–150 after; returns T. */
async function ordersAroundTargetTime(cluster: PitrCluster): Promise<string> {
  // pgBackRest records a backup's stop time in whole seconds and picks one that stopped before T: let a second pass.
  await cluster.pg.query('SELECT pg_sleep(1.1)');
  await commitOrders(cluster, 1, 100);
  const targetTime = await cluster.serverNow();
  await commitOrders(cluster, 101, 150);
  // Switches WAL and waits until the segment holding the second commit is in the repository.
  await cluster.waitForArchive();
  return targetTime;
}

async function ordersPresent(cluster: PitrCluster): Promise<{ count: number; max: number }> {
  const [row] = await cluster.pg.query<{ count: number; max: number }>('SELECT count(*)::int AS count, max(id) AS max FROM orders');
  return row;
}

describe('point-in-time recovery of a posix repository with the rendered settings', () => {
  const cluster = usePitrCluster({ repository: (root) => ({ kind: 'posix', path: path.join(root, 'repo') }) });
  let targetTime = '';

  beforeAll(async () => {
    await cluster().createStanzaAndFullBackup();
    targetTime = await ordersAroundTargetTime(cluster());
    expect(await ordersPresent(cluster())).toEqual({ count: 150, max: 150 });
  });

  test('pg-backup drill-pitr recovers a scratch copy to T: the rows committed before T are there, those after are not', async () => {
    const report = await drillPitr([
      '--target-time', targetTime,
      '--pgbackrest-config', cluster().configFile,
      '--stanza', cluster().stanza,
      '--min-rows', 'orders=100', '--max-rows', 'orders=100',
      '--sql', 'SELECT max(id) = 100 FROM orders',
      '--database', 'postgres', '--record-to', `file://${cluster().root}/drill-results`,
    ], { PG_BIN_DIR: cluster().pg.binDir });

    expect(report.result).toMatchObject({
      stanza: 'orders',
      targetTime,
      stoppedAt: { position: 'before' },
      rowCounts: [{ table: 'orders', min: 100, max: 100, rows: 100, passed: true }],
    });
    expect((report.result.checks as Array<{ passed: boolean }>).every((check) => check.passed)).toBe(true);
    expect(report.result.walSegmentsRestored).toBeGreaterThan(0);
    // The source cluster is untouched, and the promoted copy pushed nothing (no new timeline) into the archive.
    expect(await ordersPresent(cluster())).toEqual({ count: 150, max: 150 });
    const archived = fs.readdirSync(path.join(cluster().root, 'repo', 'archive', 'orders'), { recursive: true }).map(String);
    expect(archived.filter((file) => file.endsWith('.history'))).toEqual([]);

    // The drill's result is stored where --record-to points, under the stanza (the cluster it restored, the name its
    // metrics carry) though the checks ran in postgres, and status reads it as the stanza's last good drill.
    const drillResult = report.result.drillResult as { key: string; written: boolean };
    expect(drillResult).toMatchObject({ written: true, key: expect.stringMatching(/^orders\/drills\/.+\.json$/) });
    const record = JSON.parse(fs.readFileSync(path.join(cluster().root, 'drill-results', drillResult.key), 'utf8'));
    expect(record).toMatchObject({
      kind: 'pitr',
      database: 'orders',
      succeeded: true,
      restored: { targetTime },
      rowsMatched: 100,
      recoveryPoint: (report.result.stoppedAt as { time: string }).time,
    });
    expect(record.checks).toEqual([
      { file: '--min-rows/--max-rows', statement: expect.stringContaining('orders'), passed: true },
      { file: '--sql', statement: 'SELECT NOT pg_is_in_recovery()', passed: true },
      { file: '--sql', statement: 'SELECT max(id) = 100 FROM orders', passed: true },
    ]);
    expect(record.rtoSeconds).toBeGreaterThanOrEqual(0);
    const status = await cli(['status', '--from', `file://${cluster().root}/drill-results`, '--database', 'orders', '--drill-age', '1d'], {});
    expect(status.results[0].databases[0].lastGoodDrill).toMatchObject({ kind: 'pitr', succeeded: true, key: drillResult.key });
  });

  test('pg-backup drill-pitr on the database host leaves the live server\'s asynchronous archive queue alone', async () => {
    // pgBackRest's restore clears the spool queue of the stanza it restores: a drill using the host's configuration
    // must not empty the queue of WAL the live server has yet to push.
    const queued = path.join(cluster().root, 'spool', 'archive', cluster().stanza, 'out', '000000010000000000000099.ok');
    fs.mkdirSync(path.dirname(queued), { recursive: true });
    fs.writeFileSync(queued, '');
    fs.chownSync(path.dirname(queued), fs.statSync(cluster().root).uid, fs.statSync(cluster().root).gid);
    try {
      const report = await drillPitr([
        '--target-time', targetTime,
        '--pgbackrest-config', cluster().configFile,
        '--stanza', cluster().stanza,
        '--min-rows', 'orders=100', '--max-rows', 'orders=100',
        '--database', 'postgres',
      ], { PG_BIN_DIR: cluster().pg.binDir });
      expect(report.result).toMatchObject({ stoppedAt: { position: 'before' }, rowCounts: [{ rows: 100, passed: true }] });
      expect(fs.existsSync(queued)).toBe(true);
    } finally {
      fs.rmSync(queued, { force: true });
    }
  });

  test('restoring in place with the rendered recovery settings stops before the first commit after T', async () => {
    const pg = cluster().pg;
    const commandOptions = { stanza: cluster().stanza, configFile: cluster().configFile };
    const info = JSON.parse(await runAsServerUser(pgBackRestInfoArgv(commandOptions))) as Array<{ backup: Array<{ label: string }> }>;
    const label = info[0].backup[0].label;
    await pg.shutdown();

    // --type=none: pgBackRest restores the files and writes no recovery settings; the rendered ones do the recovery.
    await runAsServerUser([...pgBackRestRestoreArgv(commandOptions, { delta: true, set: label }), '--type=none']);
    expect(fs.readFileSync(path.join(pg.dataDir, 'postgresql.auto.conf'), 'utf8')).not.toMatch(/restore_command|recovery_target/);
    const recovery = renderRecoveryConf({
      repository: cluster().repository,
      pitr: { archiver: 'pgbackrest' },
      pgBackRest: commandOptions,
      dataDirectory: pg.dataDir,
      target: { kind: 'time', time: targetTime },
      action: 'promote',
    });
    for (const file of recovery.files) {
      if (file.write === 'append') fs.appendFileSync(file.path, file.content);
      else fs.writeFileSync(file.path, file.content);
      if (process.getuid?.() === 0) fs.chownSync(file.path, fs.statSync(pg.dataDir).uid, fs.statSync(pg.dataDir).gid);
    }

    const logFile = path.join(cluster().root, 'recovered.log');
    await runAsServerUser([path.join(pg.binDir, 'pg_ctl'), '-D', pg.dataDir, '-l', logFile, '-w', '-t', '120', 'start']);
    for (let attempt = 0; attempt < 300; attempt++) {
      const [{ recovering }] = await pg.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
      if (!recovering) break;
      await sleep(200);
    }

    const [{ restore_command: restoreCommand }] = await pg.query<{ restore_command: string }>('SHOW restore_command');
    expect(restoreCommand).toBe(`pgbackrest --config=${cluster().configFile} --stanza=orders archive-get %f "%p"`);
    const [{ recovering }] = await pg.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering');
    expect(recovering).toBe(false);
    expect(await ordersPresent(cluster())).toEqual({ count: 100, max: 100 });
    const log = fs.readFileSync(logFile, 'utf8');
    // PostgreSQL prints the target without trailing zeros of the fraction.
    const logged = /starting point-in-time recovery to (\S+ \S+)/.exec(log)?.[1];
    expect(Date.parse(logged!)).toBe(Date.parse(targetTime));
    expect(log).toMatch(/recovery stopping before commit of transaction \d+/);
  });
});

/*
 * S3 over TLS against s3rver (a self-signed certificate, so `repo1-storage-verify-tls=n`; path-style URIs; shared
 * keys written into the rendered pgbackrest.conf).
 */
describe('point-in-time recovery of an S3 repository served over TLS', () => {
  const s3 = useS3({ tls: true, buckets: [BUCKET] });
  let cluster: PitrCluster | undefined;
  let targetTime = '';

  beforeAll(async () => {
    cluster = await startPitrCluster({
      repository: () => ({
        kind: 's3', bucket: BUCKET, region: s3().region, prefix: 'prod/orders', endpoint: s3().endpoint, uriStyle: 'path', verifyTls: false,
      }),
      s3Keys: { accessKeyId: s3().accessKeyId, secretAccessKey: s3().secretAccessKey },
    });
    await cluster.createStanzaAndFullBackup();
    targetTime = await ordersAroundTargetTime(cluster);
  });
  afterAll(async () => cluster?.stop());

  test('pg-backup drill-pitr recovers to T from the bucket: the rows committed before T are there, those after are not', async () => {
    const report = await drillPitr([
      '--target-time', targetTime,
      '--pgbackrest-config', cluster!.configFile,
      '--stanza', cluster!.stanza,
      '--min-rows', 'orders=100', '--max-rows', 'orders=100',
    ], { PG_BIN_DIR: cluster!.pg.binDir });

    expect(report.result).toMatchObject({
      targetTime,
      stoppedAt: { position: 'before' },
      rowCounts: [{ table: 'orders', rows: 100, passed: true }],
    });
  });

  test('--aws-credentials hands the SDK credentials to pgBackRest when pgbackrest.conf holds no keys (as in a Fargate task)', async () => {
    const repository = cluster!.repository;
    const keyless = renderPgBackRestConf({ stanza: cluster!.stanza, repository, pgPath: '/var/lib/postgresql/15/main', archiveAsync: false });
    expect(keyless.text).toContain('repo1-s3-key-type=auto');
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: s3().accessKeyId, AWS_SECRET_ACCESS_KEY: s3().secretAccessKey, AWS_REGION: s3().region });
    try {
      const report = await drillPitr(['--target-time', targetTime, '--stanza', cluster!.stanza, '--aws-credentials', '--min-rows', 'orders=100', '--max-rows', 'orders=100'],
        { PG_BIN_DIR: cluster!.pg.binDir, PG_BACKUP_PGBACKREST_CONF: keyless.text });
      expect(report.result).toMatchObject({ targetTime, rowCounts: [{ table: 'orders', rows: 100, passed: true }] });
    } finally {
      process.env = saved;
    }
  });

  test('the WAL and the base backup are objects under the repository prefix of the bucket', async () => {
    // The harness's client does not trust the self-signed certificate: this one does.
    const client = new S3Client({
      endpoint: s3().endpoint,
      region: s3().region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3().accessKeyId, secretAccessKey: s3().secretAccessKey },
      requestHandler: { httpsAgent: new https.Agent({ ca: s3().caCertificate }) },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'prod/orders/' }));
    client.destroy();
    const keys = (listed.Contents ?? []).map((object) => object.Key!);
    expect(keys.some((key) => key.startsWith(`prod/orders/archive/orders/${cluster!.pg.majorVersion}-1/`))).toBe(true);
    expect(keys.some((key) => key.startsWith('prod/orders/backup/orders/'))).toBe(true);
  });
});
