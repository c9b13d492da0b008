import * as ec2 from '@pulumi/aws/ec2';
import * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { GrantScope, PolicyStatement, assumedByService, grantStatements, policyDocument } from './policy-document';
import { PlannedTaskSize } from '../../core/aws/fargate-sizes';
import { IamActionGroup, TASK_EXECUTION_IAM_ACTIONS, TaskExecutionResourceKind } from '../../core/aws/iam-action-groups';
import { PlannedTaskNames } from '../../core/aws/task-resource-names';

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
  readonly size: PlannedTaskSize;
  /** ARN of the task's role. */
  readonly taskRoleArn: pulumi.Input<string>;
  /** ARN of the role ECS starts the task with. */
  readonly executionRoleArn: pulumi.Input<string>;
  /** The runner container, or every container of the task as core planned them ({@link plannedContainerDefinitions}). */
  readonly container: PlannedContainer | readonly Record<string, unknown>[];
  /**
   * Names of the task's volumes.
   * @default - none
   */
  readonly volumes?: readonly string[];
}

/**
 * What a task's execution role is granted of core's action groups: write the task's log streams in `logGroupArn`, and,
 * when given, read `secrets` and decrypt them with `secretKeys`.
 */
export function taskExecutionStatements(
  logGroupArn: pulumi.Input<string>, secrets?: GrantScope['resources'], secretKeys?: GrantScope['resources'],
  groups: readonly IamActionGroup<TaskExecutionResourceKind>[] = TASK_EXECUTION_IAM_ACTIONS,
): PolicyStatement[] {
  return grantStatements(groups, {
    'task-log-group': { resources: pulumi.interpolate`${logGroupArn}:*` },
    ...(secrets === undefined ? {} : { 'database-secret': { resources: secrets } }),
    ...(secretKeys === undefined ? {} : { 'database-secret-key': { resources: secretKeys } }),
  });
}

/** The role of a task (or of ECS starting it): assumable by ECS tasks only. */
export function createTaskRole(name: string, description: string, parent: pulumi.Resource): iam.Role {
  return new iam.Role(name, { description, assumeRolePolicy: assumedByService('ecs-tasks.amazonaws.com') }, { parent });
}

/** A Fargate task definition (`awsvpc`, on the platform the runner image is built for: Linux, x86-64) of one planned container. */
export function createPlannedTaskDefinition(name: string, args: PlannedTaskDefinitionArgs, parent: pulumi.Resource): ecs.TaskDefinition {
  const { container, size } = args;
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
    containerDefinitions: pulumi.jsonStringify('name' in container ? [runnerContainerDefinition(container)] : container),
  }, { parent });
}

/** The definition of a task's one runner container. */
function runnerContainerDefinition(container: PlannedContainer): Record<string, unknown> {
  const secrets = Object.entries(container.secrets ?? {});
  const environment = Object.entries(container.environment ?? {});
  return {
    name: container.name,
    image: container.image,
    essential: true,
    ...(container.entryPoint === undefined ? {} : { entryPoint: container.entryPoint }),
    command: container.command,
    ...(secrets.length > 0 ? { secrets: secrets.map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })) } : {}),
    ...(environment.length > 0 ? { environment: environment.map(([variable, value]) => ({ name: variable, value })) } : {}),
    logConfiguration: containerLogConfiguration(container.logs),
    ...(container.stopTimeoutSeconds === undefined ? {} : { stopTimeout: container.stopTimeoutSeconds }),
  };
}

/** The security group of a task: no inbound traffic, all outbound (as aws-cdk-lib's `allowAllOutbound`). */
export function createTaskSecurityGroup(name: string, vpcId: pulumi.Input<string>, description: string, parent: pulumi.Resource): ec2.SecurityGroup {
  return new ec2.SecurityGroup(name, {
    vpcId,
    description,
    egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
  }, { parent });
}

/** A role of a planned task: created here with core's description, or one created before; and what its inline policy allows. */
export interface PlannedTaskRole {
  /** Core's description of the role, to create it; or the role, when it exists already (a prune role the bucket policy names). */
  readonly role: string | iam.Role;
  /**
   * The statements of its inline policy.
   * @default - no inline policy
   */
  readonly statements?: readonly pulumi.Input<PolicyStatement>[];
}

/** A planned Fargate task with its two roles and its security group. */
export interface PlannedTaskArgs extends Omit<PlannedTaskDefinitionArgs, 'taskRoleArn' | 'executionRoleArn'> {
  /** The task's role. */
  readonly taskRole: PlannedTaskRole;
  /** The role ECS starts the task with. */
  readonly executionRole: PlannedTaskRole;
  /** The task's security group: created here in the VPC with core's description, or one created before. */
  readonly securityGroup: ec2.SecurityGroup | { readonly vpcId: pulumi.Input<string>; readonly description: string };
}

/** What {@link createPlannedTask} creates. */
export interface PlannedTask {
  /** The task's role. */
  readonly taskRole: iam.Role;
  /** The role ECS starts the task with. */
  readonly executionRole: iam.Role;
  /** The task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** The task's security group. */
  readonly securityGroup: ec2.SecurityGroup;
}

/** A role of a task with its inline policy, as planned. */
function plannedTaskRole(name: string, policyName: string, planned: PlannedTaskRole, parent: pulumi.Resource): iam.Role {
  const role = typeof planned.role === 'string' ? createTaskRole(name, planned.role, parent) : planned.role;
  if (planned.statements) new iam.RolePolicy(policyName, { role: role.id, policy: policyDocument(planned.statements) }, { parent });
  return role;
}

/**
 * One planned Fargate task and what it runs with: its role and execution role (each with its inline policy), its
 * security group (no inbound traffic) and the task definition of its container.
 */
export function createPlannedTask(names: PlannedTaskNames, args: PlannedTaskArgs, parent: pulumi.Resource): PlannedTask {
  const { taskRole: plannedRole, executionRole: plannedExecutionRole, securityGroup: plannedSecurityGroup, ...definition } = args;
  const taskRole = plannedTaskRole(names.taskRole, names.taskPolicy, plannedRole, parent);
  const executionRole = plannedTaskRole(names.executionRole, names.executionPolicy, plannedExecutionRole, parent);
  const securityGroup = ec2.SecurityGroup.isInstance(plannedSecurityGroup) ? plannedSecurityGroup
    : createTaskSecurityGroup(names.securityGroup, plannedSecurityGroup.vpcId, plannedSecurityGroup.description, parent);
  const taskDefinition = createPlannedTaskDefinition(names.taskDefinition, {
    ...definition, taskRoleArn: taskRole.arn, executionRoleArn: executionRole.arn,
  }, parent);
  return { taskRole, executionRole, taskDefinition, securityGroup };
}

/**
 * Planned tasks that share the first one's roles and security group (a fleet's task definitions of every PostgreSQL
 * major): the first is created with its own, each later one with the first's, whatever its arguments say of them.
 */
export function createPlannedTasksSharingRoles(
  tasks: ReadonlyArray<{ readonly names: PlannedTaskNames; readonly args: PlannedTaskArgs }>, parent: pulumi.Resource,
): PlannedTask[] {
  const created: PlannedTask[] = [];
  for (const { names, args } of tasks) {
    const [first] = created;
    const shared = first && { taskRole: { role: first.taskRole }, executionRole: { role: first.executionRole }, securityGroup: first.securityGroup };
    created.push(createPlannedTask(names, { ...args, ...shared }, parent));
  }
  return created;
}
