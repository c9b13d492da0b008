import { AlarmPlan } from './alarm-plan';
import { IamActionGroup, TASK_EXECUTION_IAM_ACTIONS, TaskExecutionResourceKind } from './iam-action-groups';
import { restoreDrillAlarms } from './restore-drill-alarms';
import { ResolvedVerificationPolicy } from '../policy/defaults';
import { ScheduleSpec } from '../policy/policy';
import { pitrRestoreDrill } from './state-machines/pitr-restore-drill';
import { RestoreDrillStateMachine } from './state-machines/restore-drill-options';

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
}

/** Everything a `PitrDrill` creates, decided once for every front end. */
export interface PitrDrillPlan {
  /** The Fargate task. */
  readonly task: { readonly cpu: number; readonly memoryLimitMiB: number; readonly ephemeralStorageGiB: number };
  /** The container's environment but `pgbackrest.conf`: the scratch directory, and each check in a variable `--sql-env` names. */
  readonly environment: readonly { readonly name: string; readonly value: string }[];
  /**
   * The container's command. The state machine overrides the target time with the execution's; this one only makes
   * the task runnable by hand.
   */
  readonly command: readonly string[];
  /** Core's drill: definition with placeholders, their names, the IAM actions. */
  readonly drill: RestoreDrillStateMachine;
  /** When the drill runs. */
  readonly schedule: ScheduleSpec;
  /** Descriptions of the resources, as the console shows them. */
  readonly descriptions: {
    readonly securityGroup: string;
    readonly drillRole: string;
    readonly schedule: string;
    readonly stateMachineComment: string;
    readonly taskRole: string;
    readonly executionRole: string;
  };
  /** Failed drill, restore slower than the RTO, dead-lettered start. */
  readonly alarms: readonly AlarmPlan[];
  /** What the task's execution role may do: write its logs (a cipher pass the front end adds is read by it too). */
  readonly executionRoleGrants: readonly IamActionGroup<TaskExecutionResourceKind>[];
}

/**
 * Decides what the scheduled point-in-time recovery drill creates: a task whose `pg-backup drill-pitr` restores with
 * pgBackRest to the execution's target time and runs the checks (carried in the environment, where quotes survive
 * untouched), core's PITR drill state machine, its schedule and alarms.
 */
export function planPitrDrill(options: PitrDrillOptions): PitrDrillPlan {
  const { verification, databaseName } = options;
  const rtoSeconds = verification.maxRestoreDurationMinutes * 60;
  const checks = verification.checks.map((sql, index) => ({ name: `PG_BACKUP_PITR_CHECK_${index}`, value: sql }));
  const drillArgs = [
    '--stanza', options.stanza,
    '--aws-credentials',
    '--archive-wait', `${options.archiveWaitSeconds}s`,
    '--recovery-timeout', `${rtoSeconds}s`,
    ...checks.flatMap(({ name }) => ['--sql-env', name]),
  ];
  return {
    task: { cpu: options.cpu ?? 2048, memoryLimitMiB: options.memoryLimitMiB ?? 8192, ephemeralStorageGiB: options.ephemeralStorageGiB ?? 100 },
    environment: [{ name: 'PG_BACKUP_SCRATCH_DIR', value: '/tmp' }, ...checks],
    command: ['pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z', ...drillArgs],
    drill: pitrRestoreDrill({ maxRestoreDurationSeconds: rtoSeconds, metricNamespace: options.metricNamespace, extraArgs: drillArgs }),
    schedule: verification.schedule,
    descriptions: {
      securityGroup: 'PITR drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
      drillRole: 'Runs the PITR drill: its task, its metrics and its failure notification, nothing else',
      schedule: `Point-in-time recovery drill of ${databaseName}`,
      stateMachineComment: `Point-in-time recovery drill of ${databaseName}`,
      taskRole: 'PITR drill task: read the WAL archive and base backups, nothing else',
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
  };
}
