import type * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as scheduler from '@pulumi/aws/scheduler';
import * as pulumi from '@pulumi/pulumi';
import { BucketAccessArgs, RetainOnDeleteArgs } from './backup-store-handles';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { NotificationTopicArgs } from './notification-handles';
import { DumpEncryption } from './pg-dump-source';
import { PostgresDatabase } from './postgres-database';
import { LogRetentionArgs, TaskPlacementArgs, TaskSubnetsArgs } from './task-placement-handles';
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
   * tier into it (`PostgresBackupBlueprint.managedSnapshotArgs`).
   * @default - a self-managed server: dumps and drills only
   */
  readonly managedDatabase?: ManagedPostgresDatabase;
}

/** Props of `PostgresBackupBlueprint` (Pulumi AWS): the options every front end shares, and the Pulumi handles. */
export interface PostgresBackupBlueprintProps extends PostgresBackupBlueprintOptions<BlueprintServer, DumpEncryption>, TaskPlacementArgs,
  TaskSubnetsArgs, LogRetentionArgs, NotificationTopicArgs, BucketAccessArgs, RetainOnDeleteArgs {
  /**
   * The runner image (`runner-image/Dockerfile` built with each server's PostgreSQL major): one image for every
   * major, or a function from the major to its image. Pulumi has no asset build here: see `runnerImageBuild`.
   */
  readonly image: pulumi.Input<string> | ((postgresMajorVersion: number) => pulumi.Input<string>);
  /**
   * A directory each database's runbook is written to (`<id>/<database>.md`) once its values are known (not in a
   * preview with unknown names).
   * @default - runbooks are outputs only
   */
  readonly runbookDirectory?: string;
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
