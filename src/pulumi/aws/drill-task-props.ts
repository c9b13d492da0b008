import * as pulumi from '@pulumi/pulumi';
import { EcsClusterReference } from './pg-dump-source';

/** The Pulumi handles every scheduled restore drill takes: where its task runs, with which image, whom it notifies. */
export interface DrillTaskArgs {
  /** Id of the VPC the drill's task (and a scratch database, when the drill creates one) runs in. */
  readonly vpcId: pulumi.Input<string>;
  /**
   * The runner image, e.g. an ECR image URI. Unlike CDK, Pulumi has no asset build here: see `runnerImageBuild` for
   * building it in the program.
   */
  readonly image: pulumi.Input<string>;
  /**
   * The ECS cluster the drill's task runs in.
   * @default - the source's cluster when the drill reads a `ScheduledPgDump`, else a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
  /**
   * ARN of the topic failed drills are sent to.
   * @default - the source's topic when the drill reads a `ScheduledPgDump`, else an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * ARN of that topic's KMS key, which the drill role then may use to publish.
   * @default - the source's topic key when the topic is the source's, else none: the topic is taken as unencrypted
   */
  readonly notificationTopicKeyArn?: pulumi.Input<string>;
  /**
   * Days task and execution logs are kept.
   * @default 90
   */
  readonly logRetentionDays?: number;
}
