import { ReviewedWildcard } from './reviewed-wildcard';
import {
  BACKUP_PRUNE_IAM_ACTIONS, BACKUP_READ_IAM_ACTIONS, BACKUP_WRITE_IAM_ACTIONS, DRILL_RESULT_WRITE_IAM_ACTIONS, WAL_ARCHIVE_RESTORE_IAM_ACTIONS,
  actionsOnResource, walArchiveIamActions,
} from '../iam-action-groups';

/**
 * The objects under a backup prefix: every backup gets a new key (database, time stamp, run), so a role that writes or
 * reads backups is granted `<prefix>/*`.
 * @param access `write` for the dump task (put, tag, abort its own uploads, check that a key is new), `read` for restores,
 * `drill-results` for a drill writing its result beside the backups, `prune` for the prune task
 */
export function backupObjectsWildcard(objects: string, access: 'write' | 'read' | 'drill-results' | 'prune'): ReviewedWildcard {
  if (access === 'drill-results') {
    return {
      resource: objects,
      actions: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'drill-results'),
      reason: 'A restore drill writes its result beside the backups it restored, one new key per drill (its time), under one prefix only.',
    };
  }
  if (access === 'prune') {
    return {
      resource: objects,
      actions: actionsOnResource(BACKUP_PRUNE_IAM_ACTIONS, 'backup-objects'),
      reason: 'The prune task reads the manifests and deletes the backups retention lets go, under its own prefix only; every backup has '
        + 'a new key, so the objects cannot be named in advance. The bucket policy denies deletion to every other principal.',
    };
  }
  return access === 'write'
    ? {
      resource: objects,
      actions: actionsOnResource(BACKUP_WRITE_IAM_ACTIONS, 'backup-objects'),
      reason: 'The dump task writes (and checks that a key is new) only under its own prefix; every backup has a new key, so '
        + 'the objects cannot be named in advance. The bucket policy denies deletion to every principal.',
    }
    : {
      resource: objects,
      actions: actionsOnResource(BACKUP_READ_IAM_ACTIONS, 'backup-objects'),
      reason: 'Read-only access to the backups under one prefix; every backup has a new key, so the objects cannot be named in advance.',
    };
}

/**
 * The objects of a WAL archive: the archiver names one object per WAL segment and per base-backup file as it writes it.
 * @param access `archive` for the database hosts (with `delete` when the archiver expires its own backups), `restore` for drills
 */
export function walArchiveWildcards(objects: readonly string[], access: 'archive' | 'restore', withDelete = false): ReviewedWildcard[] {
  return objects.map((resource) => access === 'archive'
    ? {
      resource,
      actions: actionsOnResource(walArchiveIamActions(withDelete), 'archive-objects'),
      reason: 'The archiver on the database host writes one object per WAL segment and per base-backup file, named as it '
        + 'archives them, under its own prefixes only'
        + (withDelete ? '; it deletes there (its own expiry) and nowhere else: the bucket policy denies deletion to every other principal.' : '.'),
    }
    : {
      resource,
      actions: actionsOnResource(WAL_ARCHIVE_RESTORE_IAM_ACTIONS, 'archive-objects'),
      reason: 'The recovery reads (no write, no delete) the WAL and base backups of the one archive it restores; their keys '
        + 'are created as the host archives, so they cannot be named in advance.',
    });
}
