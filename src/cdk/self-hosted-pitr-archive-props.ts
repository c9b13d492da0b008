import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
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
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions {
  /** The VPC the drill task runs in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the task.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The ECS cluster.
   * @default - a cluster is created
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The image: `pg-backup` with the server binaries and pgBackRest of `postgresMajorVersion`.
   * @default - built from the package's runner-image/Dockerfile
   */
  readonly image?: ecs.ContainerImage;
}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the CDK handles. */
export interface SelfHostedPitrArchiveProps extends SelfHostedPitrArchiveOptions {
  /**
   * The KMS key of the archive.
   * @default - a key is created
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Where alarms go.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * A scheduled point-in-time recovery drill (pgBackRest archives only).
   * @default - no drill
   */
  readonly drill?: PitrDrillOptions;
  /**
   * Encrypt the repository on the hosts with the pass or key in `secret` (pgBackRest `repo1-cipher-type=aes-256-cbc`,
   * or WAL-G's libsodium).
   * @default - not encrypted by the archiver (the bucket's KMS encryption only)
   */
  readonly encryption?: PitrArchiveEncryption;
  /**
   * What happens to the bucket and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}
