/** IAM actions a role needs on one kind of resource; each front end scopes them to the ARNs of that kind it knows. */
export interface IamActionGroup<Kind extends string = string> {
  /** What the actions apply to. */
  readonly resource: Kind;
  /** The IAM actions, e.g. `s3:PutObject`. */
  readonly actions: readonly string[];
  /** Why they are needed, for reviewers. */
  readonly reason: string;
}

/** The resources a backup writer or reader acts on in its bucket. */
export type BackupObjectResourceKind =
  /** Objects under the construct's prefix (`arn:aws:s3:::bucket/prefix/*`). */
  | 'backup-objects'
  /** The bucket, listing only the prefix (condition `s3:prefix` = `prefix/*`). */
  | 'backup-bucket-prefix'
  /** The KMS key of the backups. */
  | 'backup-key'
  /** The drill results beside each database's backups (`arn:aws:s3:::bucket/prefix/<database>/drills/<time>.json`). */
  | 'drill-results';

/** What a reader of the backups (a drill, a restore) may do: read and list under the prefix, decrypt. */
export const BACKUP_READ_IAM_ACTIONS: readonly IamActionGroup<BackupObjectResourceKind>[] = [
  { resource: 'backup-objects', actions: ['s3:GetObject'], reason: 'download backups' },
  { resource: 'backup-bucket-prefix', actions: ['s3:ListBucket'], reason: 'find the latest backup under the prefix' },
  { resource: 'backup-key', actions: ['kms:Decrypt'], reason: 'decrypt what it downloads' },
];

/**
 * What a restore drill may write: its result (`<prefix>/<database>/drills/<time>.json`, created once, never replaced)
 * beside the backups it restored, so `pg-backup status` shows the last good drill. Nothing else under the prefix.
 */
export const DRILL_RESULT_WRITE_IAM_ACTIONS: readonly IamActionGroup<BackupObjectResourceKind>[] = [
  { resource: 'drill-results', actions: ['s3:PutObject'], reason: 'write the drill\'s result beside the backups' },
  { resource: 'backup-key', actions: ['kms:GenerateDataKey'], reason: 'encrypt the result it writes' },
];

/**
 * What a dump task may do: write new objects under its prefix (in parts), read and list that prefix (the runner never
 * overwrites a backup), and use the key. No delete, and no access to any other prefix.
 */
export const BACKUP_WRITE_IAM_ACTIONS: readonly IamActionGroup<BackupObjectResourceKind>[] = [
  {
    resource: 'backup-objects',
    actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
    reason: 'upload new backups, in parts, and tag them with their retention class',
  },
  ...BACKUP_READ_IAM_ACTIONS,
  { resource: 'backup-key', actions: ['kms:GenerateDataKey', 'kms:Encrypt'], reason: 'encrypt what it uploads' },
];

/**
 * What a prune task may do, and the only role that may delete backups: read and list the backups under its prefix (the
 * manifests and `latest`), decrypt them, and delete objects there. Nothing else: no write, no other prefix.
 */
export const BACKUP_PRUNE_IAM_ACTIONS: readonly IamActionGroup<BackupObjectResourceKind>[] = [
  ...BACKUP_READ_IAM_ACTIONS,
  { resource: 'backup-objects', actions: ['s3:DeleteObject'], reason: 'delete the backups retention lets go, under its prefix only' },
];

/** The resources EventBridge Scheduler acts on when it starts a Fargate task. */
export type ScheduledTaskResourceKind =
  /** The task's role and execution role, passed to `ecs-tasks.amazonaws.com` only. */
  | 'ecs-task-roles'
  /** The task definition. */
  | 'ecs-task-definition'
  /** Tasks of the cluster (`arn:aws:ecs:…:task/cluster-name/*`). */
  | 'ecs-task'
  /** The schedule's dead-letter queue. */
  | 'dead-letter-queue';

/** What a schedule's role may do: start the task with its roles, tag it, and dead-letter a run it could not start. */
export const SCHEDULED_TASK_IAM_ACTIONS: readonly IamActionGroup<ScheduledTaskResourceKind>[] = [
  { resource: 'ecs-task-roles', actions: ['iam:PassRole'], reason: 'hand the task role and execution role to ECS' },
  { resource: 'ecs-task-definition', actions: ['ecs:RunTask'], reason: 'start the task' },
  { resource: 'ecs-task', actions: ['ecs:TagResource'], reason: 'tag the task at launch (PropagateTags)' },
  { resource: 'dead-letter-queue', actions: ['sqs:SendMessage'], reason: 'keep a run that could not start' },
];

/** The resources EventBridge Scheduler acts on when it starts a state machine. */
export type StateMachineScheduleResourceKind =
  /** The state machine started. */
  | 'state-machine'
  /** The schedule's dead-letter queue. */
  | 'dead-letter-queue';

