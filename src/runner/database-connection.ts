import type { ClientConfig } from 'pg';
import { UsageError } from './runner-error';

/** The environment variable read for an RDS-style secret when `--secret-env` is not given. */
export const DEFAULT_SECRET_ENV = 'PG_BACKUP_DATABASE_SECRET';

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

  constructor(url: URL, password: string | undefined) {
    this.url = new URL(url.href);
    this.url.password = '';
    this.password = password;
    this.database = decodeURIComponent(this.url.pathname.replace(/^\//, '')) || decodeURIComponent(this.url.username) || 'postgres';
  }

  /** The same server and credentials, another database. */
  public withDatabase(database: string): DatabaseConnection {
    const url = new URL(this.url.href);
    url.pathname = `/${encodeURIComponent(database)}`;
    return new DatabaseConnection(url, this.password);
  }

  /** A libpq URL without the password, for `--dbname` of the client tools. */
  public get dbname(): string {
    return this.url.href;
  }

  /** Environment for the client tools: the password, if any. */
  public childEnv(): Record<string, string> {
    return this.password === undefined ? {} : { PGPASSWORD: this.password };
  }

  /** Configuration of a `pg` client. */
  public clientConfig(): ClientConfig {
    const url = new URL(this.url.href);
    if (this.password !== undefined) url.password = encodeURIComponent(this.password);
    return { connectionString: url.href, application_name: 'pg-backup' };
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
  const secretEnv = source.secretEnv ?? DEFAULT_SECRET_ENV;
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
    const password = url.password ? decodeURIComponent(url.password) : env.PGPASSWORD ?? secret?.password;
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
    url.pathname = `/${encodeURIComponent(secret.dbname ?? 'postgres')}`;
    return new DatabaseConnection(url, env.PGPASSWORD ?? secret.password);
  }
  throw new UsageError(`${source.flag} is required (or an RDS-style secret JSON in ${secretEnv})`);
}
