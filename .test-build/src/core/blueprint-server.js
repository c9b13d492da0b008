"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BLUEPRINT_SERVER_ID_PATTERN = void 0;
exports.planBlueprintServer = planBlueprintServer;
exports.blueprintServerPropPaths = blueprintServerPropPaths;
exports.checkBlueprintFleetSettings = checkBlueprintFleetSettings;
exports.blueprintTierPolicy = blueprintTierPolicy;
exports.blueprintDumpRpoHours = blueprintDumpRpoHours;
exports.pitrNotAppliedMessage = pitrNotAppliedMessage;
exports.renderBlueprintRunbook = renderBlueprintRunbook;
exports.estimateBlueprintServerCost = estimateBlueprintServerCost;
const cost_estimate_1 = require("./cost-estimate");
const database_name_1 = require("./database-name");
const defaults_1 = require("./defaults");
const fargate_sizes_1 = require("./fargate-sizes");
const runbook_1 = require("./runbook");
const validate_policy_1 = require("./validate-policy");
const validation_1 = require("./validation");
/** The pattern of a server id: it names a key folder, a metric dimension and resource names. */
exports.BLUEPRINT_SERVER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
/**
 * Checks one server of a blueprint and works out its policy, the rules both front ends share: a unique id of the
 * allowed shape, database names, the tier with its overrides, immutability left to the blueprint's tier (the bucket
 * and vault are shared), a dump in every tier, core's policy rules for dumps and drills, and an RPO an alarm can
 * watch. Problems are reported to `validator` under `databases[i]`; the result is undefined when the tier gives no
 * usable policy. `ids` collects the ids seen so far.
 */
function planBlueprintServer(validator, entry, fleet, ids) {
    const path = `databases[${entry.index}]`;
    if (validator.matches(`${path}.id`, entry.id, exports.BLUEPRINT_SERVER_ID_PATTERN, '1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen')) {
        if (ids.has(entry.id))
            validator.report({ path: `${path}.id`, value: entry.id, allowed: 'an id no other server of the blueprint has' });
        ids.add(entry.id);
    }
    const databaseNames = entry.databaseNames ?? ['postgres'];
    (0, database_name_1.checkDatabaseNames)(validator, `${path}.databaseNames`, databaseNames);
    if (entry.overrides?.immutability !== undefined) {
        validator.report({
            path: `${path}.overrides.immutability`,
            value: entry.overrides.immutability,
            allowed: 'undefined',
            reason: 'the bucket\'s Object Lock and the vault lock are shared: set immutability on the blueprint\'s tier',
        });
    }
    const tier = entry.tier ?? fleet.tier;
    const policy = blueprintTierPolicy(tier, entry.overrides, fleet.tierOptions, validator, path);
    if (!policy)
        return undefined;
    if (entry.tier && policy.immutability && JSON.stringify((0, defaults_1.resolveImmutability)(policy.immutability)) !== JSON.stringify(fleet.lock)) {
        validator.report({
            path: `${path}.tier`,
            value: entry.tier.name,
            allowed: 'a tier with the immutability of the blueprint\'s tier, or none (tier.without(\'immutability\'))',
            reason: 'the bucket\'s Object Lock and the vault lock are shared',
        }, []);
    }
    const applied = {
        ...policy,
        immutability: fleet.lock,
        ...(entry.managed ? {} : { managedSnapshots: undefined, backupPlan: undefined, copies: undefined }),
    };
    if (!applied.logicalDump) {
        validator.report({ path: `${path}.tier`, value: tier.name, allowed: 'a tier with logicalDump', reason: 'the blueprint dumps every database' });
        return undefined;
    }
    const rpoHours = blueprintDumpRpoHours(applied);
    const dumpsAndDrills = {
        logicalDump: applied.logicalDump, verification: applied.verification, immutability: fleet.lock, alarms: { rpoHours },
    };
    const propPaths = blueprintServerPropPaths(entry);
    validator.include((0, validate_policy_1.checkPolicy)(dumpsAndDrills, { ...fleet.validation, propPaths }));
    if (rpoHours > fleet.maxRpoHours) {
        validator.include([{ path: (0, validation_1.propPath)('alarms.rpoHours', propPaths), value: rpoHours, allowed: `an integer from 1 to ${fleet.maxRpoHours} hours`, reason: 'a CloudWatch alarm looks back at most 7 days' }]);
    }
    return { policy: applied, databaseNames, rpoHours, pitrNotApplied: policy.pitr !== undefined };
}
/**
 * Where a server's dump and drill policy is in a blueprint's props: a value the server's `overrides` set is there
 * (`databases[1].overrides.logicalDump.retentionDays`), any other comes from its tier (`databases[1].tier.…`, or the
 * blueprint's `tier.…` when the server names none); the lock is always the blueprint tier's.
 */
