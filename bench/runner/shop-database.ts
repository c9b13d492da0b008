/**
 * Generates a shop database of a chosen size whose rows look and compress like production data (3–5:1 with
 * gzip, not the 50:1 of pgbench's blank filler): customers with names, e-mail addresses and a jsonb address;
 * orders with statuses, money amounts, timestamps and a jsonb shipping block; order lines with SKUs, prices and
 * quantities; and events with a kind, a user agent and a jsonb payload. Values come from `random()` over small
 * vocabularies (as real text repeats words) mixed with unique identifiers and free-running numbers (as real
 * keys, amounts and times do not repeat), so neither the compressor nor the dump has an easy ride.
 *
 * As a script (any PostgreSQL URL; the database must exist and be empty):
 *
 *   npx ts-node --transpile-only bench/runner/shop-database.ts --url postgres://…/shop --gb 2
 */
import { parseArgs } from 'node:util';
import { Client } from 'pg';

/** Rows of each table for one GB of database on disk (tables and their primary keys), measured on PostgreSQL 15. */
const ROWS_PER_GB = { customers: 236_000, orders: 1_000_000, orderLines: 3_000_000, events: 880_000 };
/** Rows inserted by one statement, so progress shows and no statement runs for minutes. */
const BATCH_ROWS = 250_000;

const SCHEMA = `
CREATE TABLE customers (
  id bigint NOT NULL,
  email text NOT NULL,
  full_name text NOT NULL,
  country char(2) NOT NULL,
  created_at timestamptz NOT NULL,
  marketing_opt_in boolean NOT NULL,
  address jsonb NOT NULL
);
CREATE TABLE orders (
  id bigint NOT NULL,
  customer_id bigint NOT NULL,
  status text NOT NULL,
  currency char(3) NOT NULL,
  total numeric(12,2) NOT NULL,
  placed_at timestamptz NOT NULL,
  shipped_at timestamptz,
  shipping jsonb NOT NULL
);
CREATE TABLE order_lines (
  order_id bigint NOT NULL,
  line_no int NOT NULL,
  sku text NOT NULL,
  product_name text NOT NULL,
  quantity int NOT NULL,
  unit_price numeric(10,2) NOT NULL,
  discount numeric(4,2) NOT NULL
);
CREATE TABLE events (
  id bigint NOT NULL,
  customer_id bigint NOT NULL,
  kind text NOT NULL,
  occurred_at timestamptz NOT NULL,
  session_id uuid NOT NULL,
  user_agent text NOT NULL,
  payload jsonb NOT NULL
);
-- Helpers for the generator only; dropped at the end.
-- Skewed like real data: the first values of a list are the popular ones.
CREATE FUNCTION pick(text[]) RETURNS text LANGUAGE sql VOLATILE AS 'SELECT $1[1 + floor(random() * random() * array_length($1, 1))::int]';
`;

const WORDS = {
  first: ['Anna', 'Ben', 'Carla', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Klara', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul',
    'Rosa', 'Sven', 'Tara', 'Uwe', 'Vera', 'Wim', 'Yara', 'Zoe', 'Omar', 'Priya', 'Chen', 'Aiko', 'Mateo', 'Lea'],
  last: ['Meyer', 'Schmidt', 'Garcia', 'Rossi', 'Dubois', 'Novak', 'Silva', 'Jensen', 'Kowalski', 'Smith', 'Nguyen', 'Tanaka', 'Okafor',
    'Haddad', 'Larsen', 'Moreau', 'Costa', 'Weber', 'Fischer', 'Bauer', 'Kim', 'Patel', 'Murphy', 'Ivanova', 'Horvat'],
  domains: ['example.com', 'mail.example.org', 'shop.example.net', 'post.example.de', 'inbox.example.fr', 'web.example.it'],
  streets: ['Main Street', 'Station Road', 'Church Lane', 'Hauptstrasse', 'Rue de la Paix', 'Via Roma', 'Mill Road', 'Park Avenue',
    'High Street', 'Bahnhofstrasse', 'Calle Mayor', 'Kings Road'],
  cities: ['Berlin', 'Paris', 'Madrid', 'Rome', 'Vienna', 'Lisbon', 'Dublin', 'Prague', 'Warsaw', 'Oslo', 'Lyon', 'Munich', 'Porto',
    'Milan', 'Krakow', 'Ghent'],
  countries: ['DE', 'FR', 'ES', 'IT', 'AT', 'PT', 'IE', 'CZ', 'PL', 'NO', 'BE', 'NL'],
  statuses: ['placed', 'paid', 'packed', 'shipped', 'delivered', 'delivered', 'delivered', 'cancelled', 'returned'],
  carriers: ['DHL', 'UPS', 'DPD', 'GLS', 'PostNL', 'Hermes'],
  adjectives: ['Classic', 'Organic', 'Compact', 'Deluxe', 'Wireless', 'Recycled', 'Vintage', 'Slim', 'Heavy-duty', 'Travel'],
  products: ['coffee grinder', 'desk lamp', 'backpack', 'water bottle', 'yoga mat', 'headphones', 'kettle', 'notebook', 'chef knife',
    'rain jacket', 'running shoes', 'phone case', 'tea set', 'blender', 'cushion cover', 'garden hose'],
  kinds: ['page_view', 'page_view', 'page_view', 'search', 'add_to_cart', 'remove_from_cart', 'checkout_started', 'login', 'review_posted'],
  pages: ['/', '/cart', '/checkout', '/account', '/search', '/category/kitchen', '/category/outdoor', '/category/office', '/help'],
  agents: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  ],
  reviewWords: ['great', 'quality', 'arrived', 'quickly', 'would', 'buy', 'again', 'a', 'bit', 'smaller', 'than', 'expected', 'the',
    'colour', 'is', 'nice', 'works', 'fine', 'but', 'packaging', 'was', 'damaged', 'excellent', 'value', 'for', 'money', 'recommend'],
};

