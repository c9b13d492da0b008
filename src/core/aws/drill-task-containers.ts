import { CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, DrillCheckFile, SCRATCH_POSTGRES_CONTAINER_NAME } from './verify-restore';

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

/** The container of a restore drill task that writes the SQL checks into {@link CHECKS_VOLUME_NAME}, then exits. */
export interface ChecksWriterContainerPlan {
  /** The container's name. */
  readonly name: string;
  /** `sh -c` with {@link command}. */
  readonly entryPoint: readonly string[];
  /** One shell command writing every file from its environment variable. */
  readonly command: string;
  /** Each check's SQL in the variable its file is written from. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where the volume is mounted (writable here, read-only in the runner). */
  readonly mountPath: string;
  /** The stream prefix of its logs. */
  readonly logStreamPrefix: string;
}

/** The checks writer of a drill task that writes `files`. */
export function checksWriterContainer(files: readonly DrillCheckFile[]): ChecksWriterContainerPlan {
  return {
    name: CHECKS_CONTAINER_NAME,
    entryPoint: ['sh', '-c'],
    // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
    command: files.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && '),
    environment: Object.fromEntries(files.map((file) => [file.variable, file.sql])),
    mountPath: CHECKS_DIRECTORY,
    logStreamPrefix: 'write-checks',
  };
}
