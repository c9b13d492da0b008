import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { PlannedContainerHandles, renderPlannedContainers } from './planned-containers';
import { createPlannedTaskDefinition } from './planned-tasks';
import { SCRATCH_PASSWORD_FINDING, acknowledge, acknowledgeImagePull } from './reviewed-findings';
import { postgresServerImage, runnerImageFromPackage } from './runner-image';
import { LogRetentionProps, TaskPlacementProps } from './task-placement-handles';
import { PlannedTaskContainers, SCRATCH_POSTGRES_CONTAINER } from '../core/aws/drill-task-containers';
import { PlannedTaskSize } from '../core/aws/fargate-sizes';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { ScheduledDrillDescriptions } from '../core/aws/scheduled-drill';

/** What only the construct knows of its drill's task: where it runs and what its containers are given. */
export interface DrillContainerProps extends Pick<PlannedContainerHandles, 'secrets'> {
  /**
   * Subnets of the task.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /** PostgreSQL major of the runner image (and of the scratch server). */
  readonly postgresMajorVersion: number;
  /** The task's containers, as core planned them. */
  readonly containers: PlannedTaskContainers;
  /**
   * The task's security group, when the construct created it first (a scratch database admits it).
   * @default - {@link createDrillTaskSecurityGroup}
   */
  readonly securityGroup?: ec2.SecurityGroup;
  /**
   * Put before the ids of what is created, for a task that is not the construct's only one.
   * @default ''
   */
  readonly idPrefix?: string;
}

/** What {@link renderDrillTask} reads of core's plan: the task's size and its security group's description. */
export interface DrillTaskPlan {
  /** CPU units, memory and ephemeral storage. */
  readonly task: PlannedTaskSize;
  /** Descriptions of the resources. */
  readonly descriptions: Pick<ScheduledDrillDescriptions, 'taskSecurityGroup'>;
}

/** The task {@link renderDrillTask} created. */
export interface DrillTask {
  /** The cluster it runs in: the given one, or a new one with Container Insights. */
  readonly cluster: ecs.ICluster;
  /** Its log group, also the state machine's log retention. */
  readonly logRetention: logs.RetentionDays;
  /** The task definition. */
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The task's security group: no inbound rules, outbound to what it reaches. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The subnets it runs in. */
  readonly subnets: ec2.SelectedSubnets;
}

/**
 * Renders the task of a scheduled restore drill in `scope` as core planned it, with the construct's handles: the
 * cluster (`Cluster`, unless given), the log group (`Logs`), the task definition (`Task`) with its planned containers,
 * and its security group (`TaskSecurityGroup`, unless given). The ids are the constructs', so their templates keep their logical ids.
 */
export function renderDrillTask(
  scope: Construct, plan: DrillTaskPlan, handles: TaskPlacementProps & LogRetentionProps, props: DrillContainerProps,
): DrillTask {
  const { idPrefix = '' } = props;
  const cluster = handles.cluster ?? new ecs.Cluster(scope, `${idPrefix}Cluster`, { vpc: handles.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const logRetention = handles.logRetention ?? DEFAULT_LOG_RETENTION_DAYS;
  const logGroup = new logs.LogGroup(scope, `${idPrefix}Logs`, { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const taskDefinition = createPlannedTaskDefinition(scope, `${idPrefix}Task`, plan.task);
  const { postgresMajorVersion } = props;
  renderPlannedContainers(taskDefinition, props.containers, {
    images: { 'runner': handles.image ?? runnerImageFromPackage({ postgresMajorVersion }), 'postgres-server': postgresServerImage(postgresMajorVersion) },
    logGroup,
    secrets: props.secrets,
  });
  acknowledgeImagePull(taskDefinition);
  const securityGroup = props.securityGroup ?? createDrillTaskSecurityGroup(scope, plan, handles.vpc, idPrefix);
  const subnets = handles.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  return { cluster, logRetention, taskDefinition, securityGroup, subnets };
}

/** The security group of a drill's task (`<idPrefix>TaskSecurityGroup`): no inbound rules, outbound to what it reaches. */
export function createDrillTaskSecurityGroup(scope: Construct, plan: DrillTaskPlan, vpc: ec2.IVpc, idPrefix = ''): ec2.SecurityGroup {
  return new ec2.SecurityGroup(scope, `${idPrefix}TaskSecurityGroup`, { vpc, description: plan.descriptions.taskSecurityGroup, allowAllOutbound: true });
}

/**
 * The secret of a drill task's scratch PostgreSQL password (`ScratchPassword`), as core plans it: generated by Secrets
 * Manager, read by the server and the runner through the task's execution role, never in the template.
 */
export function createScratchPassword(scope: Construct, description: string): secretsmanager.Secret {
  const password = new secretsmanager.Secret(scope, 'ScratchPassword', {
    description,
    generateSecretString: { excludePunctuation: true, passwordLength: SCRATCH_POSTGRES_CONTAINER.password.length },
  });
  acknowledge(password, SCRATCH_PASSWORD_FINDING);
  return password;
}
