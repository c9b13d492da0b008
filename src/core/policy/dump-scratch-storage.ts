/**
 * The share of the scratch disk's free space that pg_dump may write ahead of the runner's reading in a
 * directory-format dump, before the runner pauses it until it has read half of that (at most
 * {@link DIRECTORY_DUMP_UNREAD_MIB}).
 */
export const DIRECTORY_DUMP_UNREAD_SHARE = 0.25;

/**
 * The most, in MiB, that pg_dump may write ahead of the runner's reading in a directory-format dump before the
 * runner pauses it: enough to ride out a store that stalls for a few seconds.
 */
export const DIRECTORY_DUMP_UNREAD_MIB = 1024;

/**
 * MiB of a file the runner has read, and not yet freed on disk, in a directory-format dump: it frees what it read
 * (holes punched in the file pg_dump is still writing) once this much has gathered.
 */
export const DIRECTORY_DUMP_FREED_MIB = 8;

/**
 * The scratch disk, in GiB, a directory-format dump with `jobs` workers needs. The runner reads each file while
 * pg_dump writes it, uploads it, frees on disk what it has read and deletes the file once pg_dump has closed it; it
 * pauses pg_dump while more than {@link DIRECTORY_DUMP_UNREAD_MIB} (or a quarter of the free space, if less) is
 * written and not yet read. The disk therefore holds at most that, plus under {@link DIRECTORY_DUMP_FREED_MIB} read
 * and not yet freed in each file being written (one a job), plus toc.dat (a few MiB for thousands of tables):
 * `(unread + jobs × freed) / 1024`, rounded up. Neither the database's size nor a table's enters; 64 jobs need 2 GiB.
 * The bound needs a file system that can punch holes (ext4, XFS, tmpfs, overlayfs on them: a Fargate task's);
 * elsewhere the runner warns and each file stays whole until it is read.
 */
export function directoryDumpScratchGiB(jobs: number): number {
  return Math.ceil((DIRECTORY_DUMP_UNREAD_MIB + jobs * DIRECTORY_DUMP_FREED_MIB) / 1024);
}
