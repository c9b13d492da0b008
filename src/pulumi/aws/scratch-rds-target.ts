import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, formatArn } from './aws-environment';
import { PgDumpSource } from './pg-dump-source';
import { DrillResourceScope } from './planned-state-machine';
import { PolicyStatement } from './policy-document';
import { scratchRdsDrillWiring } from '../../core/aws/ecs-drill-wiring';
import { DrillResourceKind } from '../../core/aws/state-machines';
import { VerifyRestoreScratchPlan } from '../../core/aws/verify-restore';

/** Where a dump restore drill's scratch RDS instance is placed, and what the drill and its task may do with it. */
export interface ScratchRdsTarget {
  /** Security group of the scratch instance: inbound only from the drill task, on PostgreSQL's port. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch instances are created in. */
  readonly subnetGroup: rds.SubnetGroup;
  /** The task role's read of the master secrets RDS keeps for the drill's scratch instances. */
  readonly taskStatements: PolicyStatement[];
  /** Values of the drill's scratch placeholders. */
  readonly substitutions: Record<string, pulumi.Input<string>>;
  /** What the drill's RDS, S3 and Secrets Manager actions are scoped to. */
  readonly scopes: Partial<Record<DrillResourceKind, DrillResourceScope>>;
}

/**
 * Renders core's scratch RDS plan as children of `parent`: a DB subnet group (`<name>-scratch-subnets`) and a security
 * group only the task reaches (`<name>-scratch-sg`), with what the task and the drill may do with scratch instances.
 */
export function createScratchRdsTarget(name: string, parent: pulumi.Resource, props: Omit<ScratchPlacementArgs, 'port' | 'descriptions'> & {
  readonly scratch: VerifyRestoreScratchPlan;
  readonly source: PgDumpSource;
  /** The database whose dumps the drill restores. */
  readonly databaseName: string;
  readonly environment: AwsEnvironment;
}): ScratchRdsTarget {
  const { scratch, source, environment } = props;
  const { securityGroup, subnetGroup } = createScratchPlacement(name, parent, { ...props, port: scratch.port, descriptions: scratch.descriptions });
  const managedSecretsArn = formatArn(environment, 'secretsmanager', `secret:${scratch.secretRead.secretNamePattern}`);
  const scratchInstancesArn = formatArn(environment, 'rds', `db:${scratch.identifierPrefix}-*`);
  const wiring = scratchRdsDrillWiring<pulumi.Input<string>>({
    dumpBucket: source.bucketName,
    dumpPrefix: source.prefix,
    databaseName: props.databaseName,
    dumpObjectsArn: pulumi.interpolate`${source.bucketArn}/${source.prefix}/*`,
    subnetGroupName: subnetGroup.name,
    subnetGroupArn: formatArn(environment, 'rds', pulumi.interpolate`subgrp:${subnetGroup.name}`),
    securityGroupId: securityGroup.id,
    scratchInstancesArn,
    managedSecretsArn,
  });
  return {
    securityGroup,
    subnetGroup,
    // RDS names the secret per instance; the tag it puts on it holds the read to the drill's own scratch instances.
    taskStatements: [{
      Effect: 'Allow',
      Action: [...scratch.secretRead.actions],
      Resource: managedSecretsArn,
      Condition: { StringLike: { [scratch.secretRead.instanceTagConditionKey]: scratchInstancesArn } },
    }],
    substitutions: wiring.placeholders,
    scopes: wiring.scopes,
  };
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

/**
 * Creates, as children of `parent`, the placement of a drill's scratch databases as core describes it: a security group
 * (`<name>-scratch-sg`) open on `port` to the task's security group alone, and a DB subnet group (`<name>-scratch-subnets`).
 */
export function createScratchPlacement(
  name: string, parent: pulumi.Resource, args: ScratchPlacementArgs,
): { securityGroup: ec2.SecurityGroup; subnetGroup: rds.SubnetGroup } {
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
