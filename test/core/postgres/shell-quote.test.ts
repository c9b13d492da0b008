import { execFileSync } from 'node:child_process';
import { escapePercent, shellJoin, shellQuote } from '../../../src/core/postgres/shell-quote';

/** What `sh` hands the program: each argument on its own line. */
function argumentsSeenByShell(commandLine: string): string[] {
  const out = execFileSync('sh', ['-c', `for a in ${commandLine}; do printf '%s\\n' "$a"; done`], { encoding: 'utf8' });
  return out.split('\n').slice(0, -1);
}

describe('shellQuote', () => {
  test.each([
    ['/var/lib/postgresql/15/main'],
    ['--stanza=main'],
    ['%p'],
    ['s3://bucket/prefix'],
  ])('leaves the plain word %s unquoted', (word) => {
    expect(shellQuote(word)).toBe(word);
  });

  test.each([
    ['a path with spaces', "'a path with spaces'"],
    ["it's", "'it'\\''s'"],
    ['*', "'*'"],
    ['', "''"],
    ['$HOME;rm -rf /', "'$HOME;rm -rf /'"],
  ])('quotes %j as %s', (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });

  test('delivers every word to the program unchanged, whatever it contains', () => {
    const words = ['plain', 'two words', "it's", '$(touch /tmp/never)', '`id`', 'back\\slash', '*', '"double"'];
    expect(argumentsSeenByShell(shellJoin(words))).toEqual(words);
  });
});

describe('escapePercent', () => {
  test('doubles every percent sign so PostgreSQL leaves it as a literal', () => {
    expect(escapePercent('/srv/100%/wal')).toBe('/srv/100%%/wal');
  });
});
