import { parseArchiveToc } from '../../src/runner/archive-toc';
import { BACKUP_ID_PATTERN, newBackupId } from '../../src/runner/backup-id';
import { BackupLayout } from '../../src/runner/backup-layout';
import { parseBackupLocation } from '../../src/runner/backup-location';
import { parseManifest } from '../../src/runner/backup-manifest';
import { missingRoleHint, redactPasswords, roleOfStatement } from '../../src/runner/backup-roles';
import { partSizeFor } from '../../src/runner/backup-store';
import { parseCommandLine } from '../../src/runner/cli-commands';
import { FlagReader, parseDurationSeconds, readCommonOptions } from '../../src/runner/cli-options';
import { resolveConnection } from '../../src/runner/database-connection';
import { embeddedMetricLine } from '../../src/runner/embedded-metrics';
import { parseToolMajorVersion } from '../../src/runner/postgres-tools';
import { requireClientNotOlder } from '../../src/runner/preflight';
import { compareSnapshots, newestSnapshot } from '../../src/runner/snapshot-order';

describe('backup ids', () => {
  test('start with the UTC start time so they sort by time, and end with a random suffix', () => {
    const id = newBackupId(new Date('2026-11-24T02:00:00.123Z'));
    expect(id).toMatch(/^20261124T020000Z-[0-9a-f]{8}$/);
    expect(id).toMatch(BACKUP_ID_PATTERN);
  });

  test('differ for runs started in the same second', () => {
    const at = new Date('2026-11-24T02:00:00Z');
    expect(new Set(Array.from({ length: 50 }, () => newBackupId(at))).size).toBe(50);
  });

  test('sort as strings in start-time order', () => {
    const ids = ['2027-01-01T00:00:00Z', '2026-11-24T02:00:00Z', '2026-11-24T01:59:59Z'].map((t) => newBackupId(new Date(t)));
    expect([...ids].sort()).toEqual([ids[2], ids[1], ids[0]]);
  });
});

describe('backup locations', () => {
  test.each([
    ['s3://my-bucket/nightly/db', { kind: 's3', bucket: 'my-bucket', prefix: 'nightly/db' }],
    ['s3://my-bucket', { kind: 's3', bucket: 'my-bucket', prefix: '' }],
    ['azblob://account1/backups/prod/', { kind: 'azblob', account: 'account1', container: 'backups', prefix: 'prod' }],
    ['file:///var/backups/pg', { kind: 'file', directory: '/var/backups/pg' }],
  ])('parses %s', (uri, expected) => {
    expect(parseBackupLocation(uri)).toEqual(expected);
  });

  test.each([
    ['http://x/y', /--to is "http:\/\/x\/y"; allowed: s3:\/\/bucket\/prefix, azblob:\/\/account\/container\/prefix or file:\/\/\/absolute\/path \(unknown scheme\)/],
    ['s3://Bad_Bucket/x', /not a valid S3 bucket name/],
    ['azblob://account1', /not a valid Azure container name/],
    ['azblob://Acc/c1/x', /storage account name must be 3-24 lowercase letters and digits/],
    ['/var/backups', /--to is "\/var\/backups"; allowed: .* \(no scheme: a directory is file:\/\/\/var\/backups\)$/],
    ['backups', /\(unknown scheme\)$/],
  ])('refuses %s', (uri, message) => {
    expect(() => parseBackupLocation(uri)).toThrow(message);
  });
});

describe('the backup layout', () => {
  test('puts each backup under <prefix>/<database>/<backupId>/ with a latest pointer per database', () => {
    const layout = new BackupLayout(parseBackupLocation('s3://my-bucket/nightly'));
    expect(layout.manifestKey('shop', '20261124T020000Z-00000000')).toBe('nightly/shop/20261124T020000Z-00000000/manifest.json');
    expect(layout.latestKey('shop')).toBe('nightly/shop/latest');
    expect(layout.parseManifestKey('nightly/shop/20261124T020000Z-00000000/manifest.json')).toEqual({ database: 'shop', backupId: '20261124T020000Z-00000000' });
    expect(layout.parseManifestKey('nightly/shop/20261124T020000Z-00000000/dump.pgdump')).toBeUndefined();
  });

  test('percent-encodes a database name so a slash cannot add a level', () => {
    const layout = new BackupLayout(parseBackupLocation('file:///b'));
    expect(layout.latestKey('a/b')).toBe('a%2Fb/latest');
    expect(layout.parseManifestKey('a%2Fb/20261124T020000Z-00000000/manifest.json')?.database).toBe('a/b');
  });
});

