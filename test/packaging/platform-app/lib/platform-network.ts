import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cdk from 'aws-cdk-lib/core';
import { Construct } from 'constructs';

/**
 * What a platform team's stacks hold besides the backup constructs: a network and PostgreSQL databases, built the way
 * the AWS Solutions checks want them, so that every finding left is one of the backup constructs.
 */

/** A VPC with public, task and database subnets in two zones, its flow logs on. */
export function platformVpc(scope: Construct, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
    flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
  });
}

/** A VPC the app did not create, given by its attributes as a platform team's shared network is. */
export function existingVpc(scope: Construct, id = 'SharedVpc'): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: 'vpc-0a1b2c3d4e5f67890',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetIds: ['subnet-0a0000000000000a1', 'subnet-0a0000000000000a2'],
    privateSubnetIds: ['subnet-0b0000000000000b1', 'subnet-0b0000000000000b2'],
    isolatedSubnetIds: ['subnet-0c0000000000000c1', 'subnet-0c0000000000000c2'],
  });
}

/** A key with rotation. */
export function platformKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, { enableKeyRotation: true });
}

/** An RDS for PostgreSQL 16 instance in the isolated subnets, with its generated secret rotated. */
export function platformInstance(scope: Construct, id: string, vpc: ec2.IVpc, storageEncryptionKey?: kms.IKey): rds.DatabaseInstance {
  const instance = new rds.DatabaseInstance(scope, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    databaseName: 'shop',
    port: 5433,
    multiAz: true,
    storageEncrypted: true,
    storageEncryptionKey,
    iamAuthentication: true,
    deletionProtection: true,
    backupRetention: cdk.Duration.days(7),
    removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
    cloudwatchLogsExports: ['postgresql', 'upgrade'],
  });
  instance.addRotationSingleUser({ automaticallyAfter: cdk.Duration.days(30) });
  return instance;
}

/** An Aurora PostgreSQL 16 cluster with a writer and a reader. */
export function platformCluster(scope: Construct, id: string, vpc: ec2.IVpc, storageEncryptionKey?: kms.IKey): rds.DatabaseCluster {
  const cluster = new rds.DatabaseCluster(scope, id, {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.provisioned('writer'),
    readers: [rds.ClusterInstance.provisioned('reader')],
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    port: 5433,
    storageEncrypted: true,
    storageEncryptionKey,
    iamAuthentication: true,
    deletionProtection: true,
    cloudwatchLogsExports: ['postgresql'],
    backup: { retention: cdk.Duration.days(7) },
  });
  cluster.addRotationSingleUser({ automaticallyAfter: cdk.Duration.days(30) });
  return cluster;
}
