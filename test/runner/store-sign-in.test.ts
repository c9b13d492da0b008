import { usePostgres } from '../support/postgres';
import { runPgBackup } from './support/pg-backup-process';

/** An environment in which neither SDK finds a region or any credential: no variables, no files, no instance metadata. */
const NO_CLOUD_CREDENTIALS: Record<string, string> = {
  AWS_REGION: '',
  AWS_DEFAULT_REGION: '',
  AWS_ACCESS_KEY_ID: '',
  AWS_SECRET_ACCESS_KEY: '',
  AWS_SESSION_TOKEN: '',
  AWS_PROFILE: '',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
  AWS_WEB_IDENTITY_TOKEN_FILE: '',
  AWS_ENDPOINT_URL_S3: '',
  AZURE_STORAGE_CONNECTION_STRING: '',
  AZURE_CLIENT_ID: '',
  AZURE_TENANT_ID: '',
  AZURE_CLIENT_SECRET: '',
  AZURE_FEDERATED_TOKEN_FILE: '',
  IDENTITY_ENDPOINT: '',
  MSI_ENDPOINT: '',
  PG_BACKUP_METRICS: 'stderr',
};

/**
 * A store the runner cannot sign in to (no region, no credentials) fails the run with what to set, naming the store
 * and what the run was doing, instead of the SDK's own words ("Region is missing", a chain of six credential errors).
 */
describe('a store the runner cannot sign in to says what to set', () => {
  const pg = usePostgres();
  beforeAll(async () => {
    await pg().createDatabase('signin');
  });

  test.each([
    ['no AWS region', 's3://signin-backups/nightly', {}, /^cannot sign in to the object store at AWS S3 .* while reading s3:\/\/signin-backups\/nightly\/signin\/latest: no valid AWS region is set: set AWS_REGION/],
    ['no AWS credentials', 's3://signin-backups/nightly', { AWS_REGION: 'eu-west-1' },
      /^cannot sign in to the object store at AWS S3 .*: no AWS credentials were found: run with a task or instance role, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/],
    ['no Azure credential', 'azblob://signinaccount/backups/nightly', {},
      /^cannot sign in to the object store at https:\/\/signinaccount\.blob\.core\.windows\.net while reading .*: no Azure credential was found: set AZURE_STORAGE_CONNECTION_STRING/],
  ])('%s: the dump fails with what to set, exits 1 and reports BackupFailed', async (_name, uri, env, message) => {
    const run = await runPgBackup(['dump', '--database-url', pg().url('signin'), '--to', uri], { ...NO_CLOUD_CREDENTIALS, PG_BIN_DIR: pg().binDir, ...env });
    expect(run.exitCode).toBe(1);
    expect(run.result).toMatchObject({ ok: false, metrics: { BackupFailed: 1 } });
    expect(run.result.error).toMatch(message);
    expect(run.result.error).toMatch(/\(no manifest was written and latest is unchanged\)$/);
  }, 120_000);
});
