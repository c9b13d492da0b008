import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { IPgDumpSource } from './pg-dump-source';
import { DrillResourceScope } from './planned-state-machine';
import { acknowledgeWildcards } from './reviewed-findings';
import { scratchRdsDrillWiring } from '../core/aws/ecs-drill-wiring';
import { DrillResourceKind } from '../core/aws/state-machines';
import { VerifyRestoreScratchPlan } from '../core/aws/verify-restore';

/** Where a dump restore drill's scratch RDS instance is placed, and what the drill and its task may do with it. */
export interface ScratchRdsTarget {
  /** Security group of the scratch instance: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch instances are created in. */
  readonly subnetGroup: rds.SubnetGroup;
  /** Values of the drill's scratch placeholders. */
  readonly substitutions: Record<string, string>;
  /** What the drill's RDS, S3 and Secrets Manager actions are scoped to. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
}

/**
 * Renders core's scratch RDS plan in `scope`: a DB subnet group (`ScratchSubnets`), a security group only the task
 * reaches (`ScratchSecurityGroup`), and the task role's read of the master secrets RDS keeps for scratch instances.
 */
export function addScratchRdsTarget(scope: Construct, props: {
  readonly scratch: VerifyRestoreScratchPlan;
  readonly vpc: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  readonly taskRole: iam.IRole;
  readonly source: IPgDumpSource;
  /** The database whose dumps the drill restores. */
  readonly databaseName: string;
}): ScratchRdsTarget {
  const { scratch, source } = props;
  const stack = Stack.of(scope);
  const { securityGroup, subnetGroup } = addScratchPlacement(scope, { ...props, port: scratch.port, descriptions: scratch.descriptions });
  const arn = (service: string, resource: string, resourceName: string) =>
    stack.formatArn({ service, resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  const managedSecretsArn = arn('secretsmanager', 'secret', scratch.secretRead.secretNamePattern);
  const scratchInstancesArn = arn('rds', 'db', `${scratch.identifierPrefix}-*`);
  // RDS names the secret per instance; the tag it puts on it holds the read to the drill's own scratch instances.
  props.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [...scratch.secretRead.actions],
    resources: [managedSecretsArn],
    conditions: { StringLike: { [scratch.secretRead.instanceTagConditionKey]: scratchInstancesArn } },
  }));
  acknowledgeWildcards(props.taskRole, [{
    resource: managedSecretsArn,
    actions: scratch.secretRead.actions,
    conditionKey: scratch.secretRead.instanceTagConditionKey,
    reason: scratch.secretRead.reason,
  }]);
  const wiring = scratchRdsDrillWiring({
    dumpBucket: source.bucket.bucketName,
    dumpPrefix: source.prefix,
    databaseName: props.databaseName,
    dumpObjectsArn: source.bucket.arnForObjects(`${source.prefix}/*`),
    subnetGroupName: subnetGroup.subnetGroupName,
    subnetGroupArn: arn('rds', 'subgrp', subnetGroup.subnetGroupName),
    securityGroupId: securityGroup.securityGroupId,
    scratchInstancesArn,
    managedSecretsArn,
  });
  return { securityGroup, subnetGroup, substitutions: wiring.placeholders, scopes: wiring.scopes };
}

/** Where a drill's scratch databases are placed: isolated subnets, and a security group only the drill's task reaches. */
export interface ScratchPlacement {
  /** Security group of the scratch databases: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are created in. */
  readonly subnetGroup: rds.SubnetGroup;
}

/**
 * Creates, in `scope`, the placement of a drill's scratch databases as core describes it: a security group
 * (`ScratchSecurityGroup`) open on `port` to the task's security group alone, and a DB subnet group (`ScratchSubnets`)
 * in the given subnets, by default the VPC's isolated ones.
 */
export function addScratchPlacement(scope: Construct, props: {
  readonly vpc: ec2.IVpc;
  readonly subnets?: ec2.SubnetSelection;
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  readonly port: number;
  readonly descriptions: { readonly securityGroup: string; readonly ingress: string; readonly subnetGroup: string };
}): ScratchPlacement {
  const securityGroup = new ec2.SecurityGroup(scope, 'ScratchSecurityGroup', {
    vpc: props.vpc, description: props.descriptions.securityGroup, allowAllOutbound: false,
  });
  securityGroup.addIngressRule(props.taskSecurityGroup, ec2.Port.tcp(props.port), props.descriptions.ingress);
  const subnetGroup = new rds.SubnetGroup(scope, 'ScratchSubnets', {
    vpc: props.vpc,
    vpcSubnets: props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    description: props.descriptions.subnetGroup,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { securityGroup, subnetGroup };
}
