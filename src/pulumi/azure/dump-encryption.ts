import { KeyVaultSecretReference } from './runner-connection';
import { DumpEncryptionOptions } from '../../core/policy/dump-encryption';

/** Name of the Container Apps secret of a drill job that holds the age identity. */
export const AGE_IDENTITY_SECRET_NAME = 'age-identity';

/**
 * Age encryption of the dumps on Azure: the public keys the dump jobs encrypt to (their only key material, so neither
 * they nor a reader of the container can read a backup back), and the Key Vault secret holding an identity.
 */
export interface DumpEncryption extends DumpEncryptionOptions {
  /**
   * The Key Vault secret holding the age identity (`AGE-SECRET-KEY-1…`) of one of the recipients. Only the drill jobs'
   * identity may read it (Key Vault Secrets User on this one secret), into `PG_BACKUP_AGE_IDENTITY`; the dump jobs
   * never see it. Required with `verification`.
   * @default - none: nothing deployed can decrypt the dumps (restore with the identity kept offline)
   */
  readonly identitySecret?: KeyVaultSecretReference;
}
