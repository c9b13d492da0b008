import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { conditionalArchiveCommand, conditionalRestoreCommand } from '../../../src/core/postgres/archive-command';
import { ArchiveRepository } from '../../../src/core/postgres/archive-repository';

const S3: ArchiveRepository = { kind: 's3', bucket: 'orders-wal', region: 'eu-west-1', prefix: 'prod/orders' };
const AZURE: ArchiveRepository = { kind: 'azure', account: 'ordersbackup', container: 'wal', prefix: 'prod' };

/** Runs a command the way PostgreSQL does: `%p`, `%f` and `%%` replaced, then `sh -c` in the data directory. */
function runAsPostgres(command: string, cwd: string, walPath: string, walFile: string): boolean {
  const expanded = command.replace(/%([pf%])/g, (_m, c: string) => (c === 'p' ? walPath : c === 'f' ? walFile : '%'));
  try {
    execFileSync('sh', ['-c', expanded], { cwd, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('conditionalArchiveCommand', () => {
  test('copies to a directory only when the segment is not there yet', () => {
    expect(conditionalArchiveCommand({ kind: 'posix', path: '/srv/wal' })).toBe('test ! -f /srv/wal/wal/%f && cp %p /srv/wal/wal/%f');
  });

  test('quotes a directory with spaces and escapes its percent signs', () => {
    expect(conditionalArchiveCommand({ kind: 'posix', path: '/srv/100% wal' }))
      .toBe("test ! -f '/srv/100%% wal/wal/%f' && cp %p '/srv/100%% wal/wal/%f'");
  });

  test('puts to S3 with a conditional write', () => {
    expect(conditionalArchiveCommand(S3)).toBe(
      "aws s3api put-object --bucket orders-wal --key prod/orders/wal/%f --body %p --if-none-match '*' --region eu-west-1");
  });

  test('puts to an S3 endpoint with its KMS key and without TLS verification when asked', () => {
    const arn = 'arn:aws:kms:eu-west-1:123456789012:key/abcd';
    expect(conditionalArchiveCommand({ ...S3, prefix: undefined, kmsKeyArn: arn, endpoint: 'https://127.0.0.1:9000', verifyTls: false })).toBe(
      `aws s3api put-object --bucket orders-wal --key wal/%f --body %p --if-none-match '*' --server-side-encryption aws:kms --ssekms-key-id ${arn} `
      + '--region eu-west-1 --endpoint-url https://127.0.0.1:9000 --no-verify-ssl');
  });

  test('uploads to Azure with a conditional write', () => {
    expect(conditionalArchiveCommand(AZURE)).toBe(
      "az storage blob upload --account-name ordersbackup --container-name wal --name prod/wal/%f --file %p --if-none-match '*' "
      + '--auth-mode login --only-show-errors');
  });

  test('rejects an invalid repository', () => {
    expect(() => conditionalArchiveCommand({ kind: 'posix', path: 'wal' })).toThrow('repository.path is "wal"; allowed: an absolute path');
  });
});

describe('conditionalRestoreCommand', () => {
  test.each<[ArchiveRepository, string]>([
    [{ kind: 'posix', path: '/srv/wal' }, 'cp /srv/wal/wal/%f %p'],
    [S3, 'aws s3api get-object --bucket orders-wal --key prod/orders/wal/%f --region eu-west-1 %p'],
    [AZURE, 'az storage blob download --account-name ordersbackup --container-name wal --name prod/wal/%f --file %p --auth-mode login --only-show-errors'],
  ])('fetches from %j', (repo, command) => {
    expect(conditionalRestoreCommand(repo)).toBe(command);
  });
});

describe('the directory commands, run by sh as PostgreSQL runs them', () => {
  let root: string;
  const segment = '000000010000000000000001';
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-archive cmd-'));
    fs.mkdirSync(path.join(root, 'data', 'pg_wal'), { recursive: true });
    fs.mkdirSync(path.join(root, 'repo', 'wal'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'pg_wal', segment), 'first');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const repo = (): ArchiveRepository => ({ kind: 'posix', path: path.join(root, 'repo') });
  const archive = () => runAsPostgres(conditionalArchiveCommand(repo()), path.join(root, 'data'), `pg_wal/${segment}`, segment);

  test('archive a new segment', () => {
    expect(archive()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'repo', 'wal', segment), 'utf8')).toBe('first');
  });

  test('fail, keeping the archived copy, when the segment was archived before', () => {
    archive();
    fs.writeFileSync(path.join(root, 'data', 'pg_wal', segment), 'different');
    expect(archive()).toBe(false);
    expect(fs.readFileSync(path.join(root, 'repo', 'wal', segment), 'utf8')).toBe('first');
  });

  test('restore an archived segment to where PostgreSQL asks', () => {
    archive();
    const restored = runAsPostgres(conditionalRestoreCommand(repo()), path.join(root, 'data'), 'pg_wal/RECOVERYXLOG', segment);
    expect(restored).toBe(true);
    expect(fs.readFileSync(path.join(root, 'data', 'pg_wal', 'RECOVERYXLOG'), 'utf8')).toBe('first');
  });

  test('fail to restore a segment that was never archived', () => {
    expect(runAsPostgres(conditionalRestoreCommand(repo()), path.join(root, 'data'), 'pg_wal/RECOVERYXLOG', segment)).toBe(false);
  });
});
