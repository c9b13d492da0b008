import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from '../../test/support/free-port';
import { postgresBinDir, postgresMajorVersion } from '../../test/support/postgres';

const run = promisify(execFile);

/** A PostgreSQL server in a data directory that outlives the benchmark (a generated database is reused), pinned to chosen cores. */
export interface PinnedCluster {
  readonly binDir: string;
  readonly majorVersion: number;
  readonly dataDir: string;
  /** A `postgres://` URL of a database on it. */
  url(database?: string): string;
  /** Runs SQL on a fresh connection and returns the rows. */
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, database?: string): Promise<R[]>;
  /**
   * CPU seconds (user + system) the server has spent in processes that have exited: every backend of a finished
   * connection, as the postmaster reaps it (its children's times in /proc). The difference across a run is what
   * that run's connections cost the server.
   */
  cpuSeconds(): number;
  /** The postmaster's child processes now (its background processes and a backend for every open connection). */
  childPids(): Set<number>;
  /**
   * Resolves once every client backend the postmaster started since `before` was taken ({@link childPids}) has exited
   * and been reaped, so that {@link cpuSeconds} holds its time; or after `timeoutMs`. Autovacuum workers and other
   * background processes that came meanwhile are not waited for.
   */
  backendsReaped(before: Set<number>, timeoutMs?: number): Promise<void>;
  /** Stops the server (the data directory stays). */
  stop(): Promise<void>;
}

/** Clock ticks a second of /proc's CPU times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

const PASSWORD = 'bench-secret';

/** PostgreSQL refuses to run as root: server commands run as the `postgres` OS user there. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * Starts the cluster in `root` (creating it on first use) with the postmaster and so every backend pinned to
 * `cores` (`taskset -c`), as a database server on its own host would be. Returns whether it was created now.
 */
export async function startPinnedCluster(
  root: string, cores: string, settings: Record<string, string>,
): Promise<{ cluster: PinnedCluster; created: boolean }> {
  const binDir = postgresBinDir();
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'socket');
  const exec = (tool: string, args: string[]) => {
    const [command, argv] = asServerUser('taskset', ['-c', cores, path.join(binDir, tool), ...args]);
    return run(command, argv, { encoding: 'utf8' });
  };
  const created = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (created) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(socketDir, { recursive: true });
    fs.writeFileSync(path.join(root, 'pwfile'), `${PASSWORD}\n`);
    if (process.getuid?.() === 0) await run('chown', ['-R', 'postgres:', root]);
    await exec('initdb', ['-D', dataDir, '-U', 'postgres', '--pwfile', path.join(root, 'pwfile'), '-E', 'UTF8', '--locale', 'C.UTF-8',
      '--auth-local', 'trust', '--auth-host', 'scram-sha-256', '--no-sync']);
  }
  const port = await freePort();
  const conf = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socketDir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '50',
    ...settings,
  };
  fs.writeFileSync(path.join(dataDir, 'postgresql.auto.conf'), Object.entries(conf).map(([k, v]) => `${k} = '${v}'`).join('\n') + '\n');
  if (process.getuid?.() === 0) await run('chown', ['postgres:', path.join(dataDir, 'postgresql.auto.conf')]);
  await exec('pg_ctl', ['-D', dataDir, '-l', path.join(root, 'server.log'), '-w', '-t', '120', 'start']);
  const url = (database = 'postgres') => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const cluster: PinnedCluster = {
    binDir,
    majorVersion: postgresMajorVersion(binDir),
    dataDir,
    url,
    async query<R extends Record<string, unknown>>(sql: string, database?: string) {
      const client = new Client({ connectionString: url(database) });
      await client.connect();
      try {
        return (await client.query(sql)).rows as R[];
      } finally {
        await client.end();
      }
    },
    cpuSeconds() {
      const postmasterPid = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
      // Fields after the command name: cutime and cstime are the 14th and 15th (stat fields 16 and 17).
      const stat = fs.readFileSync(`/proc/${postmasterPid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
    },
    childPids() {
      const postmasterPid = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0].trim();
      return new Set(fs.readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    },
    async backendsReaped(before: Set<number>, timeoutMs = 1000) {
      // A client backend's title names its client's address; one that is exiting has no command line left, and one
      // that has exited is a zombie until the postmaster reaps it.
      const pending = (pid: number) => {
        try {
          const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
          if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
          const title = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return title === '' || /\d\(\d+\)|\[local\]/.test(title);
        } catch {
          return false;
        }
      };
      const until = Date.now() + timeoutMs;
      while ([...cluster.childPids()].some((pid) => !before.has(pid) && pending(pid)) && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      await exec('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    },
  };
  return { cluster, created };
}
