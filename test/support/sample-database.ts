import type { PostgresCluster } from './postgres';

/**
 * A small public-style sample database, generated here (no download, nobody else's data): two schemas, domains, an
 * enum, a table partitioned by range whose 2025 partition is partitioned again by list, with a partitioned index, a
 * generated column, jsonb, arrays, an identity column, a sequence with unusual bounds and a cycle, a table without a
 * primary key (with duplicate rows), triggers and their functions, views, a materialized view, large objects
 * referenced from a table, and comments. A few hundred rows: a round trip takes seconds.
 */
export const SAMPLE_DATABASE_SQL = `
CREATE SCHEMA store;
CREATE SCHEMA ops;
COMMENT ON SCHEMA store IS 'what the shop sells and to whom';

CREATE DOMAIN store.email AS text CHECK (VALUE ~ '^[^@ ]+@[^@ ]+$');
CREATE DOMAIN store.money_amount AS numeric(12, 2) CHECK (VALUE >= 0);
CREATE TYPE store.order_status AS ENUM ('placed', 'paid', 'shipped', 'returned');

CREATE TABLE store.customers (
  id int GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 3) PRIMARY KEY,
  email store.email NOT NULL UNIQUE,
  name text NOT NULL,
  profile jsonb NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT '2026-01-01 00:00:00+00'
);
COMMENT ON TABLE store.customers IS 'people who ordered at least once';
COMMENT ON COLUMN store.customers.profile IS 'free-form: {"tier": …, "newsletter": …}';

CREATE TABLE store.orders (
  id bigint NOT NULL,
  customer_id int NOT NULL REFERENCES store.customers (id),
  region text NOT NULL,
  ordered_at date NOT NULL,
  status store.order_status NOT NULL,
  quantity int NOT NULL,
  unit_price store.money_amount NOT NULL,
  total numeric GENERATED ALWAYS AS (quantity * unit_price) STORED,
  PRIMARY KEY (id, ordered_at, region)
) PARTITION BY RANGE (ordered_at);
CREATE TABLE store.orders_2025 PARTITION OF store.orders FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (region);
CREATE TABLE store.orders_2025_eu PARTITION OF store.orders_2025 FOR VALUES IN ('eu');
CREATE TABLE store.orders_2025_other PARTITION OF store.orders_2025 DEFAULT;
CREATE TABLE store.orders_2026 PARTITION OF store.orders FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX orders_customer ON store.orders (customer_id, ordered_at);

CREATE TABLE store.documents (id int PRIMARY KEY, title text NOT NULL, body oid NOT NULL);

CREATE SEQUENCE ops.ticket_numbers AS bigint INCREMENT BY -7 MINVALUE -1000 MAXVALUE 50 START WITH 40 CYCLE;
CREATE TABLE ops.audit_log (at timestamptz NOT NULL, actor text, action text NOT NULL, detail jsonb, matrix int[][]);
COMMENT ON TABLE ops.audit_log IS 'append-only, no key: the same event may be recorded twice';
CREATE TABLE ops.tickets (number bigint PRIMARY KEY DEFAULT nextval('ops.ticket_numbers'), subject text NOT NULL);

CREATE FUNCTION store.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER customers_touch BEFORE UPDATE ON store.customers FOR EACH ROW EXECUTE FUNCTION store.touch_updated_at();
CREATE FUNCTION ops.record_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ops.audit_log (at, actor, action, detail) VALUES ('2026-01-01', current_user, 'order', jsonb_build_object('id', NEW.id));
  RETURN NEW;
END $$;
CREATE TRIGGER orders_audit AFTER INSERT ON store.orders FOR EACH ROW EXECUTE FUNCTION ops.record_order();
COMMENT ON TRIGGER orders_audit ON store.orders IS 'every order leaves a line in ops.audit_log';

INSERT INTO store.customers (email, name, profile, tags)
SELECT 'customer' || g || '@example.org', 'Customer ' || g,
       jsonb_build_object('tier', (ARRAY['bronze', 'silver', 'gold'])[1 + g % 3], 'newsletter', g % 2 = 0, 'visits', g * 3),
       CASE WHEN g % 4 = 0 THEN ARRAY['vip', 'since-' || (2000 + g % 20)] ELSE ARRAY[]::text[] END
  FROM generate_series(1, 120) g;
INSERT INTO store.orders (id, customer_id, region, ordered_at, status, quantity, unit_price)
SELECT g, 1000 + 3 * (g % 120), (ARRAY['eu', 'us', 'apac'])[1 + g % 3], DATE '2025-03-01' + (g * 2) % 600,
       (ARRAY['placed', 'paid', 'shipped', 'returned'])[1 + g % 4]::store.order_status, 1 + g % 5, (g % 97) + 0.99
  FROM generate_series(1, 400) g;
INSERT INTO ops.audit_log (at, actor, action, detail, matrix)
SELECT '2026-02-01', 'importer', 'import', NULL, ARRAY[[1, 2], [3, 4]] FROM generate_series(1, 3);
INSERT INTO ops.tickets (subject) SELECT 'ticket ' || g FROM generate_series(1, 9) g;
INSERT INTO store.documents
SELECT g, 'document ' || g, lo_from_bytea(0, convert_to(repeat('page ' || g || E' \\u00e9\\n', 50 * g), 'UTF8'))
  FROM generate_series(1, 4) g;

CREATE VIEW store.active_customers AS
  SELECT c.id, c.email, count(o.id) AS orders FROM store.customers c JOIN store.orders o ON o.customer_id = c.id
   WHERE o.status <> 'returned' GROUP BY c.id, c.email;
CREATE MATERIALIZED VIEW store.customer_totals AS
  SELECT customer_id, sum(total) AS spent, count(*) AS orders FROM store.orders GROUP BY customer_id;
COMMENT ON MATERIALIZED VIEW store.customer_totals IS 'refreshed nightly';
ANALYZE;
`;

