import type * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as scheduler from '@pulumi/aws/scheduler';
import * as pulumi from '@pulumi/pulumi';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { DumpEncryption, EcsClusterReference } from './pg-dump-source';
import { PostgresDatabase } from './postgres-database';
import { BlueprintProtectedDatabaseFields, BlueprintServerOptions, PostgresBackupBlueprintOptions } from '../../core/aws/postgres-backup-blueprint';

/** One server of the fleet and the databases on it that are protected: core's options and the database handles. */
export interface BlueprintServer extends BlueprintServerOptions {
  /**
   * How the dump tasks connect: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` (RDS-managed
   * secret, address wired in) or `.fromSecret({...})`. Each server's secret goes into the shared dump task under its
   * own variable, and each schedule names its own.
   */
  readonly database: PostgresDatabase;
  /**
   * The RDS instance or Aurora cluster behind `database`, so the tier's AWS Backup plan selects it and its runbook has
   * a snapshot section: `ManagedPostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)`, `.fromIdentifier(…)`.
   * Its own automated backups are the instance's arguments in Pulumi: spread `managedSnapshotArgs(...)` of the same
   * tier into it (`PostgresBackupBlueprint.managedSnapshotSettings`).
   * @default - a self-managed server: dumps and drills only
   */
  readonly managedDatabase?: ManagedPostgresDatabase;
}

/** Props of `PostgresBackupBlueprint` (Pulumi AWS): the options every front end shares, and the Pulumi handles. */
export interface PostgresBackupBlueprintProps extends PostgresBackupBlueprintOptions {
  /** Id of the VPC of the dump and drill tasks; it must reach every database, S3, ECR, CloudWatch Logs and Secrets Manager. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the tasks: private ones with egress, since the tasks get no public IP. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The servers and their databases. */
  readonly databases: BlueprintServer[];
  /**
   * Encrypt every dump of the fleet with age to `recipients` (after compression); `identitySecretArn` (required when a
   * tier drills) is read only by the fleet's restore drills, never by a dump or prune task.
   * @default - not encrypted (the bucket's KMS encryption only)
   */
  readonly encryption?: DumpEncryption;
  /**
   * The runner image (`runner-image/Dockerfile` built with each server's PostgreSQL major): one image for every
   * major, or a function from the major to its image. Pulumi has no asset build here: see `runnerImageBuild`.
   */
  readonly image: pulumi.Input<string> | ((postgresMajorVersion: number) => pulumi.Input<string>);
  /**
   * Server access logging of the bucket into a separate bucket: `true` creates it, a name uses an existing one.
   * @default true
   */
  readonly serverAccessLogs?: boolean | pulumi.Input<string>;
  /**
   * ARN of the one role allowed to delete backup objects and recovery points.
   * @default - nobody
   */
  readonly breakGlassRoleArn?: pulumi.Input<string>;
  /**
   * ARN of the topic failures go to; its policy must let EventBridge (and AWS Backup, for managed servers) publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key, so the drill role may publish to it.
   * @default - none
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * The ECS cluster of the dump and drill tasks.
   * @default - a cluster with Container Insights is created
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Days task and execution logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * A directory each database's runbook is written to (`<id>/<database>.md`) once its values are known (not in a
   * preview with unknown names).
   * @default - runbooks are outputs only
   */
  readonly runbookDirectory?: string;
  /**
   * Keep the bucket, the vault and the keys when the stack is destroyed.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/** One protected database of the fleet: a database name on a server. */
export interface BlueprintProtectedDatabase extends BlueprintProtectedDatabaseFields {
  /** Where its dumps are: `s3://<bucket>/<prefix>/<serverId>`. */
  readonly dumpLocation: pulumi.Output<string>;
  /** The dump schedule. */
  readonly schedule: scheduler.Schedule;
  /** The alarm when no dump succeeded within the RPO. */
  readonly rpoAlarm: cloudwatch.MetricAlarm;
  /** Its restore runbook (Markdown). */
  readonly runbook: pulumi.Output<string>;
  /** The command that restores its latest dump into `$TARGET_URL`. */
  readonly restoreCommand: pulumi.Output<string>;
}
