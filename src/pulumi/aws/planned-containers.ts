import type * as pulumi from '@pulumi/pulumi';
import { PlannedContainer, containerLogConfiguration } from './planned-tasks';
import { ContainerImageKind, ContainerSecretKind, PlannedTaskContainer } from '../../core/aws/drill-task-containers';

/** What the containers of a planned task run with: the images, the log group and the secrets, by what core names them. */
export interface PlannedContainerHandles {
  /** The image of each kind the containers run. */
  readonly images: Partial<Record<ContainerImageKind, pulumi.Input<string>>>;
  /** The log group of every container and its region. */
  readonly logs: Omit<PlannedContainer['logs'], 'streamPrefix'>;
  /**
   * The `valueFrom` of each kind of secret the containers are given.
   * @default - none
   */
  readonly secrets?: Partial<Record<ContainerSecretKind, pulumi.Input<string>>>;
}

/** A handle the plan asks for; a missing one is a defect of the component, never a container rendered without it. */
function handle<K extends string, T>(handles: Partial<Record<K, T>> | undefined, kind: K): T {
  const found = handles?.[kind];
  if (found === undefined) throw new Error(`a planned container needs the ${kind}, which was not given`);
  return found;
}

/** Core's planned containers as ECS container definitions, in the plan's order (`containerDefinitions` of a task). */
export function plannedContainerDefinitions(
  containers: readonly PlannedTaskContainer<pulumi.Input<string>>[], handles: PlannedContainerHandles,
): Record<string, unknown>[] {
  return containers.map((container) => {
    const { healthCheck, dependsOn = [], mountPoints = [] } = container;
    const secrets = Object.entries(container.secrets ?? {}).map(([name, kind]) => ({ name, valueFrom: handle(handles.secrets, kind) }));
    const environment = Object.entries(container.environment ?? {}).map(([name, value]) => ({ name, value }));
    return {
      name: container.name,
      image: handle(handles.images, container.image),
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
