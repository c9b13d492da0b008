import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AzureBlobBackupStore } from '../../src/runner/azure-blob-backup-store';
import { StoreConflictError, type BackupStore } from '../../src/runner/backup-store';
import { FileBackupStore } from '../../src/runner/file-backup-store';
import { S3BackupStore } from '../../src/runner/s3-backup-store';
import { useAzurite } from '../support/azurite';
import { useS3 } from '../support/s3';

const TUNING = { partSizeBytes: 5 * 1024 * 1024, concurrency: 2 };

describe('small writes to a backup store appear whole, once, and replace only what was read', () => {
  const s3 = useS3({ buckets: ['writes'] });
  const azure = useAzurite();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-writes-'));
  afterAll(() => fs.rmSync(directory, { recursive: true, force: true }));

  const stores: { kind: string; conditionalReplace: boolean; open: () => Promise<BackupStore> }[] = [
    { kind: 'file', conditionalReplace: true, open: async () => new FileBackupStore(directory) },
    {
      kind: 'azblob',
      conditionalReplace: true,
      open: async () => {
        await azure().createContainer('writes');
        return new AzureBlobBackupStore({ account: azure().account, container: 'writes', connectionString: azure().connectionString, tuning: TUNING });
      },
    },
    // s3rver ignores If-Match on PUT (AWS S3 enforces it); the runner's re-read-and-compare covers such stores.
    {
      kind: 's3',
      conditionalReplace: false,
      open: async () => {
        process.env.AWS_ACCESS_KEY_ID = s3().accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = s3().secretAccessKey;
        process.env.AWS_REGION = s3().region;
        return new S3BackupStore({ bucket: 'writes', endpoint: s3().endpoint, tuning: TUNING });
      },
    },
  ];

  describe.each(stores)('in $kind', ({ kind, conditionalReplace, open }) => {
    let store: BackupStore;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    test('a create-only write of an existing key is refused and leaves the object as it was', async () => {
      await store.putBytes(`${kind}/once`, Buffer.from('first'));
      await expect(store.putBytes(`${kind}/once`, Buffer.from('second'))).rejects.toThrow(StoreConflictError);
      expect((await store.getBytes(`${kind}/once`))?.toString()).toBe('first');
    });

    test('a replace names the version it read, and succeeds while that version is current', async () => {
      await store.putBytes(`${kind}/pointer`, Buffer.from('a'));
      const read = (await store.getVersioned(`${kind}/pointer`))!;
      await store.putBytes(`${kind}/pointer`, Buffer.from('b'), { replacing: read.version });
      expect((await store.getBytes(`${kind}/pointer`))?.toString()).toBe('b');
    });

    if (conditionalReplace) {
      test('a replace of a version that changed since it was read is refused', async () => {
        await store.putBytes(`${kind}/contended`, Buffer.from('a'));
        const stale = (await store.getVersioned(`${kind}/contended`))!;
        await store.putBytes(`${kind}/contended`, Buffer.from('b'), { replacing: stale.version });
        await expect(store.putBytes(`${kind}/contended`, Buffer.from('c'), { replacing: stale.version })).rejects.toThrow(StoreConflictError);
        expect((await store.getBytes(`${kind}/contended`))?.toString()).toBe('b');
      });
    } else {
      // This server ignores the condition: the reason latest is re-read and compared after every write
      // (latest-ordering.test.ts proves that in this store). Should the server start to honour it, this fails.
      test('the server ignores the condition, so a replace of a version that changed since it was read goes through', async () => {
        await store.putBytes(`${kind}/contended`, Buffer.from('a'));
        const stale = (await store.getVersioned(`${kind}/contended`))!;
        await store.putBytes(`${kind}/contended`, Buffer.from('b'), { replacing: stale.version });
        await store.putBytes(`${kind}/contended`, Buffer.from('c'), { replacing: stale.version });
        expect((await store.getBytes(`${kind}/contended`))?.toString()).toBe('c');
      });
    }
  });

  test('two replaces racing on one file pointer: exactly one wins', async () => {
    const store = new FileBackupStore(directory);
    await store.putBytes('race/pointer', Buffer.from('start'));
    const read = (await store.getVersioned('race/pointer'))!;
    const outcomes = await Promise.allSettled(['x', 'y', 'z'].map((value) => store.putBytes('race/pointer', Buffer.from(value), { replacing: read.version })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason))
      .toEqual([expect.any(StoreConflictError), expect.any(StoreConflictError)]);
    expect(fs.readdirSync(path.join(directory, 'race'))).toEqual(['pointer']);
  });
});
