import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseTargetTime, scratchServerName } from '../../src/runner/flexible-server-pitr-drill';
import { type ArmRequest, type ArmStub, type ArmStubScenario, type LocalCertificate, localCertificate, startArmStub } from '../support/arm-stub';
import { type PostgresCluster, startPostgres } from '../support/postgres';
import { cli } from './support/in-process-cli';
import { runPgBackup, startPgBackup } from './support/pg-backup-process';

const SUBSCRIPTION = '00000000-0000-0000-0000-000000000001';
const SOURCE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/db/providers/Microsoft.DBforPostgreSQL/flexibleServers/source`;
const SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/db`;
const ZONE = `/subscriptions/${SUBSCRIPTION}/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/db.postgres.database.azure.com`;
const DRILL_SUBNET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/drills`;
const HOUR = 3_600_000;

/**
 * `pg-backup drill-flexible-pitr` runs as its own process against a local HTTPS stand-in of the few Azure Resource
 * Manager calls it makes (read the source, create the scratch server and follow the restore, delete it), signing in
 * with a managed identity the stand-in serves as Container Apps does; the "restored server" it reports is a real
 * PostgreSQL with TLS on 127.0.0.1, so the checks are real. The stand-in's certificate is trusted through
 * NODE_EXTRA_CA_CERTS, as a private CA would be.
 */
describe('pg-backup drill-flexible-pitr restores a flexible server to a point in time, checks it and always deletes it', () => {
  let certificate: LocalCertificate;
  let serverCertificate: LocalCertificate;
  /** Both certificates: what the drill trusts unless a test says otherwise. */
  let trusted: string;
  let pg: PostgresCluster;
  let stub: ArmStub | undefined;
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-flex-drill-'));
  const uri = () => `file://${store}/pg-dumps`;

  beforeAll(async () => {
    certificate = await localCertificate();
    serverCertificate = await localCertificate();
    trusted = path.join(certificate.directory, 'trusted.pem');
    fs.writeFileSync(trusted, certificate.cert + serverCertificate.cert);
    // PostgreSQL reads a key only its server user owns.
    if (process.getuid?.() === 0) execFileSync('chown', ['postgres', serverCertificate.keyFile]);
    fs.chmodSync(serverCertificate.keyFile, 0o600);
    pg = await startPostgres({
      password: 'drill-secret',
      settings: { ssl: 'on', ssl_cert_file: serverCertificate.certFile, ssl_key_file: serverCertificate.keyFile },
    });
    await pg.createDatabase('shop');
    // Orders up to two hours ago: a restore to an hour ago holds all 120.
    await pg.query(`
      CREATE TABLE orders (id int PRIMARY KEY, placed_at timestamptz NOT NULL);
      INSERT INTO orders SELECT n, now() - interval '2 hours' - n * interval '1 minute' FROM generate_series(1, 120) AS n;`, 'shop');
    // Like a flexible server, it takes TCP connections over TLS only: a drill that did not use TLS could not check it.
    const hba = path.join(pg.dataDir, 'pg_hba.conf');
    fs.writeFileSync(hba, fs.readFileSync(hba, 'utf8').replace(/^host(\s)/gm, 'hostssl$1'));
    await pg.query('SELECT pg_reload_conf()');
  });
  afterEach(async () => {
    await stub?.stop();
    stub = undefined;
  });
  afterAll(async () => {
    await pg?.stop();
    fs.rmSync(store, { recursive: true, force: true });
  });

  const source = (earliestRestore = new Date(Date.now() - 3 * 86_400_000)) => ({
    location: 'westeurope',
    properties: {
      state: 'Ready',
      fullyQualifiedDomainName: 'source.db.postgres.database.azure.com',
      backup: { backupRetentionDays: 7, earliestRestoreDate: earliestRestore.toISOString(), geoRedundantBackup: 'Disabled' },
      network: { delegatedSubnetResourceId: SUBNET, privateDnsZoneArmResourceId: ZONE, publicNetworkAccess: 'Disabled' },
    },
  });

  async function drill(scenario: Partial<ArmStubScenario>, args: string[] = [], env: Record<string, string> = {}) {
    stub = await startArmStub(certificate, { source: source(), restore: 'ready', restoredHost: 'localhost', ...scenario });
    const run = await runPgBackup([
      'drill-flexible-pitr', '--source-server-id', SOURCE_ID, '--resource-group', 'drills', '--arm-endpoint', stub.endpoint,
      '--database', 'shop', '--min-rows', 'orders=120', '--max-rows', 'orders=120', '--sql', 'SELECT count(*) = 120 FROM orders',
      '--ready-timeout', '3s', '--delete-timeout', '30s', '--connect-timeout', '0', '--record-to', uri(), ...args,
    ], {
      ...stub.identityEnv,
      AZURE_CLIENT_ID: '11111111-1111-1111-1111-111111111111',
      PGUSER: pg.user,
      PGPASSWORD: pg.password,
      PGPORT: String(pg.port),
      PG_BACKUP_METRICS: 'off',
      PG_BACKUP_LOG_LEVEL: 'warn',
      NODE_EXTRA_CA_CERTS: trusted,
      ...env,
    });
    return { run, requests: [...stub.requests] };
  }
  const calls = (requests: readonly ArmRequest[]) => requests.map((request) => `${request.method} ${request.path.replace(/^.*\/flexibleServers\//, '')}`);
  const creates = (requests: readonly ArmRequest[]) => requests.filter((request) => request.method === 'PUT');
  const deletes = (requests: readonly ArmRequest[]) => requests.filter((request) => request.method === 'DELETE');
  const readRecord = (key: string) => JSON.parse(fs.readFileSync(path.join(store, 'pg-dumps', key), 'utf8'));

  test('a drill that restores, passes its checks and deletes the scratch server exits 0 with its target, RTO, recovery point and checks', async () => {
    const before = Date.now();
    const { run, requests } = await drill({}, ['--recovery-point-query', 'SELECT max(placed_at) FROM orders', '--max-recovery-point-gap', '2h']);
    expect(run.stderr).not.toMatch(/"level":(50|60)/);
    expect(run.exitCode).toBe(0);
    expect(run.result).toMatchObject({
      command: 'drill-flexible-pitr',
      ok: true,
      sourceServerId: SOURCE_ID,
      scratchServerDeleted: true,
      host: 'localhost',
      rowCounts: [{ table: 'orders', min: 120, max: 120, rows: 120, passed: true }],
      checks: [
        { file: '--sql', statement: 'SELECT NOT pg_is_in_recovery()', passed: true },
        { file: '--sql', statement: 'SELECT count(*) = 120 FROM orders', passed: true },
      ],
      metrics: { FlexiblePitrDrillSucceeded: 1, FlexiblePitrDrillFailed: 0, DrillSucceeded: 1 },
    });
    // The target is an hour before the drill started, to the second.
    const target = Date.parse(run.result.targetTime);
    expect(target).toBeGreaterThanOrEqual(Math.floor((before - HOUR) / 1000) * 1000);
    expect(target).toBeLessThanOrEqual(Date.now() - HOUR);
    // The newest order is two hours old: an hour before the target.
    expect(run.result.recoveryPoint.gapSeconds).toBeGreaterThan(3500);
    expect(run.result.recoveryPoint.gapSeconds).toBeLessThan(3700);
    expect(run.result.metrics.RecoveryPointGapSeconds).toBe(run.result.recoveryPoint.gapSeconds);
    expect(run.result.rtoSeconds).toBeGreaterThanOrEqual(run.result.restoreSeconds);

    const scratch = run.result.scratchServer.replace(/^.*\//, '');
    expect(scratch).toMatch(/^pgdrill-\d{14}-[0-9a-f]{4}$/);
    expect(run.result.scratchServer).toBe(`/subscriptions/${SUBSCRIPTION}/resourceGroups/drills/providers/Microsoft.DBforPostgreSQL/flexibleServers/${scratch}`);
    // Read the source, create the scratch server, follow the restore to its end, read the server, delete it.
    expect(calls(requests)).toEqual(['GET source', `PUT ${scratch}`, `GET /operations/${scratch}`, `GET ${scratch}`, `DELETE ${scratch}`]);
    expect(requests.every((request) => request.authorization === `Bearer ${stub!.token}`)).toBe(true);
    expect(creates(requests)[0].body).toEqual({
      location: 'westeurope',
      tags: { 'pg-backup-drill-of': 'source' },
      properties: {
        createMode: 'PointInTimeRestore',
        sourceServerResourceId: SOURCE_ID,
        pointInTimeUTC: new Date(run.result.targetTime).toISOString(),
        network: { delegatedSubnetResourceId: SUBNET, privateDnsZoneArmResourceId: ZONE },
      },
    });
    expect(creates(requests)[0].path).toContain('/resourceGroups/drills/');

    const record = readRecord(run.result.drillResult.key);
    expect(record).toMatchObject({
      version: 1,
      kind: 'point-in-time',
      database: 'shop',
      succeeded: true,
      restored: { targetTime: run.result.targetTime, resource: run.result.scratchServer },
      rtoSeconds: Math.round(run.result.rtoSeconds),
      recoveryPoint: run.result.recoveryPoint.observed,
      rowsMatched: 120,
    });
    const status = await cli(['status', '--from', uri(), '--database', 'shop'], {});
    expect(JSON.stringify(status.results[0])).toContain(run.result.drillResult.key);
    // The checks' password came from PGPASSWORD only: it is in no log line, result, drill record or request to Resource Manager.
    for (const text of [run.stdout, run.stderr, JSON.stringify(record), JSON.stringify(requests)]) expect(text).not.toContain(pg.password);
  });

  test('the checks verify the server\'s certificate: one the drill does not trust fails the drill, and the scratch server is deleted', async () => {
    // Resource Manager's certificate is trusted, the restored server's is not.
    const { run, requests } = await drill({}, [], { NODE_EXTRA_CA_CERTS: certificate.certFile });
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/cannot connect to postgres@localhost:\d+\/shop .*self.signed certificate/);
    expect(deletes(requests)).toHaveLength(1);
  });

  test('--subnet-id and --private-dns-zone-id put the scratch server into the network the drill names instead of the source\'s', async () => {
    const { run, requests } = await drill({}, ['--subnet-id', DRILL_SUBNET]);
    expect(run.exitCode).toBe(0);
    expect(creates(requests)[0].body.properties.network).toEqual({ delegatedSubnetResourceId: DRILL_SUBNET });
  });

  test('--target-random restores to a whole second inside the source server\'s window and at least --target-lag ago', async () => {
    const before = Date.now();
    const { run, requests } = await drill({ source: source(new Date(before - 5 * HOUR)) }, ['--target-random', '--target-lag', '2h']);
    expect(run.exitCode).toBe(0);
    const target = Date.parse(creates(requests)[0].body.properties.pointInTimeUTC);
    expect(target % 1000).toBe(0);
    expect(target).toBeGreaterThanOrEqual(before - 5 * HOUR);
    expect(target).toBeLessThanOrEqual(Date.now() - 2 * HOUR);
  });

  test('a restore ARM refuses fails the drill with ARM\'s reason, is recorded as failed, and the scratch server is still deleted', async () => {
    const { run, requests } = await drill({ restore: 'refused' });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ ok: false, metrics: { FlexiblePitrDrillSucceeded: 0, FlexiblePitrDrillFailed: 1 } });
    expect(run.result.error).toMatch(/point-in-time restore of .*flexibleServers\/source to .* as pgdrill-\S+ was refused or failed: InvalidParameterValue: Invalid value given for parameter PointInTimeUTC/);
    expect(deletes(requests)).toHaveLength(1);
    expect(deletes(requests)[0].path).toBe(creates(requests)[0].path);
    const [newest] = fs.readdirSync(path.join(store, 'pg-dumps', 'shop', 'drills')).sort().reverse();
    expect(readRecord(`shop/drills/${newest}`)).toMatchObject({ succeeded: false, reason: run.result.error, restored: { resource: expect.stringContaining('/flexibleServers/pgdrill-') } });
  });

  test('a restore whose operation fails fails the drill with the operation\'s error, and the scratch server is deleted', async () => {
    const { run, requests } = await drill({ restore: 'failed' });
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/was refused or failed: .*the restore could not read the backup/);
    expect(deletes(requests)).toHaveLength(1);
  });

  test('a scratch server that is never ready fails the drill at --ready-timeout, and it is deleted', async () => {
    const { run, requests } = await drill({ restore: 'never-ready' });
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/was not ready within --ready-timeout 3 s/);
    expect(requests.some((request) => request.path.startsWith('/operations/'))).toBe(true);
    expect(deletes(requests)).toHaveLength(1);
  });

  test('a drill stopped by SIGTERM while the restore runs still deletes the scratch server before it exits 143', async () => {
    stub = await startArmStub(certificate, { source: source(), restore: 'never-ready', restoredHost: 'localhost' });
    const drilling = startPgBackup([
      'drill-flexible-pitr', '--source-server-id', SOURCE_ID, '--resource-group', 'drills', '--arm-endpoint', stub.endpoint, '--database', 'shop',
    ], { ...stub.identityEnv, AZURE_CLIENT_ID: '11111111-1111-1111-1111-111111111111', PGUSER: pg.user, PG_BACKUP_METRICS: 'off', PG_BACKUP_LOG_LEVEL: 'info' });
    await drilling.waitForStderr(/restoring to a scratch server/);
    drilling.child.kill('SIGTERM');
    const run = await drilling.done;
    expect(run.exitCode).toBe(143);
    expect(deletes(stub.requests)).toHaveLength(1);
    expect(deletes(stub.requests)[0].path).toBe(creates(stub.requests)[0].path);
  });

  test('failing checks fail the drill naming each failed bound and check, and the scratch server is deleted', async () => {
    const { run, requests } = await drill({}, ['--sql', 'SELECT count(*) > 500 FROM orders']);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/1 check\(s\) of postgres@localhost:\d+\/shop failed: check failed \(--sql\): SELECT count\(\*\) > 500 FROM orders/);
    expect(run.result.metrics).toEqual({ FlexiblePitrDrillSucceeded: 0, FlexiblePitrDrillFailed: 1 });
    expect(deletes(requests)).toHaveLength(1);
  });

  test('data newer than the target fails the drill: it was no restore to that time', async () => {
    const { run, requests } = await drill({}, ['--recovery-point-query', "SELECT now() - interval '1 minute'"]);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/the restored data is newer than the target/);
    expect(deletes(requests)).toHaveLength(1);
  });

  test('a scratch server that cannot be deleted fails a drill that passed, naming the server to delete by hand', async () => {
    const { run, requests } = await drill({ deleteFails: true });
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/the scratch server \/subscriptions\/.*\/flexibleServers\/pgdrill-\S+ could not be deleted \(Conflict: The server is busy with another operation\..*\); delete it by hand/);
    expect(deletes(requests)).toHaveLength(1);
  });

  test('a target before the source server\'s earliest restore point fails before anything is created', async () => {
    const twoHoursAgo = `${new Date(Date.now() - 2 * HOUR).toISOString().slice(0, 19)}Z`;
    const { run, requests } = await drill({ source: source(new Date(Date.now() - HOUR)) }, ['--target-time', twoHoursAgo]);
    expect(run.exitCode).toBe(1);
    expect(run.result.error).toMatch(/the target time \S+ is outside the source server's restore window: allowed a time from/);
    expect(calls(requests)).toEqual(['GET source']);
  });
});

