/**
 * What each identity of an Azure dump may do with the blobs of its container. The identity that writes dumps (and
 * the drill's results) may read, list, create and tag blobs and overwrite `latest`, but never delete: only the prune
 * job's identity deletes, so a compromised dump job cannot erase the backups it wrote.
 */

const BLOBS = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs';

/** The blob data actions of the dump writer's custom role: read and list, write and append, tags; no delete. */
export const DUMP_WRITER_BLOB_DATA_ACTIONS: readonly string[] = [
  `${BLOBS}/read`,
  `${BLOBS}/write`,
  `${BLOBS}/add/action`,
  `${BLOBS}/tags/read`,
  `${BLOBS}/tags/write`,
];

/** The blob data action that deletes: held by the prune job's identity (Storage Blob Data Contributor), never by the dump writer. */
export const BLOB_DELETE_DATA_ACTION = `${BLOBS}/delete`;

/** What the dump writer's custom role is for, as its description in the subscription says. */
export const DUMP_WRITER_ROLE_DESCRIPTION = 'pg-backup dump writer: read, list, write and tag the dumps of one container; never delete (pruning is a separate identity)';
