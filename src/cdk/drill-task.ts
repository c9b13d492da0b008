import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlannedContainerHandles, renderPlannedContainers } from './planned-containers';
import { createPlannedTaskDefinition, createTaskRole } from './planned-tasks';
import { SCRATCH_PASSWORD_FINDING, acknowledge, acknowledgeImagePull } from './reviewed-findings';
import { postgresServerImage, runnerImageFromPackage } from './runner-image';
import { LogRetentionProps, TaskPlacementProps } from './task-placement-handles';
import { PlannedTaskContainers, SCRATCH_POSTGRES_CONTAINER } from '../core/aws/drill-task-containers';
import { PlannedTaskSize } from '../core/aws/fargate-sizes';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { DrillRendering } from '../core/aws/scheduled-drill';

/** What only the construct knows of its drill's tasks: where they run and what their containers are given. */
export interface DrillContainerProps extends Pick<PlannedContainerHandles, 'secrets'> {
  /**
   * Subnets of the tasks.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * The tasks' security group, when the construct created it first (a scratch database admits it).
   * @default - {@link createDrillTaskSecurityGroup}
   */
  readonly securityGroup?: ec2.SecurityGroup;
  /**
   * The log group of the tasks, when the drill shares one.
   * @default - `<idPrefix>Logs`, kept `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * Put before the ids of what is created, for a task that is not the construct's only one.
   * @default ''
   */
  readonly idPrefix?: string;
}

/** One task of a drill: its construct id, core's size and containers, and the PostgreSQL major of its images (the construct's `image`, else the package's). */
export interface DrillTaskRendering {
  /** Construct id of the task definition. */
  readonly id: string;
  /** CPU units, memory and ephemeral storage. */
  readonly size: PlannedTaskSize;
  /** Its containers, as core planned them. */
  readonly containers: PlannedTaskContainers;
  /** PostgreSQL major of the runner image (and of the scratch server). */
  readonly postgresMajorVersion: number;
}

/** What {@link renderDrillTasks} reads of core's plan: the descriptions, and the ids of the roles the tasks share. */
export type DrillTaskPlan = Pick<DrillRendering, 'descriptions' | 'ids'>;

/** The tasks {@link renderDrillTasks} created. */
export interface DrillTasks {
  /** The cluster they run in: the given one, or a new one with Container Insights. */
  readonly cluster: ecs.ICluster;
  /** Their log group's retention, also the state machine's. */
  readonly logRetention: logs.RetentionDays;
  /** The task definitions, in the order of the planned tasks. */
  readonly taskDefinitions: readonly ecs.FargateTaskDefinition[];
  /** Their security group: no inbound rules, outbound to what they reach. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The subnets they run in. */
  readonly subnets: ec2.SelectedSubnets;
}

/**
 * Renders the tasks of a restore drill in `scope` as core planned them, with the construct's handles: the cluster
 * (`Cluster`, unless given), the log group (`Logs`, unless given), the scratch server's password (`ScratchPassword`)
 * when a container reads it, the task definitions with their planned containers (sharing roles when the plan names
 * them), and their security group (`TaskSecurityGroup`, unless given). The ids are the constructs', so their templates
 * keep their logical ids.
 */
export function renderDrillTasks(
  scope: Construct, plan: DrillTaskPlan, handles: TaskPlacementProps & LogRetentionProps, tasks: readonly DrillTaskRendering[],
  props: DrillContainerProps,
): DrillTasks {
  const { idPrefix = '' } = props;
  const cluster = handles.cluster ?? new ecs.Cluster(scope, `${idPrefix}Cluster`, { vpc: handles.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const logRetention = handles.logRetention ?? DEFAULT_LOG_RETENTION_DAYS;
  const logGroup = props.logGroup ?? new logs.LogGroup(scope, `${idPrefix}Logs`, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const readsScratchPassword = tasks.some((task) => task.containers.containers.some((container) => Object.values(container.secrets ?? {}).includes('scratch-password')));
  const scratchPassword = readsScratchPassword ? createScratchPassword(scope, plan.descriptions.scratchPassword!) : undefined;
  // Injected by the execution role, which alone may read them: the runner's own role cannot.
  const secrets = { ...(scratchPassword ? { 'scratch-password': ecs.Secret.fromSecretsManager(scratchPassword) } : {}), ...props.secrets };
  const { ids } = plan;
  const roles = ids && {
    taskRole: createTaskRole(scope, ids.taskRole, plan.descriptions.taskRole),
    executionRole: createTaskRole(scope, ids.executionRole, plan.descriptions.executionRole),
  };
  const taskDefinitions = tasks.map((task) => {
    const taskDefinition = createPlannedTaskDefinition(scope, `${idPrefix}${task.id}`, task.size, roles);
    const { postgresMajorVersion } = task;
    renderPlannedContainers(taskDefinition, task.containers, {
      images: { 'runner': handles.image ?? runnerImageFromPackage({ postgresMajorVersion }), 'postgres-server': postgresServerImage(postgresMajorVersion) },
      logGroup,
      secrets,
    });
    acknowledgeImagePull(taskDefinition);
    return taskDefinition;
  });
  const securityGroup = props.securityGroup ?? createDrillTaskSecurityGroup(scope, plan, handles.vpc, idPrefix);
  const subnets = handles.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  return { cluster, logRetention, taskDefinitions, securityGroup, subnets };
}

/** The security group of a drill's tasks (`<idPrefix>TaskSecurityGroup`, or the plan's id): no inbound rules, outbound to what they reach. */
export function createDrillTaskSecurityGroup(scope: Construct, plan: DrillTaskPlan, vpc: ec2.IVpc, idPrefix = ''): ec2.SecurityGroup {
  const id = plan.ids?.securityGroup ?? `${idPrefix}TaskSecurityGroup`;
  return new ec2.SecurityGroup(scope, id, { vpc, description: plan.descriptions.taskSecurityGroup, allowAllOutbound: true });
}

/**
 * The secret of a drill task's scratch PostgreSQL password (`ScratchPassword`), as core plans it: generated by Secrets
 * Manager, read by the server and the runner through the task's execution role, never in the template.
 */
function createScratchPassword(scope: Construct, description: string): secretsmanager.Secret {
  const password = new secretsmanager.Secret(scope, 'ScratchPassword', {
    description,
    generateSecretString: { excludePunctuation: true, passwordLength: SCRATCH_POSTGRES_CONTAINER.password.length },
  });
  acknowledge(password, SCRATCH_PASSWORD_FINDING);
  return password;
}
