import * as scheduler from '@pulumi/aws/scheduler';
import * as pulumi from '@pulumi/pulumi';
import { PlannedTaskSchedule, ScheduledDumpRun } from '../../core/aws/scheduled-pg-dump';

/** What every run of a planned task schedule starts: a Fargate task in private subnets, with the run's command. */
export interface PlannedTaskScheduleTarget<R extends ScheduledDumpRun = ScheduledDumpRun> {
  /** ARN of the cluster the task runs in. */
  readonly clusterArn: pulumi.Input<string>;
  /** ARN of the task definition started. */
  readonly taskDefinitionArn: pulumi.Input<string>;
  /** The task's subnets (private: the task gets no public IP) and security group. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  /** ARN of the schedules' role. */
  readonly roleArn: pulumi.Input<string>;
  /** ARN of the queue a run that could not start goes to. */
  readonly deadLetterQueueArn: pulumi.Input<string>;
  /** How often a start is retried, and for how long, seconds. */
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
  /** The container whose command a run overrides, and the command of a run's database. */
  readonly containerName: string;
  readonly command: (database: string, run: R) => pulumi.Input<string[]>;
}

/**
 * One schedule per planned run (`<name>-<run's name>`, else `<name>-<index>`), each on the run's own expression when
 * it has one, starting the target's task with its database's command.
 */
export function createPlannedTaskSchedules<R extends ScheduledDumpRun>(
  name: string, schedule: Omit<PlannedTaskSchedule, 'runs'> & { readonly runs: readonly R[] }, target: PlannedTaskScheduleTarget<R>, parent: pulumi.Resource,
): scheduler.Schedule[] {
  return schedule.runs.map((run) => new scheduler.Schedule(`${name}-${run.name ?? run.index}`, {
    description: run.description,
    scheduleExpression: (run.schedule ?? schedule).scheduleExpression,
    scheduleExpressionTimezone: (run.schedule ?? schedule).scheduleExpressionTimezone,
    flexibleTimeWindow: { mode: 'OFF' },
    state: 'ENABLED',
    target: {
      arn: target.clusterArn,
      roleArn: target.roleArn,
      deadLetterConfig: { arn: target.deadLetterQueueArn },
      retryPolicy: { maximumRetryAttempts: target.retryAttempts, maximumEventAgeInSeconds: target.maxEventAgeSeconds },
      ecsParameters: {
        taskDefinitionArn: target.taskDefinitionArn,
        launchType: 'FARGATE',
        propagateTags: 'TASK_DEFINITION',
        networkConfiguration: { subnets: target.subnetIds, securityGroups: [target.securityGroupId], assignPublicIp: false },
      },
      input: pulumi.jsonStringify({ containerOverrides: [{ name: target.containerName, command: target.command(run.database, run) }] }),
    },
  }, { parent }));
}
