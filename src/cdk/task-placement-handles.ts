import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Where a construct's runner tasks run and with which image: the CDK handles every task-running construct takes. */
export interface TaskPlacementProps {
  /**
   * The VPC the tasks (and a drill's scratch database) run in. It must reach what they use: the database, S3, ECR,
   * CloudWatch Logs and Secrets Manager; for restore testing, the VPC of `restoreTesting.dbSubnetGroupName`.
   */
  readonly vpc: ec2.IVpc;
  /**
   * The ECS cluster the tasks run in.
   * @default - a drill's source's cluster when it reads a `ScheduledPgDump`, else a new cluster with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * The runner image: `pg-backup` with the client tools of the PostgreSQL major (for a point-in-time drill, its server
   * binaries and pgBackRest).
   * @default - built from the package's `runner-image/Dockerfile` with the database's PostgreSQL major (a fleet: one per major)
   */
  readonly image?: ecs.ContainerImage;
}

/** The subnets of a construct's runner tasks. */
export interface TaskSubnetsProps {
  /**
   * Subnets of the tasks: private ones, since a task gets no public IP (it needs S3, ECR, CloudWatch Logs and
   * Secrets Manager; a dump task also the database).
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** How long a construct's logs are kept. */
export interface LogRetentionProps {
  /**
   * How long task and execution logs are kept.
   * @default - `logs.RetentionDays.THREE_MONTHS`; `ONE_MONTH` for the restorable-time check of a `ManagedPostgresBackupPlan`
   */
  readonly logRetention?: logs.RetentionDays;
}