describe('pg-backup drill-flexible-pitr flags', () => {
  test.each([
    [[], '--source-server-id is undefined; allowed: the resource id of a flexible server'],
    [['--source-server-id', '/subscriptions/x/resourceGroups/db/providers/Microsoft.Sql/servers/a'], '--source-server-id is "/subscriptions/x/resourceGroups/db/providers/Microsoft.Sql/servers/a"; allowed: the resource id of a flexible server'],
    [['--source-server-id', SOURCE_ID, '--target-time', '2026-11-24T10:15:00'], '--target-time is "2026-11-24T10:15:00"; allowed: an ISO-8601 timestamp'],
    [['--source-server-id', SOURCE_ID, '--target-time', '2026-11-24T10:15:00Z', '--target-random'], '--target-random is true; allowed: not with --target-time'],
    [['--source-server-id', SOURCE_ID, '--target-lag', '40d'], '--target-lag is "40d"; allowed: a duration from 0s to 35d'],
    [['--source-server-id', SOURCE_ID, '--scratch-server-prefix', 'Drill_1'], '--scratch-server-prefix is "Drill_1"; allowed: 1-39 lower-case letters'],
    [['--source-server-id', SOURCE_ID, '--subnet-id', 'drills'], '--subnet-id is "drills"; allowed: the resource id of a subnet'],
    [['--source-server-id', SOURCE_ID, '--sslmode', 'disable'], '--sslmode is "disable"; allowed:'],
    [['--source-server-id', SOURCE_ID, '--ready-timeout', '0'], '--ready-timeout is "0"; allowed: a duration from 1s to 24h'],
    [['--source-server-id', SOURCE_ID, '--max-recovery-point-gap', '5m'], '--recovery-point-query is undefined; allowed: a query returning the newest commit time'],
    [['--source-server-id', SOURCE_ID, '--arm-endpoint', 'http://management.azure.com'], '--arm-endpoint is "http://management.azure.com"; allowed: an https:// URL'],
  ])('%j is a usage error naming the flag, the value and what is allowed', async (args, message) => {
    const run = await cli(['drill-flexible-pitr', ...args], { PGUSER: 'drill' });
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toContain(message);
  });

  test('without --db-user or PGUSER the drill does not know whom to check as', async () => {
    const run = await cli(['drill-flexible-pitr', '--source-server-id', SOURCE_ID], {});
    expect(run.exitCode).toBe(2);
    expect(run.results[0].error).toContain('--db-user is undefined; allowed: the login role of the checks (or set PGUSER)');
  });
});

