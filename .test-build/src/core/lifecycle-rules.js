"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MAX_LIFECYCLE_DAYS = exports.WAL_NOT_READABLE_REASON = exports.WAL_DELETED_TOO_EARLY_REASON = void 0;
exports.prefixesOverlap = prefixesOverlap;
exports.validateLifecycleRules = validateLifecycleRules;
/**
 * The cloud-neutral lifecycle model of a backup bucket or container, and the rules every lifecycle
 * must follow whatever cloud it is rendered for.
 */
const storage_class_1 = require("./storage-class");
/** The reason given when a rule would delete WAL that recovery still needs. */
exports.WAL_DELETED_TOO_EARLY_REASON = 'would delete WAL still needed to replay the oldest base backup';
/** The reason given when a rule would move WAL to a class that `restore_command` cannot read. */
exports.WAL_NOT_READABLE_REASON = 'WAL in this class needs a restore request before it can be read, so recovery would stop at the first moved segment';
/** The longest period any rule may name, in days (100 years): a guard against typos, not a cloud limit. */
exports.MAX_LIFECYCLE_DAYS = 36500;
const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,254}$/;
/** Whether two key prefixes select overlapping objects: one is a prefix of the other (`''` covers everything). */
function prefixesOverlap(a, b) {
    return a.startsWith(b) || b.startsWith(a);
}
/**
 * Checks lifecycle rules, reporting every problem to `validator` under `path` (e.g. `lifecycleRules`):
 * malformed ids, prefixes and day counts; duplicate ids; rules with no action; transitions into a class
 * that is not a transition target, out of order, mixing clouds, earlier than the class allows, or leaving
 * a class before its minimum storage duration; an expiration at or before a transition, or before the
 * last class's minimum storage duration; and, when `minimumWalRetentionDays` or `walPrefix` is given,
 * any enabled rule covering the WAL prefix that deletes WAL before the minimum or moves it out of reach
 * of `restore_command`. Returns whether no problem was found.
 */
