import * as pulumi from '@pulumi/pulumi';

/** Whom a component notifies: its notification topic, and the key it is encrypted with for the roles that publish to it. */
export interface NotificationTopicArgs {
  /**
   * ARN of the topic failures, missed RPOs and alarms (and for AWS Backup, failed jobs and vault events) are sent to;
   * its policy must let EventBridge (and AWS Backup, where it publishes) publish.
   * @default - a drill's source's topic when it reads a `ScheduledPgDump`, else an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key, which the roles that publish to it (a drill's) may then use.
   * @default - the source's topic key when a drill's topic is its source's, else none: the topic is taken as unencrypted
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
}