describe('choosing a drill\'s target and scratch server', () => {
  const now = new Date('2026-12-05T07:00:00.400Z');
  test('a fixed lag restores to that long before the drill, to the second', () => {
    expect(chooseTargetTime({ kind: 'lag', seconds: 3600 }, now, {})).toBe('2026-12-05T06:00:00Z');
  });

  test('a random target lies between the later of the earliest restore point and the retention start, and the lag', () => {
    const server = { backup: { backupRetentionDays: 7, earliestRestoreDate: new Date('2026-12-05T04:59:59.500Z') } };
    for (let i = 0; i < 50; i++) {
      const target = Date.parse(chooseTargetTime({ kind: 'random', seconds: 3600 }, now, server));
      expect(target).toBeGreaterThanOrEqual(Date.parse('2026-12-05T05:00:00Z'));
      expect(target).toBeLessThanOrEqual(Date.parse('2026-12-05T06:00:00Z'));
    }
  });

  test('a random target needs a window longer than the lag', () => {
    expect(() => chooseTargetTime({ kind: 'random', seconds: 3 * 3600 }, now, { backup: { earliestRestoreDate: new Date('2026-12-05T05:00:00Z') } }))
      .toThrow(/holds no time at least --target-lag before now/);
  });

  test('scratch server names are unique, lower case and within Azure\'s 63 characters', () => {
    const names = new Set(Array.from({ length: 20 }, () => scratchServerName('a'.repeat(39), now)));
    expect(names.size).toBeGreaterThan(1);
    for (const name of names) expect(name).toMatch(/^a{39}-20261205070000-[0-9a-f]{4}$/);
    expect([...names][0].length).toBeLessThanOrEqual(63);
  });
});
