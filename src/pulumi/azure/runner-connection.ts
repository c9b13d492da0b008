import * as pulumi from '@pulumi/pulumi';

/** A secret in Azure Key Vault. */
export interface KeyVaultSecretReference {
  /** Resource id of the vault, where the job's identity is allowed to read this one secret. */
  readonly keyVaultId: pulumi.Input<string>;
  /** URI of the secret, versionless so a rotation is picked up: `https://<vault>.vault.azure.net/secrets/<name>`. */
  readonly secretUri: pulumi.Input<string>;
}

/** How the runner reaches the flexible server. */
export interface FlexibleServerConnection {
  /** Host name of the server, e.g. `server.fullyQualifiedDomainName`. */
  readonly host: pulumi.Input<string>;
  /**
   * Port.
   * @default 5432
   */
  readonly port?: number;
  /** The login the runner uses; it needs to read every table it dumps. */
  readonly user: pulumi.Input<string>;
  /** The login's password, in Key Vault: the job reads it with its managed identity into `PGPASSWORD`. */
  readonly password: KeyVaultSecretReference;
  /**
   * `sslmode`: flexible servers require TLS; `verify-full` also checks the server certificate against its name.
   * @default 'require'
   */
  readonly sslMode?: 'require' | 'verify-full';
}

/** Name of the Container Apps secret that holds the database password. */
export const DATABASE_PASSWORD_SECRET_NAME = 'database-password';

/**
 * The runner's `--database-url`: `postgresql://<user>@<host>:<port>/postgres?sslmode=…`. It has no password (that
 * comes in `PGPASSWORD`, never in the command line), and `--database` chooses the database to dump.
 */
export function runnerDatabaseUrl(connection: FlexibleServerConnection): pulumi.Output<string> {
  const port = connection.port ?? 5432;
  const sslMode = connection.sslMode ?? 'require';
  return pulumi.all([connection.user, connection.host]).apply(([user, host]) =>
    `postgresql://${encodeURIComponent(user)}@${host}:${port}/postgres?sslmode=${sslMode}`);
}

/** `https://<vault>.vault.azure.net/secrets/<name>[/<version>]` → `<name>`. */
export function keyVaultSecretNameOf(secretUri: string): string {
  const match = /^https:\/\/[^/]+\/secrets\/([0-9A-Za-z-]{1,127})(\/[0-9a-f]{32})?\/?$/.exec(secretUri);
  if (!match) throw new Error(`password.secretUri is ${JSON.stringify(secretUri)}; allowed: https://<vault>.vault.azure.net/secrets/<name>`);
  return match[1];
}

/** The role-assignment scope of one Key Vault secret: `<vault id>/secrets/<name>`. */
export function keyVaultSecretScope(secret: KeyVaultSecretReference): pulumi.Output<string> {
  return pulumi.all([secret.keyVaultId, secret.secretUri]).apply(([vaultId, uri]) => `${vaultId}/secrets/${keyVaultSecretNameOf(uri)}`);
}
