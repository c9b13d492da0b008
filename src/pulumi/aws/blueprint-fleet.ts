import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { EcsClusterReference } from './pg-dump-source';
import { BlueprintServer, PostgresBackupBlueprintProps } from './postgres-backup-blueprint-props';
import { MAX_ALARM_RPO_HOURS } from './scheduled-pg-dump';
import { pitrNotAppliedMessage, planBlueprintServer } from '../../core/aws/blueprint-server';
import { checkManagedBackupPlan } from '../../core/aws/managed-backup-plan';
import { BackupTierOptions } from '../../core/policy/backup-tier';
import { BackupPolicy, ImmutabilityPolicy } from '../../core/policy/policy';
import { Validator } from '../../core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Name of the runner container in the fleet's dump and verify task definitions. */
export const BLUEPRINT_RUNNER_CONTAINER_NAME = 'runner';

/** The metric dimension, besides `Database`, that tells apart databases of the same name on different servers. */
export const BLUEPRINT_SERVER_DIMENSION = 'Server';

/** A server of the fleet as the blueprint resolved it. */
export interface BlueprintServerPlan {
  /** Its position in `props.databases`, for error paths and the secret variable. */
  readonly index: number;
  /** The entry as given. */
  readonly entry: BlueprintServer;
  /** Its tier's policy with the overrides, the blueprint's immutability, and no managed sections for a self-managed server. */
  readonly policy: BackupPolicy;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** Its PostgreSQL major version. */
  readonly major: number;
  /** The databases on it that are protected. */
  readonly databaseNames: string[];
  /** The dump task's environment variable holding its secret. */
  readonly secretVariable: string;
}

/** The pieces of a Pulumi `PostgresBackupBlueprint` that every server's dumps and drills share. */
export interface BlueprintFleetInfrastructure {
  /** The blueprint component: the parent of every resource. */
  readonly parent: pulumi.ComponentResource;
  /** The blueprint's name, the start of every resource name. */
  readonly name: string;
  /** The props as given. */
  readonly props: PostgresBackupBlueprintProps;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
  /** The bucket of every dump. */
  readonly backupBucket: BackupBucket;
  /** The key prefix of the fleet. */
  readonly prefix: string;
  /** ARN of the topic failures go to. */
  readonly notificationTopicArn: pulumi.Output<string>;
  /** ARN of that topic's key, when known. */
  readonly notificationTopicKeyArn?: pulumi.Output<string>;
  /** The cluster the tasks run in. */
  readonly cluster: EcsClusterReference;
  /** Name of the log group of the tasks. */
  readonly logGroupName: pulumi.Output<string>;
  /** ARN of that log group. */
  readonly logGroupArn: pulumi.Output<string>;
  /** ARN of the dead-letter queue of every schedule. */
  readonly deadLetterQueueArn: pulumi.Output<string>;
  /** The CloudWatch namespace of the metrics. */
  readonly metricNamespace: string;
  /** The PostgreSQL majors of the fleet, ascending: one dump and one verify task definition each. */
  readonly majors: number[];
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => pulumi.Input<string>;
  /** Days task and execution logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * Checks every server of the blueprint and resolves its tier, overrides and PostgreSQL major; problems are reported to
 * `validator` under `databases[i]`, and a server with problems is left out.
 */
export function planBlueprintServers(
  props: PostgresBackupBlueprintProps, tierOptions: BackupTierOptions, lock: ImmutabilityPolicy | undefined, validator: Validator,
  parent: pulumi.Resource,
): BlueprintServerPlan[] {
  const ids = new Set<string>();
  const fleet = { tier: props.tier, tierOptions, lock, maxRpoHours: MAX_ALARM_RPO_HOURS, validation: PULUMI_VALIDATION_OPTIONS };
  const plans: BlueprintServerPlan[] = [];
  props.databases.forEach((entry, index) => {
    const path = `databases[${index}]`;
    const managed = entry.managedDatabase !== undefined;
    const planned = planBlueprintServer(validator, { ...entry, index, managed }, fleet, ids);
    const major = entry.postgresMajorVersion ?? entry.database.postgresMajorVersion;
    if (major === undefined) {
      validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    }
    validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
    if (!planned) return;
    const applied = planned.policy;
    if (managed && (applied.backupPlan || applied.managedSnapshots)) {
      // The storage key is known only at deploy time here: account copies are checked as for an unknown key.
      checkManagedBackupPlan({
        policy: {
          managedSnapshots: applied.managedSnapshots,
          backupPlan: applied.backupPlan,
          copies: applied.copies,
          immutability: lock,
          sourceRegion: applied.sourceRegion,
        },
        vaultLock: props.vaultLock,
        storageEncryption: 'unknown',
      }, PULUMI_VALIDATION_OPTIONS).forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
    }
    if (planned.pitrNotApplied) void pulumi.log.info(pitrNotAppliedMessage(entry.id, managed), parent);
    if (major === undefined) return;
    plans.push({
      index, entry, policy: applied, rpoHours: planned.rpoHours, major, databaseNames: planned.databaseNames, secretVariable: `PG_BACKUP_SECRET_${index}`,
    });
  });
  return plans;
}
