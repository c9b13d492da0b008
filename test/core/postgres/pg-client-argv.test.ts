import { PolicyValidationError, pgDumpArgv, dumpCompressionPlan, pgDumpCompressArgument, pgDumpallGlobalsArgv, pgRestoreArgv, type LogicalDumpPolicy } from '../../../src/core';

const DB = 'postgres://app@db.internal:5432/shop';

describe('pgDumpArgv', () => {
  // The default compression is now zstd (it used to be left to pg_dump, which meant gzip level 6).
  test('renders a default policy as custom format, zstd, with the default lock-wait timeout', () => {
    expect(pgDumpArgv({}, { dbname: DB })).toEqual(['--format=custom', '--compress=zstd:1', '--lock-wait-timeout=300000', `--dbname=${DB}`]);
  });

  test('leaves compression to the runner with a pg_dump before 16, and skips syncing when asked', () => {
    expect(pgDumpArgv({ format: 'directory' }, { dbname: DB, file: '/scratch/dump', noSync: true, clientMajorVersion: 15 })).toEqual([
      '--format=directory', '--compress=0', '--lock-wait-timeout=300000', '--no-sync', '--file=/scratch/dump', `--dbname=${DB}`,
    ]);
  });

  test('renders every option of the policy, one argv entry each, with no shell quoting', () => {
    const policy: LogicalDumpPolicy = {
      format: 'directory',
      jobs: 4,
      compression: 'zstd:3',
      tables: ['public.orders', 'a "quoted" ; table'],
      excludeTables: ['audit.*'],
      schemas: ['public'],
      excludeSchemas: ['tmp'],
      dataOnly: true,
      noOwner: true,
      noAcl: true,
      lockWaitTimeoutSeconds: 1.5,
    };
    expect(pgDumpArgv(policy, { dbname: DB, file: '/scratch/dump', snapshot: '00000003-1B', verbose: true })).toEqual([
      '--format=directory', '--compress=zstd:3', '--jobs=4',
      '--table-and-children=public.orders', '--table-and-children=a "quoted" ; table', '--exclude-table-and-children=audit.*', '--schema=public', '--exclude-schema=tmp',
      '--data-only', '--no-owner', '--no-acl', '--lock-wait-timeout=1500',
      '--snapshot=00000003-1B', '--verbose', '--file=/scratch/dump', `--dbname=${DB}`,
    ]);
  });

  test.each([
    [16, ['--table-and-children=sales.measurements', '--exclude-table-and-children=sales.audit']],
    [17, ['--table-and-children=sales.measurements', '--exclude-table-and-children=sales.audit']],
    [15, ['--table=sales.measurements', '--exclude-table=sales.audit']],
    [13, ['--table=sales.measurements', '--exclude-table=sales.audit']],
  ])('a pg_dump %i is given table filters that %s', (clientMajorVersion, expected) => {
    const argv = pgDumpArgv({ tables: ['sales.measurements'], excludeTables: ['sales.audit'] }, { dbname: DB, clientMajorVersion });
    expect(argv.filter((arg) => /^--(exclude-)?table/.test(arg))).toEqual(expected);
  });

  test('passes schema-only as -s', () => {
    expect(pgDumpArgv({ schemaOnly: true }, { dbname: DB })).toContain('--schema-only');
  });

  test.each<[string, LogicalDumpPolicy, { file?: string }, RegExp]>([
    ['jobs with the custom format', { jobs: 2 }, {}, /logicalDump\.jobs is 2; allowed: 1 when format is "custom" \(pg_dump -j needs format "directory"\)/],
    ['jobs out of range', { format: 'directory', jobs: 65 }, { file: '/d' }, /logicalDump\.jobs is 65; allowed: an integer from 1 to 64/],
    ['schema-only with data-only', { schemaOnly: true, dataOnly: true }, {}, /logicalDump\.dataOnly is true; allowed: false when schemaOnly is true/],
    ['a gzip level above 9', { compression: 10 }, {}, /logicalDump\.compression is 10; allowed: an integer from 0 to 9/],
    ['an unknown method', { compression: 'brotli:5' }, {}, /logicalDump\.compression is "brotli:5"; allowed: an integer from 0 to 9, "none", "gzip", "lz4", "zstd", "gzip:1" to "gzip:9", "lz4:1" to "lz4:12" or "zstd:1" to "zstd:22"/],
    ['a zstd level above 22', { compression: 'zstd:23' }, {}, /logicalDump\.compression is "zstd:23"/],
    ['an unknown format', { format: 'tar' as never }, {}, /logicalDump\.format is "tar"; allowed: one of: custom, directory/],
    ['a blank table pattern', { tables: [' '] }, {}, /logicalDump\.tables\[0\] is " "; allowed: a non-empty name/],
    ['a zero lock-wait timeout', { lockWaitTimeoutSeconds: 0 }, {}, /logicalDump\.lockWaitTimeoutSeconds is 0; allowed: a number from 0\.001 to 86400 seconds/],
    ['the directory format without an output directory', { format: 'directory' }, {}, /file is undefined; allowed: an output directory/],
  ])('refuses %s', (_name, policy, options, message) => {
    expect(() => pgDumpArgv(policy, { dbname: DB, ...options })).toThrow(PolicyValidationError);
    expect(() => pgDumpArgv(policy, { dbname: DB, ...options })).toThrow(message);
  });

  test.each(['gzip', 'lz4', 'zstd'])('takes the method %s alone, as pg_dump 16 does (its default level)', (compression) => {
    expect(pgDumpArgv({ compression }, { dbname: DB, clientMajorVersion: 16 })).toContain(`--compress=${compression}`);
    expect(pgDumpArgv({ compression }, { dbname: DB, clientMajorVersion: 15 })).toContain(`--compress=${compression === 'gzip' ? '6' : '0'}`);
  });

  test('reports every problem of a policy at once', () => {
    expect(() => pgDumpArgv({ jobs: 2, schemaOnly: true, dataOnly: true, compression: 12 }, { dbname: DB })).toThrow(/\(3 problems\)/);
  });
});

