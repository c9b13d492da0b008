import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
// In an application: import { … } from 'postgres-backup-constructs/cdk';
import { SelfHostedPitrArchive } from '../../src/cdk';

/**
 * A PostgreSQL 15 host on EC2 archiving WAL to S3 with pgBackRest: every committed transaction can be recovered to the
 * second within a 14-day window; weekly full and daily differential base backups run on the host through State
 * Manager, the archiver is checked every 30 minutes, and a weekly drill recovers the archive to a point in time on
 * Fargate and checks the result.
 */
export class SelfHostedPitrExampleStack extends Stack {
  /** The archive. */
  public readonly archive: SelfHostedPitrArchive;
  /** The database host. */
  public readonly host: ec2.Instance;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', {
      // Named zones: synthesis needs no lookup in the account.
      availabilityZones: [`${this.region}a`, `${this.region}b`],
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });

    this.archive = new SelfHostedPitrArchive(this, 'OrdersArchive', {
      clusterName: 'orders',
      postgresMajorVersion: 15,
      pitr: { windowDays: 14, archiveTimeoutSeconds: 60, retainFull: 3 },
      // What the archive stores a month and costs, at list prices: in `archive.costEstimate` and the examples' summary.
      estimate: { databaseSizeGb: 200, dailyChangeGb: 8 },
      createInstanceRole: true,
      drill: {
        vpc,
        verification: { checks: ['SELECT count(*) > 0 FROM pg_catalog.pg_tables'], maxRestoreDurationMinutes: 60 },
        ephemeralStorageGiB: 100,
      },
    });

    const userData = ec2.UserData.forLinux();
    userData.addCommands('apt-get update', 'apt-get install -y postgresql-15 awscli amazon-cloudwatch-agent || true');
    this.archive.addToUserData(userData);
    this.host = new ec2.Instance(this, 'DatabaseHost', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
      machineImage: ec2.MachineImage.fromSsmParameter('/aws/service/debian/release/12/latest/arm64'),
      instanceProfile: this.archive.instanceProfile,
      userData,
      requireImdsv2: true,
      detailedMonitoring: true,
      disableApiTermination: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(100, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    // The scheduled base backups and archive checks run on the hosts with this tag.
    Tags.of(this.host).add('postgres-backup:pitr-archive', 'orders');

  }
}
