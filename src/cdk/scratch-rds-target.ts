import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { awsArnFormat } from './drill-state-machine';
import { acknowledgeWildcards } from './reviewed-findings';
import { DrillBackups, ScratchRdsWiring, scratchRdsDrillWiring } from '../core/aws/drill-inputs';
import { VerifyRestorePlan } from '../core/aws/verify-restore';

/** Where a dump restore drill's scratch RDS instance is placed, and core's wiring of it. */
export interface ScratchRdsTarget extends ScratchPlacement {
  /** Core's placeholders and scopes of the scratch instance, and the task's read of its master secret. */
  readonly wiring: ScratchRdsWiring<string>;
}

/**
 * Renders core's scratch RDS plan in `scope`: a DB subnet group (`ScratchSubnets`) and a security group only the task
 * reaches (`ScratchSecurityGroup`), with core's wiring of what the drill and its task may do with scratch instances.
 */
export function addScratchRdsTarget(scope: Construct, props: Omit<ScratchPlacementProps, 'port' | 'descriptions'> & {
  readonly plan: VerifyRestorePlan;
  readonly source: DrillBackups<string>;
}): ScratchRdsTarget {
  const { port, descriptions } = props.plan.scratch!;
  const placement = addScratchPlacement(scope, { ...props, port, descriptions });
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

/** What {@link addScratchPlacement} places a drill's scratch databases with. */
export interface ScratchPlacementProps {
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the scratch databases.
   * @default - the VPC's isolated subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /** The drill task's security group, the only one let in. */
  readonly taskSecurityGroup: ec2.ISecurityGroup;
  /** The port the scratch databases listen on. */
  readonly port: number;
  /** Core's descriptions of the security group, its ingress rule and the DB subnet group. */
  readonly descriptions: { readonly securityGroup: string; readonly ingress: string; readonly subnetGroup: string };
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
 * (`ScratchSecurityGroup`) open on `port` to the task's security group alone, and a DB subnet group (`ScratchSubnets`).
 */
export function addScratchPlacement(scope: Construct, props: ScratchPlacementProps): ScratchPlacement {
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
