import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';

/** The pieces of a `PostgresBackupBlueprint` that every server's dumps and drills share. */
export interface BlueprintFleetInfrastructure {
  /** The blueprint: the scope of every resource, and the node that carries the protection metadata. */
  readonly scope: Construct;
  /** The VPC of the tasks. */
  readonly vpc: ec2.IVpc;
  /** Subnets of the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /** The bucket construct of every dump. */
  readonly backupBucket: BackupBucket;
  /** The bucket of every dump. */
  readonly bucket: s3.IBucket;
  /** The bucket's name, when known at synth time. */
  readonly bucketName?: string;
  /** The key prefix of the fleet. */
  readonly prefix: string;
  /** The region the runbooks name: the stack's, a token when the stack has no region. */
  readonly region: string;
  /** The topic failures go to. */
  readonly notificationTopic: sns.ITopic;
  /** The cluster the tasks run in. */
  readonly cluster: ecs.ICluster;
  /** The log group of the tasks. */
  readonly logGroup: logs.ILogGroup;
  /** The dead-letter queue of every schedule. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The CloudWatch namespace of the metrics. */
  readonly metricNamespace: string;
  /** The PostgreSQL majors of the fleet, ascending: one dump and one verify task definition each. */
  readonly majors: number[];
  /** The runner image of a PostgreSQL major. */
  readonly image: (major: number) => ecs.ContainerImage;
}