const literal = (words: string[]) => `ARRAY[${words.map((w) => `'${w.replace(/'/g, "''")}'`).join(',')}]::text[]`;
const pick = (words: string[]) => `pick(${literal(words)})`;

/** INSERT … SELECT statements for rows `from`..`to` (inclusive) of each table. */
const INSERTS = {
  customers: (from: number, to: number, customers: number) => `
    INSERT INTO customers
    SELECT g, lower(f) || '.' || lower(l) || g || '@' || ${pick(WORDS.domains)}, f || ' ' || l, ${pick(WORDS.countries)},
           timestamptz '2015-01-01' + interval '3600 days' * ((g + random()) / ${customers}), random() < 0.4,
           jsonb_build_object('street', (1 + floor(random() * 250))::int || ' ' || ${pick(WORDS.streets)},
                              'city', ${pick(WORDS.cities)}, 'postcode', lpad(floor(random() * 99999)::int::text, 5, '0'),
                              'lat', round((35 + random() * 30)::numeric, 6), 'lon', round((-10 + random() * 40)::numeric, 6),
                              'phone', '+' || (30 + floor(random() * 20))::int || ' ' || floor(random() * 1e9)::bigint)
      FROM (SELECT g, ${pick(WORDS.first)} AS f, ${pick(WORDS.last)} AS l FROM generate_series(${from}, ${to}) g) s`,
  orders: (from: number, to: number, customers: number, orders: number) => `
    INSERT INTO orders
    SELECT g, 1 + floor(random() * ${customers})::bigint, st, 'EUR', round((5 + random() * random() * 600)::numeric, 2), placed,
           CASE WHEN st IN ('shipped', 'delivered', 'returned') THEN placed + random() * interval '4 days' END,
           jsonb_build_object('carrier', ${pick(WORDS.carriers)}, 'tracking', upper(substr(md5(g::text), 1, 14)),
                              'method', CASE WHEN random() < 0.8 THEN 'standard' ELSE 'express' END,
                              'gift', random() < 0.05, 'payment_ref', md5(random()::text))
      FROM (SELECT g, ${pick(WORDS.statuses)} AS st, timestamptz '2019-01-01' + interval '2100 days' * ((g + random()) / ${orders}) AS placed
              FROM generate_series(${from}, ${to}) g) s`,
  orderLines: (from: number, to: number) => `
    INSERT INTO order_lines
    SELECT o, n, 'SKU-' || lpad(p::text, 6, '0'),
           -- A product's name follows from its SKU, as in a real catalogue.
           (${literal(WORDS.adjectives)})[1 + p % ${WORDS.adjectives.length}] || ' ' || (${literal(WORDS.products)})[1 + (p / 7) % ${WORDS.products.length}],
           1 + floor(random() * random() * 6)::int, round((2 + (p % 997) * 0.31)::numeric, 2),
           CASE WHEN random() < 0.85 THEN 0 ELSE round((random() * 0.3)::numeric, 2) END
      FROM (SELECT o, n, floor(random() * 40000)::int AS p
              FROM generate_series(${from}, ${to}) o, generate_series(1, 3) n) s`,
  events: (from: number, to: number, customers: number, events: number) => `
    INSERT INTO events
    SELECT g, 1 + floor(random() * ${customers})::bigint, k, timestamptz '2023-01-01' + interval '700 days' * ((g + random()) / ${events}),
           gen_random_uuid(), ${pick(WORDS.agents)},
           CASE k
             WHEN 'search' THEN jsonb_build_object('query', ${pick(WORDS.adjectives)} || ' ' || ${pick(WORDS.products)},
                                                   'results', floor(random() * 200)::int, 'page', ${pick(WORDS.pages)})
             WHEN 'review_posted' THEN jsonb_build_object('sku', 'SKU-' || lpad(floor(random() * 40000)::int::text, 6, '0'),
                                                   'stars', 1 + floor(random() * 5)::int,
                                                   'text', ${Array.from({ length: 12 }, () => pick(WORDS.reviewWords)).join(" || ' ' || ")})
             ELSE jsonb_build_object('page', ${pick(WORDS.pages)}, 'referrer', ${pick(WORDS.domains)}, 'request_id', md5(random()::text),
                                     'duration_ms', floor(random() * 30000)::int, 'ip', '10.' || floor(random() * 255)::int || '.' ||
                                     floor(random() * 255)::int || '.' || floor(random() * 255)::int)
           END
      FROM (SELECT g, ${pick(WORDS.kinds)} AS k FROM generate_series(${from}, ${to}) g) s`,
};

