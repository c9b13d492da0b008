import { PitrDrillPlan } from './pitr-drill';
import { RestoreValidationPlan } from './restore-testing-validation';
import { ScheduledDrillPlan } from './scheduled-drill';
import { DRILL_RECORD_TO_ENV, SnapshotRestoreDrillPlan } from './snapshot-restore-drill';
import { CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, DrillCheckFile, SCRATCH_POSTGRES_CONTAINER_NAME, VerifyRestorePlan, verifyCommand } from './verify-restore';

/** The task volume the checks writer fills and the runner reads the SQL checks from. */
export const CHECKS_VOLUME_NAME = 'checks';

/** A container health check, as ECS runs it. */
export interface PlannedHealthCheck {
  /** The command, `CMD-SHELL` first. */
  readonly command: readonly string[];
  /** Seconds between two checks. */
  readonly intervalSeconds: number;
  /** Seconds one check may take. */
  readonly timeoutSeconds: number;
  /** Failed checks before the container is unhealthy. */
  readonly retries: number;
  /** Seconds after the start during which failed checks do not count. */
  readonly startPeriodSeconds: number;
}

/**
 * The password of a drill task's scratch PostgreSQL: generated into a secret once, handed by the task's execution role
 * to the server (which sets the superuser's password from it) and to the runner (libpq reads it), never in plain text
 * in the task definition or the front end's state.
 */
export interface ScratchPasswordPlan {
  /** Characters of the generated password: letters and digits only, so no shell or URL quoting is involved. */
  readonly length: number;
  /** The server container's variable the official image reads the superuser's password from. */
  readonly serverVariable: string;
  /** The runner container's variable libpq reads the password from. */
  readonly clientVariable: string;
}

/**
 * The scratch PostgreSQL container of a restore drill task: the official image of the dumps' major, listening on
 * loopback only (the task's containers share it, nothing else can connect), its superuser behind a generated password
 * all the same (a loopback that trusts would let any process of the task in without one), healthy once `pg_isready`
 * answers, which the runner waits for.
 */
export const SCRATCH_POSTGRES_CONTAINER: {
  readonly name: string;
  readonly command: readonly string[];
  readonly healthCheck: PlannedHealthCheck;
  readonly logStreamPrefix: string;
  readonly password: ScratchPasswordPlan;
} = {
  name: SCRATCH_POSTGRES_CONTAINER_NAME,
  command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
  healthCheck: { command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'], intervalSeconds: 5, timeoutSeconds: 5, retries: 12, startPeriodSeconds: 30 },
  logStreamPrefix: 'scratch-postgres',
  password: { length: 32, serverVariable: 'POSTGRES_PASSWORD', clientVariable: 'PGPASSWORD' },
};

/** The image a planned container runs: the runner's (`pg-backup` and the PostgreSQL client), or the official server's. */
export type ContainerImageKind = 'runner' | 'postgres-server';

/** Which secret the execution role injects into a container's variable; each front end knows the secret's handle. */
export type ContainerSecretKind = 'scratch-password' | 'age-identity' | 'cipher-pass' | 'database-username' | 'database-password';

/**
 * One container of a planned task, as plain data each front end renders with its one container renderer. `V` is what a
 * value only known to the front end is (a CDK token is a string; a Pulumi value an input).
 */
export interface PlannedTaskContainer<V = string> {
  /** The container's name, which a state machine's command override names. */
  readonly name: string;
  /** Its image. */
  readonly image: ContainerImageKind;
  /** Whether the task stops when it exits. */
  readonly essential: boolean;
  /**
   * The entrypoint in place of the image's, for a command that starts with the executable.
   * @default - the image's
   */
  readonly entryPoint?: readonly string[];
  /** Its command. */
  readonly command: readonly (string | V)[];
  /**
   * Plain environment variables, none secret.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string | V>>;
  /**
   * What the plain environment holds, completing "The environment holds …" for reviewers.
   * @default - nothing to review
   */
  readonly plainEnvironment?: string;
  /**
   * Variables the execution role fills from a secret, by which secret.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, ContainerSecretKind>>;
  /**
   * Its health check.
   * @default - none
   */
  readonly healthCheck?: PlannedHealthCheck;
  /**
   * The containers it starts after, and in which of their states.
   * @default - none
   */
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: 'HEALTHY' | 'SUCCESS' }[];
  /**
   * The task volumes mounted into it.
   * @default - none
   */
  readonly mountPoints?: readonly { readonly containerPath: string; readonly sourceVolume: string; readonly readOnly: boolean }[];
  /** The prefix of its log streams. */
  readonly logStreamPrefix: string;
}