describe('pgDumpCompressArgument', () => {
  test.each<[string | number, number | undefined, string]>([
    [6, 15, '6'], ['gzip:4', 15, '4'], ['gzip', 15, '6'], ['none', 15, '0'], ['lz4:3', 16, 'lz4:3'], ['zstd:9', undefined, 'zstd:9'],
  ])('renders %s for a client of major %s as %s', (compression, major, expected) => {
    expect(pgDumpCompressArgument(compression, major)).toBe(expected);
  });

  // lz4 and zstd used to be refused with a client before 16; the runner now compresses that client's plain archive itself.
  test.each(['lz4:1', 'zstd:3'])('renders %s for a client before 16 as 0 (no compression by pg_dump)', (compression) => {
    expect(pgDumpCompressArgument(compression, 15)).toBe('0');
  });
});

describe('dumpCompressionPlan', () => {
  test.each<[string | number | undefined, number | undefined, object]>([
    [undefined, 15, { pgDumpCompress: '0', stream: { method: 'zstd', level: 1 } }],
    [undefined, 16, { pgDumpCompress: 'zstd:1' }],
    ['zstd:7', 14, { pgDumpCompress: '0', stream: { method: 'zstd', level: 7 } }],
    ['lz4:3', 15, { pgDumpCompress: '0', stream: { method: 'lz4', level: 3 } }],
    ['lz4:3', 17, { pgDumpCompress: 'lz4:3' }],
    ['gzip:6', 15, { pgDumpCompress: '6' }],
    ['gzip:6', 16, { pgDumpCompress: 'gzip:6' }],
    [0, 15, { pgDumpCompress: '0' }],
    ['none', 15, { pgDumpCompress: '0' }],
    // A method alone takes its default level, as pg_dump 16 takes `--compress lz4`.
    ['lz4', 15, { pgDumpCompress: '0', stream: { method: 'lz4', level: 1 } }],
    ['zstd', 14, { pgDumpCompress: '0', stream: { method: 'zstd', level: 3 } }],
    ['gzip', 15, { pgDumpCompress: '6' }],
    ['lz4', 16, { pgDumpCompress: 'lz4' }],
  ])('compression %s with pg_dump %s: %j', (compression, major, plan) => {
    expect(dumpCompressionPlan(compression, major)).toEqual(plan);
  });

});

describe('pgDumpallGlobalsArgv', () => {
  test('dumps only globals, optionally without role passwords', () => {
    expect(pgDumpallGlobalsArgv({ dbname: DB })).toEqual(['--globals-only', `--dbname=${DB}`]);
    expect(pgDumpallGlobalsArgv({ dbname: DB, noRolePasswords: true, file: '/g.sql' })).toEqual(['--globals-only', '--no-role-passwords', '--file=/g.sql', `--dbname=${DB}`]);
  });
});

describe('pgRestoreArgv', () => {
  test('lists an archive', () => {
    expect(pgRestoreArgv({ archive: '/a.pgdump', list: true })).toEqual(['--list', '/a.pgdump']);
  });

  test('restores in parallel with clean, create, ownership and privileges off, stopping at the first error', () => {
    expect(pgRestoreArgv({
      archive: '/a.pgdump', dbname: DB, jobs: 2, tables: ['orders'], clean: true, create: true, noOwner: true, noAcl: true, verbose: true,
    })).toEqual([`--dbname=${DB}`, '--jobs=2', '--table=orders', '--clean', '--if-exists', '--create', '--no-owner', '--no-acl', '--exit-on-error', '--verbose', '/a.pgdump']);
  });

  test('restores only the entries a list names', () => {
    expect(pgRestoreArgv({ archive: '/a.pgdump', dbname: DB, useList: '/tmp/data.list' }))
      .toEqual([`--dbname=${DB}`, '--exit-on-error', '--use-list=/tmp/data.list', '/a.pgdump']);
  });

  test('writes the script of the listed entries to stdout instead of connecting', () => {
    expect(pgRestoreArgv({ archive: '/a.pgdump', scriptFile: '-', useList: '/tmp/data.list', noOwner: true, noAcl: true }))
      .toEqual(['--file=-', '--no-owner', '--no-acl', '--exit-on-error', '--use-list=/tmp/data.list', '/a.pgdump']);
  });

  test('can go on past errors when asked', () => {
    expect(pgRestoreArgv({ archive: '/a', dbname: DB, exitOnError: false })).toEqual([`--dbname=${DB}`, '/a']);
  });

  test.each<[string, Parameters<typeof pgRestoreArgv>[0], RegExp]>([
    ['no database', { archive: '/a' }, /dbname is undefined; allowed: a database to restore into/],
    ['zero jobs', { archive: '/a', dbname: DB, jobs: 0 }, /jobs is 0; allowed: an integer from 1 to 64/],
    ['a script with two jobs', { archive: '/a', scriptFile: '-', jobs: 2 }, /jobs is 2; allowed: 1/],
    ['an empty table', { archive: '/a', dbname: DB, tables: [''] }, /tables\[0\] is ""; allowed: a non-empty name/],
  ])('refuses %s', (_name, options, message) => {
    expect(() => pgRestoreArgv(options)).toThrow(message);
  });
});
