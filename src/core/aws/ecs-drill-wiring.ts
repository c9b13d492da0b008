import { DrillResourceKind } from './state-machines/drill-iam-actions';
import { DrillPlaceholder } from './state-machines/restore-drill-options';

/** The rule Step Functions manages for the `.sync` runs of ECS tasks, whose events a drill that runs a task needs. */
export const SYNC_EVENTS_RULE_NAME = 'StepFunctionsGetEventsForECSTaskRule';

/** `arn:<partition>:<service>:<region>:<account>:<resource>:<resourceName>` of the drill's account and region, as the front end formats it. */
export type AwsArnFormat<T> = (service: string, resource: string, resourceName: T | string) => T;

/** What one kind of resource of a drill's actions is scoped to: its ARNs (or `*`), and conditions narrowing the statement. */
export interface DrillScope<T> {
  /** ARNs, or `*` with a condition. */
  readonly resources: T[];
  /**
   * Conditions by operator and key.
   * @default - none
   */
  readonly conditions?: Record<string, Record<string, T | string>>;
}

/** What the front end knows of a drill that runs one ECS task, in its own values (strings, tokens, resolved outputs). */
export interface EcsDrillTask<T> {
  /** The database the drill restores. */
  readonly databaseName: string;
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: T;
  /** ARN of the cluster the task runs in. */
  readonly clusterArn: T;
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: T;
  /** The container whose command the drill overrides. */
  readonly containerName: string;
  /** Subnet ids of the task, comma-separated. */
  readonly subnets: T;
  /** Id of the task's security group. */
  readonly securityGroupId: T;
}

/** The values of the placeholders every drill that runs one ECS task has: its database, topic, cluster, task, container and network. */
export function ecsDrillPlaceholderValues<T>(task: EcsDrillTask<T>): Record<string, T | string> {
  return {
    [DrillPlaceholder.DATABASE_NAME]: task.databaseName,
    [DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: task.notificationTopicArn,
    [DrillPlaceholder.CLUSTER_ARN]: task.clusterArn,
    [DrillPlaceholder.TASK_DEFINITION_ARN]: task.taskDefinitionArn,
    [DrillPlaceholder.CONTAINER_NAME]: task.containerName,
    [DrillPlaceholder.SUBNETS]: task.subnets,
    [DrillPlaceholder.SECURITY_GROUPS]: task.securityGroupId,
  };
}

/** The ARNs a drill that runs one ECS task, notifies a topic and publishes metrics acts on, as the front end formats them. */
export interface EcsDrillResources<T> {
  /** ARN of the drill's task definition. */
  readonly taskDefinitionArn: T;
  /** The tasks of the drill's cluster (`arn:…:ecs:…:task/<cluster name>/*`). */
  readonly clusterTasksArn: T;
  /** ARN of the cluster. */
  readonly clusterArn: T;
  /** ARNs of the task role and of the role ECS starts the task with. */
  readonly taskRoleArns: readonly T[];
  /** ARN of the rule named {@link SYNC_EVENTS_RULE_NAME} in the drill's region. */
  readonly syncEventsRuleArn: T;
  /** ARN of the topic the drill notifies. */
  readonly notificationTopicArn: T;
  /** The namespace the drill publishes its metrics to. */
  readonly metricNamespace: string;
}

/**
 * What the ECS, SNS and CloudWatch actions of a drill are scoped to: its own task definition, its cluster's tasks, the
 * roles of its task passed to ECS only, the `.sync` rule, its topic, its metric namespace.
 */
export function ecsDrillScopes<T>(resources: EcsDrillResources<T>): Partial<Record<DrillResourceKind, DrillScope<T>>> {
  return {
    'ecs-task-definition': { resources: [resources.taskDefinitionArn] },
    'ecs-task': { resources: [resources.clusterTasksArn] },
    'ecs-cluster-condition': { resources: ['*' as T], conditions: { ArnEquals: { 'ecs:cluster': resources.clusterArn } } },
    'ecs-task-roles': { resources: [...resources.taskRoleArns], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    'sync-events-rule': { resources: [resources.syncEventsRuleArn] },
    'sns-topic': { resources: [resources.notificationTopicArn] },
    'cloudwatch-namespace-condition': { resources: ['*' as T], conditions: { StringEquals: { 'cloudwatch:namespace': resources.metricNamespace } } },
  };
}

/** The placeholders and scopes of a drill that runs one ECS task ({@link ecsDrillPlaceholderValues}, {@link ecsDrillScopes}). */
export function ecsDrillWiring<T>(task: EcsDrillTask<T> & EcsDrillResources<T>): DrillWiring<T> {
  return { placeholders: ecsDrillPlaceholderValues(task), scopes: ecsDrillScopes(task) };
}

/** What a part of a drill adds to the placeholders and scopes of its ECS task. */
export interface DrillWiring<T> {
  /** Values of the placeholders it fills. */
  readonly placeholders: Record<string, T | string>;
  /** What the resource kinds it acts on are scoped to. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillScope<T>>>;
}

/** Where a drill writes its results beside the backups, in the front end's values. */
export interface DrillResultsResources<T> {
  /** Name of the bucket. */
  readonly bucketName: T;
  /** The folder of the drill's results (`<prefix>/<database>/drills`). */
  readonly folder: string;
  /** The ARN of the objects under a key pattern of the bucket (`arn:…:s3:::bucket/<key>`). */
  readonly objectsArn: (key: string) => T;
}

/**
 * The placeholders and scope of a drill whose state machine writes the results its task never saw (a task that could
 * not start, a timeout): the bucket and folder it writes to, and the objects under that folder, nothing else.
 */
export function drillResultsWiring<T>(resources: DrillResultsResources<T>): DrillWiring<T> {
  return {
    placeholders: {
      [DrillPlaceholder.DRILL_RESULTS_BUCKET]: resources.bucketName,
      [DrillPlaceholder.DRILL_RESULTS_FOLDER]: resources.folder,
    },
    scopes: { 'drill-result-objects': { resources: [resources.objectsArn(`${resources.folder}/*`)] } },
  };
}