/** What the role of a schedule that starts a state machine may do: start it, and dead-letter a start it could not make. */
export const STATE_MACHINE_SCHEDULE_IAM_ACTIONS: readonly IamActionGroup<StateMachineScheduleResourceKind>[] = [
  { resource: 'state-machine', actions: ['states:StartExecution'], reason: 'start the state machine' },
  { resource: 'dead-letter-queue', actions: ['sqs:SendMessage'], reason: 'keep a start it could not make' },
];

/** What a state machine's role acts on to deliver its execution logs and traces: neither has resource-level permissions. */
export type StateMachineObservabilityResourceKind =
  /** CloudWatch Logs delivery to the state machine's log group, set up on the account's log resource policy. */
  | 'log-delivery'
  /** X-Ray, which the state machine sends its traces to. */
  | 'tracing';

/**
 * What the role of a state machine that logs every event and is traced needs (the statements aws-cdk-lib adds itself
 * when logging and tracing are on); both kinds are `*`, as the services take no narrower resource.
 */
export const STATE_MACHINE_OBSERVABILITY_IAM_ACTIONS: readonly IamActionGroup<StateMachineObservabilityResourceKind>[] = [
  {
    resource: 'log-delivery',
    actions: [
      'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
    ],
    reason: 'Log delivery of the state machine\'s execution logs: CloudWatch Logs delivery actions have no resource-level permissions.',
  },
  {
    resource: 'tracing',
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    reason: 'X-Ray tracing of the state machine: these actions have no resource-level permissions.',
  },
];

/** What a role that publishes to a topic encrypted with a customer managed key needs on that key. */
export const TOPIC_KEY_PUBLISH_IAM_ACTIONS: readonly string[] = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** The resources ECS acts on with a task's execution role when it starts the task. */
export type TaskExecutionResourceKind =
  /** The task's log group (its log streams, `arn:aws:logs:…:log-group:name:*`). */
  | 'task-log-group'
  /** The secret the container gets as secrets: the database's, or a drill's age identity. */
  | 'database-secret'
  /** The customer managed key of that secret, when it has one. */
  | 'database-secret-key';

/** What a task's execution role may do: write the task's log streams, read the database secret and decrypt it. */
export const TASK_EXECUTION_IAM_ACTIONS: readonly IamActionGroup<TaskExecutionResourceKind>[] = [
  { resource: 'task-log-group', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], reason: 'write the task\'s logs' },
  { resource: 'database-secret', actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], reason: 'hand the database secret to the container' },
  { resource: 'database-secret-key', actions: ['kms:Decrypt'], reason: 'decrypt that secret' },
];

/** The resources a host archiving WAL, or a restore reading the archive, acts on. */
export type WalArchiveResourceKind =
  /** Objects under the WAL and base-backup prefixes of the archive. */
  | 'archive-objects'
  /** The bucket, listing only the WAL and base-backup prefixes (condition `s3:prefix`). */
  | 'archive-bucket-prefixes'
  /** The KMS key of the archive. */
  | 'archive-key'
  /** The SSM parameters holding the rendered `postgresql.conf` block and archiver configuration. */
  | 'configuration-parameters';

/**
 * What an archiver on a host may do: put WAL and base backups (and read them, as archivers check what is there), abort
 * its own multipart uploads, list the archive, use the key; and, when it expires its own backups, delete there.
 */
export function walArchiveIamActions(withDelete: boolean): IamActionGroup<WalArchiveResourceKind>[] {
  return [
    {
      resource: 'archive-objects',
      actions: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
      reason: withDelete ? 'archive WAL and base backups, and expire old ones (the archiver\'s own expiry)' : 'archive WAL and base backups',
    },
    { resource: 'archive-bucket-prefixes', actions: ['s3:ListBucket'], reason: 'find what is archived under the archive prefixes' },
    { resource: 'archive-key', actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], reason: 'encrypt what it uploads and read it back' },
  ];
}

/** What a restore or a drill may do with a WAL archive: read and list it, decrypt. */
export const WAL_ARCHIVE_RESTORE_IAM_ACTIONS: readonly IamActionGroup<WalArchiveResourceKind>[] = [
  { resource: 'archive-objects', actions: ['s3:GetObject'], reason: 'download WAL and base backups' },
  { resource: 'archive-bucket-prefixes', actions: ['s3:ListBucket'], reason: 'find the base backups and WAL to restore' },
  { resource: 'archive-key', actions: ['kms:Decrypt'], reason: 'decrypt what it downloads' },
];

/** What a host may do with the rendered configuration: read the parameters (as SSM's `grantRead` allows). */
export const WAL_ARCHIVE_CONFIGURATION_READ_IAM_ACTIONS: readonly IamActionGroup<WalArchiveResourceKind>[] = [
  {
    resource: 'configuration-parameters',
    actions: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
    reason: 'write the archive block and archiver configuration at boot',
  },
];

/** The actions `groups` grant on one kind of resource, in the order the groups list them. */
export function actionsOnResource<Kind extends string>(groups: readonly IamActionGroup<Kind>[], resource: Kind): string[] {
  return groups.filter((group) => group.resource === resource).flatMap((group) => group.actions);
}
