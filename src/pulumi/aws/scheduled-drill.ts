import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type * as ecs from '@pulumi/aws/ecs';
import type * as iam from '@pulumi/aws/iam';
import type * as scheduler from '@pulumi/aws/scheduler';
import type * as sfn from '@pulumi/aws/sfn';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment } from './aws-environment';
import { DrillStateMachine, DrillStateMachineProps, createDrillStateMachine } from './drill-state-machine';
import { givenOrNewEcsCluster } from './ecs-cluster';
import { EcsClusterReference } from './pg-dump-source';
import { PlannedContainer, PlannedTask, PlannedTaskArgs, createPlannedTask, taskExecutionStatements } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { drillResourceScopes } from './state-machine-permissions';
import { drillResultsWiring } from '../../core/aws/ecs-drill-wiring';
import { ScheduledDrillPlan } from '../../core/aws/scheduled-drill';
import { DRILL_RECORD_TO_ENV, drillResultsLocation } from '../../core/aws/snapshot-restore-drill';
import { RestoreDrillStateMachine } from '../../core/aws/state-machines';
import { taskResourceNames } from '../../core/aws/task-resource-names';

/** Where a drill's results go beside the backups, and what writing them takes. */
export interface DrillResultsStore {
  /** Name and ARN of the bucket. */
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  /** The folder of this drill's results (`<prefix>/<database>/drills`): the only place the state machine may put objects. */
  readonly folder: string;
  /**
   * The prefix the task records its drills under (`PG_BACKUP_DRILL_RECORD_TO`, `s3://<bucket>/<prefix>`).
   * @default - the task is told where by its command
   */
  readonly recordPrefix?: string;
  /** What writing results there takes (objects, key): the task role has them; the state machine uses the key through them. */
  readonly writeStatements: readonly PolicyStatement[];
}

/** The task of a scheduled drill, whose containers log to the drill's log group. */
export interface ScheduledDrillTask extends Omit<PlannedTaskArgs, 'container' | 'executionRole'> {
  /** The runner container; its logs go to the drill's log group under `logStreamPrefix`. */
  readonly container: Omit<PlannedContainer, 'logs'> & { readonly logStreamPrefix: string };
  /** The execution role: its description, the secrets it hands to the containers, and what else it needs. */
  readonly executionRole: {
    readonly role: string;
    /**
     * ARN(s) of the secrets the containers get.
     * @default - none
     */
    readonly secretArns?: pulumi.Input<string> | pulumi.Input<string>[];
    /**
     * Further statements (a cipher pass the role reads).
     * @default - none
     */
    readonly statements?: readonly PolicyStatement[];
  };
}

/** What {@link createScheduledDrill} renders: core's drill, the task it runs, and where the results go. */
export interface ScheduledDrillArgs extends Omit<DrillStateMachineProps, 'task' | 'cluster' | 'substitutions' | 'scopes'> {
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /**
   * The cluster the task runs in.
   * @default - a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
  /** Subnets of the task. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The account, region and partition. */
  readonly environment: AwsEnvironment;
  /** The task, given the log configuration of a stream of the drill's log group. */
  readonly task: (logs: (streamPrefix: string) => PlannedContainer['logs']) => ScheduledDrillTask;
  /**
   * Where the drill writes its results, passed or failed.
   * @default - no results written
   */
  readonly results?: DrillResultsStore;
  /**
   * Values of the placeholders only this drill has.
   * @default - none
   */
  readonly substitutions?: DrillStateMachineProps['substitutions'];
  /**
   * Scopes of the resource kinds only this drill acts on.
   * @default - none
   */
  readonly scopes?: DrillStateMachineProps['scopes'];
}

/** What {@link createScheduledDrill} created. */
export interface ScheduledDrill extends PlannedTask, DrillStateMachine {
  /** The cluster the task runs in. */
  readonly cluster: EcsClusterReference;
}

