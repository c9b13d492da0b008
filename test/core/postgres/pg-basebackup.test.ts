import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { formatValue } from '../../../src/core/policy/validation';
import { PgBaseBackupOptions, pgBaseBackupArgv } from '../../../src/core/postgres/pg-basebackup';
import { usePostgres } from '../../support/postgres';

const run = promisify(execFile);

describe('pgBaseBackupArgv', () => {
  test('takes a compressed tar backup with streamed WAL and a fast checkpoint by default', () => {
    expect(pgBaseBackupArgv({ targetDirectory: '/backups/base' })).toEqual([
      'pg_basebackup', '-D', '/backups/base', '-Ft', '-z', '-Xs', '-P', '--checkpoint=fast', '--label=pg_basebackup base backup', '--no-password',
    ]);
  });

  test('passes the label, connection and binary directory as separate arguments', () => {
    expect(pgBaseBackupArgv({
      targetDirectory: '/backups/base 1',
      label: "weekly; it's fine",
      host: '/run/postgresql',
      port: 5433,
      user: 'replicator',
      compress: false,
      progress: false,
      checkpoint: 'spread',
      binDir: '/usr/lib/postgresql/15/bin',
    })).toEqual([
      '/usr/lib/postgresql/15/bin/pg_basebackup', '-D', '/backups/base 1', '-Ft', '-Xs', '--checkpoint=spread', "--label=weekly; it's fine",
      '--host', '/run/postgresql', '--port', '5433', '--username', 'replicator', '--no-password',
    ]);
  });

  test.each<[string, Partial<PgBaseBackupOptions>, string, unknown, string]>([
    ['a relative target', { targetDirectory: 'base' }, 'targetDirectory', 'base',
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['no target', { targetDirectory: undefined }, 'targetDirectory', undefined,
      'an absolute path other than "/", not ending in "/", without "..", "." or empty segments or line breaks'],
    ['a two-line label', { label: 'a\nb' }, 'label', 'a\nb', '1-1023 characters on one line'],
    ['an empty label', { label: '' }, 'label', '', '1-1023 characters on one line'],
    ['an unknown checkpoint', { checkpoint: 'slow' as 'fast' }, 'checkpoint', 'slow', 'one of: fast, spread'],
    ['a port out of range', { port: 65536 }, 'port', 65536, 'an integer from 1 to 65535'],
  ])('rejects %s, naming the path, the value and what is allowed', (_name, change, field, value, allowed) => {
    expect(() => pgBaseBackupArgv({ targetDirectory: '/backups/base', ...change })).toThrow(`${field} is ${formatValue(value)}; allowed: ${allowed}`);
  });
});

describe('the argv, run by the real pg_basebackup against a throwaway cluster', () => {
  const pg = usePostgres();

  test('writes a compressed base tar and the streamed WAL tar', async () => {
    const target = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-basebackup-')), 'base');
    try {
      const [command, ...args] = pgBaseBackupArgv({
        targetDirectory: target, host: pg().socketDir, port: pg().port, user: 'postgres', binDir: pg().binDir, label: 'spec backup',
      });
      await run(command, args, { timeout: 60_000 });
      expect(fs.readdirSync(target).sort()).toEqual(['backup_manifest', 'base.tar.gz', 'pg_wal.tar.gz']);
    } finally {
      fs.rmSync(path.dirname(target), { recursive: true, force: true });
    }
  });
});
