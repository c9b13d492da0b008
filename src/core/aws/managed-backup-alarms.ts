import { AlarmPlan, MetricPlan } from './alarm-plan';
import { EventNotificationPlan, NotificationPart } from './event-notification';
import { ManagedPostgresKind, backupResourceTypeOf } from './managed-postgres-database';
import { StateMachinePlan, StateMachineSchedulePlan } from './planned-state-machine';
import { RESTORABLE_TIME_LAG_METRIC, restorableTimeCheck } from './restorable-time-check';

/** AWS Backup's own CloudWatch namespace. */
export const AWS_BACKUP_METRIC_NAMESPACE = 'AWS/Backup';

/** Job states of AWS Backup events that mean a backup or copy did not happen. */
export const FAILED_JOB_STATES: readonly string[] = ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'];

/**
 * Names a managed plan's texts and event patterns hold as `${Name}` placeholders, because a front end knows their
 * values only as tokens or outputs: fill them with {@link fillManagedBackupNames}.
 */
export const ManagedBackupName = {
  /** The database's identifier. */
  DATABASE: 'Database',
  /** The database's ARN. */
  DATABASE_ARN: 'DatabaseArn',
  /** The vault's name. */
  VAULT: 'BackupVaultName',
} as const;

/** The values of {@link ManagedBackupName}, by name. */
export type ManagedBackupNames = Partial<Record<(typeof ManagedBackupName)[keyof typeof ManagedBackupName], string>>;

/** `${Name}` of a managed-backup name, as it stands in a planned text. */
export function managedBackupPlaceholder(name: (typeof ManagedBackupName)[keyof typeof ManagedBackupName]): string {
  return `\${${name}}`;
}

/**
 * A planned text, or every string inside a planned JSON value, with its `${Name}` placeholders replaced by `names`
 * (one pass, so a value that looks like a placeholder, e.g. a CDK token, is never replaced again).
 */
export function fillManagedBackupNames<T>(value: T, names: ManagedBackupNames): T {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z]+)\}/g, (text, name: keyof ManagedBackupNames) => names[name] ?? text) as T;
  }
  if (Array.isArray(value)) return value.map((item) => fillManagedBackupNames(item, names)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillManagedBackupNames(item, names)])) as T;
  }
  return value;
}

/** What {@link planManagedBackupMonitoring} needs: the resolved monitoring options and the database's kind. */
export interface ManagedBackupMonitoringOptions {
  /** Instance or Aurora cluster. */
  readonly kind: ManagedPostgresKind;
  /** Alarm when no backup job completed in this many hours. */
  readonly rpoHours: number;
  /** Alarm when the latest restorable time lags more than this many minutes. */
  readonly maxRestorableTimeLagMinutes: number;
  /** How often the latest restorable time is read, minutes. */
  readonly restorableTimeCheckIntervalMinutes: number;
  /** Namespace of the restorable-time lag metric. */
  readonly metricNamespace: string;
}

/** Everything the monitoring of a managed backup plan creates, decided once. */
export interface ManagedBackupMonitoringPlan {
  /** The rules sending failed backup, copy and restore jobs to the topic (texts and patterns with `${Name}` placeholders). */
  readonly failedJobRules: readonly EventNotificationPlan[];
  /** The metrics, dimensions naming the planned resources `backup-vault` and `database` (its identifier). */
  readonly metrics: { readonly backupJobsCompleted: MetricPlan; readonly restorableTimeLag: MetricPlan };
  /** No completed backup job within the RPO; restorable time lagging (descriptions with `${Name}` placeholders). */
  readonly alarms: readonly AlarmPlan[];
  /** The restorable-time check: the state machine and its role, its schedule. */
  readonly restorableTimeCheck: {
    /** The state machine: definition with placeholders, the IAM action groups of its role, ids, names, descriptions. */
    readonly stateMachine: StateMachinePlan;
    /** Namespace the check publishes into, which its role is scoped to (`restorableTimeCheckWiring`). */
    readonly metricNamespace: string;
    /** The schedule: every `intervalMinutes`, a missed start not retried (the next check is minutes away). */
    readonly schedule: StateMachineSchedulePlan;
    /** How often it runs, minutes. */
    readonly intervalMinutes: number;
  };
}

/**
 * The paging of a managed backup plan, so that neither a failure nor a silent stop goes unnoticed:
 *
 * - EventBridge rules send every failed, aborted, expired or partial backup or copy job of the database, and every
 *   failed restore job of its resource type, to the topic;
 * - an alarm on AWS Backup's `NumberOfBackupJobsCompleted` of the vault fires when none completed within the RPO,
 *   missing data counting as breaching (a plan that stopped scheduling publishes nothing);
 * - a scheduled check reads the database's `LatestRestorableTime` (RDS publishes no metric for it) and an alarm fires
 *   when point-in-time recovery lags more than allowed, or when the check stops reporting.
 */
