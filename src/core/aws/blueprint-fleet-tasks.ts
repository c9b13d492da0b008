import { PlannedTaskContainers, drillTaskContainers } from './drill-task-containers';
import { EcsDrillTask } from './ecs-drill-wiring';
import { StateMachinePlan } from './planned-state-machine';
import { BLUEPRINT_RUNNER_CONTAINER_NAME, BlueprintDrillsPlan, BlueprintServerPlan, PostgresBackupBlueprintPlan } from './postgres-backup-blueprint';
import { RESTORE_DRILL_STATE_MACHINE_NAMES } from './scheduled-drill';
import { PlannedTaskSchedule } from './scheduled-pg-dump';
import { DrillPlaceholder } from './state-machines';
import { SCRATCH_TARGET_URL } from './verify-restore';

/** The component that owns the fleet's tasks and drill, as messages name it. */
export const BLUEPRINT_OWNER = 'PostgresBackupBlueprint';

/**
 * One task definition of a fleet for one PostgreSQL major: its CDK id, its Pulumi name and family (after the
 * blueprint's name), its size, and the runner container every run overrides the command of.
 */
export interface BlueprintMajorTaskPlan {
  /** The PostgreSQL major of its image. */
  readonly major: number;
  /** Construct id (CDK). */
  readonly id: string;
  /** Name after `<blueprint name>-` (Pulumi). */
  readonly name: string;
  /** Task definition family after `<blueprint name>-` (Pulumi). */
  readonly family: string;
  /** CPU units. */
  readonly cpu: number;
  /** Memory, MiB. */
  readonly memoryLimitMiB: number;
  /**
   * Ephemeral storage, GiB.
   * @default - Fargate's 20 GiB
   */
  readonly ephemeralStorageGiB?: number;
  /** The runner container. */
  readonly containerName: string;
  /** The command the task runs without a run's override: only the usage, so a task started by hand does nothing. */
  readonly command: readonly string[];
  /** The stream prefix of the runner's logs. */
  readonly logStreamPrefix: string;
}

/** The dump task definition of the fleet's servers of one PostgreSQL major. */
export function blueprintDumpTask(plan: PostgresBackupBlueprintPlan, major: number): BlueprintMajorTaskPlan {
  return {
    major,
    id: `DumpTask${major}`,
    name: `dump-task-${major}`,
    family: `pg-dump-${major}`,
    cpu: plan.dumpTask.cpu,
    memoryLimitMiB: plan.dumpTask.memoryLimitMiB,
    ephemeralStorageGiB: plan.dumpTask.ephemeralStorageGiB[major],
    containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    // Every run overrides the command; run without one, the task only prints the usage.
    command: ['--help'],
    logStreamPrefix: `dump-${major}`,
  };
}

/** The container of the fleet's one prune task, and the major whose runner image it runs. */
export interface BlueprintPruneContainerPlan {
  /** The PostgreSQL major of its image: `pg-backup prune` calls no PostgreSQL tool, so the fleet's first serves. */
  readonly major: number;
  /** The runner container. */
  readonly containerName: string;
  /** The command the task runs without a run's override: only the usage. */
  readonly command: readonly string[];
}

/** The container of the fleet's prune task. */
export function blueprintPruneContainer(plan: PostgresBackupBlueprintPlan): BlueprintPruneContainerPlan {
  return { major: plan.majors[0], containerName: BLUEPRINT_RUNNER_CONTAINER_NAME, command: ['--help'] };
}

/**
 * The dump schedules of one server of the fleet: its dump schedule, one run per database, each schedule named after
 * the database (`DumpSchedule-<server>-<database>`, `<name>-<server>-<database>-dump`).
 */
export function blueprintDumpSchedule(server: BlueprintServerPlan): PlannedTaskSchedule {
  return {
    ...server.schedule,
    runs: server.databases.map((database, index) => ({
      index, database: database.databaseName, description: database.scheduleDescription, id: `DumpSchedule-${database.id}`, name: `${database.name}-dump`,
    })),
  };
}

/**
 * Servers whose secrets one policy of the dump tasks' execution role may read: an RDS-managed secret's ARN has about
 * 105 characters, so 40 of them leave room under IAM's 6,144 characters for longer regions and secret names.
 */
export const BLUEPRINT_SECRETS_PER_POLICY = 40;

/** One policy of the dump tasks' execution role that reads the secrets of a run of servers, and its description. */
export interface BlueprintSecretsPolicyPlan {
  /** Its position, which names it (`<name>-dump-secrets-<index>`). */
  readonly index: number;
  /** The servers whose secrets it reads, by their position in `databases`. */
  readonly serverIndexes: readonly number[];
  /** What it reads, as the console shows it. */
  readonly description: string;
}