/** The handle of `kind` a planned container asks for: a missing one is a defect of the construct, never a container rendered without it. */
export function plannedHandle<K extends string, T>(handles: Partial<Record<K, T>> | undefined, kind: K): T {
  const found = handles?.[kind];
  if (found === undefined) throw new Error(`a planned container needs the ${kind}, which was not given`);
  return found;
}

/** The containers of a planned task, in the task's order, and the volumes they share. */
export interface PlannedTaskContainers<V = string> {
  /** The containers. */
  readonly containers: readonly PlannedTaskContainer<V>[];
  /** Names of the task's volumes. */
  readonly volumes: readonly string[];
}

/** The runner container of a drill task: what differs from drill to drill. */
export interface DrillRunnerContainer<V = string> extends Pick<PlannedTaskContainer<V>, 'name' | 'command' | 'environment' | 'plainEnvironment' | 'secrets' | 'logStreamPrefix'> {}

/** The containers a drill task's runner may start after. */
export interface DrillRunnerCompanions {
  /**
   * A scratch PostgreSQL in the task, which the runner waits for and restores into.
   * @default false
   */
  readonly scratchServer?: boolean;
  /**
   * SQL checks a writer puts into the task's volume, which the runner waits for and reads.
   * @default - no checks writer
   */
  readonly checkFiles?: readonly DrillCheckFile[];
  /**
   * Appended to the companions' log stream prefixes (the fleet's tasks of several majors share a log group).
   * @default ''
   */
  readonly logStreamSuffix?: string;
  /**
   * The checks writer comes before the runner in the task (the fleet's order) rather than after it.
   * @default false
   */
  readonly checksWriterFirst?: boolean;
}

/**
 * The containers of a drill task: the runner (its entrypoint replaced, as its command starts with `pg-backup`), the
 * scratch server it waits to be healthy, and the checks writer it waits to succeed, whose volume it mounts read-only.
 * The execution role alone reads the scratch password, which the server and the runner share.
 */
