import { cli } from './support/in-process-cli';
import { COMMAND_TABLE, COMMANDS } from '../../src/runner/cli-commands';
import { COMMON_FLAGS, formatDurationBound } from '../../src/runner/cli-options';

/** Every duration (`DUR`) and count (`N`) flag of every command, with the command that takes it. */
const RANGED_FLAGS = COMMANDS.flatMap((command) => [...COMMAND_TABLE[command].flags, ...COMMON_FLAGS]
  .filter((flag) => flag.value === 'DUR' || flag.value === 'N')
  .map((flag) => [command, flag.name, flag.value!] as const));

/** The error of a run of `pg-backup` that must be a usage error. */
async function usageError(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const run = await cli(argv, env);
  expect(run.exitCode).toBe(2);
  return run.results[0].error;
}

describe('a value out of range of a duration or count flag', () => {
  test.each(RANGED_FLAGS)('%s --%s: the flag, the value as written and the range in the flag\'s units', async (command, flag, kind) => {
    const value = kind === 'DUR' ? '9999d' : '99999';
    const quoted = kind === 'DUR' ? '"9999d"' : '99999';
    const range = kind === 'DUR' ? /a duration from \d+(ms|s|m|h|d) to \d+(ms|s|m|h|d), such as 30s/ : /an integer from \d+ to \d+/;
    const error = await usageError([command, `--${flag}`, value]);
    expect(error).toMatch(new RegExp(`--${flag} is ${quoted}; allowed: ${range.source}`));
  });

  test.each([
    [['status', '--from', 'file:///tmp', '--rpo', '0h'], 'status: --rpo is "0h"; allowed: a duration from 1s to 365d, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)'],
    [['status', '--from', 'file:///tmp', '--rpo', '-1h'], 'status: --rpo is "-1h"; allowed: a duration from 1s to 365d, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)'],
    [['status', '--from', 'file:///tmp', '--rpo', '366d'], 'status: --rpo is "366d"; allowed: a duration from 1s to 365d, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)'],
    [['prune', '--from', 'file:///tmp', '--rpo', '26h', '--grace', '10m'], 'prune: --grace is "10m"; allowed: a duration from 1h to 365d, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)'],
    [['list', '--from', 'file:///tmp', '--upload-concurrency', 'many'], 'list: --upload-concurrency is "many"; allowed: an integer from 1 to 64'],
    [['list', '--from', 'file:///tmp', '--upload-concurrency', '2.5'], 'list: --upload-concurrency is "2.5"; allowed: an integer from 1 to 64'],
  ])('%j says %s', async (argv, message) => {
    expect(await usageError(argv)).toBe(message);
  });

  test.each([
    [{ PG_BACKUP_PART_SIZE_MB: '4' }, 'list: PG_BACKUP_PART_SIZE_MB is 4; allowed: an integer from 5 to 5000'],
    [{ PG_BACKUP_PROGRESS_INTERVAL: '2h' }, 'list: PG_BACKUP_PROGRESS_INTERVAL is "2h"; allowed: a duration from 0s to 1h, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)'],
    [{ PG_BACKUP_METRICS: 'stdout' }, 'list: PG_BACKUP_METRICS is "stdout"; allowed: one of: stderr, off'],
  ])('a value from the environment (%j) is named by its variable, not by a flag the user never wrote', async (env, message) => {
    expect(await usageError(['list', '--from', 'file:///tmp'], env)).toBe(message);
  });

  test.each([[0, '0s'], [0.001, '1ms'], [1, '1s'], [90, '90s'], [3600, '1h'], [86_400, '24h'], [172_800, '2d'], [365 * 86_400, '365d']])('the bound %s seconds reads %s', (seconds, text) => {
    expect(formatDurationBound(seconds)).toBe(text);
  });
});
