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
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.resolveBackupPolicy = resolveBackupPolicy;
exports.resolveSchedule = resolveSchedule;
exports.defaultBackupPlanSchedule = defaultBackupPlanSchedule;
exports.resolveLogicalDump = resolveLogicalDump;
exports.resolveManagedSnapshots = resolveManagedSnapshots;
exports.resolveBackupPlan = resolveBackupPlan;
exports.resolveExpireBy = resolveExpireBy;
exports.resolvePitr = resolvePitr;
exports.resolveVerification = resolveVerification;
exports.resolveImmutability = resolveImmutability;
exports.rpoSchedules = rpoSchedules;
exports.defaultRpoHours = defaultRpoHours;
const default_values_1 = require("./default-values");
const schedule_1 = require("./schedule");
const wal_retention_1 = require("./wal-retention");
__exportStar(require("./default-values"), exports);
/**
 * Returns `policy` with every default filled in, so front ends and the runner read one value and
 * never repeat a default. Call it after {@link validatePolicy}: it does not validate.
 *
 * Two defaults are derived from other values: `pitr.walRetentionDays` (see
 * {@link minimumWalRetentionDays}) and `alarms.rpoHours` (see {@link defaultRpoHours}). When a value they
 * depend on is not known yet (`options.isUnresolved`), this throws and asks for the value to be set
 * explicitly, rather than guessing.
 */
function resolveBackupPolicy(policy, options = {}) {
    const isUnresolved = options.isUnresolved ?? (() => false);
    return {
        ...policy,
        platform: policy.platform ?? default_values_1.DEFAULT_PLATFORM,
        logicalDump: policy.logicalDump && resolveLogicalDump(policy.logicalDump),
        managedSnapshots: policy.managedSnapshots && resolveManagedSnapshots(policy.managedSnapshots),
        backupPlan: policy.backupPlan && resolveBackupPlan(policy.backupPlan),
        copies: [...(policy.copies ?? [])],
        pitr: policy.pitr && resolvePitr(policy.pitr, options),
        verification: policy.verification && resolveVerification(policy.verification),
        alarms: resolveAlarms(policy, isUnresolved),
        immutability: policy.immutability && resolveImmutability(policy.immutability),
    };
}
/** Fills in the time zone of a schedule. */
function resolveSchedule(spec) {
    return { ...spec, timezone: spec.timezone ?? schedule_1.DEFAULT_SCHEDULE_TIMEZONE };
}
/** The schedule a backup-plan rule of this frequency runs on when it gives none. */
function defaultBackupPlanSchedule(frequency) {
    switch (frequency) {
        case 'hourly':
            return { expression: '0 * * * *', timezone: 'UTC' };
        case 'daily':
            return { expression: '0 5 * * *', timezone: 'UTC' };
        case 'weekly':
            return { expression: '0 5 * * 0', timezone: 'UTC' };
        case 'monthly':
            return { expression: '0 5 1 * *', timezone: 'UTC' };
    }
}
/** Fills in the defaults of logical dumps. */
function resolveLogicalDump(dump) {
    return {
        ...dump,
        schedule: resolveSchedule(dump.schedule ?? default_values_1.DEFAULT_LOGICAL_DUMP_SCHEDULE),
        format: dump.format ?? 'custom',
        compression: dump.compression ?? default_values_1.DEFAULT_DUMP_COMPRESSION,
        jobs: dump.jobs ?? 1,
        tables: [...(dump.tables ?? [])],
        excludeTables: [...(dump.excludeTables ?? [])],
        schemas: [...(dump.schemas ?? [])],
        excludeSchemas: [...(dump.excludeSchemas ?? [])],
        schemaOnly: dump.schemaOnly ?? false,
        dataOnly: dump.dataOnly ?? false,
        noOwner: dump.noOwner ?? false,
        noAcl: dump.noAcl ?? false,
        includeGlobals: dump.includeGlobals ?? false,
        retentionDays: dump.retentionDays ?? default_values_1.DEFAULT_DUMP_RETENTION_DAYS,
        lockWaitTimeoutSeconds: dump.lockWaitTimeoutSeconds ?? default_values_1.DEFAULT_LOCK_WAIT_TIMEOUT_SECONDS,
        rowCounts: dump.rowCounts ?? 'exact',
    };
}
/** Fills in the defaults of managed snapshots. */
function resolveManagedSnapshots(snapshots) {
    return {
        ...snapshots,
        backupRetentionDays: snapshots.backupRetentionDays ?? default_values_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
        copyTagsToSnapshot: snapshots.copyTagsToSnapshot ?? true,
        finalSnapshot: snapshots.finalSnapshot ?? true,
    };
}
/** Fills in the defaults of a backup plan: each rule's schedule from its frequency. */
function resolveBackupPlan(plan) {
    return {
        ...plan,
        rules: (plan.rules ?? []).map((rule) => ({
            ...rule,
            schedule: resolveSchedule(rule.schedule ?? defaultBackupPlanSchedule(rule.frequency)),
        })),
    };
}
/** Who deletes old WAL and base backups when `pitr.expireBy` is unset: pgBackRest's own expire, else lifecycle rules. */
function resolveExpireBy(pitr) {
    return pitr.expireBy ?? ((pitr.archiver ?? default_values_1.DEFAULT_ARCHIVER) === 'pgbackrest' ? 'archiver' : 'lifecycle');
}
/**
 * Fills in the defaults of PITR, `walRetentionDays` included (the least that still replays the oldest
 * retained full backup, {@link minimumWalRetentionDays}).
 */