describe('manifests', () => {
  const valid = {
    manifestVersion: 1,
    backupId: 'x',
    database: 'd',
    startedAt: '2026-11-24T02:00:00.000Z',
    finishedAt: '2026-11-24T02:01:00.000Z',
    format: 'custom',
    objects: [{ name: 'dump.pgdump', role: 'dump', bytes: 10, sha256: 'a'.repeat(64) }],
    rowCounts: { mode: 'exact', tables: [{ schema: 'public', table: 't', rows: 3 }], totalRows: 3 },
  };

  test('are read when complete', () => {
    expect(parseManifest(Buffer.from(JSON.stringify(valid)), 'm.json').database).toBe('d');
  });

  test.each([
    ['not JSON', '{', /m\.json is not a valid backup manifest: not JSON/],
    ['no bytes at all (a torn write)', '', /m\.json is not a valid backup manifest: it is empty \(0 bytes\)/],
    ['a snapshot time that is not a time', JSON.stringify({ ...valid, snapshotAt: 'yesterday' }), /snapshotAt is "yesterday", not a time/],
    ['no start time', JSON.stringify({ ...valid, startedAt: undefined }), /startedAt is undefined, not a time/],
    ['another version', JSON.stringify({ ...valid, manifestVersion: 2 }), /manifestVersion is 2; this runner reads version 1/],
    ['no dump object', JSON.stringify({ ...valid, objects: [] }), /it lists no dump object/],
    ['a bad digest', JSON.stringify({ ...valid, objects: [{ ...valid.objects[0], sha256: 'xyz' }] }), /needs a name, a byte count and a SHA-256/],
    ['a fractional row count', JSON.stringify({ ...valid, rowCounts: { ...valid.rowCounts, tables: [{ schema: 'p', table: 't', rows: 1.5 }] } }), /whole number of rows/],
  ])('are refused with %s', (_name, text, message) => {
    expect(() => parseManifest(Buffer.from(text), 'm.json')).toThrow(message);
  });
});

describe('Embedded Metric Format lines', () => {
  test('declare the namespace, the dimension set and every metric with its unit and value', () => {
    const line = JSON.parse(embeddedMetricLine(
      { namespace: 'Team/Backups', dimensions: { Environment: 'prod' }, destination: 'stderr' },
      'shop',
      [{ name: 'BackupBytes', value: 42, unit: 'Bytes' }, { name: 'BackupSucceeded', value: 1, unit: 'Count' }],
      { command: 'dump' },
      new Date(1_700_000_000_000),
    ));
    expect(line).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [{
          Namespace: 'Team/Backups',
          Dimensions: [['Database', 'Environment']],
          Metrics: [{ Name: 'BackupBytes', Unit: 'Bytes' }, { Name: 'BackupSucceeded', Unit: 'Count' }],
        }],
      },
      command: 'dump',
      Database: 'shop',
      Environment: 'prod',
      BackupBytes: 42,
      BackupSucceeded: 1,
    });
  });
});

