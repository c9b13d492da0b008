import * as pulumi from '@pulumi/pulumi';
import { ExistingBucket } from './backup-bucket';
import { DumpEncryption, EcsClusterReference } from './pg-dump-source';
import { PostgresDatabase } from './postgres-database';
import { ScheduledPgDumpOptions } from '../../core/aws/scheduled-pg-dump';

/** Props of {@link ScheduledPgDump}: the options every front end shares, and the Pulumi handles. */
export interface ScheduledPgDumpProps extends ScheduledPgDumpOptions {
  /** Id of the VPC the dump task runs in (it must reach the database, S3, ECR, CloudWatch Logs and Secrets Manager). */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the task: private ones with egress, since the task gets no public IP. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
  /**
   * The runner image (`runner-image/Dockerfile` of this package built with the server's PostgreSQL major), e.g. an ECR
   * image URI. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild` for building it in the program.
   */
  readonly image: pulumi.Input<string>;
  /**
   * An existing bucket dumps are written to.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: ExistingBucket;
  /**
   * ARN of the KMS key of the backups.
   * @default - the given bucket's key, or a created key
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * Server access logging of a created bucket into a separate bucket: `true` creates it, a name uses an existing one.
   * @default true
   */
  readonly serverAccessLogs?: boolean | pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete backup objects; the bucket policy denies `s3:DeleteObject*` to all others.
   * @default - nobody
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /**
   * The ECS cluster the dump task runs in.
   * @default - a cluster with Container Insights is created
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Days the task logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * ARN of the topic failures and missed RPOs are sent to; its policy must let EventBridge publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of the KMS key of a given topic.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * How long EventBridge Scheduler keeps trying to start a run, in seconds.
   * @default 3600
   */
  readonly maxEventAgeSeconds?: number;
  /**
   * Keep the created bucket and keys when the stack is destroyed (CDK's `RemovalPolicy.RETAIN`).
   * @default true
   */
  readonly retainOnDelete?: boolean;
  /**
   * Encrypt every object of each dump with age to `recipients` (after compression); `identitySecretArn` is read by a
   * `VerifyRestore` of these dumps, never by the dump task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: DumpEncryption;
}