function blueprintServerPropPaths(entry) {
    const path = `databases[${entry.index}]`;
    const tierPath = entry.tier ? `${path}.tier` : 'tier';
    const paths = { immutability: 'tier.immutability' };
    for (const section of ['logicalDump', 'verification', 'alarms']) {
        paths[section] = `${tierPath}.${section}`;
        for (const field of Object.keys(entry.overrides?.[section] ?? {}))
            paths[`${section}.${field}`] = `${path}.overrides.${section}.${field}`;
    }
    return paths;
}
/**
 * Checks a blueprint's fleet-wide props: the dump and drill task sizes Fargate offers, the prefix and bucket name,
 * the drills run at once, and at least one server.
 */
function checkBlueprintFleetSettings(validator, settings) {
    (0, fargate_sizes_1.checkFargateTaskSize)(validator, { cpu: settings.dumpCpu ?? 1024, memoryLimitMiB: settings.dumpMemoryLimitMiB ?? 2048 });
    (0, fargate_sizes_1.checkFargateTaskSize)(validator, {
        cpu: settings.drillCpu ?? 2048,
        memoryLimitMiB: settings.drillMemoryLimitMiB ?? 8192,
        ephemeralStorageGiB: settings.drillEphemeralStorageGiB ?? 50,
    });
    validator.matches('prefix', settings.prefix, /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/, 'lowercase letters, digits and hyphens, segments separated by "/", without a leading or trailing "/"');
    validator.matches('bucketName', settings.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, '3-63 lowercase letters, digits, dots and hyphens (a DNS-valid bucket name)');
    validator.integer('maxConcurrentDrills', settings.maxConcurrentDrills, 1, 40);
    if (settings.serverCount === 0)
        validator.report({ path: 'databases', value: [], allowed: 'at least one database' });
}
/** A tier's policy for one server, with its overrides; problems are reported under `path`. */
function blueprintTierPolicy(tier, overrides, options, validator, path) {
    try {
        return (overrides ? tier.with(overrides) : tier).policy(options);
    }
    catch (error) {
        if (!(error instanceof validation_1.PolicyValidationError))
            throw error;
        error.issues.forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
        return undefined;
    }
}
/**
 * The RPO of a server's dumps: the policy's, unless it is shorter than the dumps can meet (a tier's RPO may rest on
 * hourly snapshots, which the dump alarm does not watch); then the dump cadence's own default.
 */
function blueprintDumpRpoHours(policy) {
    const cadence = (0, defaults_1.defaultRpoHours)({ logicalDump: policy.logicalDump });
    return Math.max(policy.alarms?.rpoHours ?? cadence, cadence);
}
/** The info a front end shows for a server whose tier has a `pitr` section. */
function pitrNotAppliedMessage(serverId, managed) {
    return `${serverId}: the tier's pitr section (a self-hosted WAL archive) is not applied by the blueprint; `
        + (managed ? 'point-in-time recovery comes from the database\'s automated and continuous backups.' : 'protect the server with a SelfHostedPitrArchive for it.');
}
/**
 * The restore runbook of one database of a blueprint (core's runbook): its dumps in the shared bucket, its snapshots
 * when the server is managed; the WAL-archive section is left out, since the blueprint does not apply `pitr`.
 */
function renderBlueprintRunbook(options) {
    const { pitr: _selfHosted, ...policy } = options.policy;
    const validator = new validation_1.Validator(options.validation);
    const markdown = (0, runbook_1.renderRestoreRunbook)({
        databaseName: options.databaseName,
        policy: {
            ...policy,
            ...(options.managedDatabase ? {} : { managedSnapshots: undefined, backupPlan: undefined }),
            alarms: { ...policy.alarms, rpoHours: options.rpoHours },
        },
        dumps: { location: { kind: 's3', bucket: options.bucket, region: options.region, prefix: options.prefix } },
        managedDatabase: options.managedDatabase,
        notificationTopic: options.notificationTopic,
        validator,
    });
    if (validator.issues.length > 0) {
        throw new validation_1.PolicyValidationError(validator.issues.map((issue) => ({ ...issue, path: `databases[${options.serverIndex}].runbook.${issue.path}` })));
    }
    return markdown;
}
/**
 * The monthly storage-cost estimate of a blueprint's server (dumps, snapshots, AWS Backup, copies), or undefined when
 * its size is not known.
 */
function estimateBlueprintServerCost(serverId, policy, inputs, allocatedStorageGb) {
    const size = inputs?.databaseSizeGb ?? allocatedStorageGb;
    if (size === undefined || !Number.isFinite(size))
        return undefined;
    const { pitr: _selfHosted, verification: _drills, alarms: _alarms, immutability: _lock, ...stored } = policy;
    return (0, cost_estimate_1.estimateMonthlyCost)({
        policy: stored,
        databaseSizeGb: size,
        dailyChangeGb: inputs?.dailyChangeGb ?? size * 0.05,
        compressionRatio: inputs?.compressionRatio,
        label: serverId,
    });
}
