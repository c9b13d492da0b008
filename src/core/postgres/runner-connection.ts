/** The environment variable the runner reads an RDS-style secret JSON from (`pg-backup --secret-env`'s default). */
export const RUNNER_DATABASE_SECRET_ENV = 'PG_BACKUP_DATABASE_SECRET';

/** The port of a PostgreSQL server whose port nobody named. */
export const DEFAULT_POSTGRES_PORT = 5432;

/** One container secret of the runner: the variable, and the key of the secret's JSON it holds (the whole JSON without one). */
export interface RunnerSecretVariable {
  /** The environment variable. */
  readonly variable: string;
  /**
   * The key of the secret's JSON the variable holds.
   * @default - the whole secret
   */
  readonly jsonKey?: 'username' | 'password';
}

/**
 * How the runner container learns where the database is and how to log in: a secret that holds the host (RDS-style
 * JSON) is read whole; a secret with only credentials gives libpq its user and password, and the rest is in the URL of
 * {@link runnerDatabaseUrl}.
 */
export function runnerSecretVariables(secretHoldsHost: boolean): RunnerSecretVariable[] {
  return secretHoldsHost
    ? [{ variable: RUNNER_DATABASE_SECRET_ENV }]
    : [{ variable: 'PGUSER', jsonKey: 'username' }, { variable: 'PGPASSWORD', jsonKey: 'password' }];
}

/** The `--database-url` of a server whose secret holds only credentials. */
export function runnerDatabaseUrl(host: string, port: string | number = DEFAULT_POSTGRES_PORT): string {
  return `postgres://${host}:${port}/postgres`;
}

/** The runner's container secrets ({@link runnerSecretVariables}), each the reference `secretOf(jsonKey)` gives. */
export function runnerSecrets<Secret>(secretHoldsHost: boolean, secretOf: (jsonKey?: RunnerSecretVariable['jsonKey']) => Secret): Record<string, Secret> {
  return Object.fromEntries(runnerSecretVariables(secretHoldsHost).map(({ variable, jsonKey }) => [variable, secretOf(jsonKey)]));
}

/** How the runner container learns where the database is and how to log in, with a front end's types of a container secret and a URL. */
export interface RunnerConnection<Secret, Url = string> {
  /** Container secrets: each variable's reference to the secret (ECS reads the values when the task starts). */
  readonly secrets: Record<string, Secret>;
  /**
   * `--database-url` to pass, when the secret does not hold the host.
   * @default - none: the secret holds the host
   */
  readonly databaseUrl?: Url;
}

/**
 * What the runner connects with: the whole secret when it holds the host (`host` undefined), else its credentials and
 * the URL `urlOf` makes of the host.
 */
export function runnerConnection<Secret, Url, Host>(
  host: Host | undefined, secretOf: (jsonKey?: RunnerSecretVariable['jsonKey']) => Secret, urlOf: (host: Host) => Url,
): RunnerConnection<Secret, Url> {
  const secrets = runnerSecrets(host === undefined, secretOf);
  return host === undefined ? { secrets } : { secrets, databaseUrl: urlOf(host) };
}
