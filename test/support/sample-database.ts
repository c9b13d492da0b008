import type { PostgresCluster } from './postgres';

/**
 * A small public-style sample database, generated here (no download, nobody else's data): three schemas (one named
 * with a space and capitals), domains (one with a non-ASCII name), an enum, a table partitioned by range whose 2025
 * partition is partitioned again by list, with a partitioned index, a generated column, jsonb, arrays, an identity
 * column, a sequence with unusual bounds and a cycle, a table without a primary key (with duplicate rows), triggers and
 * their functions, views, a materialized view and one never populated, large objects referenced from a table, and
 * comments; and what public sample databases add: roles owning tables, functions, a schema and a large object, with
 * table, column, schema, large-object and default privileges; contrib extensions (pg_trgm, hstore, citext) with their
 * types and a trigram index, full-text search kept by a trigger with a GIN index, an exclusion constraint, row-level
 * security with a policy, a custom aggregate, table inheritance with a rule, an unlogged table, a table named `"2019"`.
 * A few hundred rows: a round trip takes seconds.
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

-- What public sample databases (pagila, chinook, the world happiness report…) hold besides: roles that own objects and
-- hold privileges, contrib extensions with their types and indexes, full-text search, quoted mixed-case, numeric and
-- non-ASCII names, inheritance with a rule, row-level security, an aggregate, an unlogged table, a materialized view
-- never populated. The roles are cluster-wide: created only when the server lacks them.
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sample_owner') THEN CREATE ROLE sample_owner NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sample_reader') THEN CREATE ROLE sample_reader NOLOGIN; END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'Report Writer') THEN CREATE ROLE "Report Writer" NOLOGIN IN ROLE sample_reader; END IF;
END $$;
CREATE EXTENSION pg_trgm;
CREATE EXTENSION hstore;
CREATE EXTENSION citext;
CREATE SCHEMA "Sales Dept" AUTHORIZATION sample_owner;
COMMENT ON SCHEMA "Sales Dept" IS 'a schema name with a space and capitals';
CREATE DOMAIN store."bıgınt" AS bigint;
CREATE TABLE "Sales Dept"."Order Lines" (
  "Line No" int PRIMARY KEY,
  attrs hstore NOT NULL DEFAULT '',
  contact citext,
  during tstzrange NOT NULL,
  amount store."bıgınt",
  EXCLUDE USING gist (during WITH &&)
);
ALTER TABLE "Sales Dept"."Order Lines" OWNER TO sample_owner;
COMMENT ON COLUMN "Sales Dept"."Order Lines"."Line No" IS 'numbered from 1, with ''quotes'' and ünïcode';
INSERT INTO "Sales Dept"."Order Lines"
SELECT g, hstore('sku', 'S-' || g), 'Buyer' || g || '@Example.ORG',
       tstzrange(TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 day', TIMESTAMPTZ '2026-01-01 00:00:00+00' + (g + 1) * INTERVAL '1 day'), g * 1000
  FROM generate_series(1, 40) g;
ALTER TABLE "Sales Dept"."Order Lines" ENABLE ROW LEVEL SECURITY;
CREATE POLICY first_lines ON "Sales Dept"."Order Lines" FOR SELECT TO sample_reader USING ("Line No" <= 10);
CREATE TABLE public."2019" ("Overall rank" int PRIMARY KEY, "Country or region" text NOT NULL, score numeric(5, 3));
INSERT INTO public."2019" SELECT g, 'Country ' || g, 7.8 - g * 0.01 FROM generate_series(1, 25) g;

ALTER TABLE store.documents ADD COLUMN search tsvector;
CREATE TRIGGER documents_search BEFORE INSERT OR UPDATE ON store.documents
  FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(search, 'pg_catalog.english', title);
UPDATE store.documents SET title = title || ' of the archive';
CREATE INDEX documents_search ON store.documents USING gin (search);
CREATE INDEX customers_name_trigrams ON store.customers USING gin (name gin_trgm_ops);

CREATE FUNCTION store.concat_step(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce($1 || ', ', '') || $2 $$;
CREATE AGGREGATE store.group_concat(text) (SFUNC = store.concat_step, STYPE = text);
ALTER AGGREGATE store.group_concat(text) OWNER TO sample_owner;
COMMENT ON AGGREGATE store.group_concat(text) IS 'joins values with commas';

CREATE TABLE ops.tickets_archive (closed_at date NOT NULL) INHERITS (ops.tickets);
INSERT INTO ops.tickets_archive (number, subject, closed_at) SELECT 1000 + g, 'old ticket ' || g, DATE '2025-12-01' + g FROM generate_series(1, 5) g;
CREATE RULE tickets_archive_kept AS ON DELETE TO ops.tickets_archive DO INSTEAD NOTHING;
CREATE UNLOGGED TABLE ops.sessions AS SELECT g AS id, md5(g::text) AS token FROM generate_series(1, 12) g;
CREATE MATERIALIZED VIEW store.monthly_totals AS
  SELECT date_trunc('month', ordered_at) AS month, sum(total) AS total FROM store.orders GROUP BY 1 WITH NO DATA;

ALTER TABLE store.customers OWNER TO sample_owner;
ALTER FUNCTION store.touch_updated_at() OWNER TO sample_owner;
GRANT USAGE ON SCHEMA store, "Sales Dept" TO sample_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA store TO sample_reader;
GRANT SELECT ("Line No", during) ON "Sales Dept"."Order Lines" TO "Report Writer";
REVOKE ALL ON ops.audit_log FROM PUBLIC;
ALTER DEFAULT PRIVILEGES FOR ROLE sample_owner IN SCHEMA "Sales Dept" GRANT SELECT ON TABLES TO sample_reader;
DO $$ DECLARE first oid; BEGIN
  SELECT min(oid) INTO first FROM pg_largeobject_metadata;
  EXECUTE format('ALTER LARGE OBJECT %s OWNER TO sample_owner', first);
  EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO sample_reader', first);
END $$;
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
  /** Large objects: oid, md5 of the content, owner and privileges. */
  readonly largeObjects: { oid: number; md5: string; owner: string; acl: string }[];
  /** Sequences with their settings and last value. */
  readonly sequences: Record<string, unknown>[];
  /**
   * Definitions a data-only comparison would miss: triggers, domains, enum labels, generated columns, partitions and
   * partitioned indexes, every index and constraint, comments, owners and privileges (of relations, columns, schemas,
   * routines, default privileges), row-level security and its policies, rules, inheritance, extensions.
   */
  readonly definitions: string[];
}

