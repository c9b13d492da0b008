import { TARGET_SECRET_ARN_ENV } from '../core';
import type { DatabaseConnection, TlsMode, TlsSettings } from './database-connection';
import { RunnerError, UsageError, errorMessage } from './runner-error';

/** The credentials in a target's secret: RDS's managed master secret holds `username` and `password`. */
export interface TargetSecret {
  /**
   * The user to log in as.
   * @default - the target URL's
   */
  readonly username?: string;
  /** The password. */
  readonly password: string;
}

/** The sslmodes a server reached through an RDS-managed secret may be given; weaker ones are raised to `require`. */
const VERIFYING_TLS_MODES: readonly TlsMode[] = ['verify-ca', 'verify-full'];

/**
 * TLS to a server whose password came from a secret: never without encryption. `PGSSLMODE` `verify-ca` or
 * `verify-full` is kept; otherwise a CA bundle in `PGSSLROOTCERT` means `verify-full` and none means `require`.
 */
export function secretTargetTls(env: NodeJS.ProcessEnv): TlsSettings {
  const rootCertFile = env.PGSSLROOTCERT || undefined;
  const asked = VERIFYING_TLS_MODES.find((mode) => mode === env.PGSSLMODE);
  if (asked && rootCertFile === undefined) {
    throw new UsageError(`PGSSLMODE is ${asked}, which needs the certificate authorities to trust in PGSSLROOTCERT (for RDS, its regional bundle)`);
  }
  const mode = asked ?? (rootCertFile === undefined ? 'require' : 'verify-full');
  return { mode, ...(rootCertFile === undefined ? {} : { rootCertFile }) };
}

/** The region of a Secrets Manager ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`). */
function regionOf(arn: string): string {
  const parts = arn.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'secretsmanager' || !parts[3]) {
    throw new UsageError(`${TARGET_SECRET_ARN_ENV} is ${JSON.stringify(arn)}; allowed: a Secrets Manager secret ARN, arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`);
  }
  return parts[3];
}

/** Reads the credentials of the secret `arn` with the runner's AWS credentials. The error names the ARN, never the content. */
export async function readTargetSecret(arn: string): Promise<TargetSecret> {
  const region = regionOf(arn);
  // Loaded here, not at start-up: only a drill into a scratch RDS instance reads a secret.
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region });
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    const name = (error as { name?: string }).name;
    throw new RunnerError(`cannot read the target's secret ${arn} (${TARGET_SECRET_ARN_ENV}): ${name ? `${name}: ` : ''}${errorMessage(error)}`, { cause: error });
  } finally {
    client.destroy();
  }
  let parsed: { username?: unknown; password?: unknown } | undefined;
  try {
    parsed = text === undefined ? undefined : JSON.parse(text) as { username?: unknown; password?: unknown };
  } catch {
    // The content is a secret: say what is wrong with it, never echo it.
  }
  if (typeof parsed?.password !== 'string' || parsed.password === '') {
    throw new RunnerError(`the target's secret ${arn} (${TARGET_SECRET_ARN_ENV}) holds no JSON with a password (RDS's managed secret holds username and password)`);
  }
  return { password: parsed.password, ...(typeof parsed.username === 'string' && parsed.username !== '' ? { username: parsed.username } : {}) };
}

/**
 * The target as the task reaches a scratch RDS instance: with `PG_BACKUP_TARGET_SECRET_ARN` set, its user (if the
 * secret holds one) and password come from that secret, over `PGPASSWORD` and the URL's, and TLS is used
 * ({@link secretTargetTls}); without it the target is unchanged.
 */
export async function withTargetSecret(target: DatabaseConnection, env: NodeJS.ProcessEnv): Promise<DatabaseConnection> {
  const arn = env[TARGET_SECRET_ARN_ENV];
  if (!arn) return target;
  const tls = secretTargetTls(env);
  const secret = await readTargetSecret(arn);
  return target.withCredentials(secret.username, secret.password, tls);
}
