import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { usePostgres } from '../support/postgres';
import { seedShopDatabase } from './support/backup-fixtures';
import { runPgBackupInProcess } from './support/pg-backup-process';

describe('verify --amcheck', () => {
  const pg = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-amcheck-'));
  const uri = `file://${root}`;
  const env = () => ({ PG_BIN_DIR: pg().binDir });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('passes on a database with a partitioned index and counts only the B-tree indexes that have storage', async () => {
    await seedShopDatabase(pg(), 'events');
    await pg().query(`
      CREATE INDEX events_at ON sales.events (at);
      CREATE UNIQUE INDEX events_id_at ON sales.events (id, at);
      CREATE INDEX customers_name_hash ON customers USING hash (name);`, 'events');
    const [{ expected }] = await pg().query<{ expected: string }>(`
      SELECT count(*)::text AS expected FROM pg_class c JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'i' AND a.amname = 'btree' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`, 'events');
    const [{ partitioned }] = await pg().query<{ partitioned: string }>("SELECT count(*)::text AS partitioned FROM pg_class WHERE relkind = 'I'", 'events');
    expect(Number(partitioned)).toBe(2);
    expect(await runPgBackupInProcess(['dump', '--database-url', pg().url('events'), '--to', uri], env())).toMatchObject({ exitCode: 0 });

    const verify = await runPgBackupInProcess(['verify', '--from', uri, '--latest', '--database', 'events', '--target-url', pg().url(), '--amcheck'], env());
    expect(verify).toMatchObject({ exitCode: 0, result: { ok: true, indexesChecked: Number(expected) } });
    // Two primary keys and the two indexes on each of the two partitions.
    expect(Number(expected)).toBe(6);
  });
});
