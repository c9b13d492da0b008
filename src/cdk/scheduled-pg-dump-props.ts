import { Duration } from 'aws-cdk-lib';
import { BackupStoreProps } from './backup-store-handles';
import { PostgresDatabase } from './database-connection';
import { NotificationTopicProps } from './notification-handles';
import { DumpEncryption } from './pg-dump-source';
import { LogRetentionProps, TaskPlacementProps, TaskSubnetsProps } from './task-placement-handles';
import { ScheduledPgDumpOptions } from '../core/aws/scheduled-pg-dump';

/** Props of {@link ScheduledPgDump}: the options every front end shares, and the CDK handles. */
export interface ScheduledPgDumpProps extends ScheduledPgDumpOptions<DumpEncryption>, TaskPlacementProps, TaskSubnetsProps, LogRetentionProps,
  NotificationTopicProps, BackupStoreProps {
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
  /**
   * How long EventBridge Scheduler keeps trying to start a run.
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
}
