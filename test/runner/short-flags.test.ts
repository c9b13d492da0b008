import { cli } from './support/in-process-cli';
import { COMMAND_TABLE, COMMANDS, flagSpellings } from '../../src/runner/cli-commands';
import { COMMON_FLAGS } from '../../src/runner/cli-options';

/** Every flag with a one-letter alias, with the command that takes it. */
const SHORT_FLAGS = COMMANDS.flatMap((command) => [...COMMAND_TABLE[command].flags, ...COMMON_FLAGS]
  .filter((flag) => flag.short !== undefined)
  .map((flag) => [command, flag.short!, flag.name, flag.value !== undefined] as const));

/** A server nobody listens on: a run that got past its flags would fail differently. */
const NOWHERE = 'postgres://postgres@127.0.0.1:9/shop';

/** What each command needs besides the flag under test, so the flag is the only problem. */
const REQUIRED: Record<string, string[]> = {
  dump: ['--to', 'file:///tmp/pgbc-short-flags-never', '--database-url', NOWHERE],
  verify: ['--from', 'file:///tmp/pgbc-short-flags-never', '--target-url', NOWHERE],
  restore: ['--from', 'file:///tmp/pgbc-short-flags-never', '--target-url', NOWHERE],
};

async function usageError(argv: string[]): Promise<string> {
  const run = await cli(argv);
  expect(run.exitCode).toBe(2);
  expect(run.results).toHaveLength(1);
  expect(run.results[0]).toMatchObject({ ok: false, exitCode: 2 });
  return run.results[0].error;
}

describe('a problem with a flag typed by its letter names the letter, as the user typed it', () => {
  test('there are short flags to check, in dump, verify and restore', () => {
    expect(new Set(SHORT_FLAGS.map(([command]) => command))).toEqual(new Set(['dump', 'verify', 'restore']));
  });

  test.each(SHORT_FLAGS)('%s -%s is read as typed (-%s) whether alone, with its value attached or among switches', (command, short, name, takesValue) => {
    const flags = [...COMMAND_TABLE[command].flags, ...COMMON_FLAGS];
    expect(flagSpellings([`-${short}`, ...(takesValue ? ['1'] : [])], flags)).toEqual({ [name]: `-${short}` });
    if (takesValue) expect(flagSpellings([`-${short}1`], flags)).toEqual({ [name]: `-${short}` });
    expect(flagSpellings([`--${name}`, ...(takesValue ? ['1'] : [])], flags)).toEqual({ [name]: `--${name}` });
    // The last spelling wins, as the last value does.
    expect(flagSpellings([`--${name}`, ...(takesValue ? ['1'] : []), `-${short}`, ...(takesValue ? ['2'] : [])], flags)).toEqual({ [name]: `-${short}` });
  });

  test('a value that looks like a flag is not taken for one', () => {
    const flags = [...COMMAND_TABLE.dump.flags, ...COMMON_FLAGS];
    expect(flagSpellings(['--table', '-s', '-j', '2'], flags)).toEqual({ table: '--table', jobs: '-j' });
    expect(flagSpellings(['-sOx', '-t', '-a'], flags)).toEqual({ 'schema-only': '-s', 'no-owner': '-O', 'no-acl': '-x', 'table': '-t' });
  });

  test.each([
    ['dump', ['-j', '0'], 'dump: -j is 0; allowed: an integer from 1 to 64'],
    ['dump', ['-j0'], 'dump: -j is 0; allowed: an integer from 1 to 64'],
    ['dump', ['--jobs', '0'], 'dump: --jobs is 0; allowed: an integer from 1 to 64'],
    ['verify', ['-j', '65'], 'verify: -j is 65; allowed: an integer from 1 to 64'],
    ['restore', ['-j', 'many'], 'restore: -j is "many"; allowed: an integer from 1 to 64'],
  ])('%s %j says %s', async (command, flags, message) => {
    expect(await usageError([command, ...REQUIRED[command], ...flags])).toBe(message);
  });

  test.each([
    ['jobs', ['-j', '2'], /dump: -j is 2; allowed: 1 with --format custom \(parallel dumps need --format directory\)/],
    ['compress', ['-Z', 'zstd:99'], /dump: -Z is "zstd:99"/],
    ['table', ['-t', ''], /dump: -t/],
    ['exclude-table', ['-T', ''], /dump: -T/],
    ['schema', ['-n', ''], /dump: -n/],
    ['exclude-schema', ['-N', ''], /dump: -N/],
    ['data-only', ['-s', '-a'], /dump: -a is true; allowed: not with -s \(they exclude each other\)/],
    ['recipient', ['-r', 'age1notakey'], /dump: -r is "age1notakey"; allowed: an age public key/],
  ])('dump --%s typed as %j: the problem names the letter, never the long name the user did not type', async (long, flags, message) => {
    const error = await usageError(['dump', ...REQUIRED.dump, ...flags]);
    expect(error).toMatch(message);
    expect(error).not.toMatch(new RegExp(`--${long}\\b`));
  });

  test.each([
    ['restore', ['-t', ''], /restore: -t/],
    ['dump', ['-j'], /^dump: -j needs a value \(e\.g\. --jobs 4\)$/],
    ['dump', ['-j', '--format', 'directory'], /^dump: -j needs a value \(e\.g\. --jobs 4\); it is followed by --format$/],
    ['verify', ['-j'], /^verify: -j needs a value/],
    ['restore', ['-t'], /^restore: -t needs a value/],
  ])('%s %j says %s', async (command, flags, message) => {
    expect(await usageError([command, ...REQUIRED[command], ...flags])).toMatch(message);
  });
});
