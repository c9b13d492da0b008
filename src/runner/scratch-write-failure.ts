/**
 * How a program (its strerror) or Node (its error code) says that a local disk refused a write, and the words an
 * operator reads for it whichever of them said it first.
 */
const LOCAL_WRITE_FAILURES: readonly { readonly said: RegExp; readonly reason: string }[] = [
  { said: /no space left on device|ENOSPC/i, reason: 'No space left on device' },
  { said: /disk quota exceeded|EDQUOT/i, reason: 'Disk quota exceeded' },
  { said: /read-only file system|EROFS/i, reason: 'Read-only file system' },
  // lz4 names no reason for a failed write of its output; only the local disk can refuse it.
  { said: /write error : cannot write decoded block/i, reason: 'lz4 could not write its output (it does not say why; a full disk is the usual cause)' },
];

/**
 * Why a local disk refused a write, in an operator's words, when `message` (Node's, or a program's: pg_dump,
 * a decompressor) says that it did; `undefined` for any other failure.
 */
export function localWriteFailureReason(message: string): string | undefined {
  return LOCAL_WRITE_FAILURES.find(({ said }) => said.test(message))?.reason;
}