/** What every scheduled drill component exposes (core's drill, its state machine, task and schedule), declared once. */
export interface ScheduledDrillAttributes {
  /** Core's drill: definition with placeholders, their names, the IAM actions of its role. */
  readonly drill: RestoreDrillStateMachine;
  /** The state machine's definition as deployed (core's definition with every placeholder filled). */
  readonly definition: pulumi.Output<string>;
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The role the state machine runs as. */
  readonly drillRole: iam.Role;
  /** The drill task definition. */
  readonly taskDefinition: ecs.TaskDefinition;
  /** The role of the drill task: what the drill reads and writes, nothing else. */
  readonly taskRole: iam.Role;
  /** The role ECS starts the task with. */
  readonly executionRole: iam.Role;
  /** The cluster the drill task runs in. */
  readonly cluster: EcsClusterReference;
  /** The schedule that starts the drill. */
  readonly schedule: scheduler.Schedule;
  /** The role the schedule starts the drill with. */
  readonly schedulerRole: iam.Role;
  /** Alarms: failed executions, restore slower than the RTO, a drill the schedule could not start. */
  readonly alarms: readonly cloudwatch.MetricAlarm[];
}

/** The attributes of a drill component that rendered `plan` as `rendered`. */
export function scheduledDrillAttributes(plan: ScheduledDrillPlan, rendered: ScheduledDrill): ScheduledDrillAttributes {
  const { definition, stateMachine, drillRole, taskDefinition, taskRole, executionRole, cluster, schedule, schedulerRole, alarms } = rendered;
  return {
    drill: plan.drill, definition, stateMachine, drillRole, taskDefinition, taskRole, executionRole, cluster, schedule, schedulerRole, alarms,
  };
}

/**
 * Renders a scheduled restore drill as children of `parent`, named as every drill names them: its cluster (when none is
 * given), task log group (`<name>-logs`), the planned task (`<name>-task`, its roles and security group), and core's
 * state machine with its schedule and alarms; the results' folder and key, when the drill writes results.
 */
export function createScheduledDrill(name: string, parent: pulumi.Resource, args: ScheduledDrillArgs): ScheduledDrill {
  const { results, environment } = args;
  const cluster = givenOrNewEcsCluster(name, args.cluster, { parent });
  const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: args.logRetentionDays }, { parent });
  const logs = (streamPrefix: string) => ({ groupName: logGroup.name, region: environment.region, streamPrefix });
  const { container: { logStreamPrefix, ...container }, executionRole: execution, ...task } = args.task(logs);
  const secretArns = execution.secretArns === undefined ? [] : [execution.secretArns].flat();
  const planned = createPlannedTask(taskResourceNames(name), {
    ...task,
    executionRole: {
      role: execution.role,
      statements: [
        ...taskExecutionStatements(logGroup.arn, secretArns.length === 0 ? undefined : secretArns.length === 1 ? secretArns[0] : secretArns),
        ...execution.statements ?? [],
      ],
    },
    container: {
      ...container,
      environment: {
        ...container.environment,
        ...(results?.recordPrefix !== undefined
          ? { [DRILL_RECORD_TO_ENV]: pulumi.output(results.bucketName).apply((bucket) => drillResultsLocation(bucket, results.recordPrefix!)) } : {}),
      },
      logs: logs(logStreamPrefix),
    },
  }, parent);
  // Where the state machine writes the failures the task never saw: beside the task's own results.
  const wiring = results && drillResultsWiring<pulumi.Input<string>>({
    bucketName: results.bucketName, folder: results.folder, objectsArn: (key) => pulumi.interpolate`${results.bucketArn}/${key}`,
  });
  const stateMachine = createDrillStateMachine(name, parent, {
    ...args,
    task: {
      databaseName: args.plan.databaseName,
      taskDefinitionArn: planned.taskDefinition.arn,
      containerName: container.name,
      subnetIds: args.subnetIds,
      securityGroupId: planned.securityGroup.id,
      taskRoleArn: planned.taskRole.arn,
      executionRoleArn: planned.executionRole.arn,
      notificationTopicArn: args.notificationTopicArn,
      metricNamespace: args.plan.metricNamespace,
    },
    cluster,
    substitutions: { ...args.substitutions, ...wiring?.placeholders },
    scopes: { ...args.scopes, ...(wiring ? drillResourceScopes(wiring.scopes) : {}) },
    // A failed drill's result is written through the bucket's key, when it has one.
    additionalStatements: [...args.additionalStatements ?? [], ...keyStatements(results?.writeStatements ?? [])],
  });
  return { cluster, ...planned, ...stateMachine };
}

/** The statements of `statements` that are about a KMS key only. */
export function keyStatements(statements: readonly PolicyStatement[]): PolicyStatement[] {
  return statements.filter((statement) => [statement.Action].flat().every((action) => action.startsWith('kms:')));
}
