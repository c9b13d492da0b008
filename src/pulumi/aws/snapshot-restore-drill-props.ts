import * as pulumi from '@pulumi/pulumi';
import { DrillTaskArgs } from './drill-task-props';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { PgDumpSource } from './pg-dump-source';
import { SnapshotDrillResultsOption, SnapshotRestoreDrillPlanOptions } from '../../core/aws/snapshot-restore-drill';

/** Arguments of {@link SnapshotRestoreDrill}: the options both front ends share, and the Pulumi handles. */
export interface SnapshotRestoreDrillProps extends SnapshotRestoreDrillPlanOptions, SnapshotDrillResultsOption<PgDumpSource>, DrillTaskArgs {
  /** The RDS instance or Aurora cluster whose newest snapshot is restored. */
  readonly database: ManagedPostgresDatabase;
  /**
   * ARN of the database's master user secret (`username`, `password`): the restored snapshot keeps that user, and the
   * checks log in with it.
   */
  readonly secretArn: pulumi.Input<string>;
  /**
   * The database the checks connect to: the `Database` dimension of the drill metrics.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * The port the scratch database listens on (the source's).
   * @default 5432
   */
  readonly port?: number;
  /**
   * ARN of the customer managed KMS key the database's storage is encrypted with, so the drill role may restore it.
   * @default - none: a warning when the database's encryption is not known to be AWS-managed or none
   */
  readonly storageEncryptionKeyArn?: pulumi.Input<string>;
  /** Subnets of the scratch database: no route to the internet is needed (isolated ones). */
  readonly scratchSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Subnets of the checks task (it pulls its image and writes logs): private ones with egress. */
  readonly taskSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}
