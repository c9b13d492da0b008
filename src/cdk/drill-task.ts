import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addChecksWriterContainer, readChecks } from './checks-writer-container';
import { DrillTaskProps } from './drill-task-props';
import { createPlannedTaskDefinition } from './planned-tasks';
import { acknowledgeImagePull, acknowledgePlainTaskEnvironment } from './reviewed-findings';
import { runnerImageFromPackage } from './runner-image';
import { addScratchPostgresContainer, createScratchPassword } from './scratch-postgres-container';
import { SCRATCH_POSTGRES_CONTAINER, checksWriterContainer } from '../core/aws/drill-task-containers';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';
import { ScheduledDrillPlan } from '../core/aws/scheduled-drill';
import { DrillCheckFile } from '../core/aws/verify-restore';

/** What only the construct knows of its drill's task: where it runs and what its container is given. */
export interface DrillContainerProps {
  /**
   * Subnets of the task.
   * @default - the VPC's private subnets with egress
   */
  readonly subnets?: ec2.SubnetSelection;
  /** PostgreSQL major of the runner image (and of the scratch server). */
  readonly postgresMajorVersion: number;
  /** The container's command, starting with `pg-backup`. */
  readonly command: string[];
  /**
   * The container's plain environment, which the plan says the contents of.
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets the execution role injects into the container.
   * @default - none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * A scratch PostgreSQL in the task, which the runner waits for and restores into; the secret with its password is
   * described so.
   * @default - no scratch server in the task
   */
  readonly scratchServer?: { readonly passwordDescription: string };
  /**
   * SQL checks a helper container writes into the task's volume before the runner starts.
   * @default - none
   */
  readonly checkFiles?: readonly DrillCheckFile[];
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
 * Renders the task of a scheduled restore drill in `scope` as core planned it, with the construct's handles: the cluster (`Cluster`, unless given), the
 * log group (`Logs`), the task definition (`Task`) with its runner container (the image's entrypoint replaced, as the
 * command starts with `pg-backup`), a scratch server and a checks writer where asked, and its security group
 * (`TaskSecurityGroup`). The ids are the constructs', so their templates keep their logical ids.
 */
export function renderDrillTask(scope: Construct, plan: ScheduledDrillPlan, handles: DrillTaskProps, props: DrillContainerProps): DrillTask {
  const cluster = handles.cluster ?? new ecs.Cluster(scope, 'Cluster', { vpc: handles.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const logRetention = handles.logRetention ?? DEFAULT_LOG_RETENTION_DAYS;
  const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
  const taskDefinition = createPlannedTaskDefinition(scope, 'Task', plan.task);
  // The task's own scratch PostgreSQL, whose password never leaves the task: both containers read it from a secret.
  const scratchPassword = props.scratchServer && createScratchPassword(scope, props.scratchServer.passwordDescription);
  const scratchServer = scratchPassword && addScratchPostgresContainer(taskDefinition, {
    postgresMajorVersion: props.postgresMajorVersion, logGroup, password: scratchPassword, streamPrefix: SCRATCH_POSTGRES_CONTAINER.logStreamPrefix,
  });
  const environment = props.environment ?? {};
  // The command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
  const runner = taskDefinition.addContainer(plan.task.containerName, {
    image: handles.image ?? runnerImageFromPackage({ postgresMajorVersion: props.postgresMajorVersion }),
    entryPoint: ['env'],
    command: props.command,
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(scratchPassword || props.secrets ? {
      secrets: { ...(scratchPassword ? { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) } : {}), ...props.secrets },
    } : {}),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: plan.task.logStreamPrefix }),
  });
  if (scratchServer) runner.addContainerDependencies({ container: scratchServer, condition: ecs.ContainerDependencyCondition.HEALTHY });
  if (props.checkFiles && props.checkFiles.length > 0) {
    const writer = checksWriterContainer(props.checkFiles);
    const { postgresMajorVersion } = props;
    readChecks(runner, addChecksWriterContainer(taskDefinition, { plan: writer, postgresMajorVersion, logGroup }), writer);
  }
  acknowledgeImagePull(taskDefinition);
  if (plan.task.plainEnvironment !== undefined) acknowledgePlainTaskEnvironment(taskDefinition, plan.task.plainEnvironment);
  const securityGroup = new ec2.SecurityGroup(scope, 'TaskSecurityGroup', {
    vpc: handles.vpc, description: plan.descriptions.taskSecurityGroup, allowAllOutbound: true,
  });
  const subnets = handles.vpc.selectSubnets(props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  return { cluster, logRetention, taskDefinition, securityGroup, subnets };
}

