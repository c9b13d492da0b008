/**
 * The cloud-neutral lifecycle model of a backup bucket or container, and the rules every lifecycle
 * must follow whatever cloud it is rendered for.
 */
import { STORAGE_CLASS_FACTS, StorageClass, StorageClassFacts, storageClassFacts, transitionTargets } from './storage-class';
import { Validator } from './validation';

/** Move objects to a colder class once they reach an age. */
export interface LifecycleTransition {
  /** Age in days since the object was created (S3) or last modified (Azure). */
  readonly days: number;
  /** The class objects move to. */
  readonly storageClass: StorageClass;
}

/**
 * One lifecycle rule: what happens to the objects under a prefix as they age. Plain data, mapped to
 * S3 by `renderS3LifecycleConfiguration` and to Azure by `renderAzureManagementPolicyRules`.
 */
export interface LifecycleRule {
  /** Rule id, unique in the bucket: letters, digits and `-`, at most 255 characters. */
  readonly id: string;
  /**
   * Key prefix the rule applies to, e.g. `wal/`; `''` for every object. On Azure the container name is
   * added in front by the renderer.
   */
  readonly prefix: string;
  /**
   * Moves to colder classes, youngest first.
   * @default - objects stay in the class they were written in
   */
  readonly transitions?: LifecycleTransition[];
  /**
   * Days after creation at which objects are deleted (on a versioned bucket: become noncurrent).
   * @default - never
   */
  readonly expirationDays?: number;
  /**
   * Days after an object version stops being current at which it is deleted for good.
   * @default - noncurrent versions are kept
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after an unfinished multipart upload began at which its parts are deleted.
   * @default - parts of failed uploads are kept (and billed)
   */
  readonly abortIncompleteMultipartUploadDays?: number;
  /**
   * Whether the rule is active.
   * @default true
   */
  readonly enabled?: boolean;
}

/** Options of {@link validateLifecycleRules}. */
export interface LifecycleValidationOptions {
  /**
   * The least number of days WAL must be kept so the oldest retained base backup can still be replayed
   * (computed by the WAL-retention rule). When set, a rule covering `walPrefix` that deletes earlier is rejected.
   * @default - no WAL retention check
   */
  readonly minimumWalRetentionDays?: number;
  /**
   * Key prefix of the WAL archive. When set (or when `minimumWalRetentionDays` is), a rule covering it
   * may not move WAL to a class that needs a restore request before it can be read.
   * @default 'wal/' when `minimumWalRetentionDays` is set, otherwise no WAL checks
   */
  readonly walPrefix?: string;
}

/** The reason given when a rule would delete WAL that recovery still needs. */
export const WAL_DELETED_TOO_EARLY_REASON = 'would delete WAL still needed to replay the oldest base backup';

/** The reason given when a rule would move WAL to a class that `restore_command` cannot read. */
export const WAL_NOT_READABLE_REASON =
  'WAL in this class needs a restore request before it can be read, so recovery would stop at the first moved segment';

/** The longest period any rule may name, in days (100 years): a guard against typos, not a cloud limit. */
export const MAX_LIFECYCLE_DAYS = 36500;

const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,254}$/;

