import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from './support/in-process-cli';
import { runPgBackup } from './support/pg-backup-process';
import { COMMAND_TABLE, COMMANDS, type CommandName } from '../../src/runner/cli-commands';
import { COMMON_FLAGS } from '../../src/runner/cli-options';

const ROOT = path.resolve(__dirname, '..', '..');

describe('pg-backup help', () => {
  test.each([['--help'], ['-h'], ['help']])('%s lists every command and exits 0 with one result line', async (flag) => {
    const run = await cli([flag]);
    expect(run.exitCode).toBe(0);
    const lines = run.stdout.split('\n');
    for (const name of COMMANDS) expect(lines.filter((line) => line.startsWith(`  ${name} `) && line.endsWith(`  ${COMMAND_TABLE[name].summary}`))).toHaveLength(1);
    expect(run.results).toEqual([{ command: null, ok: true, help: true }]);
    expect(run.stdout.trimEnd().split('\n').pop()).toBe(JSON.stringify({ command: null, ok: true, help: true }));
  });

  test('the runner image\'s default command (CMD ["--help"]) exits 0 as a real process', async () => {
    const cmd = /^CMD (\[.*\])$/m.exec(fs.readFileSync(path.join(ROOT, 'runner-image', 'Dockerfile'), 'utf8'))![1];
    const run = await runPgBackup(JSON.parse(cmd));
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('Usage: pg-backup <command> [flags]');
    expect(run.result).toEqual({ command: null, ok: true, help: true });
  });

  test('--version prints the package version and puts it in the result line', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const run = await cli(['--version']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`postgres-backup-constructs@${version}`);
    expect(run.results).toEqual([{ command: null, ok: true, version: `postgres-backup-constructs@${version}` }]);
  });

  test.each(COMMANDS.map((name) => [name]))('%s --help shows only that command, each flag on one line with its description and an example', async (name) => {
    const run = await cli([name, '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.results).toEqual([{ command: name, ok: true, help: true }]);
    expect(run.stdout).toMatch(new RegExp(`^Usage: pg-backup ${name} `));
    for (const flag of [...COMMAND_TABLE[name].flags, ...COMMON_FLAGS]) {
      const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('  ') && candidate.includes(`--${flag.name}${flag.value ? ` ${flag.value}` : ''} `));
      expect(line).toBeDefined();
      expect(line).toContain(flag.description);
      expect(line).toContain(`Example: ${flag.example}`);
      if (flag.default !== undefined) expect(line).toContain(`Default: ${flag.default}.`);
    }
    // Only this command: no other command's usage line.
    for (const other of COMMANDS.filter((candidate) => candidate !== name)) expect(run.stdout).not.toContain(`pg-backup ${other} `);
  });

  test('help <command> is the same as <command> --help', async () => {
    expect((await cli(['help', 'restore'])).stdout).toBe((await cli(['restore', '--help'])).stdout);
  });

  test('dump --help shows the defaults the command applies', async () => {
    const { stdout } = await cli(['dump', '--help']);
    expect(stdout).toMatch(/^ {2}-j, --jobs N +parallel pg_dump jobs, 1 to 64 .*Default: 1\. Example: --jobs 4$/m);
    expect(stdout).toMatch(/^ {2}--format custom\|directory +pg_dump archive format\. Default: custom\. Example: --format directory$/m);
    expect(stdout).toMatch(/^ {2}--lock-wait-timeout DUR +.*Default: 300s\./m);
    expect(stdout).toMatch(/^ {2}-Z, --compress METHOD +.*Default: zstd:1\./m);
  });
});

describe('pg-backup usage errors', () => {
  test.each<[string, string[], RegExp]>([
    ['an unknown flag', ['dump', '--to', 'file:///tmp/x', '--frobnicate'], /^dump: unknown option '--frobnicate'$/],
    ['a misspelt flag, with a suggestion', ['list', '--frmo', 'file:///tmp/x'], /^list: unknown option '--frmo' \(Did you mean --from\?\)$/],
    ['a flag of another command', ['list', '--from', 'file:///tmp/x', '--target-url', 'postgres://h/db'], /^list: unknown option '--target-url'$/],
    ['a missing value at the end', ['dump', '--to'], /^dump: --to needs a value \(e\.g\. --to s3:\/\/backups\/nightly\)$/],
    ['a missing value before the next flag', ['verify', '--from', '--latest'], /^verify: --from needs a value \(e\.g\. --from s3:\/\/backups\/nightly\); it is followed by --latest$/],
    ['a missing value of a short flag', ['restore', '--from', 'file:///tmp/x', '-j'], /^restore: -j needs a value \(e\.g\. --jobs 4\)$/],
    ['a stray argument', ['list', '--from', 'file:///tmp/x', 'nightly'], /^list: too many arguments/],
    ['an unknown command', ['backup'], /^the command is "backup"; allowed: dump, verify, restore, list/],
    ['no command', [], /^no command given; allowed: dump, verify/],
    // Values only core's policy rules know to refuse, named by the flag rather than by the policy field they fill.
    ['an lz4 level out of range', ['dump', '--to', 'file:///tmp/x', '--compress', 'lz4:13'], /^dump: --compress is "lz4:13"; allowed: .*"lz4:1" to "lz4:12"/],
    ['a zstd level out of range', ['dump', '--to', 'file:///tmp/x', '--compress', 'zstd:30'], /^dump: --compress is "zstd:30"; allowed: "zstd:1" to "zstd:22"/],
    ['an unknown compression program', ['dump', '--to', 'file:///tmp/x', '--compress', 'brotli:3'], /^dump: --compress is "brotli:3"; allowed: /],
  ])('%s exits 2 with a result line naming it', async (_, argv, message) => {
    const run = await cli(argv);
    expect(run.exitCode).toBe(2);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ ok: false, exitCode: 2 });
    expect(run.results[0].error).toMatch(message);
  });

  test('a bad value names the flag, the value and the allowed range', async () => {
    const run = await cli(['dump', '--to', 'file:///tmp/x', '--jobs', '65', '--format', 'directory', '--row-counts', 'some']);
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toBe('dump: --jobs is 65; allowed: an integer from 1 to 64; --row-counts is "some"; allowed: one of: exact, estimate, off');
  });
});

describe('the command table', () => {
  test.each(COMMANDS.map((name) => [name]))('%s has no flag twice and no one-letter alias twice', (name: CommandName) => {
    const flags = [...COMMAND_TABLE[name].flags, ...COMMON_FLAGS];
    expect(new Set(flags.map((flag) => flag.name)).size).toBe(flags.length);
    const shorts = flags.flatMap((flag) => (flag.short ? [flag.short] : []));
    expect(new Set(shorts).size).toBe(shorts.length);
  });
});
