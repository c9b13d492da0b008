import * as pulumi from '@pulumi/pulumi';
import { DrillTaskArgs } from './drill-task-props';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { PgDumpSource } from './pg-dump-source';
import { LogRetentionArgs, RunnerImageArgs, TaskPlacementArgs } from './task-placement-handles';
import { SnapshotDrillDatabase, DrillResultsOption, SnapshotRestoreDrillPlanOptions } from '../../core/aws/snapshot-restore-drill';

/** What the checks of a restored database run with: the checks task's placement and image, the database's master secret and port. */
export interface RestoredDatabaseChecksArgs extends TaskPlacementArgs, RunnerImageArgs, LogRetentionArgs, Pick<SnapshotDrillDatabase, 'port'> {
  /** Subnets of the checks task (it pulls its image and writes logs): private ones with egress. */
  readonly taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ARN of the database's master user secret (`username`, `password`): the restored database keeps that user, and the checks log in with it. */
  readonly secretArn: pulumi.Input<string>;
}

/** Arguments of {@link SnapshotRestoreDrill}: the options both front ends share, and the Pulumi handles. */
export interface SnapshotRestoreDrillProps extends SnapshotRestoreDrillPlanOptions, DrillResultsOption<PgDumpSource>, DrillTaskArgs,
  RestoredDatabaseChecksArgs, Pick<SnapshotDrillDatabase, 'databaseName'> {
  /** The RDS instance or Aurora cluster whose newest snapshot is restored. */
  readonly database: ManagedPostgresDatabase;
  /**
   * ARN of the customer managed KMS key the database's storage is encrypted with, so the drill role may restore it.
   * @default - none: a warning when the database's encryption is not known to be AWS-managed or none
   */
  readonly storageEncryptionKeyArn?: pulumi.Input<string>;
  /** Subnets of the scratch database: no route to the internet is needed (isolated ones). */
  readonly scratchSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}
