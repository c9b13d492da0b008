import { MAX_DRILL_SCHEDULE_INPUT_CHARACTERS, blueprintDrillGroups, chunkDrillDatabases, drillGroupCheckFile } from '../../../src/core/aws/blueprint-drill-groups';
import { drillResultsFolder } from '../../../src/core/policy/backup-store-layout';
import { BackupTier } from '../../../src/core/policy/backup-tier';

const bronze = BackupTier.BRONZE.policy();

describe('blueprint drill groups', () => {
  test('servers sharing drill schedule, RTO, checks and major form one group with all their databases', () => {
    const groups = blueprintDrillGroups([
      { id: 'orders', dumpPrefix: 'pg-dumps/orders', policy: bronze, major: 16, databaseNames: ['orders', 'invoices'] },
      { id: 'catalog', dumpPrefix: 'pg-dumps/catalog', policy: bronze, major: 16, databaseNames: ['catalog'] },
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0].databases).toEqual([
      { id: 'orders', name: 'orders', resultsFolder: 'pg-dumps/orders/orders/drills' },
      { id: 'orders', name: 'invoices', resultsFolder: 'pg-dumps/orders/invoices/drills' },
      { id: 'catalog', name: 'catalog', resultsFolder: 'pg-dumps/catalog/catalog/drills' },
    ]);
    expect(groups[0].rtoSeconds).toBe(bronze.verification!.maxRestoreDurationMinutes! * 60);
  });

  test.each<[string, Partial<{ major: number; checks: string[]; rto: number }>]>([
    ['another PostgreSQL major', { major: 15 }],
    ['other checks', { checks: ['SELECT true'] }],
    ['another RTO', { rto: 15 }],
  ])('a server with %s gets a group of its own', (_, change) => {
    const verification = {
      ...bronze.verification, ...(change.checks ? { checks: change.checks } : {}), ...(change.rto ? { maxRestoreDurationMinutes: change.rto } : {}),
    };
    const other = { ...bronze, verification };
    const groups = blueprintDrillGroups([
      { id: 'a', dumpPrefix: 'p/a', policy: bronze, major: 16, databaseNames: ['a'] },
      { id: 'b', dumpPrefix: 'p/b', policy: other, major: change.major ?? 16, databaseNames: ['b'] },
    ]);
    expect(groups.map((group) => group.databases.map((database) => database.id))).toEqual([['a'], ['b']]);
  });

  test('each database\'s results folder is the one the runner writes to, whatever its name', () => {
    const [group] = blueprintDrillGroups([{ id: 'odd', dumpPrefix: 'pg-dumps/odd', policy: bronze, major: 16, databaseNames: ['..', 'a/b', 'März'] }]);
    expect(group.databases.map((database) => database.resultsFolder)).toEqual([
      drillResultsFolder('pg-dumps/odd', '..'), drillResultsFolder('pg-dumps/odd', 'a/b'), drillResultsFolder('pg-dumps/odd', 'März'),
    ]);
    expect(group.databases.map((database) => database.resultsFolder)).toEqual([
      'pg-dumps/odd/%2E%2E/drills', 'pg-dumps/odd/a%2Fb/drills', 'pg-dumps/odd/M%C3%A4rz/drills',
    ]);
  });

  test('a server without verification is not drilled', () => {
    const { verification: _none, ...undrilled } = bronze;
    expect(blueprintDrillGroups([{ id: 'a', dumpPrefix: 'p/a', policy: undrilled, major: 16, databaseNames: ['a'] }])).toEqual([]);
  });

  test('a group whose input would pass 8 KB is split, every database kept once and in order', () => {
    const databases = Array.from({ length: 300 }, (_, index) => ({
      id: `server-${index}`, name: `database_${index}`, resultsFolder: `pg-dumps/server-${index}/database_${index}/drills`,
    }));
    const chunks = chunkDrillDatabases(databases);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(databases);
    for (const chunk of chunks) expect(JSON.stringify(chunk).length + 400).toBeLessThanOrEqual(MAX_DRILL_SCHEDULE_INPUT_CHARACTERS);
  });

  test('a group\'s checks file ends every statement with exactly one semicolon, one a line', () => {
    expect(drillGroupCheckFile(['SELECT true;', 'SELECT count(*) > 0 FROM t  ', 'SELECT 1 = 1;  '])).toBe('SELECT true;\nSELECT count(*) > 0 FROM t;\nSELECT 1 = 1;');
    expect(drillGroupCheckFile([])).toBe('');
  });
});
