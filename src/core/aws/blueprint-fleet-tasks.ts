import { AlarmPlan } from './alarm-plan';
import { PlannedTaskContainers, drillTaskContainers } from './drill-task-containers';
import { DrillWiring } from './ecs-drill-wiring';
import { BACKUP_WRITE_IAM_ACTIONS, SCHEDULED_TASK_IAM_ACTIONS, TASK_EXECUTION_IAM_ACTIONS } from './iam-action-groups';
import { StateMachinePlan } from './planned-state-machine';
import {
  BLUEPRINT_RUNNER_CONTAINER_NAME, BlueprintDrillsPlan, BlueprintServerPlan, PostgresBackupBlueprintPlan, blueprintDumpCommand, blueprintPruneCommand,
} from './postgres-backup-blueprint';
import { DrillRendering, RESTORE_DRILL_STATE_MACHINE_NAMES } from './scheduled-drill';
import { CommandReference, PlannedTaskRun, ScheduledTaskGroupPlan, ScheduledTaskPlan } from './scheduled-pg-dump';
import { DrillPlaceholder } from './state-machines';
import { PlannedTaskNames, pruneTaskResourceNames, taskResourceNames } from './task-resource-names';
import { SCRATCH_TARGET_URL } from './verify-restore';
import { EventBridgeSchedule } from '../policy/schedule';

/** The component that owns the fleet's tasks and drill, as messages name it. */
export const BLUEPRINT_OWNER = 'PostgresBackupBlueprint';

/**
 * A verify task definition of a fleet for one PostgreSQL major: its CDK id, its Pulumi name and family (after the
 * blueprint's name), its size, and the runner container every drill overrides the command of.
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

/** How the fleet's tasks connect to a server: to a managed service (no role passwords), with a URL apart from the secret. */
export interface BlueprintTaskConnection {
  readonly managed: boolean;
  readonly databaseUrl: boolean;
}

/** One scheduled run of the fleet: a database of a server, on that server's own schedule, with its command. */
export interface BlueprintScheduledRun extends PlannedTaskRun {
  /** The server of the database. */
  readonly server: BlueprintServerPlan;
  /** `<serverId>/<databaseName>`. */
  readonly label: string;
  /** The server's expression and time zone. */
  readonly schedule: EventBridgeSchedule;
}

/**
 * A scheduled task definition of the fleet as the unit every scheduled task is rendered from: a dump task of one
 * PostgreSQL major (the servers of that major, their secrets and runs), or the one prune task. The dump tasks of
 * every major share the first one's roles and security group.
 */
export interface BlueprintScheduledTaskPlan extends ScheduledTaskPlan {
  /** The PostgreSQL major of its image (the prune task's: the fleet's first, as `pg-backup prune` calls no PostgreSQL tool). */
  readonly major: number;
  /** Name of the task definition after `<blueprint name>-` (Pulumi). */
  readonly name: string;
  /** The servers whose secrets the container gets, each under its own variable. */
  readonly servers: readonly BlueprintServerPlan[];
  /** Its execution role (Pulumi), which the tasks of a group share: the first one's. */
  readonly executionRole: NonNullable<ScheduledTaskPlan['executionRole']>;
  /** One run per database, each on its own server's schedule (the first run's stands for the task's). */
  readonly schedule: Omit<ScheduledTaskPlan['schedule'], 'runs'> & { readonly runs: readonly BlueprintScheduledRun[] };
}

/**
 * The Pulumi names of the resources of a task of the blueprint `name`: the dump and drill tasks' roles
 * (`<name>-dump-task-role`…) and security group (`<name>-dump-sg`), the prune task's as every prune task's; the task
 * definition and its family after the task's plan.
 */
export function blueprintTaskNames(
  name: string, kind: 'dump' | 'drill' | 'prune', task: { readonly name: string; readonly family: string },
): PlannedTaskNames & { readonly family: string } {
  const names = kind === 'prune' ? pruneTaskResourceNames(name) : { ...taskResourceNames(`${name}-${kind}`), securityGroup: `${name}-${kind}-sg` };
  return { ...names, taskDefinition: `${name}-${task.name}`, family: `${name}-${task.family}` };
}

/** The fleet's scheduled tasks: the dumps, then the prune when a server's dumps have a retention policy, and the prune alarms. */
export interface BlueprintScheduledTasks {
  readonly groups: readonly ScheduledTaskGroupPlan<BlueprintScheduledTaskPlan>[];
  /** A failed or halted prune per pruned database. */
  readonly pruneAlarms: readonly AlarmPlan[];
}

