import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { ArchiveRepository } from '../../src/core/postgres/archive-repository';
import {
  PgBackRestS3Keys, RenderedPgBackRestConf, pgBackRestBackupArgv, pgBackRestCheckArgv, pgBackRestStanzaCreateArgv, renderPgBackRestConf,
} from '../../src/core/postgres/pgbackrest-conf';
import { RenderedPostgresSettings } from '../../src/core/postgres/postgres-settings';
import { renderArchiveSettings } from '../../src/core/postgres/postgresql-conf';
import { parseCommandLine } from '../../src/runner/cli-commands';
import { FlagReader, readCommonOptions } from '../../src/runner/cli-options';
import { DrillPitrCommandReport, drillPitrCommand } from '../../src/runner/drill-pitr-command';
import { PostgresCluster, startPostgres } from '../support/postgres';
import { cleanupOnExit, useResource } from '../support/teardown';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** Options of a cluster archiving with pgBackRest through the rendered configuration. */
export interface PitrClusterOptions {
  /** The repository, given the cluster's own temporary directory (for a posix repository inside it). */
  readonly repository: (root: string) => ArchiveRepository;
  /**
   * Access keys of an S3 repository.
   * @default - none
   */
  readonly s3Keys?: PgBackRestS3Keys;
  /**
   * `archive_timeout`, seconds.
   * @default 60
   */
  readonly archiveTimeoutSeconds?: number;
  /**
   * Accept an `archive_timeout` outside 30–3600 s (the benchmark measures short ones).
   * @default false
   */
  readonly allowArchiveTimeoutOutsideRange?: boolean;
  /**
   * Stanza name.
   * @default 'orders'
   */
  readonly stanza?: string;
  /**
   * Encrypt the repository (`repo1-cipher-type=aes-256-cbc`) with this `repo1-cipher-pass`, written into the file.
   * @default - not encrypted
   */
  readonly cipherPass?: string;
}

/** A throwaway cluster that archives WAL with pgBackRest, configured only with the rendered `postgresql.conf` block and `pgbackrest.conf`. */
export interface PitrCluster {
  readonly pg: PostgresCluster;
  /** Temporary directory of the repository (when posix), spool, logs, locks and `pgbackrest.conf`. */
  readonly root: string;
  readonly stanza: string;
  readonly configFile: string;
  readonly repository: ArchiveRepository;
  /** The rendered archive block the server runs with. */
  readonly archiveSettings: RenderedPostgresSettings;
  /** The rendered `pgbackrest.conf`. */
  readonly pgBackRestConf: RenderedPgBackRestConf;
  /** Runs an argv as the cluster's OS user (as `archive_command` runs) and returns its stdout. */
  asServerUser(argv: string[]): Promise<string>;
  /** `stanza-create`, `check` (a WAL switch that waits until the segment is archived) and a full backup. */
  createStanzaAndFullBackup(): Promise<void>;
  /** `pgbackrest check`: switches WAL and waits until the segment is in the repository. */
  waitForArchive(): Promise<void>;
  /** The server's clock, to the microsecond, as `YYYY-MM-DD hh:mm:ss.ffffff+00`. */
  serverNow(): Promise<string>;
  stop(): Promise<void>;
}

/** Runs an argv as the `postgres` OS user when the tests run as root, as the current user otherwise. */
export async function runAsServerUser(argv: string[]): Promise<string> {
  const [command, args] = isRoot ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0], argv.slice(1)];
  const { stdout } = await run(command, args, { encoding: 'utf8', timeout: 120_000 });
  return stdout;
}

/** Starts a cluster whose `postgresql.auto.conf` is the rendered archive block, with the rendered `pgbackrest.conf` beside it. */
export async function startPitrCluster(options: PitrClusterOptions): Promise<PitrCluster> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-pitr-'));
  const unregister = cleanupOnExit(() => fs.rmSync(root, { recursive: true, force: true }));
  const stanza = options.stanza ?? 'orders';
  const configFile = path.join(root, 'pgbackrest.conf');
  const repository = options.repository(root);
  const commandOptions = { stanza, configFile };
  const pitr = {
    archiver: 'pgbackrest' as const,
    archiveTimeoutSeconds: options.archiveTimeoutSeconds ?? 60,
    allowArchiveTimeoutOutsideRange: options.allowArchiveTimeoutOutsideRange,
  };
  const archiveSettings = renderArchiveSettings({ repository, pitr, pgBackRest: commandOptions });
  for (const dir of ['spool', 'log', 'lock']) fs.mkdirSync(path.join(root, dir));
  if (repository.kind === 'posix') fs.mkdirSync(repository.path, { recursive: true });
  fs.chmodSync(root, 0o755);

  const pg = await startPostgres({ settings: Object.fromEntries(archiveSettings.settings.map((s) => [s.name, s.value])) });
  const pgBackRestConf = renderPgBackRestConf({
    ...commandOptions,
    repository,
    pitr,
    s3Keys: options.s3Keys,
    ...(options.cipherPass !== undefined ? { cipherType: 'aes-256-cbc' as const, cipherPass: options.cipherPass } : {}),
    pgPath: pg.dataDir,
    pgPort: pg.port,
    pgSocketPath: pg.socketDir,
    spoolPath: path.join(root, 'spool'),
    logPath: path.join(root, 'log'),
    lockPath: path.join(root, 'lock'),
    logLevelConsole: 'warn',
  });
  fs.writeFileSync(configFile, pgBackRestConf.text, { mode: 0o600 });
  if (isRoot) execFileSync('chown', ['-R', 'postgres:', root]);

  const cluster: PitrCluster = {
    pg,
    root,
    stanza,
    configFile,
    repository,
    archiveSettings,
    pgBackRestConf,
    asServerUser: runAsServerUser,
    async createStanzaAndFullBackup() {
      await runAsServerUser(pgBackRestStanzaCreateArgv(commandOptions));
      await runAsServerUser(pgBackRestCheckArgv(commandOptions));
      await runAsServerUser(pgBackRestBackupArgv(commandOptions, 'full'));
    },
    async waitForArchive() {
      await runAsServerUser(pgBackRestCheckArgv(commandOptions));
    },
    async serverNow() {
      const [{ now }] = await pg.query<{ now: string }>(
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS now");
      return now;
    },
    async stop() {
      await pg.stop();
      unregister();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** One archiving cluster for the enclosing `describe`, always removed afterwards. */
export function usePitrCluster(options: PitrClusterOptions): () => PitrCluster {
  return useResource(() => startPitrCluster(options));
}

/** Commits rows `from`..`to` of `orders` in one transaction of their own, creating the table on first use. */
export async function commitOrders(cluster: PitrCluster, from: number, to: number): Promise<void> {
  await cluster.pg.query(`CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY, placed_at timestamptz NOT NULL DEFAULT clock_timestamp());
    INSERT INTO orders (id) SELECT generate_series(${from}, ${to});`);
}

/** Runs `pg-backup drill-pitr <args>` through its command function, as the CLI does once it is registered. */
export async function drillPitr(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DrillPitrCommandReport> {
  const reader = new FlagReader(parseCommandLine(['drill-pitr', ...args]).flags, env);
  const common = readCommonOptions(reader, env);
  return drillPitrCommand(reader, { common, logger: pino({ level: 'silent' }), env, signal: new AbortController().signal });
}
