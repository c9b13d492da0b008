import { CfnElement, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { BackupDashboard, PostgresDatabase, ScheduledPgDump, VerifyRestore } from '../../src/cdk';

/**
 * A VPC, an RDS for PostgreSQL 16 instance, a nightly pg_dump of its `shop` database into a locked-down
 * bucket, a weekly restore drill that proves the latest dump restores, alarms and a dashboard.
 */
export class PostgresBackupExampleStack extends Stack {
  /** The nightly dump. */
  public readonly dump: ScheduledPgDump;
  /** The weekly drill. */
  public readonly drill: VerifyRestore;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      // Named zones: synthesis needs no lookup in the account.
      availabilityZones: [`${this.region}a`, `${this.region}b`],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    const database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      databaseName: 'shop',
      port: 5433,
      multiAz: true,
      storageEncrypted: true,
      iamAuthentication: true,
      deletionProtection: true,
      backupRetention: Duration.days(7),
      removalPolicy: RemovalPolicy.SNAPSHOT,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
    });
    database.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });

    this.dump = new ScheduledPgDump(this, 'NightlyDump', {
      vpc,
      database: PostgresDatabase.fromInstance(database),
      databaseNames: ['shop'],
      dump: { schedule: { expression: '0 2 * * *', timezone: 'Europe/Berlin' }, retentionDays: 35, noOwner: true },
      objectLock: { mode: 'governance', days: 7 },
    });

    this.drill = new VerifyRestore(this, 'WeeklyDrill', {
      vpc,
      source: this.dump,
      verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 30 },
      ephemeralStorageGiB: 40,
    });

    new BackupDashboard(this, 'Dashboard', { dump: this.dump, drills: [this.drill] });

    acknowledgeReviewedFindings(this);
  }
}

/**
 * The AwsSolutions findings this design accepts, each named exactly and with the reason it was accepted;
 * any other finding fails `cdk synth`.
 */
function acknowledgeReviewedFindings(stack: PostgresBackupExampleStack): void {
  const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const { dump, drill } = stack;
  const backupObjects = `Resource::<${logicalId(dump.bucket)}.Arn>/${dump.prefix}/*`;
  const dumpCluster = `Resource::arn:<AWS::Partition>:ecs:${stack.region}:${stack.account}:task/<${logicalId(dump.cluster)}>/*`;

  Validations.of(dump.taskDefinition.taskRole).acknowledge({
    id: `AwsSolutions-IAM5[${backupObjects}]`,
    reason: 'The dump task writes and reads objects only under its own prefix; each backup has a new unique key, so the '
      + 'objects cannot be named in advance. Deletion is denied to every principal by the bucket policy.',
  });
  Validations.of(drill.taskDefinition.taskRole).acknowledge({
    id: `AwsSolutions-IAM5[${backupObjects}]`,
    reason: 'The drill task reads the dumps under the one prefix it verifies (read only); backup keys are generated per run.',
  });
  for (const taskDefinition of [dump.taskDefinition, drill.taskDefinition]) {
    Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image, has no resource-level permissions; '
        + 'the other statements of the execution role name the log group, the repository and the secret.',
    });
  }
  Validations.of(drill.stateMachine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions: ecs:ListTasks (held by an ecs:cluster condition), '
      + 'cloudwatch:PutMetricData (held by a cloudwatch:namespace condition), X-Ray tracing and log delivery.',
  });
  Validations.of(drill.stateMachine.role).acknowledge({
    id: `AwsSolutions-IAM5[${dumpCluster}]`,
    reason: 'ecs:DescribeTasks and ecs:StopTask on the tasks of the one drill cluster: a task ARN is known only once it runs.',
  });
  const schedulerRoles = stack.node.children.filter((child) => child.node.id.startsWith('SchedulerRoleForTarget'));
  for (const role of schedulerRoles) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[${dumpCluster}]`,
      reason: 'EventBridge Scheduler tags the tasks it starts in the one dump cluster; task ARNs exist only once started.',
    });
  }
  for (const construct of [dump, drill]) {
    Validations.of(construct.node.findChild('DeadLetterQueue')).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the EventBridge Scheduler schedule (a target DLQ, which cdk-nag '
        + 'cannot see); it has an alarm on visible messages.',
    });
  }
  Validations.of(drill.node.findChild('ScratchPassword')).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'Password of a throwaway PostgreSQL that lives only inside one drill task and listens on its loopback '
      + 'only; a new server is initialized with it on every drill, so there is nothing to rotate.',
  });
  Validations.of(drill.taskDefinition).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'The only environment variables are the SQL text of the drill checks (not secrets), written into the '
      + 'task volume by the check-writer container; credentials come from Secrets Manager.',
  });
}