function resolvePitr(pitr, options = {}) {
    const base = {
        ...pitr,
        windowDays: pitr.windowDays ?? default_values_1.DEFAULT_PITR_WINDOW_DAYS,
        archiveTimeoutSeconds: pitr.archiveTimeoutSeconds ?? default_values_1.DEFAULT_ARCHIVE_TIMEOUT_SECONDS,
        allowArchiveTimeoutOutsideRange: pitr.allowArchiveTimeoutOutsideRange ?? false,
        fullBackupSchedule: resolveSchedule(pitr.fullBackupSchedule ?? default_values_1.DEFAULT_FULL_BACKUP_SCHEDULE),
        diffBackupSchedule: resolveSchedule(pitr.diffBackupSchedule ?? default_values_1.DEFAULT_DIFF_BACKUP_SCHEDULE),
        retainFull: pitr.retainFull ?? default_values_1.DEFAULT_RETAIN_FULL,
        archiver: pitr.archiver ?? default_values_1.DEFAULT_ARCHIVER,
        expireBy: resolveExpireBy(pitr),
    };
    if (pitr.walRetentionDays !== undefined)
        return { ...base, walRetentionDays: pitr.walRetentionDays };
    const isUnresolved = options.isUnresolved ?? (() => false);
    const inputs = [base.windowDays, base.retainFull, base.fullBackupSchedule.expression, base.fullBackupSchedule.timezone];
    if (inputs.some((value) => isUnresolved(value))) {
        throw new Error('pitr.walRetentionDays cannot be derived while windowDays, retainFull or fullBackupSchedule is not known yet; set it explicitly');
    }
    return { ...base, walRetentionDays: (0, wal_retention_1.minimumWalRetentionDays)(base) };
}
/** Fills in the defaults of restore drills. */
function resolveVerification(verification) {
    return {
        ...verification,
        schedule: resolveSchedule(verification.schedule ?? default_values_1.DEFAULT_VERIFICATION_SCHEDULE),
        checks: [...(verification.checks ?? [])],
        maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes ?? default_values_1.DEFAULT_MAX_RESTORE_DURATION_MINUTES,
    };
}
/** Fills in the mode of immutability. */
function resolveImmutability(immutability) {
    return { ...immutability, mode: immutability.mode ?? 'governance' };
}
/**
 * The scheduled backups whose age the RPO alarm watches: logical dumps and backup-plan rules.
 * WAL archiving is not among them: its freshness is watched by the archive-gap alarm, and its base
 * backups alone do not bound the data lost.
 */
function rpoSchedules(policy) {
    const schedules = [];
    if (policy.logicalDump) {
        schedules.push({ path: 'logicalDump.schedule', schedule: resolveLogicalDump(policy.logicalDump).schedule });
    }
    resolveBackupPlan(policy.backupPlan ?? {}).rules.forEach((rule, index) => {
        schedules.push({ path: `backupPlan.rules[${index}].schedule`, schedule: rule.schedule });
    });
    return schedules;
}
/**
 * The default RPO in hours: the longest gap between two runs of the most frequent backup the RPO alarm
 * watches ({@link rpoSchedules}), rounded up to hours, plus a two-hour margin — 26 for daily dumps.
 * The alarm fires when the newest good backup of any kind is older, so the most frequent one sets it.
 * Without a scheduled backup it is {@link DEFAULT_RPO_HOURS}.
 */
function defaultRpoHours(policy) {
    const intervals = rpoSchedules(policy).map(({ path, schedule }) => (0, schedule_1.longestIntervalMinutes)(schedule, path));
    if (intervals.length === 0)
        return default_values_1.DEFAULT_RPO_HOURS;
    return Math.ceil(Math.min(...intervals) / 60) + default_values_1.RPO_MARGIN_HOURS;
}
function resolveAlarms(policy, isUnresolved) {
    const alarms = policy.alarms ?? {};
    if (alarms.rpoHours !== undefined)
        return { ...alarms, rpoHours: alarms.rpoHours };
    const unknown = rpoSchedules(policy).find(({ schedule }) => isUnresolved(schedule.expression) || isUnresolved(schedule.timezone));
    if (unknown) {
        throw new Error(`alarms.rpoHours cannot be derived while ${unknown.path} is not known yet; set it explicitly`);
    }
    return { ...alarms, rpoHours: defaultRpoHours(policy) };
}
