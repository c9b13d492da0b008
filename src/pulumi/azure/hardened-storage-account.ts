/**
 * The settings every storage account that holds backups gets, the dumps' own and their offsite replica's: HTTPS and
 * TLS 1.2 only, no public blob access, no shared keys (the runner signs in with its managed identity, so no key can
 * leak), and no cross-tenant replication.
 */
export const HARDENED_STORAGE_ACCOUNT_SETTINGS = {
  accessTier: 'Hot',
  enableHttpsTrafficOnly: true,
  minimumTlsVersion: 'TLS1_2',
  allowBlobPublicAccess: false,
  allowSharedKeyAccess: false,
  defaultToOAuthAuthentication: true,
  allowCrossTenantReplication: false,
} as const;
