import { BlueprintHandleTypes, DumpPruneResources } from './blueprint-resources';

/**
 * The types of one front end's handles that a `ScheduledPgDump`'s resources are written in: CDK constructs or Pulumi
 * resources and outputs; the bucket, cluster, task definition, schedule and text as a blueprint's.
 */
export interface ScheduledPgDumpHandleTypes extends Pick<BlueprintHandleTypes, 'backupBucket' | 'cluster' | 'taskDefinition' | 'schedule' | 'text'> {
  /** A security group. */
  readonly securityGroup: unknown;
  /** An SQS queue. */
  readonly queue: unknown;
  /** A CloudWatch alarm. */
  readonly alarm: unknown;
  /** The age encryption of the dumps, with the front end's identity secret. */
  readonly encryption: unknown;
}

/**
 * What a `ScheduledPgDump` creates and exposes, the same in every AWS front end but for the handles' types (`H`): each
 * front end's class declares these attributes by extending this interface with its handle types.
 */
export interface ScheduledPgDumpResources<H extends ScheduledPgDumpHandleTypes> extends DumpPruneResources<H> {
  /** The bucket the dumps are written to (created, or the given one with its policy). */
  readonly backupBucket: H['backupBucket'];
  /** The cluster the task runs in. */
  readonly cluster: H['cluster'];
  /** The dump task definition. */
  readonly taskDefinition: H['taskDefinition'];
  /** The security group of the dump task. */
  readonly securityGroup: H['securityGroup'];
  /** One schedule per database. */
  readonly schedules: readonly H['schedule'][];
  /** Where schedule runs go that could not start the task. */
  readonly deadLetterQueue: H['queue'];
  /** Alarms: failed run and RPO missed, per database; dead-lettered start; a failed prune and late replication when planned. */
  readonly alarms: readonly H['alarm'][];
  /** How the dumps are encrypted with age, when they are. */
  readonly encryption?: H['encryption'];
  /** The database whose dumps these are, when it is one of this app or program: CDK, its construct path; Pulumi, its URN. */
  readonly protectedDatabase?: H['text'];
}