/** Creates the sample database. */
export async function createSampleDatabase(pg: PostgresCluster, name: string): Promise<void> {
  await pg.createDatabase(name);
  await pg.query(SAMPLE_DATABASE_SQL, name);
}

/** What a restore must reproduce of a database, read by SQL on the server. */
export interface DatabaseFingerprint {
  /** Per table, partition, view and materialized view (`schema.name`): exact rows and the md5 of its rows in order. */
  readonly relations: Record<string, { rows: number; md5: string }>;
  /** Large objects: oid and md5 of the content. */
  readonly largeObjects: { oid: number; md5: string }[];
  /** Sequences with their settings and last value. */
  readonly sequences: Record<string, unknown>[];
  /** Definitions a data-only comparison would miss: triggers, domains, enum labels, generated columns, partitioned indexes, comments. */
  readonly definitions: string[];
}

/** Reads a database's {@link DatabaseFingerprint}. */
export async function databaseFingerprint(pg: PostgresCluster, database: string): Promise<DatabaseFingerprint> {
  const relations = await pg.query<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     ORDER BY 1, 2`, database);
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const fingerprint: Record<string, { rows: number; md5: string }> = {};
  for (const { schema, name } of relations) {
    // Rows in the order of their text, so the hash does not depend on where the restore put them.
    const [row] = await pg.query<{ rows: string; md5: string }>(`
      SELECT count(*)::text AS rows, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS md5
        FROM ONLY ${quote(schema)}.${quote(name)} r`, database);
    fingerprint[`${schema}.${name}`] = { rows: Number(row.rows), md5: row.md5 };
  }
  const largeObjects = (await pg.query<{ oid: string; md5: string }>(
    'SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata ORDER BY oid', database)).map((row) => ({ oid: Number(row.oid), md5: row.md5 }));
  const sequences = await pg.query(`
    SELECT schemaname, sequencename, data_type::text, start_value::text, min_value::text, max_value::text, increment_by::text, cycle, last_value::text
      FROM pg_sequences ORDER BY 1, 2`, database);
  const definitions = (await pg.query<{ definition: string }>(`
    SELECT 'trigger ' || pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t WHERE NOT t.tgisinternal
    UNION ALL SELECT 'domain ' || t.typname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid
    UNION ALL SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
      FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname
    UNION ALL SELECT 'generated ' || a.attrelid::regclass || '.' || a.attname || ' ' || pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attgenerated = 's'
    UNION ALL SELECT 'partitioned index ' || c.relname || ' ' || pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relkind = 'I'
    UNION ALL SELECT 'partition ' || c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relispartition AND c.relkind IN ('r', 'p')
    UNION ALL SELECT 'comment ' || d.classoid::regclass || ' ' || d.objsubid || ' ' || d.description FROM pg_description d
      WHERE d.classoid IN ('pg_class'::regclass, 'pg_namespace'::regclass, 'pg_trigger'::regclass)
        AND (d.classoid <> 'pg_namespace'::regclass OR d.objoid <> 'public'::regnamespace)
    ORDER BY 1`, database)).map((row) => row.definition);
  return { relations: fingerprint, largeObjects, sequences, definitions };
}
