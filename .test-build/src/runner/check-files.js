"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.refuseCheckStatement = refuseCheckStatement;
exports.runCheckStatement = runCheckStatement;
exports.readCheckFiles = readCheckFiles;
exports.runCheckScripts = runCheckScripts;
const fs = __importStar(require("node:fs"));
const read_only_query_1 = require("./read-only-query");
const runner_error_1 = require("./runner-error");
const sql_statements_1 = require("../core/sql-statements");
/** The first words a check may start with: queries, nothing that defines, changes or ends anything. */
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
/** The first keyword of a statement, after comments and opening parentheses. */
function firstKeyword(statement) {
    const text = statement.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/, '');
    return (/^[A-Za-z_]+/.exec(text)?.[0] ?? text.slice(0, 12)).toUpperCase();
}
/**
 * Why a statement cannot be a check, or `undefined` when it can. A check is one query; `set_config` is refused
 * because it is the one way a query could take back the privileges the check runs without.
 */
function refuseCheckStatement(statement) {
    const keyword = firstKeyword(statement);
    if (!QUERY_KEYWORDS.has(keyword)) {
        return `checks are read-only: a check is one query (SELECT, WITH, VALUES or TABLE), this statement starts with ${keyword || 'nothing'}`;
    }
    if (/"?\bset_config"?\s*\(/i.test(statement))
        return 'checks are read-only: a check may not change settings with set_config';
    return undefined;
}
function explainCheckError(error) {
    const message = (0, runner_error_1.errorMessage)(error);
    const code = error.code;
    if ((0, read_only_query_1.isReadOnlyViolation)(error))
        return `checks are read-only: ${message}`;
    if (code === '42601' && /multiple commands/.test(message))
        return `a check is exactly one statement: ${message}`;
    if (code === '42501')
        return `${message} (checks run read-only, with the privileges of ${read_only_query_1.CHECK_ROLE} where the connected role may take them)`;
    return message;
}
/**
 * Runs one check statement alone, in a READ ONLY transaction it cannot end, that is always rolled back, with the
 * privileges of `pg_read_all_data` where the connected role may take them. It passes when it returns exactly one
 * row of one column that is `true`; a statement that writes or is no query fails with a message saying checks are
 * read-only.
 */
async function runCheckStatement(client, file, statement) {
    const refused = refuseCheckStatement(statement);
    if (refused)
        return { file, statement, passed: false, detail: refused };
    try {
        const result = await (0, read_only_query_1.inReadOnlyTransaction)(client, () => (0, read_only_query_1.querySingleStatement)(client, statement), { asCheckRole: true });
        const rows = result.rows;
        if (rows.length === 1 && rows[0].length === 1 && rows[0][0] === true)
            return { file, statement, passed: true };
        return { file, statement, passed: false, detail: `returned ${JSON.stringify(rows.slice(0, 3))}${rows.length > 3 ? ' …' : ''}, not a single true` };
    }
    catch (error) {
        return { file, statement, passed: false, detail: `raised: ${explainCheckError(error)}` };
    }
}
function describeReadError(error) {
    const code = error.code;
    if (code === 'ENOENT')
        return 'no such file';
    if (code === 'EACCES')
        return 'permission denied';
    if (code === 'EISDIR')
        return 'it is a directory';
    return (0, runner_error_1.errorMessage)(error);
}
/** Reads every check file and splits it into statements, so a missing or empty file is reported before any work. */
async function readCheckFiles(files) {
    const scripts = [];
    for (const file of files) {
        let script;
        try {
            script = await fs.promises.readFile(file, 'utf8');
        }
        catch (error) {
            throw new runner_error_1.UsageError(`--check ${file}: cannot read the check file (${describeReadError(error)})`);
        }
        const statements = (0, sql_statements_1.splitSqlStatements)(script);
        if (statements.length === 0)
            throw new runner_error_1.UsageError(`--check ${file}: the check file holds no statement; allowed: a file of queries that each return a single true`);
        scripts.push({ file, statements });
    }
    return scripts;
}
/** Runs the statements of check files in order, stopping at the first that fails. */
async function runCheckScripts(client, scripts) {
    const outcomes = [];
    for (const { file, statements } of scripts) {
        for (const statement of statements) {
            const outcome = await runCheckStatement(client, file, statement);
            outcomes.push(outcome);
            if (!outcome.passed)
                return outcomes;
        }
    }
    return outcomes;
}
