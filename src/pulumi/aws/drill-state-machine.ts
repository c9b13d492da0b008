import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { EcsClusterReference } from './pg-dump-source';
import { DrillResourceScope, drillResourceScopes } from './state-machine-permissions';
import { SYNC_EVENTS_RULE_NAME, ecsDrillPlaceholderValues, ecsDrillScopes as plannedEcsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import { DrillResourceKind } from '../../core/aws/state-machines';

/** What {@link ecsDrillSubstitutions} fills the placeholders of a drill that runs one ECS task with. */
export interface EcsDrillSubstitutionsProps {
  /** The database the drill restores. */
  readonly databaseName: string;
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** ARN of the cluster the task runs in. */
  readonly clusterArn: pulumi.Input<string>;
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The container whose command the drill overrides. */
  readonly containerName: string;
  /** Subnets of the task. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Id of the task's security group. */
  readonly securityGroupId: pulumi.Input<string>;
  /**
   * Values of the placeholders only this drill has, after the common ones.
   * @default - none
   */
  readonly additional?: Record<string, pulumi.Input<string>>;
}

/** The placeholder values of a drill that runs one ECS task: its database, topic, cluster, task, container and network. */
export function ecsDrillSubstitutions(props: EcsDrillSubstitutionsProps): pulumi.Output<Record<string, string>> {
  return pulumi.all([
    props.notificationTopicArn, props.clusterArn, props.taskDefinitionArn, pulumi.output(props.subnetIds), props.securityGroupId,
    pulumi.output(props.additional ?? {}),
  ]).apply(([notificationTopicArn, clusterArn, taskDefinitionArn, subnets, securityGroupId, additional]): Record<string, string> => ({
    ...ecsDrillPlaceholderValues({ ...props, notificationTopicArn, clusterArn, taskDefinitionArn, subnets: subnets.join(','), securityGroupId }),
    ...additional,
  }));
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
  return drillResourceScopes(plannedEcsDrillScopes<pulumi.Input<string>>({
    taskDefinitionArn: props.taskDefinitionArn,
    clusterTasksArn: pulumi.interpolate`arn:${partition}:ecs:${region}:${account}:task/${props.cluster.name}/*`,
    clusterArn: props.cluster.arn,
    taskRoleArns: [props.taskRoleArn, props.executionRoleArn],
    syncEventsRuleArn: pulumi.interpolate`arn:${partition}:events:${region}:${account}:rule/${SYNC_EVENTS_RULE_NAME}`,
    notificationTopicArn: props.notificationTopicArn,
    metricNamespace: props.metricNamespace,
  }));
}
