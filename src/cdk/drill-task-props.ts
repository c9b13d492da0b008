import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NotificationTopicProps } from './notification-handles';
import { LogRetentionProps, TaskPlacementProps } from './task-placement-handles';

/** The CDK handles every scheduled restore drill takes: where its task runs, with which image, whom it notifies. */
export interface DrillTaskProps extends TaskPlacementProps, LogRetentionProps, NotificationTopicProps {}

/** The handles of a drill that may restore into a scratch database of its own. */
export interface ScratchDatabaseDrillProps extends DrillTaskProps {
  /**
   * Subnets of the scratch database: it needs no route to the internet.
   * @default - the VPC's isolated subnets
   */
  readonly scratchSubnets?: ec2.SubnetSelection;
}
