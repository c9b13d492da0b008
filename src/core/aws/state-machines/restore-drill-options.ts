import { PARTITION_PLACEHOLDER, StateMachineDefinition } from './asl';
import { DrillIamActionGroup } from './drill-iam-actions';
import { Validator } from '../../policy/validation';
import { checkMetricNamespace } from '../alarm-plan';

/**
 * Placeholders the drill definitions contain, by role. Each front end fills them (CDK `definitionSubstitutions`,
 * Pulumi {@link renderDefinition}); {@link RestoreDrillStateMachine.placeholders} lists those one definition needs.
 */
export const DrillPlaceholder = {
  /** The partition the state machine deploys to (`aws`, `aws-cn`, `aws-us-gov`), in every integration's ARN: each front end's state-machine renderer fills it. */
  PARTITION: PARTITION_PLACEHOLDER,
  /** Name of the database under test: the `Database` metric dimension and the subject of notifications (keep it under 60 characters). */
  DATABASE_NAME: 'DatabaseName',
  /** ARN of the SNS topic failed drills are reported to. */
  NOTIFICATION_TOPIC_ARN: 'NotificationTopicArn',
  /** ARN (or name) of the ECS cluster the drill task runs in. */
  CLUSTER_ARN: 'ClusterArn',
  /** ARN of the drill task definition (the `pg-backup` runner image). */
  TASK_DEFINITION_ARN: 'TaskDefinitionArn',
  /** Name of the runner container in the task definition. */
  CONTAINER_NAME: 'ContainerName',
  /** Subnet ids for the task, comma-separated without spaces (`subnet-a,subnet-b`). */
  SUBNETS: 'Subnets',
  /** Security group ids for the task, comma-separated without spaces. */
  SECURITY_GROUPS: 'SecurityGroups',
  /** Where the dumps are (`s3://bucket/prefix`), passed to `pg-backup verify --from`. */
  DUMP_LOCATION: 'DumpLocation',
  /** Bucket of the dumps, whose `latest` pointer and manifest a drill into a scratch RDS instance reads to size it. */
  DUMP_BUCKET: 'DumpBucket',
  /**
   * The database's folder of dumps in that bucket: `backupDatabaseFolder(prefix, database)` (`<prefix>/<database>`, the
   * name percent-encoded), as `pg-backup` lays out its store.
   */
  DUMP_DATABASE_FOLDER: 'DumpDatabaseFolder',
  /** The scratch PostgreSQL the dump is restored into, passed to `pg-backup verify --target-url` (no password: the task reads it from its secrets). */
  TARGET_URL: 'TargetUrl',
  /** Identifier of the RDS DB instance or Aurora cluster whose snapshots are restored. */
  SOURCE_IDENTIFIER: 'SourceIdentifier',
  /** DB subnet group the scratch database is created in. */
  DB_SUBNET_GROUP_NAME: 'DbSubnetGroupName',
  /** VPC security group ids of the scratch database, comma-separated without spaces. */
  VPC_SECURITY_GROUP_IDS: 'VpcSecurityGroupIds',
  /** Bucket of the store drill results are written to (`<prefix>/<database>/drills/<time>.json`), where `pg-backup status` reads them. */
  DRILL_RESULTS_BUCKET: 'DrillResultsBucket',
  /**
   * The database's drill results folder in that bucket: `drillResultsFolder(prefix, database)` (`<prefix>/<database>/drills`,
   * the name percent-encoded, no leading `/` for an empty prefix), as `pg-backup` lays out its store.
   */
  DRILL_RESULTS_FOLDER: 'DrillResultsFolder',
} as const;

/** The metrics every drill publishes, in {@link RestoreDrillOptions.metricNamespace}, with the dimensions `Database` and `Drill`. */
export const RestoreDrillMetric = {
  /** 1 when a drill succeeded (restore and checks passed, scratch resources deleted). */
  SUCCEEDED: 'RestoreDrillSucceeded',
  /** 1 when a drill failed, timed out or could not clean up. */
  FAILED: 'RestoreDrillFailed',
  /** Seconds from the start of a successful drill to its verified restore: the measured recovery time. */
  DURATION: 'RestoreDurationSeconds',
  /**
   * Seconds between a point-in-time drill's target and the newest commit the restored data shows: the recovery point
   * achieved. Published by the checks task (`pg-backup check --recovery-point-query`), not by the state machine.
   */
  RECOVERY_POINT_GAP: 'RecoveryPointGapSeconds',
} as const;

/** Which drill a metric or notification is about: the value of the `Drill` metric dimension. */
export type RestoreDrillKind = 'dump' | 'snapshot' | 'pitr' | 'point-in-time' | 'restore-testing';

