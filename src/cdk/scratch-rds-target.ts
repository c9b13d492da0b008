import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { awsArnFormat } from './drill-state-machine';
import { acknowledgeWildcards } from './reviewed-findings';
import { DrillBackups, ScratchRdsWiring, scratchRdsDrillWiring } from '../core/aws/drill-inputs';
import { ScratchPlacementPlan, VerifyRestorePlan } from '../core/aws/verify-restore';

/** The network of databases only a drill's task reaches: the VPC, their subnets and the task's security group. */
export interface DrillDatabaseNetwork {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the scratch databases.
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /** The drill task's security group, the only one let in. */
  readonly taskSecurityGroup: ec2.ISecurityGroup;
}

/** Where a drill's scratch databases are placed: isolated subnets, and a security group only the drill's task reaches. */
export interface ScratchPlacement {
  /** Security group of the scratch databases: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are created in. */
  readonly subnetGroup: rds.SubnetGroup;
  /** Core's placeholders and scopes of a dump drill's scratch instance, and the task's read of its master secret. */
  readonly wiring?: ScratchRdsWiring<string>;
}

/** Renders core's scratch RDS plan of a dump restore drill in `scope`: its {@link addScratchPlacement} and core's wiring of it. */
export function addScratchRdsTarget(scope: Construct, props: DrillDatabaseNetwork & {
  readonly plan: VerifyRestorePlan;
  readonly source: DrillBackups<string>;
}): Required<ScratchPlacement> {
  const placement = addScratchPlacement(scope, props, props.plan.scratch!);
  const wiring = scratchRdsDrillWiring(props.plan, props.source, {
    subnetGroupName: placement.subnetGroup.subnetGroupName, securityGroupId: placement.securityGroup.securityGroupId, arn: awsArnFormat(scope),
  });
  return { ...placement, wiring };
}

/** Lets `taskRole` read the master secrets RDS keeps for the drill's scratch instances, as core scopes it, reviewed. */
export function grantScratchSecretRead(taskRole: iam.IRole, { secretRead }: ScratchRdsWiring<string>): void {
  taskRole.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [...secretRead.actions], resources: [secretRead.resource], conditions: secretRead.conditions,
  }));
  acknowledgeWildcards(taskRole, [{
    resource: secretRead.resource, actions: secretRead.actions, conditionKey: secretRead.instanceTagConditionKey, reason: secretRead.reason,
  }]);
}

/**
 * Creates, in `scope`, the placement of a drill's scratch databases as core plans it: their security group
 * (`ScratchSecurityGroup`, {@link addDrillDatabaseSecurityGroup}) and a DB subnet group (`ScratchSubnets`).
 */
export function addScratchPlacement(scope: Construct, network: DrillDatabaseNetwork, plan: ScratchPlacementPlan): ScratchPlacement {
  const securityGroup = addDrillDatabaseSecurityGroup(scope, 'ScratchSecurityGroup', network, plan.port, plan.descriptions);
  const subnetGroup = new rds.SubnetGroup(scope, 'ScratchSubnets', {
    vpc: network.vpc,
    vpcSubnets: network.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    description: plan.descriptions.subnetGroup,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { securityGroup, subnetGroup };
}

/** The security group (`id`) of databases a drill checks: no outbound rules, open on `port` to the drill task's security group alone. */
export function addDrillDatabaseSecurityGroup(
  scope: Construct, id: string, network: DrillDatabaseNetwork, port: number, descriptions: Pick<ScratchPlacementPlan['descriptions'], 'securityGroup' | 'ingress'>,
): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(scope, id, { vpc: network.vpc, description: descriptions.securityGroup, allowAllOutbound: false });
  securityGroup.addIngressRule(network.taskSecurityGroup, ec2.Port.tcp(port), descriptions.ingress);
  return securityGroup;
}
