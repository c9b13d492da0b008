/** What the runner measured of a directory-format dump and its scratch disk at one check. */
export interface ScratchMeasure {
  /** Bytes pg_dump has written into the dump directory so far, in all (files read and deleted included). */
  readonly writtenBytes: number;
  /** Bytes pg_dump has written that the runner has not read yet. */
  readonly unreadBytes: number;
  /** Bytes the scratch disk has free. */
  readonly freeBytes: number;
  /**
   * Whether the runner has read and freed on disk all that it can: pausing longer would free nothing more.
   */
  readonly drained: boolean;
}

/** How pg_dump is held back. */
export interface ScratchDiskGuardOptions {
  /** Bytes pg_dump may have written ahead of the runner's reading before it is paused (a store slower than pg_dump). */
  readonly budgetBytes: number;
  /**
   * The least free space kept for what pg_dump writes before the runner's next check, until a check has seen more
   * written between two checks.
   */
  readonly floorMarginBytes: number;
}

/**
 * Decides, at each check of a directory-format dump, whether pg_dump must be paused or may go on. pg_dump writes
 * between two checks whatever the runner does, as fast as it is scheduled; so it is paused not when the disk is full
 * but while the free space is less than twice the most it has written between two checks so far (at least the floor),
 * a margin that grows as soon as a loaded machine makes the runner's checks come later. It is also paused while the
 * runner's reading falls behind by more than the budget. It goes on once half the budget is read and the margin plus
 * half the budget is free, or once the runner has read and freed all it can (a disk smaller than the margin: pausing
 * longer would free nothing, and a write the disk refuses then fails the dump naming the disk).
 */
export class ScratchDiskGuard {
  /** The most pg_dump wrote between two checks. */
  public largestStrideBytes = 0;
  private lastWrittenBytes = 0;

  constructor(private readonly options: ScratchDiskGuardOptions) {}

  /** The free space pg_dump must leave on the disk to run on. */
  public get marginBytes(): number {
    return Math.max(this.options.floorMarginBytes, 2 * this.largestStrideBytes);
  }

  /** Whether pg_dump is to be paused after this check, given whether it is paused now. */
  public pauses(measure: ScratchMeasure, paused: boolean): boolean {
    // What it wrote after the last check, even if it was being stopped meanwhile, is what a check can come too late for.
    this.largestStrideBytes = Math.max(this.largestStrideBytes, measure.writtenBytes - this.lastWrittenBytes);
    this.lastWrittenBytes = Math.max(this.lastWrittenBytes, measure.writtenBytes);
    const { budgetBytes } = this.options;
    const margin = this.marginBytes;
    if (!paused) return measure.unreadBytes > budgetBytes || measure.freeBytes < margin;
    if (measure.drained) return false;
    return measure.unreadBytes > budgetBytes / 2 || measure.freeBytes < margin + budgetBytes / 2;
  }
}
