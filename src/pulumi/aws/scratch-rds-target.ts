import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PolicyStatement } from './policy-document';
import { DrillBackups, ScratchRdsWiring, scratchRdsDrillWiring } from '../../core/aws/drill-inputs';
import { AwsArnFormat } from '../../core/aws/ecs-drill-wiring';
import { VerifyRestorePlan } from '../../core/aws/verify-restore';

/** `arn:<partition>:<service>:<region>:<account>:<resource>:<resourceName>` of `environment`, as core's wiring asks for it. */
export function awsArnFormat(environment: AwsEnvironment): AwsArnFormat<pulumi.Input<string>> {
  return (service, resource, resourceName) => formatArn(environment, service, pulumi.interpolate`${resource}:${resourceName}`);
}

/** Where a dump restore drill's scratch RDS instance is placed, and what the drill and its task may do with it. */
export interface ScratchRdsTarget extends ScratchPlacement {
  /** Core's placeholders and scopes of the scratch instance. */
  readonly wiring: ScratchRdsWiring<pulumi.Input<string>>;
  /** The task role's read of the master secrets RDS keeps for the drill's scratch instances. */
  readonly taskStatements: PolicyStatement[];
}

/**
 * Renders core's scratch RDS plan as children of `parent`: a DB subnet group (`<name>-scratch-subnets`) and a security
 * group only the task reaches (`<name>-scratch-sg`), with what the task and the drill may do with scratch instances.
 */
export function createScratchRdsTarget(name: string, parent: pulumi.Resource, props: Omit<ScratchPlacementArgs, 'port' | 'descriptions'> & {
  readonly plan: VerifyRestorePlan;
  readonly source: DrillBackups<pulumi.Input<string>>;
  readonly environment: AwsEnvironment;
}): ScratchRdsTarget {
  const { port, descriptions } = props.plan.scratch!;
  const placement = createScratchPlacement(name, parent, { ...props, port, descriptions });
  const wiring = scratchRdsDrillWiring(props.plan, props.source, {
    subnetGroupName: placement.subnetGroup.name, securityGroupId: placement.securityGroup.id, arn: awsArnFormat(props.environment),
  });
  const { secretRead } = wiring;
  return { ...placement, wiring, taskStatements: [{ Effect: 'Allow', Action: [...secretRead.actions], Resource: secretRead.resource, Condition: secretRead.conditions }] };
}

/** What {@link createScratchPlacement} places a drill's scratch databases with. */
export interface ScratchPlacementArgs {
  /** Id of the VPC. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the scratch databases: no route to the internet is needed (isolated ones). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Id of the drill task's security group, the only one let in. */
  readonly taskSecurityGroupId: pulumi.Input<string>;
  /** The port the scratch databases listen on. */
  readonly port: number;
  /** Core's descriptions of the security group, its ingress rule and the DB subnet group. */
  readonly descriptions: { readonly securityGroup: string; readonly ingress: string; readonly subnetGroup: string };
}

/** Where a drill's scratch databases are placed. */
export interface ScratchPlacement {
  /** Security group of the scratch databases: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are created in. */
  readonly subnetGroup: rds.SubnetGroup;
}

/**
 * Creates, as children of `parent`, the placement of a drill's scratch databases as core describes it: a security group
 * (`<name>-scratch-sg`) open on `port` to the task's security group alone, and a DB subnet group (`<name>-scratch-subnets`).
 */
export function createScratchPlacement(name: string, parent: pulumi.Resource, args: ScratchPlacementArgs): ScratchPlacement {
  const { port, descriptions } = args;
  const securityGroup = new ec2.SecurityGroup(`${name}-scratch-sg`, {
    vpcId: args.vpcId,
    description: descriptions.securityGroup,
    ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, securityGroups: [args.taskSecurityGroupId], description: descriptions.ingress }],
    egress: [],
  }, { parent });
  const subnetGroup = new rds.SubnetGroup(`${name}-scratch-subnets`, { subnetIds: args.subnetIds, description: descriptions.subnetGroup }, { parent });
  return { securityGroup, subnetGroup };
}
