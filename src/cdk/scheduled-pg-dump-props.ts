import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PostgresDatabase } from './database-connection';
import { DumpEncryption } from './pg-dump-source';
import { ScheduledPgDumpOptions } from '../core/aws/scheduled-pg-dump';

/** Props of {@link ScheduledPgDump}: the options every front end shares, and the CDK handles. */
export interface ScheduledPgDumpProps extends ScheduledPgDumpOptions {
  /** The VPC the dump task runs in (it must reach the database, S3, ECR, CloudWatch Logs and Secrets Manager). */
  readonly vpc: ec2.IVpc;
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
  /**
   * The bucket dumps are written to.
   * @default - a bucket is created (see `BackupBucket`)
   */
  readonly bucket?: s3.IBucket;
  /**
   * The KMS key of the backups.
   * @default - the given bucket's key, or a created key
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Server access logging of a created bucket, into a separate bucket (`true` creates it).
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one role allowed to delete backup objects; the bucket policy denies `s3:DeleteObject*` to all others.
   * @default - nobody
   */
  readonly breakGlassRole?: iam.IRole;
  /**
   * The ECS cluster the dump task runs in.
   * @default - a cluster with Container Insights is created in the VPC
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Subnets of the task: private ones, since the task gets no public IP.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the server's PostgreSQL major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * How long the task logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The topic failures and missed RPOs are sent to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How long EventBridge Scheduler keeps trying to start a run.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * What happens to the created bucket and keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Encrypt every object of each dump with age to `recipients` (after compression); `identitySecret` is read by a
   * `VerifyRestore` of these dumps, never by the dump task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: DumpEncryption;
}
