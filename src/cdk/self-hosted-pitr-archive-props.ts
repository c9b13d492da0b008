import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BackupKeyProps } from './backup-store-handles';
import { NotificationTopicProps } from './notification-handles';
import { TaskPlacementProps, TaskSubnetsProps } from './task-placement-handles';
import { PitrArchiveEncryptionOptions } from '../core/aws/pitr-archive-encryption';
import { SelfHostedPitrArchiveOptions, SelfHostedPitrDrillOptions } from '../core/aws/self-hosted-pitr-archive';

/** Encryption of the archive's repository by the archiver: the options every front end shares, and the secret. */
export interface PitrArchiveEncryption extends PitrArchiveEncryptionOptions {
  /**
   * The secret whose value is pgBackRest's `repo1-cipher-pass` (a long random string, e.g. `openssl rand -base64 48`)
   * or WAL-G's libsodium key (32 random bytes in `keyEncoding`). The hosts' role reads it at boot and the drill's
   * execution role injects it; nothing else of this construct can.
   */
  readonly secret: secretsmanager.ISecret;
}

/** Props of the scheduled PITR drill: the options every front end shares, and the CDK handles. */
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions, TaskPlacementProps, TaskSubnetsProps {}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the CDK handles. */
export interface SelfHostedPitrArchiveProps
  extends SelfHostedPitrArchiveOptions<PitrDrillOptions, PitrArchiveEncryption>, BackupKeyProps, NotificationTopicProps {}