/** Reads a database's {@link DatabaseFingerprint}. */
export async function databaseFingerprint(pg: PostgresCluster, database: string): Promise<DatabaseFingerprint> {
  const relations = await pg.query<{ schema: string; name: string; populated: boolean }>(`
    SELECT n.nspname AS schema, c.relname AS name, c.relispopulated AS populated FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     ORDER BY 1, 2`, database);
  const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  const fingerprint: Record<string, { rows: number; md5: string }> = {};
  for (const { schema, name, populated } of relations) {
    // A materialized view created WITH NO DATA cannot be read, in the source as in a restore.
    if (!populated) {
      fingerprint[`${schema}.${name}`] = { rows: 0, md5: 'not populated' };
      continue;
    }
    // Rows in the order of their text, so the hash does not depend on where the restore put them.
    const [row] = await pg.query<{ rows: string; md5: string }>(`
      SELECT count(*)::text AS rows, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS md5
        FROM ONLY ${quote(schema)}.${quote(name)} r`, database);
    fingerprint[`${schema}.${name}`] = { rows: Number(row.rows), md5: row.md5 };
  }
  const largeObjects = (await pg.query<{ oid: string; md5: string; owner: string; acl: string }>(
    'SELECT oid::text, md5(lo_get(oid)), pg_get_userbyid(lomowner) AS owner, coalesce(lomacl, acldefault(\'L\'::"char", lomowner))::text AS acl FROM pg_largeobject_metadata ORDER BY oid', database))
    .map((row) => ({ oid: Number(row.oid), md5: row.md5, owner: row.owner, acl: row.acl }));
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
    UNION ALL SELECT 'comment ' || pg_describe_object(d.classoid, d.objoid, d.objsubid) || ' ' || d.description FROM pg_description d
      WHERE d.objoid >= 16384 AND (d.classoid <> 'pg_extension'::regclass OR d.objoid IS DISTINCT FROM (SELECT oid FROM pg_extension WHERE extname = 'amcheck')) AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = d.classoid AND e.objid = d.objoid AND e.deptype = 'e')
    UNION ALL SELECT 'relation ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' ' || c.relkind::text || c.relpersistence::text
           || ' owner ' || pg_get_userbyid(c.relowner)
           || ' acl ' || coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))::text || CASE WHEN c.relrowsecurity THEN ' row security' ELSE '' END
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    UNION ALL SELECT 'column acl ' || a.attrelid::regclass || '.' || quote_ident(a.attname) || ' ' || a.attacl::text FROM pg_attribute a WHERE a.attacl IS NOT NULL AND a.attrelid >= 16384
    UNION ALL SELECT 'schema ' || quote_ident(nspname) || ' owner ' || pg_get_userbyid(nspowner) || ' acl ' || coalesce(nspacl, acldefault('n'::"char", nspowner))::text FROM pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'
    UNION ALL SELECT 'default acl ' || pg_get_userbyid(defaclrole) || ' ' || defaclnamespace::regnamespace || ' ' || defaclobjtype::text || ' ' || defaclacl::text FROM pg_default_acl
    UNION ALL SELECT 'routine ' || p.oid::regprocedure || ' ' || p.prokind::text || ' owner ' || pg_get_userbyid(p.proowner) FROM pg_proc p
      WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
        AND NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
    UNION ALL SELECT 'policy ' || schemaname || '.' || tablename || ' ' || policyname || ' ' || cmd || ' ' || roles::text || ' ' || qual FROM pg_policies
    UNION ALL SELECT 'rule ' || definition FROM pg_rules WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    UNION ALL SELECT 'inherits ' || inhrelid::regclass || ' ' || inhparent::regclass FROM pg_inherits
    -- verify --amcheck installs amcheck into the database it checks.
    UNION ALL SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension WHERE extname <> 'amcheck'
    UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      WHERE c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
    UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid <> 0
    ORDER BY 1`, database)).map((row) => row.definition);
  return { relations: fingerprint, largeObjects, sequences, definitions };
}
