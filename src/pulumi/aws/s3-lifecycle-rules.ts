import type * as s3 from '@pulumi/aws/s3';
import { S3LifecycleConfiguration } from '../../core/aws/lifecycle-s3';

/**
 * Core's S3 lifecycle configuration (the CloudFormation shape CDK uses) as the rules of an
 * `aws.s3.BucketLifecycleConfiguration`: the same ids, prefixes (as filters), transitions and expirations.
 */
export function bucketLifecycleRules(configuration: S3LifecycleConfiguration): s3.BucketLifecycleConfigurationArgs['rules'] {
  return configuration.Rules.map((rule) => ({
    id: rule.Id,
    status: rule.Status,
    filter: rule.Prefix !== undefined ? { prefix: rule.Prefix } : {},
    ...(rule.Transitions ? { transitions: rule.Transitions.map((t) => ({ days: t.TransitionInDays, storageClass: t.StorageClass })) } : {}),
    ...(rule.ExpirationInDays !== undefined ? { expiration: { days: rule.ExpirationInDays } } : {}),
    ...(rule.NoncurrentVersionExpiration ? { noncurrentVersionExpiration: { noncurrentDays: rule.NoncurrentVersionExpiration.NoncurrentDays } } : {}),
    ...(rule.AbortIncompleteMultipartUpload
      ? { abortIncompleteMultipartUpload: { daysAfterInitiation: rule.AbortIncompleteMultipartUpload.DaysAfterInitiation } } : {}),
  }));
}
