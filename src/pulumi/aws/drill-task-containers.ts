import { ContainerLogConfiguration } from './planned-tasks';
import { postgresServerImage } from './runner-image';
import { CHECKS_VOLUME_NAME, SCRATCH_POSTGRES_CONTAINER, checksWriterContainer as plannedChecksWriter } from '../../core/aws/drill-task-containers';
import { DrillCheckFile } from '../../core/aws/verify-restore';

/**
 * The scratch PostgreSQL container of a restore drill task: the server's major, listening only on the task's loopback
 * and trusting it, healthy once `pg_isready` answers.
 */
export function scratchPostgresContainer(postgresMajorVersion: number, logConfiguration: ContainerLogConfiguration): Record<string, unknown> {
  const { healthCheck } = SCRATCH_POSTGRES_CONTAINER;
  return {
    name: SCRATCH_POSTGRES_CONTAINER.name,
    image: postgresServerImage(postgresMajorVersion),
    essential: false,
    command: SCRATCH_POSTGRES_CONTAINER.command,
    // Only the task's own containers reach its loopback, so no password is generated (nor kept in the Pulumi state).
    environment: [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }],
    healthCheck: {
      command: healthCheck.command,
      interval: healthCheck.intervalSeconds,
      timeout: healthCheck.timeoutSeconds,
      retries: healthCheck.retries,
      startPeriod: healthCheck.startPeriodSeconds,
    },
    logConfiguration,
  };
}

/** The container of a restore drill task that writes the SQL check files into the shared `checks` volume, then exits. */
export function checksWriterContainer(
  postgresMajorVersion: number, files: readonly DrillCheckFile[], logConfiguration: ContainerLogConfiguration,
): Record<string, unknown> {
  const plan = plannedChecksWriter(files);
  return {
    name: plan.name,
    image: postgresServerImage(postgresMajorVersion),
    essential: false,
    entryPoint: plan.entryPoint,
    command: [plan.command],
    environment: Object.entries(plan.environment).map(([name, value]) => ({ name, value })),
    mountPoints: [{ containerPath: plan.mountPath, sourceVolume: CHECKS_VOLUME_NAME, readOnly: false }],
    logConfiguration,
  };
}
