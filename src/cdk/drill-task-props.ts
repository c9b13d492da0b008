import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';

/** The CDK handles every scheduled restore drill takes: where its task runs, with which image, whom it notifies. */
export interface DrillTaskProps {
  /** The VPC the drill's task (and a scratch database, when the drill creates one) runs in. */
  readonly vpc: ec2.IVpc;
  /**
   * The ECS cluster the drill's task runs in.
   * @default - the source's cluster when the drill reads a `ScheduledPgDump`, else a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The runner image.
   * @default - built from the package's `runner-image/Dockerfile` with the PostgreSQL major of the backups
   */
  readonly image?: ecs.ContainerImage;
  /**
   * The topic failed drills are sent to.
   * @default - the source's topic when the drill reads a `ScheduledPgDump`, else an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * How long task and execution logs are kept.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The handles of a drill that may restore into a scratch database of its own. */
export interface ScratchDatabaseDrillProps extends DrillTaskProps {
  /**
   * Subnets of the scratch database: it needs no route to the internet.
   * @default - the VPC's isolated subnets
   */
  readonly scratchSubnets?: ec2.SubnetSelection;
}
