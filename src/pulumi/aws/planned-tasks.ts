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

/** Where a container's logs go: the log group, its region and the stream prefix. */
export interface ContainerLogs {
  readonly groupName: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly streamPrefix: string;
}

/** The `awslogs` settings of a container: its log group, region and stream prefix. */
export function containerLogConfiguration(logs: ContainerLogs): ContainerLogConfiguration {
  return {
    logDriver: 'awslogs',
    options: { 'awslogs-group': logs.groupName, 'awslogs-region': logs.region, 'awslogs-stream-prefix': logs.streamPrefix },
  };
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

/** A planned Fargate task: its family, size, containers and volumes, its two roles and its security group. */
export interface PlannedTaskArgs {
  /** The task definition's family. */
  readonly family: string;
  /** CPU units, memory (MiB) and, when planned, ephemeral storage (GiB). */
  readonly size: PlannedTaskSize;
  /** The ECS container definitions of the task ({@link plannedContainerDefinitions} renders core's planned containers). */
  readonly container: pulumi.Input<readonly Record<string, unknown>[]>;
  /**
   * Names of the task's volumes.
   * @default - none
   */
  readonly volumes?: readonly string[];
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
 * security group (no inbound traffic) and its task definition (`awsvpc`, on the platform the runner image is built
 * for: Linux, x86-64).
 */
export function createPlannedTask(names: PlannedTaskNames, args: PlannedTaskArgs, parent: pulumi.Resource): PlannedTask {
  const { size, securityGroup: plannedSecurityGroup } = args;
  const taskRole = plannedTaskRole(names.taskRole, names.taskPolicy, args.taskRole, parent);
  const executionRole = plannedTaskRole(names.executionRole, names.executionPolicy, args.executionRole, parent);
  const securityGroup = ec2.SecurityGroup.isInstance(plannedSecurityGroup) ? plannedSecurityGroup
    : createTaskSecurityGroup(names.securityGroup, plannedSecurityGroup.vpcId, plannedSecurityGroup.description, parent);
  const taskDefinition = new ecs.TaskDefinition(names.taskDefinition, {
    family: args.family,
    cpu: String(size.cpu),
    memory: String(size.memoryLimitMiB),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
    ephemeralStorage: size.ephemeralStorageGiB === undefined ? undefined : { sizeInGib: size.ephemeralStorageGiB },
    taskRoleArn: taskRole.arn,
    executionRoleArn: executionRole.arn,
    volumes: args.volumes?.map((volume) => ({ name: volume })),
    containerDefinitions: pulumi.jsonStringify(args.container),
  }, { parent });
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
