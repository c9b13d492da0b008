import { BackupStoreArgs } from './backup-store-handles';
import { NotificationTopicArgs } from './notification-handles';
import { DumpEncryption } from './pg-dump-source';
import { PostgresDatabase } from './postgres-database';
import { LogRetentionArgs, RunnerImageArgs, TaskPlacementArgs, TaskSubnetsArgs } from './task-placement-handles';
import { ScheduledPgDumpOptions } from '../../core/aws/scheduled-pg-dump';

/** Props of {@link ScheduledPgDump}: the options every front end shares, and the Pulumi handles. */
export interface ScheduledPgDumpProps extends ScheduledPgDumpOptions<DumpEncryption>, TaskPlacementArgs, TaskSubnetsArgs, RunnerImageArgs,
  LogRetentionArgs, NotificationTopicArgs, BackupStoreArgs {
  /** The database to dump: `PostgresDatabase.fromInstance(instance)`, `.fromCluster(cluster)` or `.fromSecret({...})`. */
  readonly database: PostgresDatabase;
  /**
   * How long EventBridge Scheduler keeps trying to start a run, in seconds.
   * @default 3600
   */
  readonly maxEventAgeSeconds?: number;
}
