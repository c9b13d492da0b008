import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { postgresServerImage } from './runner-image';
import { SCRATCH_POSTGRES_CONTAINER } from '../core/aws/drill-task-containers';

/**
 * Adds core's scratch PostgreSQL of a restore drill to its task: the official image of the dump's major version,
 * listening on loopback only, its password from `password`, and a health check the runner's container can wait for.
 */
export function addScratchPostgresContainer(taskDefinition: ecs.TaskDefinition, options: {
  readonly id: string;
  readonly postgresMajorVersion: number;
  readonly password: secretsmanager.ISecret;
  readonly logGroup: logs.ILogGroup;
  readonly streamPrefix: string;
}): ecs.ContainerDefinition {
  const { healthCheck } = SCRATCH_POSTGRES_CONTAINER;
  return taskDefinition.addContainer(options.id, {
    image: postgresServerImage(options.postgresMajorVersion),
    essential: false,
    command: [...SCRATCH_POSTGRES_CONTAINER.command],
    secrets: { [SCRATCH_POSTGRES_CONTAINER.password.serverVariable]: ecs.Secret.fromSecretsManager(options.password) },
    healthCheck: {
      command: [...healthCheck.command],
      interval: Duration.seconds(healthCheck.intervalSeconds),
      timeout: Duration.seconds(healthCheck.timeoutSeconds),
      retries: healthCheck.retries,
      startPeriod: Duration.seconds(healthCheck.startPeriodSeconds),
    },
    logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: options.streamPrefix }),
  });
}
