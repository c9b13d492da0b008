import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { assumedByService } from './policy-document';

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
    containerDefinitions: pulumi.jsonStringify([{
      name: container.name,
      image: container.image,
      essential: true,
      ...(container.entryPoint === undefined ? {} : { entryPoint: container.entryPoint }),
      command: container.command,
      ...(secrets ? { secrets: Object.entries(secrets).map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })) } : {}),
      ...(environment.length > 0 ? { environment: environment.map(([variable, value]) => ({ name: variable, value })) } : {}),
      logConfiguration: {
        logDriver: 'awslogs',
        options: { 'awslogs-group': container.logs.groupName, 'awslogs-region': container.logs.region, 'awslogs-stream-prefix': container.logs.streamPrefix },
      },
      ...(container.stopTimeoutSeconds === undefined ? {} : { stopTimeout: container.stopTimeoutSeconds }),
    }]),
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
