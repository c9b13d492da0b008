import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { renderPlannedStatement } from './planned-grants';
import { BACKUP_NOTIFICATIONS_PLAN, DEFAULT_PUBLISHING_SERVICES, publisherKeyStatement } from '../core/aws/backup-notifications';

/** Props of {@link BackupNotifications}. */
export interface BackupNotificationsProps {
  /**
   * The topic to notify.
   * @default - an encrypted topic is created, with its own KMS key
   */
  readonly topic?: sns.ITopic;
}

/**
 * The one topic backup failures, missed RPOs and failed drills are sent to. A created topic is encrypted with
 * a key whose policy lets CloudWatch alarms and EventBridge rules publish (the AWS-managed SNS key cannot).
 */
export class BackupNotifications extends Construct {
  /** The topic. */
  public readonly topic: sns.ITopic;
  /** The topic's key, when the topic was created here. */
  public readonly encryptionKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: BackupNotificationsProps = {}) {
    super(scope, id);
    if (props.topic) {
      this.topic = props.topic;
      return;
    }
    this.encryptionKey = new kms.Key(this, 'Key', {
      description: BACKUP_NOTIFICATIONS_PLAN.keyDescription,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    DEFAULT_PUBLISHING_SERVICES.forEach((service) => this.allowKeyUse(service));
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: BACKUP_NOTIFICATIONS_PLAN.displayName,
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });
  }

  /**
   * Lets an AWS service publish to the topic (e.g. `backup.amazonaws.com` for vault notifications): a topic-policy
   * statement, and, for a created topic, a key-policy statement for its key. A given topic's key (if it has one) is
   * its owner's to extend: the return value is false then, so the caller can say so.
   */
  public allowServicePublish(servicePrincipal: string): boolean {
    const principal = new iam.ServicePrincipal(servicePrincipal);
    this.topic.grantPublish(principal);
    if (!(this.encryptionKey instanceof kms.Key)) return false;
    this.allowKeyUse(servicePrincipal);
    return true;
  }

  /** A statement of the created key's policy that lets `service` encrypt for the topic. */
  private allowKeyUse(service: string): void {
    (this.encryptionKey as kms.Key).addToResourcePolicy(renderPlannedStatement(publisherKeyStatement(service), undefined));
  }

  /** Lets `grantee` publish to the topic (and use its key). */
  public grantPublish(grantee: iam.IGrantable): void {
    this.topic.grantPublish(grantee);
  }
}