export function drillTaskContainers<V>(runner: DrillRunnerContainer<V>, companions: DrillRunnerCompanions = {}): PlannedTaskContainers<V> {
  const { scratchServer = false, checkFiles, logStreamSuffix = '' } = companions;
  const scratch: PlannedTaskContainer<V> | undefined = scratchServer ? {
    name: SCRATCH_POSTGRES_CONTAINER.name,
    image: 'postgres-server',
    essential: false,
    command: SCRATCH_POSTGRES_CONTAINER.command,
    secrets: { [SCRATCH_POSTGRES_CONTAINER.password.serverVariable]: 'scratch-password' },
    healthCheck: SCRATCH_POSTGRES_CONTAINER.healthCheck,
    logStreamPrefix: `${SCRATCH_POSTGRES_CONTAINER.logStreamPrefix}${logStreamSuffix}`,
  } : undefined;
  const writer: PlannedTaskContainer<V> | undefined = checkFiles && {
    name: CHECKS_CONTAINER_NAME,
    image: 'postgres-server',
    essential: false,
    entryPoint: ['sh', '-c'],
    // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
    command: [checkFiles.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && ')],
    environment: Object.fromEntries(checkFiles.map((file) => [file.variable, file.sql])),
    plainEnvironment: 'the SQL text of the drill checks, which a helper container writes into the task volume',
    mountPoints: [{ containerPath: CHECKS_DIRECTORY, sourceVolume: CHECKS_VOLUME_NAME, readOnly: false }],
    logStreamPrefix: `write-checks${logStreamSuffix}`,
  };
  const secrets = { ...(scratch ? { [SCRATCH_POSTGRES_CONTAINER.password.clientVariable]: 'scratch-password' as const } : {}), ...runner.secrets };
  const main: PlannedTaskContainer<V> = {
    ...runner,
    image: 'runner',
    essential: true,
    entryPoint: ['env'],
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
    ...(scratch || writer ? {
      dependsOn: [
        ...(scratch ? [{ containerName: scratch.name, condition: 'HEALTHY' as const }] : []),
        ...(writer ? [{ containerName: writer.name, condition: 'SUCCESS' as const }] : []),
      ],
    } : {}),
    ...(writer ? { mountPoints: [{ containerPath: CHECKS_DIRECTORY, sourceVolume: CHECKS_VOLUME_NAME, readOnly: true }] } : {}),
  };
  const ordered = companions.checksWriterFirst ? [scratch, writer, main] : [scratch, main, writer];
  return { containers: ordered.filter((container) => container !== undefined), volumes: writer ? [CHECKS_VOLUME_NAME] : [] };
}

/** The runner of a scheduled drill task, as the drill's plan names it and says what its environment holds. */
function scheduledDrillRunner<V>(plan: ScheduledDrillPlan, runner: Pick<DrillRunnerContainer<V>, 'command' | 'environment' | 'secrets'>): DrillRunnerContainer<V> {
  const { containerName: name, logStreamPrefix, plainEnvironment } = plan.task;
  return { name, logStreamPrefix, ...(plainEnvironment === undefined ? {} : { plainEnvironment }), ...runner };
}

/** The drill's results location in the runner's environment, when the drill records its results. */
function recordTo<V>(location: V | undefined): Record<string, V> {
  return location === undefined ? {} : { [DRILL_RECORD_TO_ENV]: location };
}

/**
 * The containers of a `VerifyRestore` task: the scratch server when the plan restores in the task, `pg-backup verify`
 * of the dumps at `dumpLocation` (`s3://<bucket>/<prefix>`), and the checks writer when there are checks. The age
 * identity, when the dumps are encrypted, is injected by the execution role, which alone may read it.
 */
export function verifyRestoreContainers<V>(plan: VerifyRestorePlan, dumpLocation: V): PlannedTaskContainers<V> {
  const identity = plan.identityEnvironmentVariable;
  return drillTaskContainers(scheduledDrillRunner<V>(plan, {
    command: verifyCommand<V>(plan, dumpLocation),
    ...(identity === undefined ? {} : { secrets: { [identity]: 'age-identity' } }),
  }), { scratchServer: plan.taskScratchServer, checkFiles: plan.checkFiles.length > 0 ? plan.checkFiles : undefined });
}

/** What only the front end knows of a `PitrDrill`'s container. */
export interface PitrDrillContainerValues<V> {
  /** The text of `pgbackrest.conf`. */
  readonly pgBackRestConf: V;
  /**
   * The results location (`s3://<bucket>/<prefix>`), with `drillResultsPrefix`.
   * @default - no results recorded
   */
  readonly resultsLocation?: V;
  /**
   * The variable pgBackRest reads the repository's cipher pass from, which the execution role injects.
   * @default - the repository is not encrypted by pgBackRest
   */
  readonly cipherPassVariable?: string;
}

/** The one container of a `PitrDrill` task: `pg-backup drill-pitr`, given `pgbackrest.conf` and the drill's environment. */
export function pitrDrillContainers<V>(plan: PitrDrillPlan, values: PitrDrillContainerValues<V>): PlannedTaskContainers<V> {
  return drillTaskContainers(scheduledDrillRunner<V>(plan, {
    command: plan.command,
    environment: {
      PG_BACKUP_PGBACKREST_CONF: values.pgBackRestConf,
      ...Object.fromEntries(plan.environment.map(({ name, value }) => [name, value])),
      ...recordTo(values.resultsLocation),
    },
    ...(values.cipherPassVariable === undefined ? {} : { secrets: { [values.cipherPassVariable]: 'cipher-pass' } }),
  }));
}

/**
 * The one container of a `SnapshotRestoreDrill` task: `pg-backup check` against the scratch database, as the
 * database's own user (its secret's `username` and `password`), recording to `resultsLocation` when given.
 */
export function snapshotDrillContainers<V>(plan: SnapshotRestoreDrillPlan, resultsLocation?: V): PlannedTaskContainers<V> {
  return drillTaskContainers(scheduledDrillRunner<V>(plan, {
    command: plan.checkCommand,
    environment: { ...plan.checkEnvironment, ...recordTo(resultsLocation) },
    secrets: { PGUSER: 'database-username', PGPASSWORD: 'database-password' },
  }));
}

/**
 * The one container of the validation task of restore tests: `pg-backup check` against the restored database, as its
 * own user (the secret's keys the plan names), like a snapshot drill's checks.
 */
export function restoreValidationContainers(plan: RestoreValidationPlan): PlannedTaskContainers {
  return drillTaskContainers({
    name: plan.containerName,
    command: plan.checkCommand,
    environment: plan.checkEnvironment,
    plainEnvironment: 'the database name, PGSSLMODE and the SQL text of the checks',
    secrets: Object.fromEntries(Object.entries(plan.checkSecretKeys).map(([variable, key]) => [variable, `database-${key}` as ContainerSecretKind])),
    logStreamPrefix: plan.task.logStreamPrefix,
  });
}
