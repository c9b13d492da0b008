import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { postgresServerImage } from './runner-image';

/**
 * Adds a restore drill's scratch PostgreSQL to its task: the official image of the dump's major version, listening
 * on loopback only (the task's containers share it, nothing else can connect), its password from `password`, and a
 * health check the runner's container can wait for.
 */
export function addScratchPostgresContainer(taskDefinition: ecs.TaskDefinition, options: {
  readonly id: string;
  readonly postgresMajorVersion: number;
  readonly password: secretsmanager.ISecret;
  readonly logGroup: logs.ILogGroup;
  readonly streamPrefix: string;
}): ecs.ContainerDefinition {
  return taskDefinition.addContainer(options.id, {
    image: postgresServerImage(options.postgresMajorVersion),
    essential: false,
    command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
    secrets: { POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(options.password) },
    healthCheck: {
      command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'],
      interval: Duration.seconds(5),
      timeout: Duration.seconds(5),
      retries: 12,
      startPeriod: Duration.seconds(30),
    },
    logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: options.streamPrefix }),
  });
}
