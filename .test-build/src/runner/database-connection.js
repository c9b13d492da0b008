"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DatabaseConnection = exports.DEFAULT_SECRET_ENV = void 0;
exports.resolveConnection = resolveConnection;
const runner_error_1 = require("./runner-error");
/** The environment variable read for an RDS-style secret when `--secret-env` is not given. */
exports.DEFAULT_SECRET_ENV = 'PG_BACKUP_DATABASE_SECRET';
/**
 * How to reach one PostgreSQL server. The password is held apart from the URL: child processes get it
 * in `PGPASSWORD` (never in argv, which every user of the host can read) and logs only ever see
 * {@link DatabaseConnection.describe}.
 */
class DatabaseConnection {
    /** The database named by the URL or the secret. */
    database;
    url;
    password;
    constructor(url, password) {
        this.url = new URL(url.href);
        this.url.password = '';
        this.password = password;
        this.database = decodeURIComponent(this.url.pathname.replace(/^\//, '')) || decodeURIComponent(this.url.username) || 'postgres';
    }
    /** The same server and credentials, another database. */
    withDatabase(database) {
        const url = new URL(this.url.href);
        url.pathname = `/${encodeURIComponent(database)}`;
        return new DatabaseConnection(url, this.password);
    }
    /** A libpq URL without the password, for `--dbname` of the client tools. */
    get dbname() {
        return this.url.href;
    }
    /** Environment for the client tools: the password, if any. */
    childEnv() {
        return this.password === undefined ? {} : { PGPASSWORD: this.password };
    }
    /** Configuration of a `pg` client. */
    clientConfig() {
        const url = new URL(this.url.href);
        if (this.password !== undefined)
            url.password = encodeURIComponent(this.password);
        return { connectionString: url.href, application_name: 'pg-backup' };
    }
    /** `user@host:port/database`, safe for logs and messages. */
    describe() {
        const user = decodeURIComponent(this.url.username);
        const host = this.url.hostname || this.url.searchParams.get('host') || 'localhost';
        return `${user ? `${user}@` : ''}${host}:${this.url.port || '5432'}/${this.database}`;
    }
}
exports.DatabaseConnection = DatabaseConnection;
/** Decodes one percent-encoded part of a URL, naming the part and the flag (never the value) when it is malformed. */
function decodeUrlPart(text, part, flag) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        throw new runner_error_1.UsageError(`${flag}: the ${part} in the URL has a "%" that does not start a percent-encoded character; ` +
            'percent-encode special characters in it (% as %25, @ as %40, : as %3A, / as %2F, # as %23, ? as %3F)');
    }
}
/** The URL without its password, for messages. */
function withoutPassword(url) {
    const copy = new URL(url.href);
    copy.password = '';
    return copy.href;
}
/**
 * Resolves a connection: the URL when given, else the secret JSON in `secretEnv` (or
 * `PG_BACKUP_DATABASE_SECRET`). The password is the URL's, else `PGPASSWORD`, else the secret's; with a URL that
 * names no user, the user is `PGUSER`'s, else the secret's.
 */
function resolveConnection(source, env = process.env) {
    const connection = connectionOf(source, env);
    if (source.database)
        return connection.withDatabase(source.database);
    return connection;
}
function connectionOf(source, env) {
    const secretEnv = source.secretEnv ?? exports.DEFAULT_SECRET_ENV;
    let secret;
    const rawSecret = env[secretEnv];
    if (rawSecret) {
        try {
            secret = JSON.parse(rawSecret);
        }
        catch {
            // The content is a secret: name the variable, never echo it.
            throw new runner_error_1.UsageError(`the environment variable ${secretEnv} does not hold JSON with host, port, username, password and dbname`);
        }
    }
    else if (source.secretEnv) {
        throw new runner_error_1.UsageError(`--secret-env names ${secretEnv}, which is not set`);
    }
    if (source.url) {
        let url;
        try {
            url = new URL(source.url);
        }
        catch {
            throw new runner_error_1.UsageError(`${source.flag} is not a valid postgres:// URL`);
        }
        if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
            throw new runner_error_1.UsageError(`${source.flag} has the scheme ${JSON.stringify(url.protocol)}; allowed: postgres:// or postgresql://`);
        }
        const password = url.password ? decodeUrlPart(url.password, 'password', source.flag) : env.PGPASSWORD ?? secret?.password;
        decodeUrlPart(url.username, 'user name', source.flag);
        const database = decodeUrlPart(url.pathname.replace(/^\//, ''), 'database name', source.flag);
        if (database === '' && source.requireDatabase && !source.database) {
            throw new runner_error_1.UsageError(`${source.flag} ${withoutPassword(url)} names no database; add it to the URL (postgres://user@host:5432/DATABASE) or name it with --database`);
        }
        // An RDS-managed secret holds only the credentials, so the URL names the server and the secret the user.
        if (!url.username && !env.PGUSER && secret?.username)
            url.username = encodeURIComponent(secret.username);
        return new DatabaseConnection(url, password);
    }
    if (secret) {
        if (!secret.host)
            throw new runner_error_1.UsageError(`the secret in ${secretEnv} has no host`);
        const url = new URL('postgres://localhost');
        url.hostname = secret.host;
        if (secret.port !== undefined)
            url.port = String(secret.port);
        if (secret.username)
            url.username = encodeURIComponent(secret.username);
        if (!secret.dbname && source.requireDatabase && !source.database) {
            throw new runner_error_1.UsageError(`the secret in ${secretEnv} names no database (no dbname); name it with --database`);
        }
        url.pathname = `/${encodeURIComponent(secret.dbname ?? 'postgres')}`;
        return new DatabaseConnection(url, env.PGPASSWORD ?? secret.password);
    }
    throw new runner_error_1.UsageError(`${source.flag} is required (or an RDS-style secret JSON in ${secretEnv})`);
}