export function planManagedBackupMonitoring(options: ManagedBackupMonitoringOptions): ManagedBackupMonitoringPlan {
  const database = managedBackupPlaceholder(ManagedBackupName.DATABASE);
  const vault = managedBackupPlaceholder(ManagedBackupName.VAULT);
  const resourceType = backupResourceTypeOf(options.kind);
  const message = (what: string): NotificationPart[] => [
    `AWS Backup ${what} of ${database} ended `, { eventPath: '$.detail.state' }, { eventPath: '$.detail.status' }, ': ',
    { eventPath: '$.detail.statusMessage' }, ' (', { eventPath: '$.detail-type' }, ', ', { eventPath: '$.resources' }, ')',
  ];
  const backupJobsCompleted: MetricPlan = {
    namespace: AWS_BACKUP_METRIC_NAMESPACE,
    metricName: 'NumberOfBackupJobsCompleted',
    dimensions: { BackupVaultName: { resource: 'backup-vault' } },
    statistic: 'Sum',
    periodSeconds: 3600,
  };
  const restorableTimeLag: MetricPlan = {
    namespace: options.metricNamespace,
    metricName: RESTORABLE_TIME_LAG_METRIC,
    dimensions: { Database: { resource: 'database' } },
    statistic: 'Maximum',
    // Three checks a period, so one late check does not count as missing.
    periodSeconds: 3 * options.restorableTimeCheckIntervalMinutes * 60,
  };
  const interval = options.restorableTimeCheckIntervalMinutes;
  return {
    failedJobRules: [
      {
        id: 'FailedJobRule',
        name: 'failed-jobs',
        description: `A backup or copy job of ${database} failed, was aborted, expired or was partial`,
        eventPattern: {
          'source': ['aws.backup'],
          'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
          'detail': { resourceArn: [managedBackupPlaceholder(ManagedBackupName.DATABASE_ARN)], state: [...FAILED_JOB_STATES] },
        },
        message: message('job'),
      },
      {
        // Restore jobs report `status` where backup jobs report `state`; they come from restore testing and manual restores.
        id: 'FailedRestoreJobRule',
        name: 'failed-restore-jobs',
        description: `A restore job of ${resourceType} recovery points failed or was aborted`,
        eventPattern: {
          'source': ['aws.backup'],
          'detail-type': ['Restore Job State Change'],
          'detail': { resourceType: [resourceType], status: ['FAILED', 'ABORTED'] },
        },
        message: message('restore job'),
      },
    ],
    metrics: { backupJobsCompleted, restorableTimeLag },
    alarms: [
      {
        id: 'NoCompletedBackupAlarm',
        name: 'no-completed-backup',
        description: `No AWS Backup job of ${database} completed in vault ${vault} within the RPO of ${options.rpoHours} hours`,
        metric: { ...backupJobsCompleted, periodSeconds: options.rpoHours * 3600 },
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        // A plan that no longer runs publishes nothing at all: that must page.
        treatMissingData: 'breaching',
      },
      {
        id: 'RestorableTimeLagAlarm',
        name: 'restorable-time-lag',
        description: `Point-in-time recovery of ${database} lags more than ${options.maxRestorableTimeLagMinutes} minutes, or its check stopped reporting`,
        metric: restorableTimeLag,
        threshold: options.maxRestorableTimeLagMinutes * 60,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'breaching',
      },
    ],
    restorableTimeCheck: {
      stateMachine: {
        ...restorableTimeCheck({ source: options.kind, metricNamespace: options.metricNamespace }),
        // Express: it runs every few minutes for a few seconds, and costs a fraction of a standard workflow.
        type: 'EXPRESS',
        ids: { role: 'CheckRole', stateMachine: 'RestorableTimeCheck', logs: 'CheckLogs' },
        names: { role: 'check-role', policy: 'check-policy', stateMachine: 'restorable-time-check', logs: 'check-logs' },
        descriptions: {
          role: 'Reads the latest restorable time of one database and publishes its lag, nothing else',
          comment: `Publishes how far the latest restorable time of ${options.kind === 'instance' ? 'the DB instance' : 'the Aurora cluster'} lags`,
        },
      },
      metricNamespace: options.metricNamespace,
      schedule: {
        id: 'CheckSchedule',
        namePrefix: 'check',
        schedule: { scheduleExpression: `rate(${interval} minute${interval === 1 ? '' : 's'})`, scheduleExpressionTimezone: 'Etc/UTC' },
        description: `Reads the latest restorable time of ${options.kind === 'instance' ? 'a DB instance' : 'an Aurora cluster'}`,
        // A missed check is not retried: the next one starts within minutes, and the lag alarm reads three periods.
        startRetry: { attempts: 0, maxEventAgeSeconds: 86_400 },
        deadLetterQueue: false,
      },
      intervalMinutes: interval,
    },
  };
}
