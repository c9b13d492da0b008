import { resolveLogicalDump } from './defaults';
import { LogicalDumpPolicy } from './policy';
import { Validator } from './validation';

/**
 * The share of the scratch disk's free space that finished files of a directory-format dump may fill before the
 * runner pauses pg_dump until they are stored: the rest is left to the files pg_dump is still writing.
 */
export const DIRECTORY_DUMP_FINISHED_FILES_SHARE = 0.25;

/**
 * The largest scratch disk, in GiB, of the task that runs a dump: AWS Fargate's maximum ephemeral storage, the
 * smallest limit of the platforms the scheduled dumps run on, so a policy that fits it fits them all.
 */
const MAX_DUMP_SCRATCH_GIB = 200;

/**
 * The scratch disk, in GiB, a directory-format dump with `jobs` workers needs when its largest table file is
 * `largestTableGiB`: the runner uploads each file as soon as pg_dump has closed it and deletes it, and pauses
 * pg_dump while finished files fill more than {@link DIRECTORY_DUMP_FINISHED_FILES_SHARE} of the disk, so the disk
 * holds at most the files being written (one a job, each at most the largest table) plus that share:
 * `jobs × largestTableGiB / (1 − share)`. The database's size does not enter.
 */
export function directoryDumpScratchGiB(jobs: number, largestTableGiB: number): number {
  return Math.ceil((jobs * largestTableGiB) / (1 - DIRECTORY_DUMP_FINISHED_FILES_SHARE));
}

/**
 * Checks that the scratch disk a directory-format dump needs fits a Fargate task (at most 200 GiB), reported at
 * `path` (the dump's `largestTableGiB` as the user wrote it). Unresolved values are skipped.
 */
export function checkDumpScratchStorage(validator: Validator, path: string, dump: LogicalDumpPolicy | undefined): void {
  if (dump?.largestTableGiB === undefined || validator.isUnresolved(dump.largestTableGiB) || validator.isUnresolved(dump.jobs)) return;
  const resolved = resolveLogicalDump(dump);
  if (resolved.format !== 'directory') return;
  const needed = directoryDumpScratchGiB(resolved.jobs, dump.largestTableGiB);
  if (needed > MAX_DUMP_SCRATCH_GIB) {
    const most = Math.floor(((MAX_DUMP_SCRATCH_GIB * (1 - DIRECTORY_DUMP_FINISHED_FILES_SHARE)) / resolved.jobs) * 10) / 10;
    validator.report({
      path,
      value: dump.largestTableGiB,
      allowed: `at most ${most} GiB with ${resolved.jobs} job${resolved.jobs === 1 ? '' : 's'}`,
      reason: `a directory-format dump with ${resolved.jobs} job${resolved.jobs === 1 ? '' : 's'} needs ${needed} GiB of scratch disk ` +
        `(jobs × largest table / ${1 - DIRECTORY_DUMP_FINISHED_FILES_SHARE}) and a Fargate task has at most ${MAX_DUMP_SCRATCH_GIB} GiB; use fewer jobs or the custom format`,
    }, [dump.jobs, dump.format]);
  }
}