/** Whether two key prefixes select overlapping objects: one is a prefix of the other (`''` covers everything). */
export function prefixesOverlap(a: string, b: string): boolean {
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
export function validateLifecycleRules(
  rules: readonly LifecycleRule[],
  validator: Validator,
  path: string,
  options: LifecycleValidationOptions = {},
): boolean {
  const before = validator.issues.length;
  if (validator.isUnresolved(rules)) return true;
  const firstUseOfId = new Map<string, number>();
  rules.forEach((rule, index) => {
    const rulePath = `${path}[${index}]`;
    validateRuleShape(rule, validator, rulePath);
    if (typeof rule.id === 'string' && !validator.isUnresolved(rule.id)) {
      const first = firstUseOfId.get(rule.id);
      if (first === undefined) {
        firstUseOfId.set(rule.id, index);
      } else {
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

function validateRuleShape(rule: LifecycleRule, validator: Validator, rulePath: string): void {
  validator.matches(`${rulePath}.id`, rule.id, RULE_ID_PATTERN, 'letters, digits and "-", starting with a letter or digit, at most 255 characters');
  if (!validator.isUnresolved(rule.prefix) && (typeof rule.prefix !== 'string' || rule.prefix.startsWith('/'))) {
    validator.report({ path: `${rulePath}.prefix`, value: rule.prefix, allowed: 'a key prefix not starting with "/", or "" for every object' });
  }
  validator.integer(`${rulePath}.expirationDays`, rule.expirationDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  validator.integer(`${rulePath}.noncurrentVersionExpirationDays`, rule.noncurrentVersionExpirationDays, 1, MAX_LIFECYCLE_DAYS, 'days');
  validator.integer(`${rulePath}.abortIncompleteMultipartUploadDays`, rule.abortIncompleteMultipartUploadDays, 1, MAX_LIFECYCLE_DAYS, 'days');
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

function validateTransitions(rule: LifecycleRule, validator: Validator, rulePath: string): void {
  const transitions = rule.transitions ?? [];
  if (validator.isUnresolved(transitions)) return;
  let previous: { days: number; facts: StorageClassFacts; storageClass: StorageClass; index: number } | undefined;
  let cloud: StorageClassFacts['cloud'] | undefined;
  transitions.forEach((transition, index) => {
    const transitionPath = `${rulePath}.transitions[${index}]`;
    const daysValid = validator.integer(`${transitionPath}.days`, transition.days, 0, MAX_LIFECYCLE_DAYS, 'days')
      && !validator.isUnresolved(transition.days);
    if (validator.isUnresolved(transition.storageClass)) return;
    const facts = storageClassFacts(transition.storageClass);
    if (facts === undefined || !facts.transitionTarget) {
      const targets = [...transitionTargets('aws'), ...transitionTargets('azure')];
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
    } else if (facts.cloud !== cloud) {
      validator.report({
        path: `${transitionPath}.storageClass`,
        value: transition.storageClass,
        allowed: `one of: ${transitionTargets(cloud).join(', ')}`,
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
          allowed: `a class colder than ${previous.storageClass}: one of ${transitionTargets(facts.cloud).filter((c) => STORAGE_CLASS_FACTS[c].rank > previous!.facts.rank).join(', ') || 'none'}`,
          reason: 'transitions must move down the storage-class waterfall, in order',
        });
      } else if (transition.days <= previous.days) {
        validator.report({
          path: `${transitionPath}.days`,
          value: transition.days,
          allowed: `more than ${previous.days} days (the day of ${rulePath}.transitions[${previous.index}])`,
          reason: 'transitions must be listed in order of age',
        });
      } else if (transition.days - previous.days < previous.facts.minimumStorageDays) {
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
  if (previous === undefined || expiration === undefined || validator.isUnresolved(expiration)) return;
  if (!Number.isInteger(expiration)) return;
  if (expiration <= previous.days) {
    validator.report({
      path: `${rulePath}.expirationDays`,
      value: expiration,
      allowed: `more than ${previous.days} days (the last transition, to ${previous.storageClass})`,
      reason: 'an object cannot be moved after it has been deleted',
    });
  } else if (expiration - previous.days < previous.facts.minimumStorageDays) {
    validator.report({
      path: `${rulePath}.expirationDays`,
      value: expiration,
      allowed: `at least ${previous.days + previous.facts.minimumStorageDays} days`,
      reason: `objects moved to ${previous.storageClass} on day ${previous.days} are billed for its minimum of ${previous.facts.minimumStorageDays} days (${previous.facts.source})`,
    });
  }
}

function validateWalSafety(rule: LifecycleRule, validator: Validator, rulePath: string, options: LifecycleValidationOptions): void {
  const minimum = options.minimumWalRetentionDays;
  const walPrefix = options.walPrefix ?? (minimum !== undefined ? 'wal/' : undefined);
  if (walPrefix === undefined || rule.enabled === false) return;
  if (validator.isUnresolved(rule.prefix, walPrefix) || typeof rule.prefix !== 'string') return;
  if (!prefixesOverlap(rule.prefix, walPrefix)) return;
  const expiration = rule.expirationDays;
  if (minimum !== undefined && expiration !== undefined && typeof expiration === 'number' && expiration < minimum) {
    validator.report({
      path: `${rulePath}.expirationDays`,
      value: expiration,
      allowed: `at least ${minimum} days for objects under "${walPrefix}"`,
      reason: WAL_DELETED_TOO_EARLY_REASON,
    }, [expiration, minimum]);
  }
  (rule.transitions ?? []).forEach((transition, index) => {
    const facts = storageClassFacts(transition.storageClass);
    if (facts === undefined || facts.readableWithoutRestore) return;
    validator.report({
      path: `${rulePath}.transitions[${index}].storageClass`,
      value: transition.storageClass,
      allowed: `a class readable without a restore request for objects under "${walPrefix}": ${
        [...transitionTargets('aws'), ...transitionTargets('azure')].filter((c) => STORAGE_CLASS_FACTS[c].readableWithoutRestore).join(', ')}`,
      reason: WAL_NOT_READABLE_REASON,
    });
  });
}

/** Options of the lifecycle renderers. */
export interface LifecycleRenderOptions {
  /**
   * Where problems are reported.
   * @default - a new validator; a `PolicyValidationError` listing every problem is thrown
   */
  readonly validator?: Validator;
  /**
   * Path the rules are reported under.
   * @default 'lifecycleRules'
   */
  readonly path?: string;
}
