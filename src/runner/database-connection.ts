import * as fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { ClientConfig } from 'pg';
import { UsageError } from './runner-error';
import { RUNNER_DATABASE_SECRET_ENV } from '../core/postgres/runner-connection';

/** The libpq `sslmode`s that encrypt for certain: `require` encrypts without checking the certificate. */
export type TlsMode = 'require' | 'verify-ca' | 'verify-full';

/**
 * TLS to a server, given to libpq in the child environment (`PGSSLMODE`, `PGSSLROOTCERT`) and to node-postgres as
 * its `ssl` option, so both clients agree and the libpq URL carries no parameter only one of them knows.
 */
export interface TlsSettings {
  /** libpq's meaning: `require` encrypts, `verify-ca` also checks the chain, `verify-full` also the host name. */
  readonly mode: TlsMode;
  /**
   * PEM file of the certificate authorities to trust (for RDS, its regional bundle).
   * @default - the system's (node-postgres) or ~/.postgresql/root.crt (libpq)
   */
  readonly rootCertFile?: string;
}

/** The URL's TLS parameters, dropped when the connection states its TLS apart. */
const URL_TLS_PARAMETERS = ['sslmode', 'sslrootcert', 'uselibpqcompat', 'ssl'];

/** node-postgres's `ssl` option with libpq's meaning of each mode. */
function nodeTlsOptions(tls: TlsSettings): ConnectionOptions {
  const ca = tls.rootCertFile === undefined ? {} : { ca: fs.readFileSync(tls.rootCertFile, 'utf8') };
  switch (tls.mode) {
    case 'require': return { rejectUnauthorized: false };
    case 'verify-ca': return { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full': return { ...ca, rejectUnauthorized: true };
  }
}

/**
 * How to reach one PostgreSQL server. The password is held apart from the URL: child processes get it
 * in `PGPASSWORD` (never in argv, which every user of the host can read) and logs only ever see
 * {@link DatabaseConnection.describe}.
 */
export class DatabaseConnection {
  /** The database named by the URL or the secret. */
  public readonly database: string;
  private readonly url: URL;
  private readonly password?: string;
  private readonly tls?: TlsSettings;

  constructor(url: URL, password: string | undefined, tls?: TlsSettings) {
    this.url = new URL(url.href);
    this.url.password = '';
    if (tls) URL_TLS_PARAMETERS.forEach((name) => this.url.searchParams.delete(name));
    this.password = password;
    this.tls = tls;
    this.database = decodeURIComponent(this.url.pathname.replace(/^\//, '')) || decodeURIComponent(this.url.username) || 'postgres';
  }

  /** The same server and credentials, another database. */
  public withDatabase(database: string): DatabaseConnection {
    const url = new URL(this.url.href);
    url.pathname = `/${encodeURIComponent(database)}`;
    return new DatabaseConnection(url, this.password, this.tls);
  }

  /** The same server, these credentials and this TLS (a user of `undefined` keeps the URL's). */
  public withCredentials(user: string | undefined, password: string, tls: TlsSettings): DatabaseConnection {
    const url = new URL(this.url.href);
    if (user !== undefined) url.username = encodeURIComponent(user);
    return new DatabaseConnection(url, password, tls);
  }

  /** A libpq URL without the password, for `--dbname` of the client tools. */
  public get dbname(): string {
    return this.url.href;
  }

  /** Environment for the client tools: the password, if any, and the TLS settings, if stated. */
  public childEnv(): Record<string, string> {
    return {
      ...(this.password === undefined ? {} : { PGPASSWORD: this.password }),
      ...(this.tls ? { PGSSLMODE: this.tls.mode } : {}),
      ...(this.tls?.rootCertFile !== undefined ? { PGSSLROOTCERT: this.tls.rootCertFile } : {}),
    };
  }

  /** Configuration of a `pg` client. */
  public clientConfig(): ClientConfig {
    const url = new URL(this.url.href);
    if (this.password !== undefined) url.password = encodeURIComponent(this.password);
    return { connectionString: url.href, application_name: 'pg-backup', ...(this.tls ? { ssl: nodeTlsOptions(this.tls) } : {}) };
  }

  /** `user@host:port/database`, safe for logs and messages. */
  public describe(): string {
    const user = decodeURIComponent(this.url.username);
    const host = this.url.hostname || this.url.searchParams.get('host') || 'localhost';
    return `${user ? `${user}@` : ''}${host}:${this.url.port || '5432'}/${this.database}`;
  }
}

/** Where the connection comes from. */
export interface ConnectionSource {
  /** A `postgres://` URL (its password, if any, is used and never logged). */
  readonly url?: string;
  /** Name of an environment variable holding an RDS-style secret JSON (host, port, username, password, dbname). */
  readonly secretEnv?: string;
  /** Name of the flag, for error messages. */
  readonly flag: string;
  /**
   * `--database`: the database to use instead of the one the URL or secret names.
   * @default - the URL's or the secret's
   */
  readonly database?: string;
  /**
   * A connection that names no database is a usage error (unless `database` names it), instead of libpq's
   * default (a database named like the user). A backup of the wrong database must not report success.
   * @default false
   */
  readonly requireDatabase?: boolean;
}

/** Decodes one percent-encoded part of a URL, naming the part and the flag (never the value) when it is malformed. */
function decodeUrlPart(text: string, part: string, flag: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new UsageError(
      `${flag}: the ${part} in the URL has a "%" that does not start a percent-encoded character; ` +
      'percent-encode special characters in it (% as %25, @ as %40, : as %3A, / as %2F, # as %23, ? as %3F)');
  }
}

/** The URL without its password, for messages. */
function withoutPassword(url: URL): string {
  const copy = new URL(url.href);
  copy.password = '';
  return copy.href;
}

interface RdsStyleSecret {
  readonly host?: string;
  readonly port?: number | string;
  readonly username?: string;
  readonly password?: string;
  readonly dbname?: string;
}

/**
 * Resolves a connection: the URL when given, else the secret JSON in `secretEnv` (or
 * `PG_BACKUP_DATABASE_SECRET`). The password is the URL's, else `PGPASSWORD`, else the secret's; with a URL that
 * names no user, the user is `PGUSER`'s, else the secret's.
 */
export function resolveConnection(source: ConnectionSource, env: NodeJS.ProcessEnv = process.env): DatabaseConnection {
  const connection = connectionOf(source, env);
  if (source.database) return connection.withDatabase(source.database);
  return connection;
}

function connectionOf(source: ConnectionSource, env: NodeJS.ProcessEnv): DatabaseConnection {
  const secretEnv = source.secretEnv ?? RUNNER_DATABASE_SECRET_ENV;
  let secret: RdsStyleSecret | undefined;
  const rawSecret = env[secretEnv];
  if (rawSecret) {
    try {
      secret = JSON.parse(rawSecret) as RdsStyleSecret;
    } catch {
      // The content is a secret: name the variable, never echo it.
      throw new UsageError(`the environment variable ${secretEnv} does not hold JSON with host, port, username, password and dbname`);
    }
  } else if (source.secretEnv) {
    throw new UsageError(`--secret-env names ${secretEnv}, which is not set`);
  }

  if (source.url) {
    let url: URL;
    try {
      url = new URL(source.url);
    } catch {
      throw new UsageError(`${source.flag} is not a valid postgres:// URL`);
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new UsageError(`${source.flag} has the scheme ${JSON.stringify(url.protocol)}; allowed: postgres:// or postgresql://`);
    }
    const password = url.password ? decodeUrlPart(url.password, 'password', source.flag) : env.PGPASSWORD ?? secret?.password;
    decodeUrlPart(url.username, 'user name', source.flag);
    const database = decodeUrlPart(url.pathname.replace(/^\//, ''), 'database name', source.flag);
    if (database === '' && source.requireDatabase && !source.database) {
      throw new UsageError(
        `${source.flag} ${withoutPassword(url)} names no database; add it to the URL (postgres://user@host:5432/DATABASE) or name it with --database`);
    }
    // An RDS-managed secret holds only the credentials, so the URL names the server and the secret the user.
    if (!url.username && !env.PGUSER && secret?.username) url.username = encodeURIComponent(secret.username);
    return new DatabaseConnection(url, password);
  }
  if (secret) {
    if (!secret.host) throw new UsageError(`the secret in ${secretEnv} has no host`);
    const url = new URL('postgres://localhost');
    url.hostname = secret.host;
    if (secret.port !== undefined) url.port = String(secret.port);
    if (secret.username) url.username = encodeURIComponent(secret.username);
    if (!secret.dbname && source.requireDatabase && !source.database) {
      throw new UsageError(`the secret in ${secretEnv} names no database (no dbname); name it with --database`);
    }
    url.pathname = `/${encodeURIComponent(secret.dbname ?? 'postgres')}`;
    return new DatabaseConnection(url, env.PGPASSWORD ?? secret.password);
  }
  throw new UsageError(`${source.flag} is required (or an RDS-style secret JSON in ${secretEnv})`);
}
