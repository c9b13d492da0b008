/**
 * Characters a POSIX shell never treats specially inside a word, so a word made only of them
 * needs no quoting. `%` is here because PostgreSQL, not the shell, expands `%p` and `%f`.
 */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes one word for a POSIX shell (`sh -c`), so it reaches the program as exactly one argument
 * whatever it contains. Words that need no quoting are returned as they are, which keeps rendered
 * commands readable: `shellQuote('/var/lib/wal')` is `/var/lib/wal`, `shellQuote("it's")` is `'it'\''s'`.
 */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, "'\\''")}'`;
}

/** Joins an argv into one shell command line, quoting each word with {@link shellQuote}. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Escapes `%` as `%%` in text that goes into `archive_command` or `restore_command`, where PostgreSQL
 * replaces `%p`, `%f`, `%r` and `%%` before the shell runs: a user's path must never turn into one of them.
 */
export function escapePercent(text: string): string {
  return text.replace(/%/g, '%%');
}
