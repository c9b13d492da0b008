import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { ScratchDatabaseDrillProps } from './drill-task-props';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import type { IPgDumpSource } from './pg-dump-source';
import { RowCountBound, DrillResultsOption, SnapshotRestoreDrillPlanOptions } from '../core/aws/snapshot-restore-drill';

/** Bounds on the rows of one table of the restored database (core's {@link RowCountBound}). */
export interface RowCountBoundProps extends RowCountBound {}

/** Where the checks of a restored database run. */
export interface ChecksTaskSubnetsProps {
  /**
   * Subnets of the checks task (it pulls its image and writes logs).
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;
}

/** Props of {@link SnapshotRestoreDrill}: the options both front ends share, and the CDK handles. */
export interface SnapshotRestoreDrillProps
  extends SnapshotRestoreDrillPlanOptions, DrillResultsOption<IPgDumpSource>, ScratchDatabaseDrillProps, ChecksTaskSubnetsProps {
  /** The database whose newest snapshot is restored. It needs its secret (the restored instance keeps its master user). */
  readonly database: ManagedPostgresDatabase;
}
