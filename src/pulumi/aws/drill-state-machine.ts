import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { EcsClusterReference } from './pg-dump-source';
import { DrillResourceScope } from './planned-state-machine';
import { PlannedTask } from './planned-tasks';
import { SYNC_EVENTS_RULE_NAME, ecsDrillPlaceholderValues, ecsDrillScopes as plannedEcsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import { DrillResourceKind } from '../../core/aws/state-machines';

/** The ECS task a drill runs, as created, and what it restores, notifies and publishes. */
export interface EcsDrillTaskWiringProps {
  /** The account, region and partition the ARNs are formatted in. */
  readonly environment: AwsEnvironment;
  /** The task definition, its roles and its security group. */
  readonly task: PlannedTask;
  /** The cluster the task runs in. */
  readonly cluster: EcsClusterReference;
  /** Subnets of the task. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The container whose command the drill overrides. */
  readonly containerName: string;
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The database the drill restores and the namespace of its metrics. */
  readonly databaseName: string;
  readonly metricNamespace: string;
  /**
   * Values of the placeholders only this drill has, after the common ones.
   * @default - none
   */
  readonly additional?: Record<string, pulumi.Input<string>>;
}

/**
 * The placeholder values of a drill that runs one ECS task (its database, topic, cluster, task, container and network),
 * and what its ECS, SNS and CloudWatch actions are scoped to ({@link ecsDrillScopes}).
 */
export function ecsDrillTaskWiring(props: EcsDrillTaskWiringProps): {
  substitutions: pulumi.Output<Record<string, string>>; scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
} {
  const { task, cluster } = props;
  const substitutions = pulumi.all([
    props.notificationTopicArn, cluster.arn, task.taskDefinition.arn, pulumi.output(props.subnetIds), task.securityGroup.id,
    pulumi.output(props.additional ?? {}),
  ]).apply(([notificationTopicArn, clusterArn, taskDefinitionArn, subnets, securityGroupId, additional]): Record<string, string> => ({
    ...ecsDrillPlaceholderValues({ ...props, notificationTopicArn, clusterArn, taskDefinitionArn, subnets: subnets.join(','), securityGroupId }),
    ...additional,
  }));
  const scopes = ecsDrillScopes({
    ...props, taskDefinitionArn: task.taskDefinition.arn, taskRoleArn: task.taskRole.arn, executionRoleArn: task.executionRole.arn,
  });
  return { substitutions, scopes };
}

/** What {@link ecsDrillScopes} scopes the drill's ECS, SNS and CloudWatch actions to. */
export interface EcsDrillScopesProps {
  /** The account, region and partition the ARNs are formatted in. */
  readonly environment: AwsEnvironment;
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The cluster the task runs in. */
  readonly cluster: EcsClusterReference;
  /** ARN of the task's role. */
  readonly taskRoleArn: pulumi.Input<string>;
  /** ARN of the role ECS starts the task with. */
  readonly executionRoleArn: pulumi.Input<string>;
  /** ARN of the topic the drill notifies. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** The namespace the drill publishes its metrics to. */
  readonly metricNamespace: string;
}

/** The scopes of a drill that runs one ECS task, notifies a topic and publishes metrics: its own task, cluster, topic and namespace. */
export function ecsDrillScopes(props: EcsDrillScopesProps): Partial<Record<DrillResourceKind, DrillResourceScope>> {
  const { partition, region, account } = props.environment;
  return plannedEcsDrillScopes<pulumi.Input<string>>({
    taskDefinitionArn: props.taskDefinitionArn,
    clusterTasksArn: pulumi.interpolate`arn:${partition}:ecs:${region}:${account}:task/${props.cluster.name}/*`,
    clusterArn: props.cluster.arn,
    taskRoleArns: [props.taskRoleArn, props.executionRoleArn],
    syncEventsRuleArn: pulumi.interpolate`arn:${partition}:events:${region}:${account}:rule/${SYNC_EVENTS_RULE_NAME}`,
    notificationTopicArn: props.notificationTopicArn,
    metricNamespace: props.metricNamespace,
  });
}
