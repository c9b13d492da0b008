import * as pulumi from '@pulumi/pulumi';
import { GrantScope, PolicyStatement, grantStatements } from './policy-document';
import { BucketGrantLocation, backupObjectGrantLocations } from '../../core/aws/backup-bucket';
import { BACKUP_READ_IAM_ACTIONS, BackupObjectResourceKind, DRILL_RESULT_WRITE_IAM_ACTIONS } from '../../core/aws/iam-action-groups';

/** Reading objects under a prefix of a bucket: get them, list that prefix only, decrypt with the key when there is one. */
export function prefixReadStatements(bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>): PolicyStatement[] {
  return grantStatements(BACKUP_READ_IAM_ACTIONS, backupObjectScopes(bucketArn, prefix, encryptionKeyArn));
}

/**
 * Writing restore drill results beside the backups under a prefix (`<prefix>/<database>/drills/…`), encrypting with the
 * key when there is one.
 */
export function prefixDrillResultStatements(
  bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>,
): PolicyStatement[] {
  return grantStatements(DRILL_RESULT_WRITE_IAM_ACTIONS, backupObjectScopes(bucketArn, prefix, encryptionKeyArn));
}

/** Where the backups under `prefix` are, by kind of resource: the objects, the bucket listing only the prefix, the key (when there is one). */
export function backupObjectScopes(
  bucketArn: pulumi.Input<string>, prefix: string, encryptionKeyArn?: pulumi.Input<string>,
): Partial<Record<BackupObjectResourceKind, GrantScope>> {
  return bucketGrantScopes(backupObjectGrantLocations(prefix), bucketArn, encryptionKeyArn);
}

/**
 * Core's grant locations as the ARNs of the bucket `bucketArn`: objects under it, the bucket with the location's
 * conditions, its key (no scope without a key, so its groups grant nothing).
 */
export function bucketGrantScopes<Kind extends string>(
  locations: Readonly<Record<Kind, BucketGrantLocation>>, bucketArn: pulumi.Input<string>, encryptionKeyArn?: pulumi.Input<string>,
): Partial<Record<Kind, GrantScope>> {
  const scope = (location: BucketGrantLocation): GrantScope | undefined => {
    if (location === 'key') return encryptionKeyArn === undefined ? undefined : { resources: encryptionKeyArn };
    if ('bucket' in location) return { resources: bucketArn, condition: copyConditions(location.bucket.conditions) };
    const objects = location.objects;
    if (typeof objects === 'string') return { resources: pulumi.interpolate`${bucketArn}/${objects}` };
    return { resources: objects.map((pattern) => pulumi.interpolate`${bucketArn}/${pattern}`) };
  };
  return Object.fromEntries((Object.entries(locations) as [Kind, BucketGrantLocation][]).flatMap(([kind, location]) => {
    const found = scope(location);
    return found === undefined ? [] : [[kind, found]];
  })) as Partial<Record<Kind, GrantScope>>;
}

/** Conditions as a policy statement takes them (mutable lists). */
function copyConditions(conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>): GrantScope['condition'] {
  return Object.fromEntries(Object.entries(conditions).map(([operator, keys]) => [operator, Object.fromEntries(
    Object.entries(keys).map(([key, values]) => [key, [...values]]),
  )]));
}
