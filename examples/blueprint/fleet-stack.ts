import { CfnElement, Duration, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct, IConstruct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk' and '…/core';
import { PostgresBackupBlueprint } from '../../src/cdk';
import { BackupTier } from '../../src/core';

/**
 * A platform team's fleet: four RDS for PostgreSQL servers in one stack, protected by one blueprint. Most get the
 * BRONZE tier; `billing` gets SILVER (a copy of every recovery point in a second region); `analytics` keeps its dumps
 * longer and checks its restored data. Each database gets a runbook in `cdk.out` and a restore command as an output.
 */
export class PostgresFleetStack extends Stack {
  /** The blueprint. */
  public readonly blueprint: PostgresBackupBlueprint;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      availabilityZones: [`${this.region}a`, `${this.region}b`],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    const server = (name: string, allocatedStorage: number, storageEncryptionKey?: kms.IKey): rds.DatabaseInstance => {
      const instance = new rds.DatabaseInstance(this, name, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
        instanceIdentifier: `${name.toLowerCase()}-db`,
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        allocatedStorage,
        storageEncrypted: true,
        storageEncryptionKey,
        // Not the well-known port, which scanners try first.
        port: 5433,
        multiAz: true,
        deletionProtection: true,
      });
      instance.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
      return instance;
    };

    this.blueprint = new PostgresBackupBlueprint(this, 'Fleet', {
      vpc,
      tier: BackupTier.BRONZE,
      tierOptions: { copyRegion: 'eu-central-1' },
      databases: [
        { id: 'orders', database: server('Orders', 200), databaseNames: ['orders', 'invoices'] },
        { id: 'catalog', database: server('Catalog', 50), databaseNames: ['catalog'] },
        {
          id: 'billing',
          database: server('Billing', 100, new kms.Key(this, 'BillingKey', { enableKeyRotation: true })),
          databaseNames: ['billing'],
          tier: BackupTier.SILVER.without('immutability'),
          overrides: {
            copies: [{
              destination: 'region',
              region: 'eu-central-1',
              retentionDays: 14,
              vaultArn: `arn:aws:backup:eu-central-1:${this.account}:backup-vault:postgres-copies`,
            }],
          },
          estimate: { databaseSizeGb: 60, dailyChangeGb: 2 },
        },
        {
          id: 'analytics',
          database: server('Analytics', 500),
          databaseNames: ['events'],
          overrides: {
            logicalDump: { retentionDays: 30, schedule: { expression: '0 3 * * *', timezone: 'Europe/Berlin' } },
            verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 180 },
          },
        },
      ],
    });

    acknowledgeReviewedFindings(this, this.blueprint);
  }
}

/**
 * The AwsSolutions findings the fleet's design accepts, each named exactly and with the reason it was accepted;
 * any other finding fails `cdk synth`.
 */
function acknowledgeReviewedFindings(stack: Stack, blueprint: PostgresBackupBlueprint): void {
  const logicalId = (construct: IConstruct): string => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const backupObjects = `Resource::<${logicalId(blueprint.bucket)}.Arn>/${blueprint.prefix}/*`;
  const clusterTasks = `Resource::arn:<AWS::Partition>:ecs:${stack.region}:${stack.account}:task/<${logicalId(blueprint.cluster)}>/*`;
  const dumpTaskDefinitions = [...blueprint.dumpTaskDefinitions.values()];
  const verifyTaskDefinitions = [...blueprint.verifyTaskDefinitions.values()];

  // The task definitions of each kind share one task role and one execution role.
  Validations.of(dumpTaskDefinitions[0].taskRole).acknowledge({
    id: `AwsSolutions-IAM5[${backupObjects}]`,
    reason: 'The dump tasks write and read objects only under the fleet\'s prefix; each backup has a new unique key, so the '
      + 'objects cannot be named in advance. Deletion is denied to every principal by the bucket policy.',
  });
  Validations.of(verifyTaskDefinitions[0].taskRole).acknowledge({
    id: `AwsSolutions-IAM5[${backupObjects}]`,
    reason: 'The drill tasks read the dumps under the fleet\'s prefix (read only); backup keys are generated per run.',
  });
  for (const taskDefinition of [dumpTaskDefinitions[0], verifyTaskDefinitions[0]]) {
    Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken, which ECS needs to pull the image, has no resource-level permissions; '
        + 'the other statements of the execution role name the log group, the repository and the secrets.',
    });
  }
  for (const taskDefinition of verifyTaskDefinitions) {
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The only environment variables are the SQL text of the drill checks (not secrets), written into the '
        + 'task volume by the check-writer container; credentials come from Secrets Manager.',
    });
  }
  const drillRole = blueprint.drillStateMachine.role;
  Validations.of(drillRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only actions without resource-level permissions: ecs:ListTasks (held by an ecs:cluster condition), '
      + 'cloudwatch:PutMetricData (held by a cloudwatch:namespace condition), X-Ray tracing and log delivery.',
  });
  Validations.of(drillRole).acknowledge({
    id: `AwsSolutions-IAM5[${clusterTasks}]`,
    reason: 'ecs:DescribeTasks and ecs:StopTask on the tasks of the one fleet cluster: a task ARN is known only once it runs.',
  });
  const schedulerRoles = stack.node.children.filter((child) => child.node.id.startsWith('SchedulerRoleForTarget'));
  for (const role of schedulerRoles) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[${clusterTasks}]`,
      reason: 'EventBridge Scheduler tags the dump tasks it starts in the one fleet cluster; task ARNs exist only once started.',
    });
  }
  Validations.of(blueprint.node.findChild('BackupSelectionRole')).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
    reason: 'The AWS Backup service role policy, kept current by AWS for every resource type AWS Backup supports; the role '
      + 'can only be assumed by backup.amazonaws.com and the plans select only the fleet\'s databases.',
  });
  Validations.of(blueprint.node.findChild('DeadLetterQueue')).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the fleet\'s EventBridge Scheduler schedules (a target DLQ, which '
      + 'cdk-nag cannot see); it has an alarm on visible messages.',
  });
  Validations.of(blueprint.node.findChild('ScratchPassword')).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'Password of a throwaway PostgreSQL that lives only inside one drill task and listens on its loopback '
      + 'only; a new server is initialized with it on every drill, so there is nothing to rotate.',
  });
}
