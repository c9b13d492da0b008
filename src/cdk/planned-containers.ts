import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledge, plainTaskEnvironmentFinding } from './reviewed-findings';
import { ContainerImageKind, ContainerSecretKind, PlannedTaskContainers, plannedHandle } from '../core/aws/drill-task-containers';

/** What the containers of a planned task run with: the images, the log group and the secrets, by what core names them. */
export interface PlannedContainerHandles {
  /** The image of each kind the containers run. */
  readonly images: Partial<Record<ContainerImageKind, ecs.ContainerImage>>;
  /** The log group of every container. */
  readonly logGroup: logs.ILogGroup;
  /**
   * The secret of each kind the containers are given.
   * @default - none
   */
  readonly secrets?: Partial<Record<ContainerSecretKind, ecs.Secret>>;
}

/**
 * Adds core's planned containers to `taskDefinition`, in the plan's order, with their volumes, the containers each
 * starts after and the volumes each mounts; a plain environment is acknowledged with what it holds.
 */
export function renderPlannedContainers(
  taskDefinition: ecs.TaskDefinition, planned: PlannedTaskContainers, handles: PlannedContainerHandles,
): Map<string, ecs.ContainerDefinition> {
  planned.volumes.forEach((name) => taskDefinition.addVolume({ name }));
  const containers = new Map<string, ecs.ContainerDefinition>();
  for (const container of planned.containers) {
    const { healthCheck, environment = {}, secrets = {} } = container;
    containers.set(container.name, taskDefinition.addContainer(container.name, {
      image: plannedHandle(handles.images, container.image),
      essential: container.essential,
      ...(container.entryPoint ? { entryPoint: [...container.entryPoint] } : {}),
      command: [...container.command],
      ...(Object.keys(environment).length > 0 ? { environment: { ...environment } } : {}),
      ...(Object.keys(secrets).length > 0
        ? { secrets: Object.fromEntries(Object.entries(secrets).map(([variable, kind]) => [variable, plannedHandle(handles.secrets, kind)])) } : {}),
      ...(healthCheck ? {
        healthCheck: {
          command: [...healthCheck.command],
          interval: Duration.seconds(healthCheck.intervalSeconds),
          timeout: Duration.seconds(healthCheck.timeoutSeconds),
          retries: healthCheck.retries,
          startPeriod: Duration.seconds(healthCheck.startPeriodSeconds),
        },
      } : {}),
      logging: ecs.LogDrivers.awsLogs({ logGroup: handles.logGroup, streamPrefix: container.logStreamPrefix }),
    }));
  }
  for (const container of planned.containers) {
    const definition = containers.get(container.name)!;
    if (container.plainEnvironment !== undefined) acknowledge(taskDefinition, plainTaskEnvironmentFinding(container.plainEnvironment));
    definition.addMountPoints(...container.mountPoints ?? []);
    for (const { containerName, condition } of container.dependsOn ?? []) {
      definition.addContainerDependencies({ container: containers.get(containerName)!, condition: ecs.ContainerDependencyCondition[condition] });
    }
  }
  return containers;
}
