import { PlannedTaskContainers, pitrDrillContainers, snapshotDrillContainers, verifyRestoreContainers } from './drill-task-containers';
import { AwsArnFormat, DrillWiring, drillResultsWiring } from './ecs-drill-wiring';
import { PitrDrillPlan } from './pitr-drill';
import { SnapshotRestoreDrillPlan, drillResultsLocation } from './snapshot-restore-drill';
import { DrillPlaceholder } from './state-machines/restore-drill-options';
import { SCRATCH_TARGET_URL, ScratchSecretRead, VerifyRestorePlan } from './verify-restore';
import { backupDatabaseFolder, drillResultsFolder } from '../policy/backup-store-layout';

/** A bucket a drill reads dumps from or writes its results to, in the front end's values (strings, tokens, outputs). */
export interface DrillBucket<T> {
  /** Name of the bucket. */
  readonly bucketName: T;
  /** ARN of its objects under a key pattern (`arn:…:s3:::bucket/<key>`). */
  readonly objectsArn: (key: string) => T;
  /** A value written from the bucket's name once it is known (`s3://<bucket>/<prefix>`). */
  readonly withName: (render: (bucketName: string) => string) => T;
}

/** The backups of a drill: their bucket and the prefix under which they are, where the drill writes its results too. */
export interface DrillBackups<T> extends DrillBucket<T> {
  /** Key prefix of the backups. */
  readonly prefix: string;
}

/** What a drill's renderer is given by core besides the plan: the task's containers, the drill's own placeholders and scopes. */
export interface DrillInputs<T> extends DrillWiring<T> {
  /** The task's containers, as core planned them. */
  readonly containers: PlannedTaskContainers<T>;
}

/** The placeholders and scope of a drill that writes its results into `folder` of `bucket`, nothing when it writes none. */
function resultsWiring<T>(bucket: DrillBucket<T> | undefined, folder: string | undefined): DrillWiring<T> {
  return bucket && folder !== undefined ? drillResultsWiring({ ...bucket, folder }) : { placeholders: {}, scopes: {} };
}

/** Where a drill's scratch RDS instances are placed, in the front end's values. */
export interface ScratchRdsPlacement<T> {
  /** Name of the DB subnet group scratch instances are created in. */
  readonly subnetGroupName: T;
  /** Id of the scratch instance's security group. */
  readonly securityGroupId: T;
  /** How the front end formats the ARNs of its account and region. */
  readonly arn: AwsArnFormat<T>;
}

/** The placeholders and scopes of a drill into a scratch RDS instance, and the task role's read of its master secret. */
export interface ScratchRdsWiring<T> extends DrillWiring<T> {
  /** The read of the master secrets RDS keeps for the drill's scratch instances, held to them by the tag RDS puts on them. */
  readonly secretRead: ScratchSecretRead & { readonly resource: T; readonly conditions: Record<string, Record<string, T>> };
}

/** What a `VerifyRestore` into a scratch RDS instance adds: the dumps it sizes the instance from, its placement, its secret. */
export function scratchRdsDrillWiring<T>(plan: VerifyRestorePlan, source: DrillBackups<T>, placement: ScratchRdsPlacement<T>): ScratchRdsWiring<T> {
  const { secretRead, identifierPrefix } = plan.scratch!;
  const managedSecretsArn = placement.arn('secretsmanager', 'secret', secretRead.secretNamePattern);
  const scratchInstancesArn = placement.arn('rds', 'db', `${identifierPrefix}-*`);
  return {
    placeholders: {
      [DrillPlaceholder.DUMP_BUCKET]: source.bucketName,
      [DrillPlaceholder.DUMP_DATABASE_FOLDER]: backupDatabaseFolder(source.prefix, plan.databaseName),
      [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: placement.subnetGroupName,
      [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: placement.securityGroupId,
    },
    scopes: {
      'dump-objects': { resources: [source.objectsArn(`${source.prefix}/*`)] },
      'rds-scratch-instances': { resources: [scratchInstancesArn] },
      'rds-subnet-group': { resources: [placement.arn('rds', 'subgrp', placement.subnetGroupName)] },
      'rds-managed-secrets': { resources: [managedSecretsArn] },
    },
    // RDS names the secret per instance; the tag it puts on it holds the read to the drill's own scratch instances.
    secretRead: {
      ...secretRead,
      resource: managedSecretsArn,
      conditions: { StringLike: { [secretRead.instanceTagConditionKey]: scratchInstancesArn } },
    },
  };
}

/**
 * A `VerifyRestore`'s inputs: its containers restore the latest dump at `s3://<bucket>/<prefix>`, into the task's
 * scratch server unless `scratch` places a scratch RDS instance; its state machine writes the failures the task never
 * saw beside the dumps, where the task writes its own.
 */
export function verifyRestoreInputs<T>(plan: VerifyRestorePlan, source: DrillBackups<T>, scratch?: DrillWiring<T>): DrillInputs<T> {
  const dumpLocation = source.withName((bucket) => drillResultsLocation(bucket, source.prefix));
  const results = resultsWiring(source, drillResultsFolder(source.prefix, plan.databaseName));
  return {
    containers: verifyRestoreContainers(plan, dumpLocation),
    placeholders: {
      [DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
      // A drill into a scratch RDS instance names its own target, unless it may restore in the task (auto).
      ...(plan.drill.placeholders.includes(DrillPlaceholder.TARGET_URL) ? { [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL } : {}),
      ...scratch?.placeholders,
      ...results.placeholders,
    },
    scopes: { ...scratch?.scopes, ...results.scopes },
  };
}

/** A `SnapshotRestoreDrill`'s inputs: its checks container, its snapshot wiring, and its results beside `results`' dumps when given. */
export function snapshotDrillInputs<T>(plan: SnapshotRestoreDrillPlan, snapshot: DrillWiring<T>, results?: DrillBackups<T>): DrillInputs<T> {
  const wiring = resultsWiring(results, results && drillResultsFolder(results.prefix, plan.databaseName));
  return {
    containers: snapshotDrillContainers(plan, results?.withName((bucket) => drillResultsLocation(bucket, results.prefix))),
    placeholders: { ...snapshot.placeholders, ...wiring.placeholders },
    scopes: { ...snapshot.scopes, ...wiring.scopes },
  };
}

/** What only the front end knows of a `PitrDrill`'s container: `pgbackrest.conf`, and the variable of the repository's cipher pass. */
export interface PitrDrillValues<T> {
  /** The text of `pgbackrest.conf`. */
  readonly pgBackRestConf: T;
  /**
   * The variable pgBackRest reads the repository's cipher pass from, which the execution role injects.
   * @default - the repository is not encrypted by pgBackRest
   */
  readonly cipherPassVariable?: string;
}

/** A `PitrDrill`'s inputs: its container, and with `drillResultsPrefix` its results in `bucket` (the archive's). */
export function pitrDrillInputs<T>(plan: PitrDrillPlan, values: PitrDrillValues<T>, bucket?: DrillBucket<T>): DrillInputs<T> {
  const results = plan.drillResults;
  return {
    containers: pitrDrillContainers(plan, {
      ...values, resultsLocation: results && bucket?.withName((name) => drillResultsLocation(name, results.prefix)),
    }),
    ...resultsWiring(bucket, results?.folder),
  };
}
