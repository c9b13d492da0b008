import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { SCRATCH_RDS_MASTER_USERNAME, TARGET_SECRET_ARN_ENV } from '../../src/core';
import { DatabaseConnection } from '../../src/runner/database-connection';
import { secretTargetTls } from '../../src/runner/target-secret';
import { startPostgres, usePostgres, type PostgresCluster } from '../support/postgres';
import { seedShopDatabase, writeCheckFile } from './support/backup-fixtures';
import { runPgBackup } from './support/pg-backup-process';
import { startSecretsManagerStub, type SecretsManagerStub } from './support/secrets-manager-stub';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf';
const MISSING_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-gone-XyZ123';
/** The master user the drill creates the scratch instance with: a name PostgreSQL lets a role have. */
const DRILL_USER = SCRATCH_RDS_MASTER_USERNAME;
const DRILL_PASSWORD = 'only-in-the-secret-7Qx!';

/** A self-signed certificate for 127.0.0.1, readable by the server's OS user. */
function selfSignedCertificate(): { certFile: string; keyFile: string } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-tls-'));
  fs.chmodSync(directory, 0o755);
  const certFile = path.join(directory, 'server.crt');
  const keyFile = path.join(directory, 'server.key');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  fs.chmodSync(keyFile, 0o600);
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', 'postgres:', directory]);
  return { certFile, keyFile };
}

describe('verify into a scratch RDS-like server reads the password from the secret named by PG_BACKUP_TARGET_SECRET_ARN', () => {
  const source = usePostgres();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-target-secret-'));
  const uri = `file://${root}`;
  const tls = selfSignedCertificate();
  let scratch: PostgresCluster;
  let stub: SecretsManagerStub;
  let backupId: string;

  /** A TLS session on the scratch server as its superuser (the server takes no other). */
  async function scratchQuery<R>(sql: string): Promise<R[]> {
    const client = new Client({ host: scratch.host, port: scratch.port, user: scratch.user, password: scratch.password, database: 'postgres', ssl: { rejectUnauthorized: false } });
    await client.connect();
    try {
      return (await client.query(sql)).rows as R[];
    } finally {
      await client.end();
    }
  }

  /** The task's environment as the scratch RDS drill sets it, with a PGPASSWORD that is wrong for the scratch server. */
  const drillEnv = (extra: Record<string, string> = {}) => ({
    PG_BIN_DIR: source().binDir,
    PG_BACKUP_LOG_LEVEL: 'debug',
    PGPASSWORD: 'the-local-scratch-password',
    PGSSLMODE: 'require',
    [TARGET_SECRET_ARN_ENV]: SECRET_ARN,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: stub.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIATESTTARGETSECRET',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    AWS_REGION: 'eu-west-1',
    ...extra,
  });
  /** The target URL the state machine hands the task: the master user at the endpoint, no password. */
  const targetUrl = () => `postgresql://${DRILL_USER}@127.0.0.1:${scratch.port}/postgres`;
  const drillRecords = () => {
    const folder = path.join(root, 'ledger', 'drills');
    return fs.existsSync(folder) ? fs.readdirSync(folder).map((name) => JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8'))) : [];
  };

  beforeAll(async () => {
    scratch = await startPostgres({ settings: { ssl: true, ssl_cert_file: tls.certFile, ssl_key_file: tls.keyFile } });
    // Only TLS sessions are let in, as RDS does with rds.force_ssl: a client that does not encrypt is refused.
    await scratch.query(`CREATE ROLE ${DRILL_USER} LOGIN CREATEDB PASSWORD '${DRILL_PASSWORD}'`);
    const hba = path.join(scratch.dataDir, 'pg_hba.conf');
    fs.writeFileSync(hba, fs.readFileSync(hba, 'utf8').replace(/^host(\s)/gm, 'hostssl$1'));
    await scratch.query('SELECT pg_reload_conf()');
    stub = await startSecretsManagerStub({ [SECRET_ARN]: JSON.stringify({ username: DRILL_USER, password: DRILL_PASSWORD }) });
    await seedShopDatabase(source(), 'ledger');
    const dump = await runPgBackup(['dump', '--database-url', source().url('ledger'), '--to', uri], { PG_BIN_DIR: source().binDir });
    expect(dump.exitCode).toBe(0);
    backupId = dump.result.backupId;
  });
  afterAll(async () => {
    await stub?.close();
    await scratch?.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.dirname(tls.certFile), { recursive: true, force: true });
  });

  test('the scratch server refuses a session without TLS', async () => {
    const plain = new Client({ host: scratch.host, port: scratch.port, user: DRILL_USER, password: DRILL_PASSWORD, database: 'postgres', ssl: false });
    await expect(plain.connect()).rejects.toThrow(/no encryption/);
    await plain.end().catch(() => undefined);
  });

  test('verify restores with the secret\'s user and password over TLS, and logs neither the password nor PGPASSWORD\'s', async () => {
    // Every check runs on the restored database's own session: it proves node-postgres's TLS as hostssl proves pg_restore's.
    const checks = writeCheckFile(`SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid();\nSELECT current_user = '${DRILL_USER}';\n`);
    const run = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', targetUrl(), '--check', checks], drillEnv());
    expect(run).toMatchObject({ exitCode: 0, result: { ok: true, backupId, rowCountsCompared: true } });
    expect(run.result.checks).toEqual([
      expect.objectContaining({ passed: true, statement: expect.stringMatching(/pg_stat_ssl/) }),
      expect.objectContaining({ passed: true, statement: expect.stringMatching(/current_user/) }),
    ]);
    expect(stub.requests.at(-1)).toEqual({ secretId: SECRET_ARN, authorization: expect.stringContaining('Credential=AKIATESTTARGETSECRET/') });
    expect(`${run.stdout}${run.stderr}`).not.toContain(DRILL_PASSWORD);
    expect(`${run.stdout}${run.stderr}`).not.toContain('the-local-scratch-password');
    expect(await scratchQuery("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
    expect(drillRecords()).toContainEqual(expect.objectContaining({ succeeded: true, restored: { backupId } }));
  });

  test('with the RDS CA bundle in PGSSLROOTCERT, verify checks the server\'s certificate and host name (verify-full)', async () => {
    const pinned = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', targetUrl()], drillEnv({ PGSSLROOTCERT: tls.certFile }));
    expect(pinned).toMatchObject({ exitCode: 0, result: { ok: true, backupId } });
    const otherAuthority = selfSignedCertificate();
    try {
      const refused = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', targetUrl()], drillEnv({ PGSSLROOTCERT: otherAuthority.certFile }));
      expect(refused.exitCode).toBe(1);
      expect(refused.result.error).toMatch(new RegExp(`cannot connect to ${DRILL_USER}@127\\.0\\.0\\.1:\\d+/postgres \\(the verification server\\): .*self[- ]signed certificate`));
    } finally {
      fs.rmSync(path.dirname(otherAuthority.certFile), { recursive: true, force: true });
    }
  });

  test('a secret that cannot be read fails verify naming the ARN and the AWS error, with VerifyFailed and no drill recorded', async () => {
    const before = drillRecords().length;
    const run = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', targetUrl()], drillEnv({ [TARGET_SECRET_ARN_ENV]: MISSING_ARN }));
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ command: 'verify', ok: false, metrics: { VerifyFailed: 1, VerifySucceeded: 0 } });
    expect(run.result.error).toContain(`cannot read the target's secret ${MISSING_ARN} (PG_BACKUP_TARGET_SECRET_ARN): ResourceNotFoundException: Secrets Manager can't find the specified secret.`);
    expect(drillRecords()).toHaveLength(before);
    expect(await scratchQuery("SELECT datname FROM pg_database WHERE datname LIKE 'pg_backup_verify_%'")).toEqual([]);
  });

  test('a secret without a password fails verify without echoing the secret', async () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:no-password-AbC123';
    const other = await startSecretsManagerStub({ [arn]: JSON.stringify({ username: DRILL_USER, token: 'not-a-password-value' }) });
    try {
      const run = await runPgBackup(['verify', '--from', uri, '--backup', backupId, '--target-url', targetUrl()], drillEnv({ [TARGET_SECRET_ARN_ENV]: arn, AWS_ENDPOINT_URL_SECRETS_MANAGER: other.endpoint }));
      expect(run.exitCode).toBe(1);
      expect(run.result.error).toContain(`the target's secret ${arn} (PG_BACKUP_TARGET_SECRET_ARN) holds no JSON with a password`);
      expect(`${run.stdout}${run.stderr}`).not.toContain('not-a-password-value');
    } finally {
      await other.close();
    }
  });
});

