import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BucketAccessProps, RemovalPolicyProps } from './backup-store-handles';
import { PostgresDatabase } from './database-connection';
import { NotificationTopicProps } from './notification-handles';
import { DumpEncryption } from './pg-dump-source';
import { LogRetentionProps, TaskPlacementProps, TaskSubnetsProps } from './task-placement-handles';
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
export interface PostgresBackupBlueprintProps extends PostgresBackupBlueprintOptions<BlueprintServer, DumpEncryption>, TaskPlacementProps,
  TaskSubnetsProps, LogRetentionProps, NotificationTopicProps, BucketAccessProps, RemovalPolicyProps {
  /**
   * A stack output per database with its restore command and the path of its runbook in the cloud assembly.
   * @default true
   */
  readonly runbookOutputs?: boolean;
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
