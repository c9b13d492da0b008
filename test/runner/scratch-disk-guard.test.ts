import { ScratchDiskGuard, type ScratchMeasure } from '../../src/runner/scratch-disk-guard';

const MiB = 1024 * 1024;
/** A dump's scratch disk of 64 MiB with a budget of a quarter of it, as the runner sets it. */
const options = { budgetBytes: 16 * MiB, floorMarginBytes: 4 * MiB };
const measure = (writtenMiB: number, unreadMiB: number, freeMiB: number, drained = false): ScratchMeasure => ({
  writtenBytes: writtenMiB * MiB, unreadBytes: unreadMiB * MiB, freeBytes: freeMiB * MiB, drained,
});

describe('the scratch disk guard of a directory-format dump', () => {
  test('lets pg_dump run while the disk has room and the runner keeps up', () => {
    const guard = new ScratchDiskGuard(options);
    expect([measure(1, 1, 63), measure(2, 1, 62), measure(3, 1, 61)].map((m) => guard.pauses(m, false))).toEqual([false, false, false]);
  });

  test('pauses pg_dump while it is more than the budget ahead of the runner, and lets it go on once half of that is read', () => {
    const guard = new ScratchDiskGuard(options);
    expect(guard.pauses(measure(17, 17, 47), false)).toBe(true);
    expect(guard.pauses(measure(17, 9, 50), true)).toBe(true);
    expect(guard.pauses(measure(17, 8, 55), true)).toBe(false);
  });

  test('the margin is twice the most pg_dump wrote between two checks: one late check makes every later pause come earlier', () => {
    const guard = new ScratchDiskGuard(options);
    expect(guard.marginBytes).toBe(4 * MiB);
    // A check 12 MiB after the one before: the runner was late once, and may be as late again.
    expect(guard.pauses(measure(12, 8, 40), false)).toBe(false);
    expect(guard.marginBytes).toBe(24 * MiB);
    // 23 MiB free would have been room enough for the floor alone; it is not for what pg_dump wrote unseen.
    expect(guard.pauses(measure(13, 8, 23), false)).toBe(true);
  });

  test('pg_dump stays paused until the margin and half the budget are free', () => {
    const guard = new ScratchDiskGuard(options);
    guard.pauses(measure(10, 5, 50), false);
    expect(guard.marginBytes).toBe(20 * MiB);
    expect(guard.pauses(measure(10, 2, 27), true)).toBe(true);
    expect(guard.pauses(measure(10, 0, 28), true)).toBe(false);
  });

  test('what pg_dump writes while the runner stops it counts toward the margin too', () => {
    const guard = new ScratchDiskGuard(options);
    expect(guard.pauses(measure(3, 1, 40), false)).toBe(false);
    expect(guard.pauses(measure(4, 18, 40), false)).toBe(true);
    expect(guard.pauses(measure(15, 15, 40), true)).toBe(true);
    expect(guard.marginBytes).toBe(22 * MiB);
  });

  test('a paused pg_dump goes on once the runner has read and freed all it can, even on a disk smaller than the margin', () => {
    const guard = new ScratchDiskGuard(options);
    guard.pauses(measure(30, 10, 20), false);
    expect(guard.marginBytes).toBe(60 * MiB);
    expect(guard.pauses(measure(30, 0, 30), true)).toBe(true);
    expect(guard.pauses(measure(30, 0, 30, true), true)).toBe(false);
  });
});
