import * as fs from 'node:fs';

/**
 * Bytes a running process and its children have written so far (`wchar` of Linux's `/proc/<pid>/io`), e.g. what
 * `pg_dump` and its `-j` workers wrote before compression; `undefined` where the kernel does not say (not Linux, the
 * process gone). Never lower than an earlier answer, since a worker that exits takes its count with it.
 */
export class ProcessWrittenBytes {
  private highest?: number;

  constructor(private readonly pid: number) {}

  /** The bytes written so far, when known. */
  public read(): number | undefined {
    const now = writtenByTree(this.pid);
    if (now !== undefined) this.highest = Math.max(this.highest ?? 0, now);
    return this.highest;
  }
}

function writtenByTree(pid: number): number | undefined {
  const own = writtenBy(pid);
  if (own === undefined) return undefined;
  return childrenOf(pid).reduce((sum, child) => sum + (writtenByTree(child) ?? 0), own);
}

function writtenBy(pid: number): number | undefined {
  try {
    const match = /^wchar:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
      .split(' ').filter((text) => text.trim() !== '').map(Number));
  } catch {
    return [];
  }
}
