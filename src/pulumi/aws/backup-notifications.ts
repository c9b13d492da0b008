import * as kms from '@pulumi/aws/kms';
import * as sns from '@pulumi/aws/sns';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment, formatArn } from './aws-environment';
import { RetainOnDeleteArgs, retainOnDeleteOf } from './backup-store-handles';
import { plannedStatement, policyDocument } from './policy-document';
import { BACKUP_NOTIFICATIONS_PLAN, notificationTopicPolicy, publisherKeyStatement, publishingServices } from '../../core/aws/backup-notifications';

/** Props of {@link BackupNotifications}. */
export interface BackupNotificationsProps extends RetainOnDeleteArgs {
  /**
   * ARN of an existing topic to notify. Its policies are its owner's: a service that must publish to it (EventBridge,
   * AWS Backup) has to be allowed there, and on its key if it is encrypted.
   * @default - an encrypted topic is created
   */
  readonly topicArn?: pulumi.Input<string>;
  /**
   * ARN of the KMS key of a given topic, so the roles that publish to it can be granted its use.
   * @default - none: the given topic is taken as unencrypted or encrypted with a key its publishers may already use
   */
  readonly topicKeyArn?: pulumi.Input<string>;
  /**
   * AWS services allowed to publish to a created topic, besides CloudWatch and EventBridge (e.g. `backup.amazonaws.com`).
   * In Pulumi a topic policy and a key policy are written once, whole, so they are named here rather than added later.
   * @default - none
   */
  readonly additionalPublishingServices?: string[];
  /**
   * The environment of the key policy.
   * @default - read from the provider
   */
  readonly environment?: AwsEnvironment;
}

/**
 * The one topic backup failures, missed RPOs and failed drills are sent to. A created topic is encrypted with a key
 * whose policy lets CloudWatch alarms, EventBridge rules and the named services use it (the AWS managed SNS key
 * cannot be shared), and its policy accepts only TLS.
 */
export class BackupNotifications extends pulumi.ComponentResource {
  /** ARN of the topic. */
  public readonly topicArn: pulumi.Output<string>;
  /** ARN of its key, when known. */
  public readonly topicKeyArn?: pulumi.Output<string>;
  /** The topic, when created here. */
  public readonly topic?: sns.Topic;
  /** Whether the topic was created here (so its policies name every publishing service). */
  public readonly created: boolean;

  constructor(name: string, props: BackupNotificationsProps = {}, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:BackupNotifications', name, {}, opts);
    if (props.topicArn !== undefined) {
      this.created = false;
      this.topicArn = pulumi.output(props.topicArn);
      this.topicKeyArn = props.topicKeyArn === undefined ? undefined : pulumi.output(props.topicKeyArn);
      this.registerOutputs({ topicArn: this.topicArn });
      return;
    }
    this.created = true;
    const environment = props.environment ?? awsEnvironment(this);
    const services = publishingServices(props.additionalPublishingServices);
    const key = new kms.Key(`${name}-key`, {
      description: BACKUP_NOTIFICATIONS_PLAN.keyDescription,
      enableKeyRotation: true,
      policy: policyDocument([
        { Effect: 'Allow', Principal: { AWS: formatArn(environment, 'iam', 'root', { global: true }) }, Action: 'kms:*', Resource: '*' },
        ...services.map((service) => plannedStatement(publisherKeyStatement(service), undefined)),
      ]),
    }, { parent: this, retainOnDelete: retainOnDeleteOf(props) });
    const topic = new sns.Topic(`${name}-topic`, { displayName: BACKUP_NOTIFICATIONS_PLAN.displayName, kmsMasterKeyId: key.arn }, { parent: this });
    new sns.TopicPolicy(`${name}-topic-policy`, {
      arn: topic.arn,
      policy: policyDocument(notificationTopicPolicy(services).map((statement) => plannedStatement(statement, undefined, { topic: topic.arn }))),
    }, { parent: this });
    this.topic = topic;
    this.topicArn = this.topic.arn;
    this.topicKeyArn = key.arn;
    this.registerOutputs({ topicArn: this.topicArn, topicKeyArn: this.topicKeyArn });
  }
}
