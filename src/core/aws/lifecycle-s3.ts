/**
 * Lifecycle rules rendered as S3 sees them: the `LifecycleConfiguration` of a CloudFormation
 * `AWS::S3::Bucket` (also what a CDK `CfnBucket` or a property override takes).
 */
import { LifecycleRenderOptions, LifecycleRule } from '../policy/lifecycle-rules';
import { STORAGE_CLASS_FACTS, storageClassFacts, transitionTargets } from '../policy/storage-class';
import { Validator } from '../policy/validation';

/** `AWS::S3::Bucket` `Transition`. */
export interface S3LifecycleTransition {
  /** `STANDARD_IA`, `INTELLIGENT_TIERING`, `ONEZONE_IA`, `GLACIER_IR`, `GLACIER` or `DEEP_ARCHIVE`. */
  readonly StorageClass: string;
  /** Days after creation. */
  readonly TransitionInDays: number;
}

/** `AWS::S3::Bucket` `Rule` (the subset the lifecycle model uses). */
export interface S3LifecycleRule {
  /** Rule id. */
  readonly Id: string;
  /** `Enabled` or `Disabled`. */
  readonly Status: 'Enabled' | 'Disabled';
  /**
   * Key prefix.
   * @default - absent: the rule applies to every object
   */
  readonly Prefix?: string;
  /**
   * Transitions to colder classes.
   * @default - absent
   */
  readonly Transitions?: S3LifecycleTransition[];
  /**
   * Days after creation at which objects expire.
   * @default - absent
   */
  readonly ExpirationInDays?: number;
  /**
   * When noncurrent versions are deleted.
   * @default - absent
   */
  readonly NoncurrentVersionExpiration?: { readonly NoncurrentDays: number };
  /**
   * When the parts of unfinished multipart uploads are deleted.
   * @default - absent
   */
  readonly AbortIncompleteMultipartUpload?: { readonly DaysAfterInitiation: number };
}

/** `AWS::S3::Bucket` `LifecycleConfiguration`. */
export interface S3LifecycleConfiguration {
  /** The rules. */
  readonly Rules: S3LifecycleRule[];
}

/**
 * Renders lifecycle rules as an S3 `LifecycleConfiguration`. Rejects (through the validator) any Azure
 * access tier. The rules' own consistency is checked by `validateLifecycleRules`, which callers run first.
 */
export function renderS3LifecycleConfiguration(rules: readonly LifecycleRule[], options: LifecycleRenderOptions = {}): S3LifecycleConfiguration {
  const validator = options.validator ?? new Validator();
  const path = options.path ?? 'lifecycleRules';
  const rendered = rules.map((rule, index): S3LifecycleRule => {
    const transitions = (rule.transitions ?? []).flatMap((transition, transitionIndex): S3LifecycleTransition[] => {
      const facts = storageClassFacts(transition.storageClass);
      if (facts === undefined || facts.cloud !== 'aws' || !facts.transitionTarget) {
        validator.report({
          path: `${path}[${index}].transitions[${transitionIndex}].storageClass`,
          value: transition.storageClass,
          allowed: `an S3 storage class: one of ${transitionTargets('aws').join(', ')}`,
          reason: facts?.cloud === 'azure' ? 'this is an Azure access tier, which S3 does not have' : undefined,
        });
        return [];
      }
      return [{ StorageClass: STORAGE_CLASS_FACTS[transition.storageClass].nativeName, TransitionInDays: transition.days }];
    });
    return {
      Id: rule.id,
      Status: rule.enabled === false ? 'Disabled' : 'Enabled',
      ...(rule.prefix ? { Prefix: rule.prefix } : {}),
      ...(transitions.length > 0 ? { Transitions: transitions } : {}),
      ...(rule.expirationDays !== undefined ? { ExpirationInDays: rule.expirationDays } : {}),
      ...(rule.noncurrentVersionExpirationDays !== undefined
        ? { NoncurrentVersionExpiration: { NoncurrentDays: rule.noncurrentVersionExpirationDays } } : {}),
      ...(rule.abortIncompleteMultipartUploadDays !== undefined
        ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: rule.abortIncompleteMultipartUploadDays } } : {}),
    };
  });
  if (!options.validator) validator.throwIfInvalid();
  return { Rules: rendered };
}

/**
 * The rules of a configuration as the S3 API (`PutBucketLifecycleConfiguration`) names them, which a provider that
 * mirrors the API takes in lower camel case (Pulumi's `aws.s3.BucketLifecycleConfiguration`): the same ids,
 * prefixes as filters, transitions and expirations.
 */
export function s3ApiLifecycleRules(configuration: S3LifecycleConfiguration): Record<string, unknown>[] {
  return configuration.Rules.map((rule) => ({
    Id: rule.Id,
    Status: rule.Status,
    Filter: rule.Prefix !== undefined ? { Prefix: rule.Prefix } : {},
    ...(rule.Transitions ? { Transitions: rule.Transitions.map((t) => ({ Days: t.TransitionInDays, StorageClass: t.StorageClass })) } : {}),
    ...(rule.ExpirationInDays !== undefined ? { Expiration: { Days: rule.ExpirationInDays } } : {}),
    ...(rule.NoncurrentVersionExpiration ? { NoncurrentVersionExpiration: rule.NoncurrentVersionExpiration } : {}),
    ...(rule.AbortIncompleteMultipartUpload ? { AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload } : {}),
  }));
}