/** Row counts for a database of about `gb` GB on disk. */
export function shopRowCounts(gb: number): typeof ROWS_PER_GB {
  return {
    customers: Math.round(ROWS_PER_GB.customers * gb),
    orders: Math.round(ROWS_PER_GB.orders * gb),
    orderLines: Math.round(ROWS_PER_GB.orderLines * gb / 3) * 3,
    events: Math.round(ROWS_PER_GB.events * gb),
  };
}

/**
 * Fills the empty database at `url` with a shop of about `gb` GB, on `connections` connections at once (the
 * tables are independent), then adds the primary keys and analyzes. `onProgress` hears each finished batch.
 */
export async function generateShopDatabase(
  url: string, gb: number, connections = 2, onProgress: (line: string) => void = () => undefined,
): Promise<void> {
  const rows = shopRowCounts(gb);
  const setup = new Client({ connectionString: url });
  await setup.connect();
  // The primary keys come after the data: building an index once is faster than maintaining it row by row.
  await setup.query(SCHEMA);
  await setup.end();

  const batches: string[] = [];
  const add = (total: number, statement: (from: number, to: number) => string) => {
    for (let from = 1; from <= total; from += BATCH_ROWS) batches.push(statement(from, Math.min(total, from + BATCH_ROWS - 1)));
  };
  add(rows.customers, (from, to) => INSERTS.customers(from, to, rows.customers));
  add(rows.orders, (from, to) => INSERTS.orders(from, to, rows.customers, rows.orders));
  add(rows.orderLines / 3, INSERTS.orderLines);
  add(rows.events, (from, to) => INSERTS.events(from, to, rows.customers, rows.events));
  const total = batches.length;
  let done = 0;
  const worker = async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (let sql = batches.shift(); sql !== undefined; sql = batches.shift()) {
        await client.query(sql);
        done += 1;
        onProgress(`batch ${done}/${total}`);
      }
    } finally {
      await client.end();
    }
  };
  await Promise.all(Array.from({ length: connections }, () => worker()));

  const finish = [
    'ALTER TABLE customers ADD PRIMARY KEY (id)',
    'ALTER TABLE orders ADD PRIMARY KEY (id)',
    'ALTER TABLE order_lines ADD PRIMARY KEY (order_id, line_no)',
    'ALTER TABLE events ADD PRIMARY KEY (id)',
  ];
  const workers = Array.from({ length: connections }, async () => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      for (let sql = finish.shift(); sql !== undefined; sql = finish.shift()) {
        await client.query(sql);
        onProgress(sql);
      }
    } finally {
      await client.end();
    }
  });
  await Promise.all(workers);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP FUNCTION pick(text[])');
    await client.query('VACUUM (FREEZE, ANALYZE)');
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { url: { type: 'string' }, gb: { type: 'string', default: '2' }, connections: { type: 'string', default: '2' } } });
  if (!values.url) {
    console.error('usage: shop-database.ts --url postgres://user@host/db [--gb 2] [--connections 2]');
    process.exit(2);
  }
  generateShopDatabase(values.url, Number(values.gb), Number(values.connections), (line) => console.error(line)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
