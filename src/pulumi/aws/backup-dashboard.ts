import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import type { ScheduledPgDump } from './scheduled-pg-dump';
import type { SnapshotRestoreDrill } from './snapshot-restore-drill';
import type { VerifyRestore } from './verify-restore';
import { BackupDashboardSources, backupDashboardDrill, planBackupDashboard } from '../../core/aws/backup-dashboard';
import { dashboardWidgets } from '../../core/aws/dashboard-body';

/** Arguments of {@link BackupDashboard}. */
export interface BackupDashboardProps extends BackupDashboardSources<ScheduledPgDump, VerifyRestore | SnapshotRestoreDrill> {
  /**
   * Dashboard name.
   * @default - the component's name
   */
  readonly dashboardName?: pulumi.Input<string>;
}

/**
 * A CloudWatch dashboard for a backup plan: per database the age of the last good dump, its size and duration,
 * failed runs; per drill the outcome, the days since its last success, the measured restore time against the RTO, and
 * for a point-in-time drill the recovery point reached. The graphs are core's
 * {@link planBackupDashboard}, the same as the CDK `BackupDashboard`'s, laid out row by row.
 */
export class BackupDashboard extends pulumi.ComponentResource {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Its name. */
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, props: BackupDashboardProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupDashboard', name, {}, opts);
    const rows = planBackupDashboard({ dump: props.dump, drills: (props.drills ?? []).map(backupDashboardDrill) });
    const region = awsEnvironment(this).region;
    this.dashboard = new cloudwatch.Dashboard(`${name}-dashboard`, {
      dashboardName: props.dashboardName ?? name,
      dashboardBody: region.apply((value) => JSON.stringify({ widgets: dashboardWidgets(rows, value) })),
    }, { parent: this });
    this.dashboardName = this.dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
