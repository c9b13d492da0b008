"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.connectDatabase = connectDatabase;
exports.quoteIdentifier = quoteIdentifier;
exports.qualifiedTable = qualifiedTable;
const pg_1 = require("pg");
const runner_error_1 = require("./runner-error");
/** Seconds to wait for a server to accept a connection before giving up. */
const CONNECT_TIMEOUT_MS = 30_000;
/**
 * A connected `pg` client, or a {@link RunnerError} that says which server could not be reached and
 * the server's own reason (refused, wrong password, no such database), never the password.
 */
async function connectDatabase(connection, purpose) {
    const client = new pg_1.Client({ ...connection.clientConfig(), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    // A server that goes away later surfaces on the next query; without a listener it would crash the process.
    client.on('error', () => undefined);
    try {
        await client.connect();
    }
    catch (error) {
        await client.end().catch(() => undefined);
        throw new runner_error_1.RunnerError(`cannot connect to ${connection.describe()} (${purpose}): ${(0, runner_error_1.errorMessage)(error) || error.code || 'unknown error'}`, { cause: error });
    }
    return client;
}
/** Quotes an SQL identifier. */
function quoteIdentifier(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
/** The qualified, quoted name of a table. */
function qualifiedTable(schema, table) {
    return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}
