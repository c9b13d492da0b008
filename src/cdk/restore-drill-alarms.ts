import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { renderPlannedAlarms } from './planned-alarms';
import { RestoreDrillAlarmsOptions, restoreDrillAlarms } from '../core/aws/restore-drill-alarms';

/** What {@link createRestoreDrillAlarms} watches: core's options, and the drill's resources. */
export interface RestoreDrillAlarmsProps extends RestoreDrillAlarmsOptions {
  /** The drill's state machine. */
  readonly stateMachine: sfn.IStateMachine;
  /** The dead-letter queue of the drill's schedule. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Where alarms (and their return to OK) are sent. */
  readonly topic: sns.ITopic;
}

/**
 * The alarms of a scheduled restore drill (core's `restoreDrillAlarms`): a failed, timed-out or aborted execution; a
 * restore slower than the RTO; a schedule that could not start the drill. Each notifies the topic on alarm and on
 * recovery.
 */
export function createRestoreDrillAlarms(scope: Construct, props: RestoreDrillAlarmsProps): cloudwatch.Alarm[] {
  return renderPlannedAlarms(scope, restoreDrillAlarms(props), props.topic, {
    'state-machine': props.stateMachine.stateMachineArn,
    'dead-letter-queue': props.deadLetterQueue.queueName,
  });
}
