import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ArchiveFollower, type FollowedToc } from '../../src/runner/archive-follower';
import { ArrivingArchiveRestore } from '../../src/runner/arriving-archive-restore';
import type { ArchiveTocItem } from '../../src/runner/custom-archive-format';
import { resolveConnection } from '../../src/runner/database-connection';
import { usePostgres } from '../support/postgres';

/**
 * The restore of an arriving archive schedules each index and constraint as pg_restore -j does: as soon as what it
 * depends on is restored (a table standing for its data), so they are built while other tables still load; never two
 * entries that lock the same table at once; and a failure among them stops the restore, naming what failed.
 */
describe('the restore of an arriving archive builds each table\'s indexes and constraints as soon as that table is in', () => {
  const pg = usePostgres();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-arriving-'));
  const archive = path.join(scratch, 'shop.pgdump');
  let toc: FollowedToc;
  const blocks = new Map<number, number>();
  let targets = 0;

  /** The data entry of a table. */
  const dataOf = (table: string) => toc.entries.find((entry) => entry.desc === 'TABLE DATA' && entry.tag === table)!.dumpId;

  /** Runs the restore into a new database; `arrive` is told each run's entries and says which blocks arrive next. */
  async function restore(
    jobs: number, first: readonly string[] | 'rest', arrive: (restored: readonly string[]) => readonly string[] | 'rest', copied?: Map<string, number>,
  ) {
    const database = `arriving_${targets++}`;
    await pg().createDatabase(database);
    const runs: Array<{ event: 'started' | 'finished'; entries: string[] }> = [];
    const log = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          const record = JSON.parse(line) as { msg: string; entries?: string[] };
          if (record.msg === 'pg_restore run started') runs.push({ event: 'started', entries: record.entries! });
          if (record.msg === 'pg_restore run finished') runs.push({ event: 'finished', entries: record.entries! });
        }
        done();
      },
    });
    const pending = new Set(blocks.keys());
    const restoring = new ArrivingArchiveRestore({
      pgRestore: path.join(pg().binDir, 'pg_restore'),
      archivePath: archive,
      toc,
      connection: resolveConnection({ url: pg().url(database), flag: '--target-url' }, {}),
      jobs,
      noOwner: true,
      noAcl: true,
      listDirectory: scratch,
      logger: pino({ level: 'debug' }, log),
      signal: new AbortController().signal,
      onRestored: (entries) => deliver(arrive(entries.map((entry) => `${entry.desc} ${entry.tag}`))),
      ...(copied ? { psql: path.join(pg().binDir, 'psql'), onCopied: (entry: ArchiveTocItem, rows: number) => copied.set(entry.tag, rows) } : {}),
    });
    const deliver = (tables: readonly string[] | 'rest') => {
      const ids = tables === 'rest' ? [...pending] : tables.map(dataOf);
      for (const id of ids) {
        pending.delete(id);
        restoring.blockArrived(id, blocks.get(id)!);
      }
      if (pending.size === 0) restoring.archiveEnded();
    };
    const run = restoring.run();
    deliver(first);
    await run;
    /** Where in the runs after the pre-data an entry (a table's data, or an index or constraint by its name) started and finished. */
    const at = (event: 'started' | 'finished', name: string) => runs.findIndex((r, index) => index > 1 && r.event === event
      && r.entries.some((line) => line.endsWith(` ${name}`) && (/ (CONSTRAINT|FK CONSTRAINT|INDEX) /.test(line) || line.includes(' TABLE DATA '))));
    return { database, runs, at };
  }

  beforeAll(async () => {
    await pg().createDatabase('arriving');
    await pg().query(`
      CREATE TABLE customers (id int PRIMARY KEY, name text);
      INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 20000) g;
      CREATE TABLE products (id int PRIMARY KEY, title text);
      INSERT INTO products SELECT g, 'product ' || g FROM generate_series(1, 50) g;
      CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, product_id int NOT NULL REFERENCES products);
      INSERT INTO orders SELECT g, 1 + g % 20000, 1 + g % 50 FROM generate_series(1, 300) g;
      CREATE INDEX orders_customer ON orders (customer_id);
      CREATE TABLE visits (at date NOT NULL, customer_id int NOT NULL REFERENCES customers) PARTITION BY RANGE (at);
      CREATE TABLE visits_2025 PARTITION OF visits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
      CREATE TABLE visits_2026 PARTITION OF visits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO visits SELECT date '2025-06-01' + g % 400, 1 + g % 20000 FROM generate_series(1, 400) g;
      CREATE INDEX visits_customer ON visits (customer_id);`, 'arriving');
    execFileSync(path.join(pg().binDir, 'pg_dump'), ['--format=custom', '--compress=0', '--file', archive, '--dbname', pg().url('arriving')]);
    const follower = new ArchiveFollower(archive, (dumpId, bytes) => blocks.set(dumpId, bytes));
    follower.finish();
    toc = (await follower.toc)!;
    await follower.ended;
  });
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  test('a table\'s primary key is built once its rows are in, before another table\'s block has arrived', async () => {
    // Only the customers arrive; the rest is told to arrive once the primary key of customers is restored.
    const { database, at } = await restore(2, ['customers'], (restored) => restored.includes('CONSTRAINT customers customers_pkey') ? 'rest' : []);
    expect(at('finished', 'customers_pkey')).toBeGreaterThan(at('finished', 'customers'));
    expect(at('started', 'orders')).toBeGreaterThan(at('finished', 'customers_pkey'));
    expect(await pg().query("SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'customers_pkey'", database)).toEqual([{ n: 1 }]);
  });

  test('a foreign key waits for the rows of both its tables and the referenced key; an index for its own table\'s rows only', async () => {
    const { database, at } = await restore(2, 'rest', () => []);
    // Here every block arrives at once, as from a file already downloaded.
    expect(at('started', 'orders_customer_id_fkey')).toBeGreaterThan(Math.max(at('finished', 'orders'), at('finished', 'customers'), at('finished', 'customers_pkey')));
    expect(at('started', 'orders_product_id_fkey')).toBeGreaterThan(Math.max(at('finished', 'orders'), at('finished', 'products_pkey')));
    expect(at('started', 'orders_customer')).toBeGreaterThan(at('finished', 'orders'));
    // A foreign key on the partitioned table is added to every partition: it waits for the rows of each.
    expect(at('started', 'visits_customer_id_fkey')).toBeGreaterThan(Math.max(at('finished', 'visits_2025'), at('finished', 'visits_2026')));
    const constraints = await pg().query(`
      SELECT conname, convalidated FROM pg_constraint WHERE contype IN ('p', 'f') AND connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'visits_%' ORDER BY conname`, database);
    expect(constraints).toEqual([
      { conname: 'customers_pkey', convalidated: true },
      { conname: 'orders_customer_id_fkey', convalidated: true },
      { conname: 'orders_pkey', convalidated: true },
      { conname: 'orders_product_id_fkey', convalidated: true },
      { conname: 'products_pkey', convalidated: true },
      { conname: 'visits_customer_id_fkey', convalidated: true },
    ]);
    expect(await pg().query("SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'visits_20%customer%' OR indexname = 'orders_customer'", database))
      .toEqual([{ n: 3 }]);
    expect(await pg().query('SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM visits)::int AS visits', database))
      .toEqual([{ customers: 20000, visits: 400 }]);
  });

  test('two entries that lock the same table never run at the same time', async () => {
    const { runs } = await restore(2, 'rest', () => []);
    // The foreign keys of orders both take a lock on orders: their runs do not overlap (or they share one run).
    const running = new Set<string>();
    const lockers = ['orders_customer_id_fkey', 'orders_product_id_fkey'];
    let overlapped = false;
    for (const run of runs) {
      const names = lockers.filter((name) => run.entries.some((line) => line.endsWith(` ${name}`)));
      if (run.event === 'started') {
        if (names.length > 0 && running.size > 0) overlapped = true;
        for (const name of names) running.add(name);
      } else {
        for (const name of names) running.delete(name);
      }
    }
    expect(lockers.every((name) => runs.some((run) => run.entries.some((line) => line.endsWith(` ${name}`))))).toBe(true);
    expect(overlapped).toBe(false);
  });

  test('a constraint that cannot be built stops the restore and names it', async () => {
    const database = `arriving_${targets}`;
    // A row the primary key of products refuses, put in after the table's data is loaded and before its key is built.
    const failing = restore(1, ['products'], (restored) => {
      if (restored.includes('TABLE DATA products')) {
        execFileSync(path.join(pg().binDir, 'psql'), ['--quiet', '--dbname', pg().url(database), '--command', 'INSERT INTO products VALUES (1, \'twice\')']);
      }
      return restored.includes('CONSTRAINT products products_pkey') ? 'rest' : [];
    });
    await expect(failing).rejects.toThrow(/could not create unique index "products_pkey"[\s\S]*Key \(id\)=\(1\) is duplicated/);
  });

  test('with psql, each table\'s rows are what its COPY inserted; a partition\'s data is loaded by pg_restore and not reported', async () => {
    const copied = new Map<string, number>();
    const { database, runs } = await restore(2, 'rest', () => [], copied);
    expect(Object.fromEntries(copied)).toEqual({ customers: 20000, products: 50, orders: 300 });
    expect(await pg().query(`
      SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM products)::int AS products,
             (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM visits)::int AS visits`, database))
      .toEqual([{ customers: 20000, products: 50, orders: 300, visits: 400 }]);
    // The partitions' rows were loaded all the same, by runs of pg_restore itself.
    expect(runs.some((run) => run.entries.some((line) => line.endsWith(' TABLE DATA public visits_2025')))).toBe(true);
  });

  test('a row the server refuses in a COPY run through psql stops the restore and names the table, as pg_restore would', async () => {
    const database = `arriving_${targets}`;
    // A constraint the rows of orders break, added once customers are loaded and before the other blocks arrive.
    const failing = restore(1, ['customers'], (restored) => {
      if (!restored.includes('TABLE DATA customers')) return [];
      execFileSync(path.join(pg().binDir, 'psql'), ['--quiet', '--dbname', pg().url(database), '--command', 'ALTER TABLE orders ADD CONSTRAINT few_orders CHECK (id < 10)']);
      return ['products', 'orders'];
    }, new Map());
    await expect(failing).rejects.toThrow(/COPY failed for table "orders": ERROR: .*violates check constraint "few_orders"/);
  });
});