describe('TLS of a target reached through its secret', () => {
  test.each([
    [{}, { mode: 'require' }],
    [{ PGSSLMODE: 'disable' }, { mode: 'require' }],
    [{ PGSSLMODE: 'prefer' }, { mode: 'require' }],
    [{ PGSSLMODE: 'require' }, { mode: 'require' }],
    [{ PGSSLROOTCERT: '/etc/rds/global-bundle.pem' }, { mode: 'verify-full', rootCertFile: '/etc/rds/global-bundle.pem' }],
    [{ PGSSLMODE: 'require', PGSSLROOTCERT: '/etc/rds/global-bundle.pem' }, { mode: 'verify-full', rootCertFile: '/etc/rds/global-bundle.pem' }],
    [{ PGSSLMODE: 'verify-ca', PGSSLROOTCERT: '/etc/rds/global-bundle.pem' }, { mode: 'verify-ca', rootCertFile: '/etc/rds/global-bundle.pem' }],
  ])('the environment %j gives %j', (env, expected) => {
    expect(secretTargetTls(env)).toEqual(expected);
  });

  test.each(['verify-ca', 'verify-full'])('PGSSLMODE %s without PGSSLROOTCERT is a usage error naming both', (mode) => {
    expect(() => secretTargetTls({ PGSSLMODE: mode })).toThrow(`PGSSLMODE is ${mode}, which needs the certificate authorities to trust in PGSSLROOTCERT`);
  });

  test('libpq gets the TLS settings in its environment and a URL without node-postgres-only parameters', () => {
    const connection = new DatabaseConnection(new URL('postgresql://drill_master@db:5432/postgres?sslmode=require&uselibpqcompat=true'), 'pw', { mode: 'verify-full', rootCertFile: '/etc/rds/global-bundle.pem' });
    expect(connection.dbname).toBe('postgresql://drill_master@db:5432/postgres');
    expect(connection.withDatabase('scratch').childEnv()).toEqual({ PGPASSWORD: 'pw', PGSSLMODE: 'verify-full', PGSSLROOTCERT: '/etc/rds/global-bundle.pem' });
  });
});
