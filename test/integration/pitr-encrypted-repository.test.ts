/**
 * Repository encryption for real: a throwaway PostgreSQL 15 cluster archives WAL and takes a full backup with
 * pgBackRest 2.45 into a repository encrypted with `repo1-cipher-type=aes-256-cbc`, configured only with the rendered
 * archive block and `pgbackrest.conf`. The drill restores from it with the `pgbackrest.conf` a `SelfHostedPitrArchive`
 * renders for its drill (the cipher type, never the pass) and the pass in `PGBACKREST_REPO1_CIPHER_PASS`, as the
 * drill task's execution role injects it from the secret. Without the pass, or with a wrong one, nothing in the
 * repository reads.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PitrCluster, commitOrders, drillPitr, usePitrCluster } from './pitr-cluster';
import { archiveConfigurationFiles } from '../../src/core/aws/pitr-archive-host';
import { planSelfHostedPitrArchive } from '../../src/core/aws/self-hosted-pitr-archive';
import { PGBACKREST_CIPHER_PASS_ENV, pgBackRestInfoArgv, renderPgBackRestConf } from '../../src/core/postgres/pgbackrest-conf';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
/** PostgreSQL 15's WAL page magic (XLOG_PAGE_MAGIC 0xD110), little-endian, at the start of every segment. */
const WAL_PAGE_MAGIC = Buffer.from([0x10, 0xd1]);

