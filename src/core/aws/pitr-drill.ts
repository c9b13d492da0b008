import {
  BackupObjectResourceKind, DRILL_RESULT_WRITE_IAM_ACTIONS, IamActionGroup, TASK_EXECUTION_IAM_ACTIONS, TaskExecutionResourceKind,
} from './iam-action-groups';
import { restoreDrillAlarms } from './restore-drill-alarms';
import { ScheduledDrillPlan } from './scheduled-drill';
import { drillResultsFolder } from '../policy/backup-store-layout';
import { ResolvedVerificationPolicy } from '../policy/defaults';
import { pitrRestoreDrill } from './state-machines/pitr-restore-drill';

/** Name of the container running `pg-backup drill-pitr`. */
export const PITR_DRILL_CONTAINER_NAME = 'drill-pitr';

/** The options of a `PitrDrill` that are the same in every AWS front end; the front ends add the cloud handles. */
export interface PitrDrillOptions {
  /** The name of the archived cluster: the `Database` dimension of the drill metrics. */
  readonly databaseName: string;
  /** pgBackRest stanza. */
  readonly stanza: string;
  /** Schedule, checks and RTO. */
  readonly verification: ResolvedVerificationPolicy;
  /** Seconds the drill waits after its target time before restoring, so the WAL holding it is archived. */
  readonly archiveWaitSeconds: number;
  /**
   * Task CPU units.
   * @default 2048
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 8192
   */
  readonly memoryLimitMiB?: number;
  /**
   * Ephemeral storage in GiB (21–200): it holds the restored cluster.
   * @default 100
   */
  readonly ephemeralStorageGiB?: number;
  /** CloudWatch namespace of the drill metrics. */
  readonly metricNamespace: string;
  /**
   * Key prefix, in the bucket the front end names (a `SelfHostedPitrArchive`'s own), under which the drill writes its
   * result, passed or failed: `<prefix>/<stanza>/drills/<time>.json`, where `pg-backup status --from
   * s3://<bucket>/<prefix>` shows the last good drill. `''` is the bucket's root. The task writes the drills it runs to
   * the end; the state machine writes those it never saw (a task that could not start, a timeout).
   * @default - the result is seen only in the drill's metrics, alarms and execution history
   */
  readonly drillResultsPrefix?: string;
}

/** Where a `PitrDrill` writes its results, and what its task may do there. */
export interface PitrDrillResultsPlan {
  /** The prefix of the store (`s3://<bucket>/<prefix>`, the `--record-to` of `pg-backup drill-pitr`). */
  readonly prefix: string;
  /** The folder of the stanza's results: the only place the task and the state machine may put objects. */
  readonly folder: string;
  /** The task role's grants: put under the folder, encrypt with the bucket's key. */
  readonly taskGrants: readonly IamActionGroup<BackupObjectResourceKind>[];
}

/** Everything a `PitrDrill` creates, decided once for every front end. */
export interface PitrDrillPlan extends ScheduledDrillPlan {
  /** The container's environment but `pgbackrest.conf`: the scratch directory, and each check in a variable `--sql-env` names. */
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  /**
   * The container's command. The state machine overrides the target time with the execution's; this one only makes
   * the task runnable by hand.
   */
  readonly command: readonly string[];
  /** What the task's execution role may do: write its logs (a cipher pass the front end adds is read by it too). */
  readonly executionRoleGrants: readonly IamActionGroup<TaskExecutionResourceKind>[];
  /** Where the results go, with `drillResultsPrefix`. */
  readonly drillResults?: PitrDrillResultsPlan;
}

/** What the front end knows of the handles a `PitrDrill` was given, for the checks that involve them. */
export interface PitrDrillHandles {
  /** The construct as errors name it, e.g. `PitrDrill` or `PitrDrill drill`. */
  readonly construct: string;
  /** Whether `drillResultsBucket` was given (required with `drillResultsPrefix`). */
  readonly resultsBucketGiven: boolean;
}