/**
 * The policies of the dump tasks' execution role that read every server's secret, {@link BLUEPRINT_SECRETS_PER_POLICY}
 * a policy: a role's inline policies share 10,240 characters, which a fleet of about a hundred secret ARNs would pass.
 */
export function blueprintSecretsPolicies(plan: PostgresBackupBlueprintPlan): BlueprintSecretsPolicyPlan[] {
  const policies: BlueprintSecretsPolicyPlan[] = [];
  for (let start = 0; start < plan.servers.length; start += BLUEPRINT_SECRETS_PER_POLICY) {
    const servers = plan.servers.slice(start, start + BLUEPRINT_SECRETS_PER_POLICY);
    policies.push({
      index: policies.length,
      serverIndexes: servers.map((server) => server.index),
      description: `Read the database secrets of fleet servers ${start + 1}-${start + servers.length}`,
    });
  }
  return policies;
}

/**
 * The verify task definition of the fleet's drills of one PostgreSQL major: a scratch server on the task's loopback,
 * the checks of every drill group written into a volume, and the runner, which starts after both.
 */
export interface BlueprintDrillTaskPlan extends BlueprintMajorTaskPlan {
  /** Its containers: the scratch server, the checks writer and the runner, in this order. */
  readonly containers: PlannedTaskContainers;
}

/** The verify task definition of the fleet's drills of one PostgreSQL major. */
export function blueprintDrillTask(drills: BlueprintDrillsPlan, major: number): BlueprintDrillTaskPlan {
  const runner = { name: BLUEPRINT_RUNNER_CONTAINER_NAME, command: ['pg-backup', '--help'], logStreamPrefix: `verify-${major}` };
  const identity = drills.identityEnvironmentVariable;
  return {
    major,
    id: `DrillTask${major}`,
    name: `drill-task-${major}`,
    family: `restore-drill-${major}`,
    ...drills.task,
    containerName: runner.name,
    command: runner.command,
    logStreamPrefix: runner.logStreamPrefix,
    containers: drillTaskContainers({ ...runner, ...(identity === undefined ? {} : { secrets: { [identity]: 'age-identity' } }) }, {
      scratchServer: true, checkFiles: drills.checkFiles, logStreamSuffix: `-${major}`, checksWriterFirst: true,
    }),
  };
}

/**
 * The fleet's one drill state machine (core's `fleetDumpRestoreDrill`), named and described as every restore drill's,
 * its execution logs apart from the tasks' (`DrillExecutionLogs`).
 */
export function blueprintDrillStateMachine(plan: PostgresBackupBlueprintPlan, drills: BlueprintDrillsPlan): StateMachinePlan {
  return {
    ...drills.stateMachine,
    // The fleet drill types its Map state apart from the drills' task states; as a definition it is ASL all the same.
    definition: drills.stateMachine.definition as unknown as StateMachinePlan['definition'],
    type: 'STANDARD',
    ids: { role: 'DrillRole', stateMachine: 'Drill', logs: 'DrillExecutionLogs' },
    names: RESTORE_DRILL_STATE_MACHINE_NAMES,
    descriptions: { role: plan.descriptions.drillRole, comment: plan.descriptions.drillStateMachine },
  };
}

/**
 * What the deployment knows of the fleet drill's state machine, in the front end's values (strings, tokens, resolved
 * outputs): the topic, cluster and network an ECS drill task has; the fleet's tasks and container are core's.
 */
export type BlueprintDrillResources<T> = Pick<EcsDrillTask<T>, 'notificationTopicArn' | 'clusterArn' | 'subnets' | 'securityGroupId'>;

/** The values of the fleet drill's placeholders: the deployment's topic, cluster and network, core's runner container and scratch server. */
export function blueprintDrillPlaceholderValues<T>(resources: BlueprintDrillResources<T>): Record<string, T | string> {
  return {
    [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: resources.notificationTopicArn,
    [DrillPlaceholder.CLUSTER_ARN]: resources.clusterArn,
    [DrillPlaceholder.CONTAINER_NAME]: BLUEPRINT_RUNNER_CONTAINER_NAME,
    [DrillPlaceholder.SUBNETS]: resources.subnets,
    [DrillPlaceholder.SECURITY_GROUPS]: resources.securityGroupId,
    [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL,
  };
}

/** The values of a drill schedule's input placeholders: the dumps' bucket, the verify task definition of its major. */
export function blueprintDrillScheduleValues<T>(bucketName: T, taskDefinitionArn: T): Record<string, T> {
  return { [DrillPlaceholder.DUMP_BUCKET]: bucketName, [DrillPlaceholder.TASK_DEFINITION_ARN]: taskDefinitionArn };
}
