import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import type { IPgDumpSource } from './pg-dump-source';
import { RowCountBound, SnapshotRestoreDrillPlanOptions } from '../core/aws/snapshot-restore-drill';

/** Bounds on the rows of one table of the restored database (core's {@link RowCountBound}). */
export interface RowCountBoundProps extends RowCountBound {}

/** Props of {@link SnapshotRestoreDrill}. */
export interface SnapshotRestoreDrillProps extends SnapshotRestoreDrillPlanOptions {
  /** The database whose newest snapshot is restored. It needs its secret (the restored instance keeps its master user). */
  readonly database: ManagedPostgresDatabase;
  /** The VPC the scratch database and the checks task run in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the scratch database: no route to the internet is needed.
   * @default - the VPC's isolated subnets
   */
  readonly scratchSubnets?: ec2.SubnetSelection;
  /**
   * Subnets of the checks task (it pulls its image and writes logs).
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;
  /**
   * The ECS cluster the checks task runs in.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the database's PostgreSQL major
   */
  readonly image?: ecs.ContainerImage;
  /**
   * The topic failed drills are sent to.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The dumps of the same database (a `ScheduledPgDump`): each drill writes its result beside them
   * (`<prefix>/<database>/drills/<time>.json`, passed or failed), where `pg-backup status` shows the last good drill.
   * The checks task may put objects there and nothing else.
   * @default - the result is seen only in the drill's metrics, alarms and execution history
   */
  readonly drillResults?: IPgDumpSource;
}
