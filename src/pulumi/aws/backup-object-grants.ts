import * as pulumi from '@pulumi/pulumi';
import { GrantScope, PolicyStatement, grantStatements } from './policy-document';
import { backupObjectLocations } from '../../core/aws/backup-bucket';
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
  const locations = backupObjectLocations(prefix);
  return {
    'backup-objects': { resources: pulumi.interpolate`${bucketArn}/${locations.objects}` },
    'drill-results': { resources: pulumi.interpolate`${bucketArn}/${locations.drillResults}` },
    'backup-bucket-prefix': { resources: bucketArn, condition: { StringLike: { 's3:prefix': locations.listPrefixes } } },
    ...(encryptionKeyArn !== undefined ? { 'backup-key': { resources: encryptionKeyArn } } : {}),
  };
}
