import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as pulumi from '@pulumi/pulumi';
import { createPlannedAlarms } from './metric-alarm';
import { RestoreDrillAlarmsOptions, restoreDrillAlarms } from '../../core/aws/restore-drill-alarms';

/** What {@link createRestoreDrillAlarms} watches: core's options, and the drill's resources. */
export interface RestoreDrillAlarmsSpec extends Omit<RestoreDrillAlarmsOptions, 'databaseName'> {
  /** ARN of the drill's state machine. */
  readonly stateMachineArn: pulumi.Input<string>;
  /** The `Database` dimension of the drill's metrics. */
  readonly databaseName: pulumi.Input<string>;
  /** Name of the dead-letter queue of the drill's schedule. */
  readonly deadLetterQueueName: pulumi.Input<string>;
  /** The topic notified on alarm and on recovery. */
  readonly topicArn: pulumi.Input<string>;
}

/**
 * The alarms of a scheduled restore drill (core's `restoreDrillAlarms`), as the CDK constructs raise them: a failed,
 * timed-out or aborted execution; a restore slower than the RTO; a schedule that could not start the drill.
 */
export function createRestoreDrillAlarms(name: string, spec: RestoreDrillAlarmsSpec, parent: pulumi.Resource): cloudwatch.MetricAlarm[] {
  const databaseName = typeof spec.databaseName === 'string' ? spec.databaseName : { resource: 'database-name' };
  return createPlannedAlarms(name, restoreDrillAlarms({ ...spec, databaseName }), spec.topicArn, parent, {
    'state-machine': spec.stateMachineArn,
    'dead-letter-queue': spec.deadLetterQueueName,
    'database-name': spec.databaseName,
  });
}