/** Options every restore drill shares. */
export interface RestoreDrillOptions {
  /**
   * The recovery-time objective: the longest the restore task may run, in seconds. The task's timeout is this plus
   * {@link taskTimeoutMarginSeconds}; a slower restore fails the drill.
   * @default 3600
   */
  readonly maxRestoreDurationSeconds?: number;
  /**
   * Seconds added to the restore duration for the task to start (image pull, ENI) and report.
   * @default 600
   */
  readonly taskTimeoutMarginSeconds?: number;
  /**
   * Timeout of each AWS API call the drill makes (describe, delete, publish…), in seconds.
   * @default 60
   */
  readonly apiCallTimeoutSeconds?: number;
  /**
   * CloudWatch namespace of the drill metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * The runner executable and any leading arguments, as the container runs it; the drill appends the subcommand.
   * @default ['pg-backup']
   */
  readonly runnerCommand?: string[];
  /**
   * Extra arguments appended to the runner's subcommand (they may contain placeholders, e.g. `'--jobs', '4'`).
   * @default - none
   */
  readonly extraArgs?: string[];
  /**
   * Give the task a public IP (only for public subnets without a NAT gateway).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * The longest a whole execution may run, in seconds.
   * @default - the longest path through the drill plus a margin
   */
  readonly executionTimeoutSeconds?: number;
  /**
   * Write a failed drill's result beside the backups (`${DrillResultsBucket}`, `${DrillResultsFolder}`), where
   * `pg-backup status` shows it with its reason, whichever step failed: a restore refused, a database that never became
   * available, a task that could not start. The drill's task records the drills it runs to the end itself.
   * @default false
   */
  readonly writeFailedDrillResult?: boolean;
}

/** A built drill: the definition, the placeholders it needs, and the IAM actions its role needs. */
export interface RestoreDrillStateMachine {
  /** The ASL definition with `${Name}` placeholders, as a plain object (`JSON.stringify` it for CDK's `DefinitionBody.fromString`). */
  readonly definition: StateMachineDefinition;
  /** The placeholders the definition needs filled, sorted. */
  readonly placeholders: readonly string[];
  /** The IAM actions of the execution role, one group per resource kind. */
  readonly iamActions: readonly DrillIamActionGroup[];
}

/** {@link RestoreDrillOptions} with every default applied. */
export interface ResolvedRestoreDrillOptions {
  readonly maxRestoreDurationSeconds: number;
  readonly taskTimeoutMarginSeconds: number;
  readonly apiCallTimeoutSeconds: number;
  readonly metricNamespace: string;
  readonly runnerCommand: readonly string[];
  readonly extraArgs: readonly string[];
  readonly assignPublicIp: boolean;
  readonly executionTimeoutSeconds: number | undefined;
  readonly writeFailedDrillResult: boolean;
}

/** Step Functions' limit on a Task state's and an execution's timeout: one year. */
export const MAX_TIMEOUT_SECONDS = 31_536_000;

/**
 * Checks the shared options (with `validator`, so a builder reports its own options in the same error) and applies
 * the defaults.
 */
export function resolveRestoreDrillOptions(options: RestoreDrillOptions, validator: Validator): ResolvedRestoreDrillOptions {
  validator.integer('maxRestoreDurationSeconds', options.maxRestoreDurationSeconds, 60, 86_400 * 7, 'seconds');
  validator.integer('taskTimeoutMarginSeconds', options.taskTimeoutMarginSeconds, 0, 86_400, 'seconds');
  validator.integer('apiCallTimeoutSeconds', options.apiCallTimeoutSeconds, 5, 3600, 'seconds');
  validator.integer('executionTimeoutSeconds', options.executionTimeoutSeconds, 60, MAX_TIMEOUT_SECONDS, 'seconds');
  checkMetricNamespace(validator, 'metricNamespace', options.metricNamespace);
  if (options.runnerCommand !== undefined && !validator.isUnresolved(options.runnerCommand) && options.runnerCommand.length === 0) {
    validator.report({ path: 'runnerCommand', value: options.runnerCommand, allowed: 'at least the executable, e.g. ["pg-backup"]' });
  }
  validator.nonEmptyStrings('runnerCommand', options.runnerCommand);
  validator.nonEmptyStrings('extraArgs', options.extraArgs);
  // Arguments may end up inside intrinsic-function literals, whose escapes not every engine undoes alike.
  for (const [path, args] of [['runnerCommand', options.runnerCommand], ['extraArgs', options.extraArgs]] as const) {
    args?.forEach((arg, index) => {
      if (typeof arg === 'string' && !validator.isUnresolved(arg) && /['\\{}]/.test(arg.replace(/\$\{[A-Za-z][A-Za-z0-9]*\}/g, ''))) {
        validator.report({ path: `${path}[${index}]`, value: arg, allowed: 'an argument without quotes, backslashes or braces (placeholders ${Name} excepted)' });
      }
    });
  }
  return {
    maxRestoreDurationSeconds: options.maxRestoreDurationSeconds ?? 3600,
    taskTimeoutMarginSeconds: options.taskTimeoutMarginSeconds ?? 600,
    apiCallTimeoutSeconds: options.apiCallTimeoutSeconds ?? 60,
    metricNamespace: options.metricNamespace ?? 'PostgresBackup',
    runnerCommand: options.runnerCommand ?? ['pg-backup'],
    extraArgs: options.extraArgs ?? [],
    assignPublicIp: options.assignPublicIp ?? false,
    executionTimeoutSeconds: options.executionTimeoutSeconds,
    writeFailedDrillResult: options.writeFailedDrillResult ?? false,
  };
}