/** The expression and time zone of a schedule, without its runs. */
function expressionOf({ scheduleExpression, scheduleExpressionTimezone }: EventBridgeSchedule): EventBridgeSchedule {
  return { scheduleExpression, scheduleExpressionTimezone };
}

/** The fleet's location (`s3://<bucket>/<prefix>`) and a server's URL in a command, as placeholders the runner argv carries whole. */
const FLEET_LOCATION = '<dump-location>';
const DATABASE_URL = '<database-url>';

/** A server's runner argv with the placeholders as references: its folder under the fleet's location, its URL. */
function referenced(argv: readonly string[], server: BlueprintServerPlan): (string | CommandReference)[] {
  const location = `${FLEET_LOCATION}/${server.id}`;
  return argv.map((arg) => (arg === location ? { ref: 'dump-location', suffix: `/${server.id}` } : arg === DATABASE_URL ? { ref: 'database-url' } : arg));
}

/** The dump runs of a server: one per database (`DumpSchedule-<server>-<database>`, `<name>-<server>-<database>-dump`). */
function dumpRuns(plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan, connection: BlueprintTaskConnection): BlueprintScheduledRun[] {
  const databaseUrl = connection.databaseUrl ? DATABASE_URL : undefined;
  return server.databases.map((database, index) => ({
    index,
    database: database.databaseName,
    label: database.label,
    description: database.scheduleDescription,
    id: `DumpSchedule-${database.id}`,
    name: `${database.name}-dump`,
    server,
    schedule: expressionOf(server.schedule),
    command: referenced(blueprintDumpCommand(plan, server, database.databaseName, `${FLEET_LOCATION}/${server.id}`, {
      managed: connection.managed, databaseUrl,
    }), server),
  }));
}

/** The prune runs of a server with a retention policy: one per database (`PruneSchedule-<server>-<index>`, `<name>-prune-<server>-<index>`). */
function pruneRuns(plan: PostgresBackupBlueprintPlan, server: BlueprintServerPlan): BlueprintScheduledRun[] {
  return (server.prune?.schedule.runs ?? []).map((run) => ({
    ...run,
    label: `${server.id}/${run.database}`,
    id: `PruneSchedule-${server.id}-${run.index}`,
    name: `prune-${server.id}-${run.index}`,
    server,
    schedule: expressionOf(server.prune!.schedule),
    command: referenced(blueprintPruneCommand(plan, server, run.database, `${FLEET_LOCATION}/${server.id}`), server),
  }));
}

/**
 * The fleet's scheduled tasks as units: per PostgreSQL major a dump task (every secret of that major's servers, one
 * run per database, the runner only printing its usage unless a run overrides the command), and the prune task (the
 * only role that deletes; one run per database of each server with a retention policy). `connections` are the
 * servers', by their position in `databases`.
 */
