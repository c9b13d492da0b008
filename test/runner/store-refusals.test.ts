import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useAzurite } from '../support/azurite';
import { usePostgres } from '../support/postgres';
import { useS3 } from '../support/s3';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackup, type PgBackupRun } from './support/pg-backup-process';

/**
 * The tests run as root, whom file modes do not stop: the runner runs as root without the capabilities that override
 * them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so a directory's mode refuses it as it would refuse any other user.
 */
const WITHOUT_FILE_OVERRIDE = ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search'];

/** The metric prefix of each command that has success and failure metrics. */
const FAILURE_METRIC: Record<string, string | undefined> = {
  dump: 'Backup', verify: 'Verify', restore: 'Restore', prune: 'Prune', list: 'List', status: 'Status',
};

/** A failed run: exit 1, one result line, the failure metric of commands that have one, and the message. */
function expectRefused(run: PgBackupRun, command: string, message: RegExp): void {
  expect(run.exitCode).toBe(1);
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  expect(run.result).toMatchObject({ command, ok: false });
  const metric = FAILURE_METRIC[command];
  if (metric) expect(run.result.metrics).toMatchObject({ [`${metric}Failed`]: 1 });
  expect(run.result.error).toMatch(message);
}

describe('a store that refuses the runner says which store, what it refused and why', () => {
  const pg = usePostgres();
  const s3 = useS3({ buckets: ['refusing-backups'] });
  const azure = useAzurite();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-refusals-'));
  const nowhere = 'postgres://postgres@127.0.0.1:9/postgres';

  /** Every command that reads a location, with the flags it needs besides --from. */
  const readers = (target: string): Array<[string, string[]]> => [
    ['verify', ['--latest', '--target-url', target]],
    ['restore', ['--latest', '--target-url', target]],
    ['list', []],
    ['status', ['--rpo', '1d']],
    ['prune', ['--rpo', '1d']],
  ];

  beforeAll(async () => {
    await seedShopDatabase(pg(), 'shop');
    await azure().createContainer('refusing');
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  describe('a directory', () => {
    const store = path.join(work, 'files');
    const uri = `file://${store}`;
    const shop = path.join(store, 'shop');
    let backupId: string;
    const state = () => ({ entries: fs.readdirSync(shop).sort(), latest: fs.readFileSync(path.join(shop, 'latest'), 'utf8') });
    const run = (args: string[]) => runPgBackup(args, { PG_BIN_DIR: pg().binDir }, { through: WITHOUT_FILE_OVERRIDE });

    beforeAll(async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], { PG_BIN_DIR: pg().binDir });
      expect(dump.exitCode).toBe(0);
      backupId = dump.result.backupId;
    });
    afterEach(() => {
      for (const entry of [store, shop, path.join(shop, backupId)]) fs.chmodSync(entry, 0o755);
      for (const file of fs.readdirSync(path.join(shop, backupId))) fs.chmodSync(path.join(shop, backupId, file), 0o644);
    });

    test('the runner without its override still reads and writes a directory whose modes allow it', async () => {
      const list = await run(['list', '--from', uri]);
      expect(list).toMatchObject({ exitCode: 0, result: { ok: true, count: 1 } });
    });

    test('that may not be written: dump fails naming the directory, the write and the reason, and changes nothing', async () => {
      fs.chmodSync(shop, 0o555);
      const before = state();
      const dump = await run(['dump', '--database-url', pg().url('shop'), '--to', uri]);
      expectRefused(dump, 'dump', new RegExp(`^the directory file://${store} refused writing ${shop}/\\S+: EACCES: the runner's user \\(uid 0\\) may not do this there: `
        + 'check the owner and mode of the directories \\(EACCES: permission denied, .*\\)'));
      expect(dump.result.error).toMatch(/\(no manifest was written and latest is unchanged\)$/);
      expect(state()).toEqual(before);
    });

    test.each(readers('postgres://postgres@127.0.0.1:9/shop_restored'))('that may not be listed: %s fails naming the listing refused', async (command, flags) => {
      fs.chmodSync(shop, 0o000);
      const result = await run([command, '--from', uri, ...flags]);
      expectRefused(result, command, new RegExp(`the directory file://${store} refused listing ${shop}: EACCES: .*permission denied, scandir`));
    });

    test.each(readers(nowhere))('whose manifest may not be read: %s fails naming the read refused, not a broken or missing backup', async (command, flags) => {
      fs.chmodSync(path.join(shop, backupId, 'manifest.json'), 0o000);
      const result = await run([command, '--from', uri, ...flags]);
      expectRefused(result, command, new RegExp(`the directory file://${store} refused reading ${shop}/${backupId}/manifest\\.json: EACCES`));
      expect(result.result.error).not.toMatch(/broken|does not exist|no complete backup/);
    });

    test.each(['verify', 'restore'])('whose dump object may not be read: %s fails naming the object, not a missing one', async (command) => {
      const target = await pg().createDatabase(`shop_${command}_refused`);
      for (const file of fs.readdirSync(path.join(shop, backupId)).filter((name) => name.startsWith('dump'))) fs.chmodSync(path.join(shop, backupId, file), 0o000);
      const result = await run([command, '--from', uri, '--backup', backupId, '--target-url', pg().url(target)]);
      expectRefused(result, command, new RegExp(`the directory file://${store} refused reading ${shop}/${backupId}/dump\\S*: EACCES`));
      expect(result.result.error).not.toMatch(/does not exist/);
      expect(await pg().query("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
    });
  });

  // s3rver checks the access key but not a SigV4 signature, so a wrong secret key cannot be refused by it here.
  const objectStores = [
    {
      kind: 's3 with an unknown access key',
      uri: 's3://refusing-backups/nightly',
      good: () => s3().env,
      bad: () => ({ ...s3().env, AWS_ACCESS_KEY_ID: 'NOSUCHKEY' }),
      endpoint: () => s3().endpoint,
      refusal: /InvalidAccessKeyId \(HTTP 403\): .+ \(the store knows no such access key: check AWS_ACCESS_KEY_ID\)/,
    },
    {
      kind: 'azblob with a wrong account key',
      uri: 'azblob://devstoreaccount1/refusing/nightly',
      good: () => azure().env,
      bad: () => ({ AZURE_STORAGE_CONNECTION_STRING: azure().connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from('not the key').toString('base64')}`) }),
      endpoint: () => azure().blobEndpoint,
      refusal: /(AuthenticationFailed|AuthorizationFailure) \(HTTP 403\): Server failed to authenticate the request\..* \(the account key \(or SAS\) is not accepted: check the key in AZURE_STORAGE_CONNECTION_STRING\)/,
    },
  ];

  describe.each(objectStores)('$kind', ({ uri, good, bad, endpoint, refusal }) => {
    let backups: string[];
    const listed = async () => {
      const list = await runPgBackup(['list', '--from', uri], good());
      expect(list.exitCode).toBe(0);
      return { backups: list.result.backups.map((backup: { backupId: string }) => backup.backupId), broken: list.result.brokenCount };
    };

    beforeAll(async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], { PG_BIN_DIR: pg().binDir, ...good() });
      expect(dump.exitCode).toBe(0);
      backups = (await listed()).backups;
    });

    test('dump fails naming the store, the read of latest it refused and its reason, and writes nothing', async () => {
      const dump = await runPgBackup(['dump', '--database-url', pg().url('shop'), '--to', uri], { PG_BIN_DIR: pg().binDir, ...bad() });
      const escaped = endpoint().replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      expectRefused(dump, 'dump', new RegExp(`^the object store at ${escaped} refused reading \\S+/shop/latest: ${refusal.source}`));
      expect(await listed()).toEqual({ backups, broken: 0 });
    });

    test.each(readers(nowhere))('%s fails naming the store, what it refused and its reason', async (command, flags) => {
      const run = await runPgBackup([command, '--from', uri, ...flags], { PG_BIN_DIR: pg().binDir, ...bad() });
      expectRefused(run, command, new RegExp(`the object store at \\S+ refused (listing|reading) \\S+: ${refusal.source}`));
      expect(await listed()).toEqual({ backups, broken: 0 });
    });
  });
});