/**
 * Decides what the scheduled point-in-time recovery drill creates: a task whose `pg-backup drill-pitr` restores with
 * pgBackRest to the execution's target time and runs the checks (carried in the environment, where quotes survive
 * untouched), core's PITR drill state machine, its schedule and alarms; with `drillResultsPrefix`, the task records
 * each drill (`PG_BACKUP_DRILL_RECORD_TO`, which the front end sets to the bucket and prefix) and the state machine the
 * failures the task never saw, both under the stanza's name, as `pg-backup drill-pitr` records.
 */
export function planPitrDrill(options: PitrDrillOptions, handles?: PitrDrillHandles): PitrDrillPlan {
  const { verification, databaseName } = options;
  if (handles && options.drillResultsPrefix !== undefined && !handles.resultsBucketGiven) {
    throw new Error(`${handles.construct}: drillResultsPrefix is ${JSON.stringify(options.drillResultsPrefix)}; allowed: only with drillResultsBucket, the bucket it is in`);
  }
  const rtoSeconds = verification.maxRestoreDurationMinutes * 60;
  const results = options.drillResultsPrefix;
  const checks = verification.checks.map((sql, index) => ({ name: `PG_BACKUP_PITR_CHECK_${index}`, value: sql }));
  const drillArgs = [
    '--stanza', options.stanza,
    '--aws-credentials',
    '--archive-wait', `${options.archiveWaitSeconds}s`,
    '--recovery-timeout', `${rtoSeconds}s`,
    ...checks.flatMap(({ name }) => ['--sql-env', name]),
  ];
  return {
    owner: 'PitrDrill',
    drillName: 'the PITR drill',
    databaseName,
    metricNamespace: options.metricNamespace,
    drillKind: 'pitr',
    maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
    task: {
      cpu: options.cpu ?? 2048,
      memoryLimitMiB: options.memoryLimitMiB ?? 8192,
      ephemeralStorageGiB: options.ephemeralStorageGiB ?? 100,
      containerName: PITR_DRILL_CONTAINER_NAME,
      family: 'pitr-drill',
      logStreamPrefix: 'drill-pitr',
      plainEnvironment: 'pgbackrest.conf (bucket, region, key ARN; no credentials: the task role\'s are fetched at run time), a scratch '
        + 'directory and the SQL text of the drill checks',
    },
    environment: [{ name: 'PG_BACKUP_SCRATCH_DIR', value: '/tmp' }, ...checks],
    command: ['pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z', ...drillArgs],
    drill: pitrRestoreDrill({
      maxRestoreDurationSeconds: rtoSeconds,
      metricNamespace: options.metricNamespace,
      extraArgs: drillArgs,
      writeFailedDrillResult: results !== undefined,
    }),
    schedule: verification.schedule,
    descriptions: {
      taskSecurityGroup: 'PITR drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
      drillRole: 'Runs the PITR drill: its task, its metrics and its failure notification, nothing else',
      schedule: `Point-in-time recovery drill of ${databaseName}`,
      stateMachineComment: `Point-in-time recovery drill of ${databaseName}`,
      taskRole: results === undefined
        ? 'PITR drill task: read the WAL archive and base backups, nothing else'
        : 'PITR drill task: read the WAL archive and base backups, write its result beside them',
      executionRole: 'Starts the PITR drill task: its logs',
    },
    alarms: restoreDrillAlarms({
      metricNamespace: options.metricNamespace,
      databaseName,
      drillKind: 'pitr',
      maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
      subject: `point-in-time recovery drill of ${databaseName}`,
    }),
    executionRoleGrants: TASK_EXECUTION_IAM_ACTIONS,
    ...(results === undefined ? {} : {
      drillResults: { prefix: results, folder: drillResultsFolder(results, options.stanza), taskGrants: DRILL_RESULT_WRITE_IAM_ACTIONS },
    }),
  };
}