export function blueprintScheduledTasks(plan: PostgresBackupBlueprintPlan, connections: readonly BlueprintTaskConnection[]): BlueprintScheduledTasks {
  const { retryAttempts, maxEventAgeSeconds, containerName } = plan.scheduleStart;
  const schedule = (runs: readonly BlueprintScheduledRun[]) => ({ ...runs[0].schedule, retryAttempts, maxEventAgeSeconds, runs });
  // Every run overrides the command; started without one, a task only prints the usage.
  const usage = ['--help'];
  const dumps = plan.majors.map((major): BlueprintScheduledTaskPlan => {
    const servers = plan.servers.filter((server) => server.major === major);
    const environment = plan.encryption && { variables: plan.dumpTask.environment, contents: 'the age public keys the dumps are encrypted to' };
    return {
      kind: 'dump',
      major,
      name: `dump-task-${major}`,
      ids: { taskDefinition: `DumpTask${major}`, securityGroup: 'DumpSecurityGroup', schedule: 'DumpSchedule-' },
      names: { family: `pg-dump-${major}`, schedule: 'dump' },
      size: { cpu: plan.dumpTask.cpu, memoryLimitMiB: plan.dumpTask.memoryLimitMiB, ephemeralStorageGiB: plan.dumpTask.ephemeralStorageGiB[major] },
      container: {
        name: containerName,
        logStreamPrefix: `dump-${major}`,
        command: usage,
        databaseSecrets: true,
        stopTimeoutSeconds: plan.dumpTask.stopTimeoutSeconds,
        ...(environment ? { environment } : {}),
      },
      servers,
      schedule: schedule(servers.flatMap((server) => dumpRuns(plan, server, connections[server.index]))),
      descriptions: { taskRole: plan.descriptions.dumpTaskRole, securityGroup: plan.descriptions.dumpSecurityGroup },
      roleGrants: BACKUP_WRITE_IAM_ACTIONS,
      objectsAccess: 'write',
      executionRole: { description: plan.descriptions.dumpExecutionRole, grants: TASK_EXECUTION_IAM_ACTIONS },
    };
  });
  const groups: ScheduledTaskGroupPlan<BlueprintScheduledTaskPlan>[] = [{
    name: 'dump',
    ids: { scheduleRole: 'DumpScheduleRole', taskFailedRule: 'DumpTaskFailedRule' },
    scheduleRole: { description: plan.descriptions.dumpScheduleRole, grants: plan.dumpScheduleRoleGrants },
    taskFailure: { description: plan.descriptions.dumpTaskFailedRule, subject: plan.dumpTaskFailureSubject, namesStarter: true },
    sharesFirstTask: true,
    tasks: dumps,
  }];
  const { prune } = plan;
  if (prune) {
    groups.push({
      name: 'prune',
      ids: { scheduleRole: 'PruneScheduleRole', taskFailedRule: 'PruneTaskFailedRule' },
      scheduleRole: { description: prune.descriptions.scheduleRole, grants: SCHEDULED_TASK_IAM_ACTIONS },
      taskFailure: { description: prune.descriptions.taskFailedRule, subject: prune.taskFailureSubject, namesStarter: true },
      tasks: [{
        kind: 'prune',
        major: plan.majors[0],
        name: 'prune-task',
        ids: { taskDefinition: 'PruneTask', securityGroup: 'PruneSecurityGroup', schedule: 'PruneSchedule-' },
        names: { family: 'pg-backup-prune', schedule: 'prune' },
        size: { cpu: prune.task.cpu, memoryLimitMiB: prune.task.memoryLimitMiB },
        container: { name: containerName, logStreamPrefix: prune.task.logStreamPrefix, command: usage, databaseSecrets: false },
        servers: [],
        schedule: schedule(plan.servers.flatMap((server) => pruneRuns(plan, server))),
        descriptions: { taskRole: prune.descriptions.taskRole, securityGroup: prune.descriptions.securityGroup },
        roleGrants: prune.roleGrants,
        objectsAccess: 'prune',
        executionRole: { description: prune.descriptions.executionRole, grants: TASK_EXECUTION_IAM_ACTIONS },
        deletes: true,
        ...(prune.replica ? { replica: prune.replica } : {}),
      }],
    });
  }
  return { groups, pruneAlarms: plan.servers.flatMap((server) => server.prune?.alarms ?? []) };
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
 * The fleet's drill as the front ends render it: a verify task per PostgreSQL major ({@link blueprintDrillTask}), the
 * one state machine and a schedule per group of databases, each starting the task of its group's major.
 */
export function blueprintDrillRendering(plan: PostgresBackupBlueprintPlan, drills: BlueprintDrillsPlan): DrillRendering {
  const { descriptions } = plan;
  return {
    owner: BLUEPRINT_OWNER,
    drillName: 'the fleet restore drill',
    metricNamespace: plan.metricNamespace,
    alarms: drills.alarms,
    containerName: BLUEPRINT_RUNNER_CONTAINER_NAME,
    stateMachine: blueprintDrillStateMachine(plan, drills),
    schedules: drills.schedules.map((schedule) => ({ ...schedule, taskIndex: plan.majors.indexOf(schedule.major) })),
    descriptions: {
      taskRole: descriptions.drillTaskRole,
      executionRole: descriptions.drillExecutionRole,
      taskSecurityGroup: descriptions.drillSecurityGroup,
      scratchPassword: descriptions.scratchPassword,
    },
    ids: { securityGroup: 'DrillSecurityGroup', taskRole: 'DrillTaskRole', executionRole: 'DrillExecutionRole' },
  };
}

/**
 * The placeholders and scope only the fleet drill has: the dumps' bucket its schedules name, the scratch server its
 * tasks restore into, and every database's results folder (`<prefix>/<server>/<database>/drills/`).
 */
export function blueprintDrillWiring<T>(bucketName: T, resultObjectsArn: T): DrillWiring<T> {
  return {
    placeholders: { [DrillPlaceholder.DUMP_BUCKET]: bucketName, [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL },
    scopes: { 'drill-result-objects': { resources: [resultObjectsArn] } },
  };
}
