import * as pulumi from '@pulumi/pulumi';
import { BackupKeyArgs } from './backup-store-handles';
import { NotificationTopicArgs } from './notification-handles';
import { RunnerImageArgs, TaskPlacementArgs, TaskSubnetsArgs } from './task-placement-handles';
import { PitrArchiveEncryptionOptions } from '../../core/aws/pitr-archive-encryption';
import { SelfHostedPitrArchiveOptions, SelfHostedPitrDrillOptions } from '../../core/aws/self-hosted-pitr-archive';

/** Encryption of the archive's repository by the archiver: the options every front end shares, and the secret. */
export interface PitrArchiveEncryption extends PitrArchiveEncryptionOptions {
  /**
   * ARN of the secret whose value is pgBackRest's `repo1-cipher-pass` (a long random string, e.g.
   * `openssl rand -base64 48`) or WAL-G's libsodium key (32 random bytes in `keyEncoding`). The hosts' role reads it
   * at boot and the drill's execution role injects it; nothing else of this component can.
   */
  readonly secretArn: pulumi.Input<string>;
  /**
   * ARN of the customer managed KMS key the secret is encrypted with, which its readers may then decrypt with.
   * @default - none: the secret uses the account's `aws/secretsmanager` key
   */
  readonly secretKeyArn?: pulumi.Input<string>;
}

/** Props of the scheduled PITR drill: the options every front end shares, and the Pulumi handles. */
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions, TaskPlacementArgs, TaskSubnetsArgs, RunnerImageArgs {}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the Pulumi handles. */
export interface SelfHostedPitrArchiveProps
  extends SelfHostedPitrArchiveOptions<PitrDrillOptions, PitrArchiveEncryption>, BackupKeyArgs, NotificationTopicArgs {
  /**
   * ARNs of host roles of another program that archive with the archiver's own expiry: the bucket policy, one document
   * in Pulumi, exempts them from the delete Deny (CDK collects them from `grantArchive` calls). Give them
   * {@link SelfHostedPitrArchive.archiveStatements}.
   * @default - none besides a created instance role
   */
  readonly archiverRoleArns?: pulumi.Input<string>[];
}
