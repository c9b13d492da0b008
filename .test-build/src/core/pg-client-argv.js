"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dumpCompressionPlan = dumpCompressionPlan;
exports.pgDumpCompressArgument = pgDumpCompressArgument;
exports.pgDumpArgv = pgDumpArgv;
exports.pgDumpallGlobalsArgv = pgDumpallGlobalsArgv;
exports.pgRestoreArgv = pgRestoreArgv;
/**
 * Argument vectors for the PostgreSQL client tools, rendered from the logical-dump policy.
 * They are arrays handed to `execve` as they are: no shell ever parses them, so a table
 * pattern or a database name can hold any character without quoting rules.
 */
const default_values_1 = require("./default-values");
const logical_dump_1 = require("./rules/logical-dump");
const validation_1 = require("./validation");
/**
 * Decides who compresses a dump. Clients before 16 take only a gzip level, so method syntax is
 * translated where it means the same; zstd and lz4 become `--compress=0` and a program the runner
 * streams the archive through. Clients 16 and newer are given the method as written. The value is
 * checked with the policy (`pgDumpArgv` checks it too).
 */
function dumpCompressionPlan(compression = default_values_1.DEFAULT_DUMP_COMPRESSION, clientMajorVersion) {
    const text = String(compression);
    if (clientMajorVersion === undefined || clientMajorVersion >= 16)
        return { pgDumpCompress: text };
    if (text === 'none')
        return { pgDumpCompress: '0' };
    const gzip = /^gzip(?::(\d))?$/.exec(text);
    if (gzip)
        return { pgDumpCompress: gzip[1] ?? '6' };
    const method = /^(zstd|lz4):(\d+)$/.exec(text);
    if (method)
        return { pgDumpCompress: '0', stream: { method: method[1], level: Number(method[2]) } };
    return { pgDumpCompress: text };
}
/** The `--compress` value for a client of the given major version (see {@link dumpCompressionPlan}). */
function pgDumpCompressArgument(compression, clientMajorVersion) {
    return dumpCompressionPlan(compression, clientMajorVersion).pgDumpCompress;
}
/**
 * The argv (without the program name) of `pg_dump` for a policy.
 * @throws PolicyValidationError when the policy cannot be rendered (e.g. `jobs > 1` with the custom format).
 */
function pgDumpArgv(policy, options) {
    const validator = new validation_1.Validator();
    // The policy's own rules, so the runner refuses exactly what policy validation refuses.
    (0, logical_dump_1.checkLogicalDump)(validator, policy);
    const format = policy.format ?? 'custom';
    if (format === 'directory' && !options.file) {
        validator.report({ path: 'file', value: options.file, allowed: 'an output directory', reason: 'the directory format cannot write to standard output' });
    }
    validator.throwIfInvalid();
    const argv = [`--format=${format}`];
    argv.push(`--compress=${dumpCompressionPlan(policy.compression, options.clientMajorVersion).pgDumpCompress}`);
    if ((policy.jobs ?? 1) > 1)
        argv.push(`--jobs=${policy.jobs}`);
    // pg_dump 16 follows a filter to the partitions (and inheritance children) of the tables it names; before 16
    // --table selects a partitioned table without its partitions, i.e. without any of its rows.
    const withChildren = (options.clientMajorVersion ?? 16) >= 16 ? '-and-children' : '';
    for (const table of policy.tables ?? [])
        argv.push(`--table${withChildren}=${table}`);
    for (const table of policy.excludeTables ?? [])
        argv.push(`--exclude-table${withChildren}=${table}`);
    for (const schema of policy.schemas ?? [])
        argv.push(`--schema=${schema}`);
    for (const schema of policy.excludeSchemas ?? [])
        argv.push(`--exclude-schema=${schema}`);
    if (policy.schemaOnly)
        argv.push('--schema-only');
    if (policy.dataOnly)
        argv.push('--data-only');
    if (policy.noOwner)
        argv.push('--no-owner');
    if (policy.noAcl)
        argv.push('--no-acl');
    // pg_dump sends this value to SET lock_timeout, whose bare unit is milliseconds.
    const lockWaitMs = Math.round((policy.lockWaitTimeoutSeconds ?? default_values_1.DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS) * 1000);
    argv.push(`--lock-wait-timeout=${lockWaitMs}`);
    if (options.snapshot)
        argv.push(`--snapshot=${options.snapshot}`);
    if (options.verbose)
        argv.push('--verbose');
    if (options.noSync)
        argv.push('--no-sync');
    if (options.file)
        argv.push(`--file=${options.file}`);
    argv.push(`--dbname=${options.dbname}`);
    return argv;
}
/** The argv (without the program name) of `pg_dumpall --globals-only`: roles and tablespaces. */
function pgDumpallGlobalsArgv(options) {
    const argv = ['--globals-only'];
    if (options.noRolePasswords)
        argv.push('--no-role-passwords');
    if (options.file)
        argv.push(`--file=${options.file}`);
    argv.push(`--dbname=${options.dbname}`);
    return argv;
}
/**
 * The argv (without the program name) of `pg_restore`.
 * @throws PolicyValidationError for combinations pg_restore refuses (no target database, `jobs` out of range).
 */
function pgRestoreArgv(options) {
    const validator = new validation_1.Validator();
    validator.integer('jobs', options.jobs, 1, 64);
    validator.nonEmptyStrings('tables', options.tables);
    if (!options.list && !options.dbname) {
        validator.report({ path: 'dbname', value: options.dbname, allowed: 'a database to restore into', reason: 'only a --list run needs no database' });
    }
    validator.throwIfInvalid();
    if (options.list)
        return ['--list', options.archive];
    const argv = [`--dbname=${options.dbname}`];
    if ((options.jobs ?? 1) > 1)
        argv.push(`--jobs=${options.jobs}`);
    for (const table of options.tables ?? [])
        argv.push(`--table=${table}`);
    if (options.clean)
        argv.push('--clean', '--if-exists');
    if (options.create)
        argv.push('--create');
    if (options.noOwner)
        argv.push('--no-owner');
    if (options.noAcl)
        argv.push('--no-acl');
    if (options.exitOnError ?? true)
        argv.push('--exit-on-error');
    if (options.verbose)
        argv.push('--verbose');
    argv.push(options.archive);
    return argv;
}
