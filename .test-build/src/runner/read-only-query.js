"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CHECK_ROLE = void 0;
exports.inReadOnlyTransaction = inReadOnlyTransaction;
exports.querySingleStatement = querySingleStatement;
exports.isReadOnlyViolation = isReadOnlyViolation;
/**
 * The predefined role (PostgreSQL 14+) whose privileges user checks run with where the connected role may take it:
 * SELECT on every table, view and sequence and nothing that acts on the server (terminating sessions, reloading the
 * configuration, writing files, running programs, replication slots).
 */
exports.CHECK_ROLE = 'pg_read_all_data';
/** SQLSTATE `read_only_sql_transaction`: the statement tried to write. */
const READ_ONLY_VIOLATION = '25006';
/** Whether each connection may take {@link CHECK_ROLE}; asked once per connection. */
const mayTakeCheckRole = new WeakMap();
async function canTakeCheckRole(client) {
    let allowed = mayTakeCheckRole.get(client);
    if (allowed === undefined) {
        const result = await client.query(`
      SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                  THEN pg_has_role(current_user, $1, 'MEMBER') ELSE false END AS allowed`, [exports.CHECK_ROLE]);
        allowed = result.rows[0].allowed === true;
        mayTakeCheckRole.set(client, allowed);
    }
    return allowed;
}
/**
 * Runs `work` in a transaction that is READ ONLY from its first statement, has already taken its snapshot (so
 * `SET TRANSACTION READ WRITE` is refused) and is always rolled back, whatever `work` did or raised.
 */
async function inReadOnlyTransaction(client, work, options = {}) {
    const asCheckRole = options.asCheckRole === true && await canTakeCheckRole(client);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
        if (asCheckRole) {
            await client.query(`SET LOCAL ROLE ${exports.CHECK_ROLE}`);
            await client.query('SET LOCAL row_security = off');
        }
        await client.query('SELECT 1');
        return await work();
    }
    finally {
        await client.query('ROLLBACK').catch(() => undefined);
    }
}
/**
 * Runs exactly one statement through the extended query protocol, which PostgreSQL refuses to run when the text
 * holds more than one: no `COMMIT; DROP …` can end the transaction around it.
 */
function querySingleStatement(client, text) {
    const config = { text, rowMode: 'array', queryMode: 'extended' };
    return client.query(config);
}
/** Whether a database error is PostgreSQL refusing a write in a read-only transaction. */
function isReadOnlyViolation(error) {
    return error?.code === READ_ONLY_VIOLATION;
}
