import * as pulumi from '@pulumi/pulumi';
import { EcsClusterReference } from './pg-dump-source';
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
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions {
  /** Id of the VPC the drill task runs in. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the task: private ones with egress (it needs S3, ECR and CloudWatch Logs). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The ECS cluster.
   * @default - a cluster is created
   */
  readonly cluster?: EcsClusterReference;
  /**
   * The image: `pg-backup` with the server binaries and pgBackRest of `postgresMajorVersion`. Unlike CDK, Pulumi has
   * no asset build here: build it from `runnerImageBuild` with a Docker resource of the program.
   */
  readonly image: pulumi.Input<string>;
}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the Pulumi handles. */
export interface SelfHostedPitrArchiveProps extends SelfHostedPitrArchiveOptions {
  /**
   * ARNs of host roles of another program that archive with the archiver's own expiry: the bucket policy, one document
   * in Pulumi, exempts them from the delete Deny (CDK collects them from `grantArchive` calls). Give them
   * {@link SelfHostedPitrArchive.archiveStatements}.
   * @default - none besides a created instance role
   */
  readonly archiverRoleArns?: pulumi.Input<string>[];
  /**
   * ARN of the KMS key of the archive.
   * @default - a key is created
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the topic alarms go to; its policy must let EventBridge publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * A scheduled point-in-time recovery drill (pgBackRest archives only).
   * @default - no drill
   */
  readonly drill?: PitrDrillOptions;
  /**
   * Encrypt the repository on the hosts with the pass or key in the secret (pgBackRest
   * `repo1-cipher-type=aes-256-cbc`, or WAL-G's libsodium).
   * @default - not encrypted by the archiver (the bucket's KMS encryption only)
   */
  readonly encryption?: PitrArchiveEncryption;
  /**
   * Keep the bucket and key when the stack is destroyed.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}
