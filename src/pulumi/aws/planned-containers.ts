import type * as pulumi from '@pulumi/pulumi';
import { ContainerLogs, containerLogConfiguration } from './planned-tasks';
import { ContainerImageKind, ContainerSecretKind, PlannedTaskContainer, plannedHandle } from '../../core/aws/drill-task-containers';

/** What the containers of a planned task run with: the images, the log group and the secrets, by what core names them. */
export interface PlannedContainerHandles {
  /** The image of each kind the containers run. */
  readonly images: Partial<Record<ContainerImageKind, pulumi.Input<string>>>;
  /** The log group of every container and its region. */
  readonly logs: Omit<ContainerLogs, 'streamPrefix'>;
  /**
   * The `valueFrom` of each kind of secret the containers are given.
   * @default - none
   */
  readonly secrets?: Partial<Record<ContainerSecretKind, pulumi.Input<string>>>;
}

/** Core's planned containers as ECS container definitions, in the plan's order (`containerDefinitions` of a task). */
export function plannedContainerDefinitions(
  containers: readonly PlannedTaskContainer<pulumi.Input<string>>[], handles: PlannedContainerHandles,
): Record<string, unknown>[] {
  return containers.map((container) => {
    const { healthCheck, dependsOn = [], mountPoints = [] } = container;
    const secrets = Object.entries(container.secrets ?? {}).map(([name, kind]) => ({ name, valueFrom: plannedHandle(handles.secrets, kind) }));
    const environment = Object.entries(container.environment ?? {}).map(([name, value]) => ({ name, value }));
    return {
      name: container.name,
      image: plannedHandle(handles.images, container.image),
      essential: container.essential,
      ...(container.entryPoint ? { entryPoint: container.entryPoint } : {}),
      command: container.command,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      ...(mountPoints.length > 0 ? { mountPoints } : {}),
      ...(secrets.length > 0 ? { secrets } : {}),
      ...(environment.length > 0 ? { environment } : {}),
      ...(healthCheck ? {
        healthCheck: {
          command: healthCheck.command,
          interval: healthCheck.intervalSeconds,
          timeout: healthCheck.timeoutSeconds,
          retries: healthCheck.retries,
          startPeriod: healthCheck.startPeriodSeconds,
        },
      } : {}),
      logConfiguration: containerLogConfiguration({ ...handles.logs, streamPrefix: container.logStreamPrefix }),
    };
  });
}
