import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement } from './policy-document';
import { DrillBackups, ScratchRdsWiring, scratchRdsDrillWiring } from '../../core/aws/drill-inputs';
import { AwsArnFormat } from '../../core/aws/ecs-drill-wiring';
import { ScratchPlacementPlan, VerifyRestorePlan } from '../../core/aws/verify-restore';

/** `arn:<partition>:<service>:<region>:<account>:<resource>:<resourceName>` of `environment`, as core's wiring asks for it. */
export function awsArnFormat(environment: AwsEnvironment): AwsArnFormat<pulumi.Input<string>> {
  return (service, resource, resourceName) => formatArn(environment, service, pulumi.interpolate`${resource}:${resourceName}`);
}

/** The network of databases only a drill's task reaches: the VPC, their subnets and the task's security group. */
export interface DrillDatabaseNetwork {
  /** Id of the VPC. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the scratch databases: no route to the internet is needed (isolated ones). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Id of the drill task's security group, the only one let in. */
  readonly taskSecurityGroupId: pulumi.Input<string>;
}

/** Where a drill's scratch databases are placed, and for a dump drill's scratch instance, what the drill and its task may do with it. */
export interface ScratchPlacement {
  /** Security group of the scratch databases: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are created in. */
  readonly subnetGroup: rds.SubnetGroup;
  /** Core's placeholders and scopes of a dump drill's scratch instance. */
  readonly wiring?: ScratchRdsWiring<pulumi.Input<string>>;
  /** The task role's read of the master secrets RDS keeps for a dump drill's scratch instances. */
  readonly taskStatements?: PolicyStatement[];
}

/** Renders core's scratch RDS plan of a dump restore drill as children of `parent`: its {@link createScratchPlacement} and core's wiring of it. */
export function createScratchRdsTarget(name: string, parent: pulumi.Resource, props: DrillDatabaseNetwork & {
  readonly plan: VerifyRestorePlan;
  readonly source: DrillBackups<pulumi.Input<string>>;
  readonly environment: AwsEnvironment;
}): Required<ScratchPlacement> {
  const placement = createScratchPlacement(name, parent, props, props.plan.scratch!);
  const wiring = scratchRdsDrillWiring(props.plan, props.source, {
    subnetGroupName: placement.subnetGroup.name, securityGroupId: placement.securityGroup.id, arn: awsArnFormat(props.environment),
  });
  const { secretRead } = wiring;
  return { ...placement, wiring, taskStatements: [{ Effect: 'Allow', Action: [...secretRead.actions], Resource: secretRead.resource, Condition: secretRead.conditions }] };
}

/**
 * Creates, as children of `parent`, the placement of a drill's scratch databases as core plans it: their security group
 * (`<name>-scratch-sg`, {@link createDrillDatabaseSecurityGroup}) and a DB subnet group (`<name>-scratch-subnets`).
 */
export function createScratchPlacement(
  name: string, parent: pulumi.Resource, network: DrillDatabaseNetwork, plan: ScratchPlacementPlan,
): ScratchPlacement {
  const securityGroup = createDrillDatabaseSecurityGroup(`${name}-scratch-sg`, parent, network, plan.port, plan.descriptions);
  const subnetGroup = new rds.SubnetGroup(`${name}-scratch-subnets`, { subnetIds: network.subnetIds, description: plan.descriptions.subnetGroup }, { parent });
  return { securityGroup, subnetGroup };
}

/** The security group (`name`) of databases a drill checks: no outbound rules, open on `port` to the drill task's security group alone. */
export function createDrillDatabaseSecurityGroup(
  name: string, parent: pulumi.Resource, network: Omit<DrillDatabaseNetwork, 'subnetIds'>, port: number,
  descriptions: Pick<ScratchPlacementPlan['descriptions'], 'securityGroup' | 'ingress'>,
): ec2.SecurityGroup {
  return new ec2.SecurityGroup(name, {
    vpcId: network.vpcId,
    description: descriptions.securityGroup,
    ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, securityGroups: [network.taskSecurityGroupId], description: descriptions.ingress }],
    egress: [],
  }, { parent });
}
