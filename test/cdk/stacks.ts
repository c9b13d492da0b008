import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { PostgresDatabase, ScheduledPgDumpProps } from '../../src/cdk';

/** A stack in a fixed account and region, with a VPC and an RDS PostgreSQL 16 instance. */
export function databaseStack(): { stack: Stack; vpc: ec2.Vpc; instance: rds.DatabaseInstance } {
  const app = new App();
  const stack = new Stack(app, 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const instance = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    storageEncrypted: true,
  });
  return { stack, vpc, instance };
}

/** A VPC of two zones with public subnets, subnets for the tasks (private, with egress) and isolated database subnets. */
export function vpcWithDatabaseSubnets(scope: Construct): ec2.Vpc {
  return new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/** An image reference that needs no Docker build, for tests that are not about the image. */
export const TEST_RUNNER_IMAGE = ecs.ContainerImage.fromRegistry('example.com/pg-backup:16');

/** The smallest props of a dump of `instance`, with a prebuilt image. */
export function minimalDumpProps(vpc: ec2.IVpc, instance: rds.DatabaseInstance): ScheduledPgDumpProps {
  return { vpc, database: PostgresDatabase.fromInstance(instance), databaseNames: ['orders'], image: TEST_RUNNER_IMAGE };
}

/** The IAM policy statements attached to a role, from the template. */
export function statementsOfRole(template: { findResources(type: string): Record<string, any> }, roleLogicalId: string): any[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: any) => role.Ref === roleLogicalId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The actions of a statement as a list. */
export function actionsOf(statement: any): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The logical id of the one resource of a type whose logical id starts with `prefix`. */
export function logicalIdOf(template: { findResources(type: string): Record<string, any> }, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}