describe('command-line flags', () => {
  test('unknown flags are usage errors naming the command', () => {
    expect(() => parseCommandLine(['dump', '--frobnicate'])).toThrow(/dump: unknown option '--frobnicate'/);
    expect(() => parseCommandLine(['backup'])).toThrow(/the command is "backup"; allowed: dump, verify, restore, list/);
  });

  test('repeatable flags collect every value', () => {
    expect(parseCommandLine(['dump', '--table', 'a', '-t', 'b']).flags.table).toEqual(['a', 'b']);
  });

  test.each([
    [['--part-size-mb', '4'], /--part-size-mb is 4; allowed: an integer from 5 to 5000/],
    [['--upload-concurrency', 'many'], /--upload-concurrency is "many"; allowed: an integer from 1 to 64/],
    [['--progress-interval', 'soon'], /--progress-interval is "soon"; allowed: a duration from 0s to 1h, such as 30s/],
    [['--metrics', 'stdout'], /--metrics is "stdout"; allowed: one of: stderr, off/],
    [['--metric-dimension', 'NoValue'], /--metric-dimension is \["NoValue"\]; allowed: Name=Value entries/],
  ])('%j is refused with the flag, the value and what is allowed', (args, message) => {
    const reader = new FlagReader(parseCommandLine(['list', ...args]).flags, {});
    readCommonOptions(reader, {});
    expect(() => reader.throwIfInvalid('list')).toThrow(message);
  });

  test('environment variables fill in the metric settings', () => {
    const reader = new FlagReader(parseCommandLine(['list']).flags, { PG_BACKUP_METRICS_NAMESPACE: 'Ns' });
    const options = readCommonOptions(reader, { PG_BACKUP_METRIC_DIMENSIONS: 'Env=prod,Team=data' });
    expect(options.metrics).toEqual({ namespace: 'Ns', dimensions: { Env: 'prod', Team: 'data' }, destination: 'stderr' });
  });

  test.each([['30s', 30], ['500ms', 0.5], ['5m', 300], ['1h', 3600], ['2d', 172_800], ['12', 12], ['soon', undefined]])('reads the duration %s as %s seconds', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
});

describe('database connections', () => {
  test('keep the password out of the URL given to the client tools and out of descriptions', () => {
    const connection = resolveConnection({ url: 'postgres://app:s%40cret@db:6432/shop?sslmode=require', flag: '--database-url' }, {});
    expect(connection.dbname).toBe('postgres://app@db:6432/shop?sslmode=require');
    expect(connection.childEnv()).toEqual({ PGPASSWORD: 's@cret' });
    expect(connection.describe()).toBe('app@db:6432/shop');
    expect(connection.withDatabase('other').dbname).toBe('postgres://app@db:6432/other?sslmode=require');
  });

  test('take the password from PGPASSWORD when the URL has none', () => {
    expect(resolveConnection({ url: 'postgres://app@db/shop', flag: '--database-url' }, { PGPASSWORD: 'pw' }).childEnv()).toEqual({ PGPASSWORD: 'pw' });
  });

  test('read an RDS-style secret JSON from the environment', () => {
    const secret = JSON.stringify({ host: 'db.example.com', port: 5433, username: 'admin', password: 'p/w', dbname: 'sales', engine: 'postgres' });
    const connection = resolveConnection({ flag: '--database-url' }, { PG_BACKUP_DATABASE_SECRET: secret });
    expect(connection.describe()).toBe('admin@db.example.com:5433/sales');
    expect(connection.childEnv()).toEqual({ PGPASSWORD: 'p/w' });
  });

  test('take the user and password from a credentials-only secret when the URL names only the server', () => {
    const secret = JSON.stringify({ username: 'postgres_admin', password: 'p/w' });
    const connection = resolveConnection({ url: 'postgres://orders.rds.example.com:5432/postgres', secretEnv: 'PG_BACKUP_SECRET_3', flag: '--database-url' },
      { PG_BACKUP_SECRET_3: secret });
    expect(connection.describe()).toBe('postgres_admin@orders.rds.example.com:5432/postgres');
    expect(connection.childEnv()).toEqual({ PGPASSWORD: 'p/w' });
  });

  test('leave the user to PGUSER when it is set and the URL names none', () => {
    const secret = JSON.stringify({ username: 'from_secret', password: 'p' });
    const connection = resolveConnection({ url: 'postgres://db/shop', flag: '--database-url' }, { PG_BACKUP_DATABASE_SECRET: secret, PGUSER: 'from_env' });
    expect(connection.describe()).toBe('db:5432/shop');
  });

  test('name the variable, never its content, when the secret is not JSON', () => {
    expect(() => resolveConnection({ flag: '--database-url', secretEnv: 'DB_SECRET' }, { DB_SECRET: 'hunter2' }))
      .toThrow(/^the environment variable DB_SECRET does not hold JSON with host, port, username, password and dbname$/);
  });
});

describe('archive tables of contents', () => {
  test('yield the oids of the tables whose data is in the archive, names with spaces included', () => {
    const toc = parseArchiveToc([
      ';     Format: CUSTOM',
      '216; 1259 16389 TABLE public Odd name postgres',
      '3353; 0 16389 TABLE DATA public Odd name postgres',
      '3352; 0 16384 TABLE DATA public t postgres',
      '3209; 0 0 TABLE ATTACH s2 u1 postgres',
    ].join('\n'));
    expect(toc.entries).toHaveLength(4);
    expect(toc.tableDataOids).toEqual([16389, 16384]);
  });
});

describe('client and server versions', () => {
  test('are read from the tools\' version line', () => {
    expect(parseToolMajorVersion('pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)')).toBe(15);
    expect(parseToolMajorVersion('pg_restore (PostgreSQL) 17.2')).toBe(17);
  });

  test('refuse a client older than the server, saying which client to use', () => {
    expect(() => requireClientNotOlder('pg_dump', 15, 16)).toThrow(/pg_dump 15 is older than the PostgreSQL 16 server; use a PostgreSQL 16 \(or newer\) client/);
    expect(() => requireClientNotOlder('pg_dump', 16, 15)).not.toThrow();
  });
});

describe('upload part sizes', () => {
  const tuning = { partSizeBytes: 8 * 1024 * 1024, concurrency: 4 };

  test('stay at the configured size for objects that fit the part-count limit', () => {
    expect(partSizeFor(tuning, 10_000, 2e9)).toBe(8 * 1024 * 1024);
    expect(partSizeFor(tuning, 10_000)).toBe(8 * 1024 * 1024);
  });

  test('grow in whole MiB so a large object stays within the limit with a margin', () => {
    const size = partSizeFor(tuning, 10_000, 200e9);
    expect(size % (1024 * 1024)).toBe(0);
    expect(200e9 / size).toBeLessThanOrEqual(9_000);
  });
});

describe('snapshot order', () => {
  const at = (snapshotAt: string, backupId = '20261124T020000Z-00000000') => ({ backupId, snapshotAt });

  test.each([
    ['microseconds apart', at('2026-11-24T02:00:00.000001Z'), at('2026-11-24T02:00:00.000002Z')],
    ['a second apart across a minute', at('2026-11-24T02:00:59.999999Z'), at('2026-11-24T02:01:00.000000Z')],
    ['a millisecond time against a microsecond one', at('2026-11-24T02:00:00.123Z'), at('2026-11-24T02:00:00.123001Z')],
    ['the same instant, by backup id', at('2026-11-24T02:00:00.5Z', '20261124T020000Z-0000000a'), at('2026-11-24T02:00:00.5Z', '20261124T020000Z-0000000b')],
  ])('puts the older first when they are %s', (_name, older, newer) => {
    expect(compareSnapshots(older, newer)).toBeLessThan(0);
    expect(compareSnapshots(newer, older)).toBeGreaterThan(0);
    expect(newestSnapshot([newer, older])).toBe(newer);
    expect(newestSnapshot([older, newer])).toBe(newer);
  });
});

describe('globals.sql statements', () => {
  test.each([
    ['CREATE ROLE app_owner', 'app_owner'],
    ["ALTER ROLE app_owner WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:x'", 'app_owner'],
    ['--\n-- Roles\n--\n\nCREATE ROLE "Report ""Weekly"" Writer"', 'Report "Weekly" Writer'],
    ['ALTER ROLE app_owner IN DATABASE shop SET search_path TO books', 'app_owner'],
    ["COMMENT ON ROLE app_reader IS 'reads'", 'app_reader'],
    ['GRANT app_reader TO app_owner GRANTED BY postgres', undefined],
    ["CREATE TABLESPACE archive OWNER app_owner LOCATION '/srv/archive'", undefined],
  ])('%j creates or changes the role %j', (statement, role) => {
    expect(roleOfStatement(statement)).toBe(role);
  });

  test('lose their password literals before they are shown', () => {
    expect(redactPasswords("ALTER ROLE a WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:s''alt$key' VALID UNTIL 'infinity'"))
      .toBe("ALTER ROLE a WITH LOGIN PASSWORD '…' VALID UNTIL 'infinity'");
  });
});

describe('a restore failing on a missing role', () => {
  const failure = 'pg_restore: error: could not execute query: ERROR:  role "app_owner" does not exist';
  test.each([
    [{ backupHasGlobals: true, noOwner: false, noAcl: false }, /its globals\.sql holds them, so add --globals to create them first, or restore without ownership and privileges \(--no-owner --no-acl\)/],
    [{ backupHasGlobals: true, noOwner: true, noAcl: false }, /add --globals to create them first, or restore without ownership and privileges \(--no-acl\)/],
    [{ backupHasGlobals: false, noOwner: false, noAcl: false }, /holds no globals\.sql \(it was dumped without --globals\): create them first, or restore without/],
    [{ backupHasGlobals: true, noOwner: false, noAcl: false, globals: { applied: 3, rolesKept: [], alreadyExisting: 0, failed: [] } },
      /role app_owner is not in the backup's globals\.sql either, or could not be created: create it by hand/],
  ])('is told the flags that would help (%j)', (context, advice) => {
    expect(missingRoleHint(failure, context)).toMatch(advice);
  });

  test('gets no advice when the failure is about something else', () => {
    expect(missingRoleHint('pg_restore: error: out of disk space', { backupHasGlobals: true, noOwner: false, noAcl: false })).toBe('');
  });
});
