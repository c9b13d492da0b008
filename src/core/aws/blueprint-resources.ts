/**
 * The types of one front end's handles that a `PostgresBackupBlueprint`'s resources are written in: CDK constructs or
 * Pulumi resources and outputs.
 */
export interface BlueprintHandleTypes {
  /** The bucket construct or component. */
  readonly backupBucket: unknown;
  /** The bucket's name: CDK, a string when known at synth time; Pulumi, an output. */
  readonly bucketName: unknown;
  /** An ECS cluster. */
  readonly cluster: unknown;
  /** A Fargate task definition. */
  readonly taskDefinition: unknown;
  /** An EventBridge Scheduler schedule. */
  readonly schedule: unknown;
  /** A Step Functions state machine. */
  readonly stateMachine: unknown;
  /** The AWS Backup vault construct or component. */
  readonly vault: unknown;
  /** An AWS Backup plan. */
  readonly backupPlan: unknown;
  /** The restore testing plan, its role and selections. */
  readonly restoreTesting: unknown;
  /** One protected database: core's fields, its schedule, alarm and runbook. */
  readonly protectedDatabase: unknown;
  /** The runbooks: CDK, the files in the cloud assembly; Pulumi, the Markdown by `<serverId>/<databaseName>`. */
  readonly runbooks: unknown;
  /** A text known at deployment: CDK, a string; Pulumi, an output. */
  readonly text: unknown;
}

/**
 * What pruning dumps by a retention policy creates (a `ScheduledPgDump`'s, a blueprint's servers'), in one front end's
 * handle types: the prune task, whose role alone may delete dumps, and its schedules, one per database.
 */
export interface DumpPruneResources<H extends Pick<BlueprintHandleTypes, 'taskDefinition' | 'schedule' | 'text'>> {
  /** The prune task definition, whose role alone may delete dumps (when dumps have a retention policy). */
  readonly pruneTaskDefinition?: H['taskDefinition'];
  /** One prune schedule per database whose dumps have a retention policy. */
  readonly pruneSchedules: readonly H['schedule'][];
  /**
   * With a retention policy and a `replication` destination given by ARN: the statements (JSON) its owner adds to the
   * offsite bucket's policy and the replica key's policy so that the prune task may prune the replicas; also the
   * output `ReplicaPruneDestinationPolicy` (CDK) or `replicaPruneDestinationPolicy` (Pulumi).
   */
  readonly replicaPruneDestinationPolicy?: H['text'];
}

/**
 * What a `PostgresBackupBlueprint` creates and exposes, the same in every AWS front end but for the handles' types
 * (`H`): each front end's class declares these attributes by extending this interface with its handle types.
 */
export interface BlueprintFleetResources<H extends BlueprintHandleTypes> extends DumpPruneResources<H> {
  /** The bucket of every dump. */
  readonly backupBucket: H['backupBucket'];
  /** The bucket's name. */
  readonly bucketName: H['bucketName'];
  /** The cluster the tasks run in. */
  readonly cluster: H['cluster'];
  /** Dump task definitions by PostgreSQL major. */
  readonly dumpTaskDefinitions: ReadonlyMap<number, H['taskDefinition']>;
  /** Every protected database. */
  readonly databases: readonly H['protectedDatabase'][];
  /** Each database's restore runbook. */
  readonly runbooks: H['runbooks'];
  /** Verify task definitions by PostgreSQL major (none when no tier drills). */
  readonly verifyTaskDefinitions: ReadonlyMap<number, H['taskDefinition']>;
  /** The restore-drill state machine of the whole fleet, when a tier drills. */
  readonly drillStateMachine?: H['stateMachine'];
  /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
  readonly drillSchedules: readonly H['schedule'][];
  /** The AWS Backup vault, when a managed server's tier has a backup plan. */
  readonly vault?: H['vault'];
  /** The AWS Backup plans, one per distinct plan among the managed servers. */
  readonly backupPlans: readonly H['backupPlan'][];
  /** The AWS Backup restore testing of the managed servers' recovery points, when `restoreTesting` is set. */
  readonly restoreTesting?: H['restoreTesting'];
}
