import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { assumedByService } from './policy-document';

/** The CloudWatch Logs settings of a container (`logConfiguration` of an ECS container definition). */
export interface ContainerLogConfiguration {
  /** `awslogs`. */
  readonly logDriver: string;
  /** The log group, region and stream prefix. */
  readonly options: Record<string, pulumi.Input<string>>;
}

/** The one container of a planned task: the runner, its command, secrets, plain environment and logs. */
export interface PlannedContainer {
  /** The container's name, which a schedule's command override names. */
  readonly name: string;
  /** The image. */
  readonly image: pulumi.Input<string>;
  /** The command (the image's entrypoint is `pg-backup`). */
  readonly command: pulumi.Input<string[]>;
  /**
   * The entrypoint in place of the image's, for a command that starts with the executable (`env` runs `pg-backup check …`).
   * @default - the image's entrypoint, `pg-backup`
   */
  readonly entryPoint?: string[];
  /**
   * Container secrets: environment variable name → `valueFrom`.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Plain environment variables (none secret).
   * @default - none
   */
  readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
  /** The log group, its region and the stream prefix of the container's logs. */
  readonly logs: { readonly groupName: pulumi.Input<string>; readonly region: pulumi.Input<string>; readonly streamPrefix: string };
  /**
   * Seconds the container gets to stop cleanly after SIGTERM.
   * @default - ECS's 30 seconds
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * The containers of the task this one starts after, and in which state (`HEALTHY`, `SUCCESS`).
   * @default - none
   */
  readonly dependsOn?: readonly { readonly containerName: string; readonly condition: string }[];
  /**
   * The task volumes mounted into the container.
   * @default - none
   */
  readonly mountPoints?: readonly { readonly containerPath: string; readonly sourceVolume: string; readonly readOnly: boolean }[];
}

/** The `awslogs` settings of a container: its log group, region and stream prefix. */
export function containerLogConfiguration(logs: PlannedContainer['logs']): ContainerLogConfiguration {
  return {
    logDriver: 'awslogs',
    options: { 'awslogs-group': logs.groupName, 'awslogs-region': logs.region, 'awslogs-stream-prefix': logs.streamPrefix },
  };
}

/** A planned Fargate task: its family, size, roles and container. */
export interface PlannedTaskDefinitionArgs {
  /** The task definition's family. */
  readonly family: string;
  /** CPU units, memory (MiB) and, when planned, ephemeral storage (GiB). */
  readonly size: { readonly cpu: number; readonly memoryLimitMiB: number; readonly ephemeralStorageGiB?: number };
  /** ARN of the task's role. */
  readonly taskRoleArn: pulumi.Input<string>;
  /** ARN of the role ECS starts the task with. */
  readonly executionRoleArn: pulumi.Input<string>;
  /** The runner container. */
  readonly container: PlannedContainer;
  /**
   * Containers beside the runner (a scratch server, a checks writer), in the task's order: `before` it, `after` it.
   * @default - none
   */
  readonly sidecars?: { readonly before?: readonly Record<string, unknown>[]; readonly after?: readonly Record<string, unknown>[] };
  /**
   * Names of the task's volumes.
   * @default - none
   */
  readonly volumes?: readonly string[];
}

/** The role of a task (or of ECS starting it): assumable by ECS tasks only. */
export function createTaskRole(name: string, description: string, parent: pulumi.Resource): iam.Role {
  return new iam.Role(name, { description, assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com') }, { parent });
}

/** A Fargate task definition (`awsvpc`, on the platform the runner image is built for: Linux, x86-64) of one planned container. */
export function createPlannedTaskDefinition(name: string, args: PlannedTaskDefinitionArgs, parent: pulumi.Resource): ecs.TaskDefinition {
  const { container, size } = args;
  const secrets = container.secrets;
  const environment = Object.entries(container.environment ?? {});
  return new ecs.TaskDefinition(name, {
    family: args.family,
    cpu: String(size.cpu),
    memory: String(size.memoryLimitMiB),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    ephemeralStorage: size.ephemeralStorageGiB === undefined ? undefined : { sizeInGib: size.ephemeralStorageGiB },
    taskRoleArn: args.taskRoleArn,
    executionRoleArn: args.executionRoleArn,
    volumes: args.volumes?.map((volume) => ({ name: volume })),
    containerDefinitions: pulumi.jsonStringify([...args.sidecars?.before ?? [], {
      name: container.name,
      image: container.image,
      essential: true,
      ...(container.entryPoint === undefined ? {} : { entryPoint: container.entryPoint }),
      command: container.command,
      ...(container.dependsOn === undefined ? {} : { dependsOn: container.dependsOn }),
      ...(container.mountPoints === undefined ? {} : { mountPoints: container.mountPoints }),
      ...(secrets ? { secrets: Object.entries(secrets).map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })) } : {}),
      ...(environment.length > 0 ? { environment: environment.map(([variable, value]) => ({ name: variable, value })) } : {}),
      logConfiguration: containerLogConfiguration(container.logs),
      ...(container.stopTimeoutSeconds === undefined ? {} : { stopTimeout: container.stopTimeoutSeconds }),
    }, ...args.sidecars?.after ?? []]),
  }, { parent });
}

/** The security group of a task: no inbound traffic, all outbound (as aws-cdk-lib's `allowAllOutbound`). */
export function createTaskSecurityGroup(name: string, vpcId: pulumi.Input<string>, description: string, parent: pulumi.Resource): ec2.SecurityGroup {
  return new ec2.SecurityGroup(name, {
    vpcId,
    description,
    egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
  }, { parent });
}
