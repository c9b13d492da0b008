import { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PostgresDatabase } from './database-connection';
import { DumpEncryption } from './pg-dump-source';
import { BlueprintProtectedDatabaseFields, BlueprintServerOptions, PostgresBackupBlueprintOptions } from '../core/aws/postgres-backup-blueprint';

export { BLUEPRINT_RUNNER_CONTAINER_NAME, BLUEPRINT_SERVER_DIMENSION } from '../core/aws/postgres-backup-blueprint';

/**
 * One server of the fleet and the databases on it that are protected.
 * @deprecated use {@link BlueprintServer}, the name Pulumi AWS uses too
 */
export interface BlueprintDatabase extends BlueprintServer {}

/** One server of the fleet and the databases on it that are protected: core's options and the database handle. */
export interface BlueprintServer extends BlueprintServerOptions {
  /**
   * The server: an RDS for PostgreSQL instance or Aurora PostgreSQL cluster of this app (its automated backups and
   * the tier's AWS Backup plan are set too), or a `PostgresDatabase` (dumps and drills only). Its secret must hold
   * the host (RDS-style JSON), since the shared dump task cannot take a different host per run.
   */
  readonly database: rds.DatabaseInstance | rds.DatabaseCluster | PostgresDatabase;
}

/** Props of {@link PostgresBackupBlueprint}: the options every front end shares, and the CDK handles. */
export interface PostgresBackupBlueprintProps extends PostgresBackupBlueprintOptions {
  /** The VPC of the dump and drill tasks; it must reach every database, S3, ECR, CloudWatch Logs and Secrets Manager. */
  readonly vpc: ec2.IVpc;
  /** The servers and their databases. */
  readonly databases: BlueprintServer[];
  /**
   * Encrypt every dump of the fleet with age to `recipients` (after compression); `identitySecret` (required when a
   * tier drills) is read only by the fleet's restore drills, never by a dump or prune task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: DumpEncryption;
  /**
   * Server access logging of the bucket, into a separate bucket (`true` creates it).
   * @default true
   */
  readonly serverAccessLogs?: boolean | s3.IBucket;
  /**
   * The one role allowed to delete backup objects and recovery points.
   * @default - nobody
   */
  readonly breakGlassRole?: iam.IRole;
  /**
   * The topic failures go to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * The ECS cluster of the dump and drill tasks.
   * @default - a cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Subnets of the tasks.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The runner image, for every PostgreSQL major of the fleet.
   * @default - built from the package's Dockerfile, one per major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * A stack output per database with its restore command and the path of its runbook in the cloud assembly.
   * @default true
   */
  readonly runbookOutputs?: boolean;
  /**
   * What happens to the bucket, vault and keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** One protected database of the fleet: a database name on a server. */
export interface BlueprintProtectedDatabase extends BlueprintProtectedDatabaseFields {
  /** Where its dumps are: `s3://<bucket>/<prefix>/<serverId>`. */
  readonly dumpLocation: string;
  /** The dump schedule. */
  readonly schedule: scheduler.Schedule;
  /** The alarm when no dump succeeded within the RPO. */
  readonly rpoAlarm: cloudwatch.Alarm;
  /** Its restore runbook (Markdown; deploy-time values are tokens). */
  readonly runbook: string;
  /** Path of the runbook in the cloud assembly. */
  readonly runbookPath: string;
}