/** Runs an argv as the cluster's OS user with `env` added to the environment; resolves to its exit status and output. */
async function asServerUser(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  const [command, args] = isRoot ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0], argv.slice(1)];
  try {
    const { stdout, stderr } = await run(command, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((file) => fs.statSync(path.join(dir, file)).isFile());
}

describe('a pgBackRest repository encrypted with aes-256-cbc', () => {
  const pass = randomBytes(48).toString('base64');
  const cluster = usePitrCluster({ repository: (root) => ({ kind: 'posix', path: path.join(root, 'repo') }), cipherPass: pass });
  /** The drill's configuration: the cipher type as SelfHostedPitrArchive renders it, the pass nowhere in it. */
  let drillConfigFile = '';
  let targetTime = '';

  beforeAll(async () => {
    const c: PitrCluster = cluster();
    await c.createStanzaAndFullBackup();
    await c.pg.query('SELECT pg_sleep(1.1)');
    await commitOrders(c, 1, 100);
    targetTime = await c.serverNow();
    await commitOrders(c, 101, 150);
    await c.waitForArchive();

    drillConfigFile = path.join(c.root, 'drill.conf');
    const drillConf = renderPgBackRestConf({
      stanza: c.stanza,
      repository: c.repository,
      pgPath: c.pg.dataDir,
      archiveAsync: false,
      cipherType: 'aes-256-cbc',
      lockPath: path.join(c.root, 'lock'),
      logPath: path.join(c.root, 'log'),
      logLevelConsole: 'warn',
    });
    fs.writeFileSync(drillConfigFile, drillConf.text, { mode: 0o600 });
    if (isRoot) execFileSync('chown', ['postgres:', drillConfigFile]);
  });

  test('the drill configuration an encrypted SelfHostedPitrArchive renders names the cipher type and holds no pass', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, drill: {}, encryption: {} });
    const files = archiveConfigurationFiles(plan, { kind: 's3', bucket: 'archive', region: 'eu-west-1' });
    for (const text of [files.archiverConf!, files.drillPgBackRestConf!]) {
      expect(text).toContain('repo1-cipher-type=aes-256-cbc\n');
      expect(text).not.toContain('repo1-cipher-pass');
    }
    expect(fs.readFileSync(drillConfigFile, 'utf8')).toContain('repo1-cipher-type=aes-256-cbc\n');
    expect(fs.readFileSync(drillConfigFile, 'utf8')).not.toContain(pass);
  });

  test('archived WAL segments are not PostgreSQL WAL to a reader without the pass: ciphertext that zstd cannot even unpack', () => {
    const archive = path.join(cluster().root, 'repo', 'archive', cluster().stanza);
    const segments = filesUnder(archive).filter((file) => /\/[0-9A-F]{24}-[0-9a-f]{40}\.zst$/.test(file));
    expect(segments.length).toBeGreaterThan(1);
    for (const segment of segments) {
      const bytes = fs.readFileSync(path.join(archive, segment));
      // OpenSSL's salted format: pgBackRest encrypts after compressing.
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('Salted__');
      expect(() => execFileSync('zstd', ['-dc'], { input: bytes, stdio: ['pipe', 'pipe', 'pipe'] })).toThrow();
      expect(bytes.subarray(0, 2).equals(WAL_PAGE_MAGIC)).toBe(false);
    }
  });

  test('the base backup\'s files and the repository\'s own info files are ciphertext too', () => {
    const backups = path.join(cluster().root, 'repo', 'backup', cluster().stanza);
    const files = filesUnder(backups);
    const pgVersion = files.find((file) => file.endsWith('/pg_data/PG_VERSION.zst'));
    expect(pgVersion).toBeDefined();
    expect(fs.readFileSync(path.join(backups, pgVersion!)).subarray(0, 8).toString('latin1')).toBe('Salted__');
    const info = fs.readFileSync(path.join(backups, 'backup.info'));
    expect(info.subarray(0, 8).toString('latin1')).toBe('Salted__');
    expect(info.toString('latin1')).not.toContain('[backup:current]');
  });

  test('pgbackrest info cannot read the repository with a wrong pass, refuses to run without one, and lists the full backup with the right one', async () => {
    const info = pgBackRestInfoArgv({ stanza: cluster().stanza, configFile: drillConfigFile });
    const wrong = await asServerUser(info, { [PGBACKREST_CIPHER_PASS_ENV]: randomBytes(48).toString('base64') });
    // info reports a repository it cannot read in its output (status 99, no backups, the info file's garbled
    // first line, raw) rather than by its exit status.
    expect(wrong.output).toMatch(/^\[\{"archive":\[\],"backup":\[\],/);
    expect(wrong.output).toContain('"status":{"code":99');
    expect(wrong.output).toContain('unable to load info file');
    expect(wrong.output).toContain('backup.info');

    const none = await asServerUser(info);
    expect(none.code).not.toBe(0);
    expect(none.output).toContain('requires option: repo1-cipher-pass');

    const right = await asServerUser(info, { [PGBACKREST_CIPHER_PASS_ENV]: pass });
    expect(right.code).toBe(0);
    const stanzas = JSON.parse(right.output) as Array<{ status: { code: number }; backup: Array<{ type: string }> }>;
    expect(stanzas[0].status.code).toBe(0);
    expect(stanzas[0].backup.map((backup) => backup.type)).toEqual(['full']);
  });

  describe('pg-backup drill-pitr with the rendered drill configuration', () => {
    afterEach(() => {
      delete process.env[PGBACKREST_CIPHER_PASS_ENV];
    });

    test('recovers to T with the pass in PGBACKREST_REPO1_CIPHER_PASS: the rows committed before T are there, those after are not', async () => {
      // As the drill task's execution role injects it from the secret: in the runner's own environment.
      process.env[PGBACKREST_CIPHER_PASS_ENV] = pass;
      const report = await drillPitr([
        '--target-time', targetTime,
        '--pgbackrest-config', drillConfigFile,
        '--stanza', cluster().stanza,
        '--min-rows', 'orders=100', '--max-rows', 'orders=100',
      ], { PG_BIN_DIR: cluster().pg.binDir });

      expect(report.result).toMatchObject({
        stanza: 'orders',
        targetTime,
        stoppedAt: { position: 'before' },
        rowCounts: [{ table: 'orders', min: 100, max: 100, rows: 100, passed: true }],
      });
      expect(report.result.walSegmentsRestored).toBeGreaterThan(0);
    });

    test('fails without the pass, naming the missing option', async () => {
      await expect(drillPitr([
        '--target-time', targetTime, '--pgbackrest-config', drillConfigFile, '--stanza', cluster().stanza,
      ], { PG_BIN_DIR: cluster().pg.binDir })).rejects.toThrow(/repo1-cipher-pass/);
    });
  });
});
