"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runnerDumpArgv = runnerDumpArgv;
/**
 * The arguments of `pg-backup dump` for a logical-dump policy, after the executable: the same flags an operator
 * would type, so a scheduled container and a dump by hand are the same command. Values are separate arguments,
 * never a shell string. Validate the policy first (`validatePolicy`); this only renders it.
 */
function runnerDumpArgv(policy, options) {
    const argv = ['dump', '--to', options.to];
    if (options.database !== undefined)
        argv.push('--database', options.database);
    if (policy.format !== undefined)
        argv.push('--format', policy.format);
    if (policy.jobs !== undefined && policy.jobs !== 1)
        argv.push('--jobs', String(policy.jobs));
    if (policy.compression !== undefined)
        argv.push('--compress', String(policy.compression));
    for (const table of policy.tables ?? [])
        argv.push('--table', table);
    for (const table of policy.excludeTables ?? [])
        argv.push('--exclude-table', table);
    for (const schema of policy.schemas ?? [])
        argv.push('--schema', schema);
    for (const schema of policy.excludeSchemas ?? [])
        argv.push('--exclude-schema', schema);
    if (policy.schemaOnly)
        argv.push('--schema-only');
    if (policy.dataOnly)
        argv.push('--data-only');
    if (policy.noOwner)
        argv.push('--no-owner');
    if (policy.noAcl)
        argv.push('--no-acl');
    if (policy.includeGlobals) {
        argv.push('--globals');
        if (options.noRolePasswords)
            argv.push('--no-role-passwords');
    }
    if (policy.rowCounts !== undefined)
        argv.push('--row-counts', policy.rowCounts);
    if (policy.lockWaitTimeoutSeconds !== undefined)
        argv.push('--lock-wait-timeout', `${policy.lockWaitTimeoutSeconds}s`);
    if (options.metricsNamespace !== undefined)
        argv.push('--metrics-namespace', options.metricsNamespace);
    return argv;
}
