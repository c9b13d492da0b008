import * as sns from 'aws-cdk-lib/aws-sns';

/** Whom a construct notifies: the CDK handle of its notification topic. */
export interface NotificationTopicProps {
  /**
   * The topic failures, missed RPOs and alarms (and for AWS Backup, failed jobs and vault events) are sent to.
   * @default - a drill's source's topic when it reads a `ScheduledPgDump`, else an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
}
