import { PassThrough, type Readable } from 'node:stream';
import type { BackupLayout } from './backup-layout';
import { formatBackupLocation, type BackupLocation } from './backup-location';
import type { BackupStore, PutStreamOptions } from './backup-store';
import { whenAborted } from './operation-abort';
import { RunnerError, errorMessage } from './runner-error';

/** One place a dump is written to (`--to`): its location, its store and the layout of its keys. */
export interface DumpDestination {
  /** Where, as the user wrote it. */
  readonly location: BackupLocation;
  /** Its store. */
  readonly store: BackupStore;
  /** The keys of its backups. */
  readonly layout: BackupLayout;
}

/**
 * The objects of one backup on their way to every destination at once: each object is read once (from pg_dump,
 * the compressor or a scratch file) and its bytes are handed to every destination still in the run. The slowest
 * destination sets the pace (backpressure: a full upload buffer pauses the source), and one whose write fails is
 * dropped (its store discards the partial object) so it cannot hold the others back; the others go on. When no
 * destination is left, the write fails with the first destination's error.
 */
export class DumpFanOut {
  private readonly dropped = new Map<DumpDestination, unknown>();

  /**
   * @param destinations every `--to`, in the order given
   * @param keyOf the key of an object of this backup (its name within the backup, e.g. `dump.pgdump.zst`) in a destination
   * @param onDrop hears each destination dropped, with why
   */
  constructor(
    public readonly destinations: readonly DumpDestination[],
    private readonly keyOf: (destination: DumpDestination, name: string) => string,
    private readonly onDrop: (destination: DumpDestination, error: unknown) => void = () => undefined,
  ) {}

  /** The destinations still in the run. */
  public get live(): DumpDestination[] {
    return this.destinations.filter((destination) => !this.dropped.has(destination));
  }

  /** Why a destination was dropped, if it was. */
  public failureOf(destination: DumpDestination): unknown {
    return this.dropped.get(destination);
  }

  /** Drops a destination from the run (its write failed); the first reason is kept. */
  public drop(destination: DumpDestination, error: unknown): void {
    if (this.dropped.has(destination)) return;
    this.dropped.set(destination, error);
    if (this.destinations.length > 1) this.onDrop(destination, error);
  }

  /** Fails when no destination is left: with the error of the only one, or with every destination's. */
  public throwIfNoneLeft(): void {
    if (this.live.length > 0) return;
    if (this.destinations.length === 1) throw this.dropped.get(this.destinations[0]);
    throw new RunnerError(`every destination failed: ${this.destinations.map((destination) =>
      `${describeDestination(destination)}: ${errorMessage(this.dropped.get(destination))}`).join('; ')}`, { cause: this.dropped.get(this.destinations[0]) });
  }

  /**
   * Streams `body` into the object `name` of this backup at every live destination, and resolves once each has
   * stored it or been dropped; fails only when every destination has failed.
   */
  public async putStream(name: string, body: Readable, options: PutStreamOptions = {}): Promise<void> {
    const live = this.live;
    this.throwIfNoneLeft();
    if (live.length === 1) {
      // One destination: the body goes to it as it is, with nothing in between.
      const [only] = live;
      try {
        await only.store.putStream(this.keyOf(only, name), body, options);
      } catch (error) {
        this.drop(only, error);
        throw error;
      }
      return;
    }
    const branches = live.map((destination) => ({ destination, branch: new PassThrough(), aborter: new AbortController() }));
    const abortBranches = () => branches.forEach(({ aborter }) => aborter.abort(options.signal!.reason));
    const stopWatching = options.signal ? whenAborted(options.signal, abortBranches) : () => undefined;
    // A source that fails reaches every destination, which then discards its partial object.
    const onSourceError = (error: Error) => branches.forEach(({ branch }) => branch.destroy(error));
    body.once('error', onSourceError);
    const writes = branches.map(async ({ destination, branch, aborter }) => {
      body.pipe(branch);
      try {
        await destination.store.putStream(this.keyOf(destination, name), branch, { ...options, signal: aborter.signal });
      } catch (error) {
        // Unpiped, the source stops waiting for this branch to drain; destroyed, it holds nothing more.
        body.unpipe(branch);
        branch.destroy();
        this.drop(destination, error);
      }
    });
    try {
      await Promise.all(writes);
    } finally {
      stopWatching();
      body.off('error', onSourceError);
    }
    this.throwIfNoneLeft();
  }

  /** Runs `step` for every live destination at once; a destination whose step fails is dropped. */
  public async forEachLive(step: (destination: DumpDestination) => Promise<void>): Promise<void> {
    await Promise.all(this.live.map(async (destination) => {
      try {
        await step(destination);
      } catch (error) {
        this.drop(destination, error);
      }
    }));
  }
}

/** How a destination is named in messages and results: its location as `--to` takes it. */
export function describeDestination(destination: DumpDestination): string {
  return formatBackupLocation(destination.location);
}
