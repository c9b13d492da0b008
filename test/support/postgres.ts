import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './free-port';
import { cleanupOnExit, useResource } from './teardown';

const run = promisify(execFile);

/** Options for a throwaway cluster. */
export interface PostgresClusterOptions {
  /** Extra `postgresql.conf` settings, e.g. `{ archive_mode: 'on' }`; they override the harness defaults. */
  readonly settings?: Record<string, string | number | boolean>;
  /** Password of the `postgres` superuser for TCP connections (scram-sha-256). */
  readonly password?: string;
}

/** A PostgreSQL server of its own: data directory, socket directory and port, removed by `stop()`. */
export interface PostgresCluster {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  readonly socketDir: string;
  /** Directory of the server and client binaries (`pg_dump`, `pg_restore`, `pg_ctl`, …). */
  readonly binDir: string;
  /** Major version of those binaries, e.g. 15. */
  readonly majorVersion: number;
  /** A `postgres://` URL for the database (default `postgres`), with the password. */
  url(database?: string): string;
  /** Runs SQL on a fresh connection and returns the rows of the last statement. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, database?: string): Promise<R[]>;
  /** Creates a database and returns its name. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) without removing its directories. */
  shutdown(): Promise<void>;
  /** Starts it again after `shutdown()`. */
  start(): Promise<void>;
  /** Stops the server and removes its directories. */
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL, or `PG_BIN_DIR` when set. */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).map(Number).sort((a, b) => b - a)
    : [];
  if (majors.length > 0) return path.join(root, String(majors[0]), 'bin');
  return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
}

/** Major version of the binaries in `binDir`. */
export function postgresMajorVersion(binDir = postgresBinDir()): number {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /(\d+)(?:\.\d+)?/.exec(out);
  if (!match) throw new Error(`cannot read a version from "${out.trim()}"`);
  return Number(match[1]);
}

/** PostgreSQL refuses to run as root, so the server commands run as the `postgres` OS user there. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function serverUserOwns(dir: string): void {
  if (process.getuid?.() !== 0) return;
  execFileSync('chown', ['-R', 'postgres:', dir]);
}

function formatSetting(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `'${value.replace(/'/g, "''")}'`;
}

/** Starts a throwaway cluster with `initdb` + `pg_ctl` on a free port and its own socket directory. */
export async function startPostgres(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
  const binDir = postgresBinDir();
  const majorVersion = postgresMajorVersion(binDir);
  const password = options.password ?? 'harness-secret';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-pg-'));
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'socket');
  const logFile = path.join(root, 'server.log');
  const pwFile = path.join(root, 'pwfile');
  fs.mkdirSync(socketDir);
  fs.writeFileSync(pwFile, `${password}\n`);
  serverUserOwns(root);

  const exec = async (tool: string, args: string[]) => {
    const [command, argv] = asServerUser(path.join(binDir, tool), args);
    return run(command, argv, { encoding: 'utf8' });
  };

  await exec('initdb', [
    '-D', dataDir, '-U', 'postgres', '--pwfile', pwFile, '-E', 'UTF8', '--locale', 'C.UTF-8',
    '--auth-local', 'trust', '--auth-host', 'scram-sha-256', '--no-sync',
  ]);

  let port = 0;
  let stopped = false;
  const writeSettings = () => {
    const settings: Record<string, string | number | boolean> = {
      listen_addresses: '127.0.0.1',
      port,
      unix_socket_directories: socketDir,
      fsync: false,
      synchronous_commit: false,
      full_page_writes: false,
      max_connections: 50,
      ...options.settings,
    };
    const lines = Object.entries(settings).map(([key, value]) => `${key} = ${formatSetting(value)}`);
    fs.writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), `${lines.join('\n')}\n`);
    serverUserOwns(dataDir);
  };
  const pgCtl = (args: string[]) => exec('pg_ctl', ['-D', dataDir, ...args]);

  const start = async () => {
    // Another suite may take the port between our probe and the server's bind: retry on a new one.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      writeSettings();
      try {
        await pgCtl(['-l', logFile, '-w', '-t', '60', 'start']);
        return;
      } catch (error) {
        if (attempt >= 3) {
          const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
          throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
        }
      }
    }
  };
  const shutdown = async () => {
    await pgCtl(['-m', 'fast', '-w', 'stop']).catch(() => undefined);
  };

  const unregister = cleanupOnExit(() => {
    const [command, argv] = asServerUser(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', 'stop']);
    try {
      execFileSync(command, argv, { stdio: 'ignore' });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  await start();

  const cluster: PostgresCluster = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    user: 'postgres',
    password,
    dataDir,
    socketDir,
    binDir,
    majorVersion,
    url: (database = 'postgres') =>
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async query<R extends Record<string, unknown>>(sql: string, database = 'postgres') {
      const client = new Client({ connectionString: cluster.url(database) });
      await client.connect();
      try {
        const result = await client.query(sql);
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return last.rows as R[];
      } finally {
        await client.end();
      }
    },
    async createDatabase(name: string) {
      await cluster.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return name;
    },
    shutdown,
    start,
    async stop() {
      if (stopped) return;
      stopped = true;
      await shutdown();
      unregister();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** One throwaway cluster for the enclosing `describe`, always removed afterwards: `const pg = usePostgres();`. */
export function usePostgres(options: PostgresClusterOptions = {}): () => PostgresCluster {
  return useResource(() => startPostgres(options));
}