function validateLifecycleRules(rules, validator, path, options = {}) {
    const before = validator.issues.length;
    if (validator.isUnresolved(rules))
        return true;
    const firstUseOfId = new Map();
    rules.forEach((rule, index) => {
        const rulePath = `${path}[${index}]`;
        validateRuleShape(rule, validator, rulePath);
        if (typeof rule.id === 'string' && !validator.isUnresolved(rule.id)) {
            const first = firstUseOfId.get(rule.id);
            if (first === undefined) {
                firstUseOfId.set(rule.id, index);
            }
            else {
                validator.report({
                    path: `${rulePath}.id`,
                    value: rule.id,
                    allowed: 'an id used by no other rule',
                    reason: `${path}[${first}] already has this id`,
                });
            }
        }
        validateTransitions(rule, validator, rulePath);
        validateWalSafety(rule, validator, rulePath, options);
    });
    return validator.issues.length === before;
}
function validateRuleShape(rule, validator, rulePath) {
    validator.matches(`${rulePath}.id`, rule.id, RULE_ID_PATTERN, 'letters, digits and "-", starting with a letter or digit, at most 255 characters');
    if (!validator.isUnresolved(rule.prefix) && (typeof rule.prefix !== 'string' || rule.prefix.startsWith('/'))) {
        validator.report({ path: `${rulePath}.prefix`, value: rule.prefix, allowed: 'a key prefix not starting with "/", or "" for every object' });
    }
    validator.integer(`${rulePath}.expirationDays`, rule.expirationDays, 1, exports.MAX_LIFECYCLE_DAYS, 'days');
    validator.integer(`${rulePath}.noncurrentVersionExpirationDays`, rule.noncurrentVersionExpirationDays, 1, exports.MAX_LIFECYCLE_DAYS, 'days');
    validator.integer(`${rulePath}.abortIncompleteMultipartUploadDays`, rule.abortIncompleteMultipartUploadDays, 1, exports.MAX_LIFECYCLE_DAYS, 'days');
    const hasAction = (rule.transitions?.length ?? 0) > 0
        || rule.expirationDays !== undefined
        || rule.noncurrentVersionExpirationDays !== undefined
        || rule.abortIncompleteMultipartUploadDays !== undefined;
    if (!hasAction) {
        validator.report({
            path: rulePath,
            value: rule,
            allowed: 'at least one of transitions, expirationDays, noncurrentVersionExpirationDays, abortIncompleteMultipartUploadDays',
        }, []);
    }
}
function validateTransitions(rule, validator, rulePath) {
    const transitions = rule.transitions ?? [];
    if (validator.isUnresolved(transitions))
        return;
    let previous;
    let cloud;
    transitions.forEach((transition, index) => {
        const transitionPath = `${rulePath}.transitions[${index}]`;
        const daysValid = validator.integer(`${transitionPath}.days`, transition.days, 0, exports.MAX_LIFECYCLE_DAYS, 'days')
            && !validator.isUnresolved(transition.days);
        if (validator.isUnresolved(transition.storageClass))
            return;
        const facts = (0, storage_class_1.storageClassFacts)(transition.storageClass);
        if (facts === undefined || !facts.transitionTarget) {
            const targets = [...(0, storage_class_1.transitionTargets)('aws'), ...(0, storage_class_1.transitionTargets)('azure')];
            validator.report({
                path: `${transitionPath}.storageClass`,
                value: transition.storageClass,
                allowed: `one of: ${targets.join(', ')}`,
                reason: facts ? 'objects start in this class; a lifecycle rule can only move them to a colder one' : undefined,
            });
            return;
        }
        if (cloud === undefined) {
            cloud = facts.cloud;
        }
        else if (facts.cloud !== cloud) {
            validator.report({
                path: `${transitionPath}.storageClass`,
                value: transition.storageClass,
                allowed: `one of: ${(0, storage_class_1.transitionTargets)(cloud).join(', ')}`,
                reason: `the earlier transitions of this rule use ${cloud === 'aws' ? 'S3' : 'Azure'} classes; one bucket lives in one cloud`,
            });
            return;
        }
        if (daysValid && transition.days < facts.minimumAgeBeforeTransitionDays) {
            validator.report({
                path: `${transitionPath}.days`,
                value: transition.days,
                allowed: `at least ${facts.minimumAgeBeforeTransitionDays} days for ${transition.storageClass}`,
                reason: `${facts.nativeName} only accepts objects at least ${facts.minimumAgeBeforeTransitionDays} days old (${facts.source})`,
            });
        }
        if (previous !== undefined && daysValid) {
            if (facts.rank <= previous.facts.rank) {
                validator.report({
                    path: `${transitionPath}.storageClass`,
                    value: transition.storageClass,
                    allowed: `a class colder than ${previous.storageClass}: one of ${(0, storage_class_1.transitionTargets)(facts.cloud).filter((c) => storage_class_1.STORAGE_CLASS_FACTS[c].rank > previous.facts.rank).join(', ') || 'none'}`,
                    reason: 'transitions must move down the storage-class waterfall, in order',
                });
            }
            else if (transition.days <= previous.days) {
                validator.report({
                    path: `${transitionPath}.days`,
                    value: transition.days,
                    allowed: `more than ${previous.days} days (the day of ${rulePath}.transitions[${previous.index}])`,
                    reason: 'transitions must be listed in order of age',
                });
            }
            else if (transition.days - previous.days < previous.facts.minimumStorageDays) {
                validator.report({
                    path: `${transitionPath}.days`,
                    value: transition.days,
                    allowed: `at least ${previous.days + previous.facts.minimumStorageDays} days`,
                    reason: `objects moved to ${previous.storageClass} on day ${previous.days} must stay there its minimum of ${previous.facts.minimumStorageDays} days (${previous.facts.source})`,
                });
            }
        }
        if (daysValid && (previous === undefined || facts.rank > previous.facts.rank)) {
            previous = { days: transition.days, facts, storageClass: transition.storageClass, index };
        }
    });
    const expiration = rule.expirationDays;
    if (previous === undefined || expiration === undefined || validator.isUnresolved(expiration))
        return;
    if (!Number.isInteger(expiration))
        return;
    if (expiration <= previous.days) {
        validator.report({
            path: `${rulePath}.expirationDays`,
            value: expiration,
            allowed: `more than ${previous.days} days (the last transition, to ${previous.storageClass})`,
            reason: 'an object cannot be moved after it has been deleted',
        });
    }
    else if (expiration - previous.days < previous.facts.minimumStorageDays) {
        validator.report({
            path: `${rulePath}.expirationDays`,
            value: expiration,
            allowed: `at least ${previous.days + previous.facts.minimumStorageDays} days`,
            reason: `objects moved to ${previous.storageClass} on day ${previous.days} are billed for its minimum of ${previous.facts.minimumStorageDays} days (${previous.facts.source})`,
        });
    }
}
function validateWalSafety(rule, validator, rulePath, options) {
    const minimum = options.minimumWalRetentionDays;
    const walPrefix = options.walPrefix ?? (minimum !== undefined ? 'wal/' : undefined);
    if (walPrefix === undefined || rule.enabled === false)
        return;
    if (validator.isUnresolved(rule.prefix, walPrefix) || typeof rule.prefix !== 'string')
        return;
    if (!prefixesOverlap(rule.prefix, walPrefix))
        return;
    const expiration = rule.expirationDays;
    if (minimum !== undefined && expiration !== undefined && typeof expiration === 'number' && expiration < minimum) {
        validator.report({
            path: `${rulePath}.expirationDays`,
            value: expiration,
            allowed: `at least ${minimum} days for objects under "${walPrefix}"`,
            reason: exports.WAL_DELETED_TOO_EARLY_REASON,
        }, [expiration, minimum]);
    }
    (rule.transitions ?? []).forEach((transition, index) => {
        const facts = (0, storage_class_1.storageClassFacts)(transition.storageClass);
        if (facts === undefined || facts.readableWithoutRestore)
            return;
        validator.report({
            path: `${rulePath}.transitions[${index}].storageClass`,
            value: transition.storageClass,
            allowed: `a class readable without a restore request for objects under "${walPrefix}": ${[...(0, storage_class_1.transitionTargets)('aws'), ...(0, storage_class_1.transitionTargets)('azure')].filter((c) => storage_class_1.STORAGE_CLASS_FACTS[c].readableWithoutRestore).join(', ')}`,
            reason: exports.WAL_NOT_READABLE_REASON,
        });
    });
}
