"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkPolicy = checkPolicy;
exports.validatePolicy = validatePolicy;
const defaults_1 = require("./defaults");
const alarms_1 = require("./rules/alarms");
const backup_plan_1 = require("./rules/backup-plan");
const copies_1 = require("./rules/copies");
const immutability_1 = require("./rules/immutability");
const logical_dump_1 = require("./rules/logical-dump");
const managed_snapshots_1 = require("./rules/managed-snapshots");
const pitr_1 = require("./rules/pitr");
const platform_schedules_1 = require("./rules/platform-schedules");
const verification_1 = require("./rules/verification");
const validation_1 = require("./validation");
const PLATFORMS = ['aws', 'azure', 'self-hosted'];
/**
 * Every problem with a policy, without throwing: each value against its range, and the rules that tie
 * values together (parallel dumps need the directory format, cold storage lasts 90 days, locks do not
 * outlast retention, WAL outlives the oldest base backup, copies leave the source region, …).
 * Values for which `options.isUnresolved` returns true are skipped, as is every rule that depends on one.
 */
function checkPolicy(policy, options = {}) {
    const validator = new validation_1.Validator(options);
    validator.oneOf('platform', policy.platform, PLATFORMS);
    const platform = policy.platform !== undefined && PLATFORMS.includes(policy.platform) ? policy.platform : defaults_1.DEFAULT_PLATFORM;
    (0, logical_dump_1.checkLogicalDump)(validator, policy.logicalDump);
    (0, managed_snapshots_1.checkManagedSnapshots)(validator, policy.managedSnapshots, platform);
    (0, backup_plan_1.checkBackupPlan)(validator, policy.backupPlan);
    (0, copies_1.checkCopies)(validator, policy, platform);
    (0, pitr_1.checkPitr)(validator, policy);
    (0, verification_1.checkVerification)(validator, policy.verification);
    (0, alarms_1.checkAlarms)(validator, policy);
    (0, immutability_1.checkImmutability)(validator, policy);
    (0, platform_schedules_1.checkPlatformSchedules)(validator, policy, platform);
    return validator.issues;
}
/**
 * Validates a whole policy and throws a {@link PolicyValidationError} listing every problem at once
 * (see {@link checkPolicy} for what is checked). Front ends call it in their constructor with an
 * `isUnresolved` that recognizes their tokens or outputs.
 */
function validatePolicy(policy, options = {}) {
    const issues = checkPolicy(policy, options);
    if (issues.length > 0)
        throw new validation_1.PolicyValidationError(issues);
}
