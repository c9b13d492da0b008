import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE } from './stacks';
import { PostgresBackupBlueprint, PostgresDatabase } from '../../src/cdk';
import { BackupTier } from '../../src/core';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/** A fleet of two RDS instances (one left out of restore testing), an Aurora cluster and a self-managed server. */
function fleetStack(): { stack: Stack; blueprint: PostgresBackupBlueprint; template: Template } {
  const stack = new Stack(new App(), 'Fleet', { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
  const instance = (id: string, identifier: string) => new rds.DatabaseInstance(stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceIdentifier: identifier,
    storageEncrypted: true,
  });
  const cluster = new rds.DatabaseCluster(stack, 'Ledger', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.serverlessV2('writer'),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    clusterIdentifier: 'ledger',
    storageEncrypted: true,
  });
  const blueprint = new PostgresBackupBlueprint(stack, 'Blueprint', {
    vpc,
    tier: BackupTier.BRONZE,
    image: TEST_RUNNER_IMAGE,
    restoreTesting: { recoveryPoint: 'random', dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] },
    databases: [
      { id: 'orders', database: instance('Orders', 'orders-db'), databaseNames: ['orders'] },
      { id: 'scratch', database: instance('Scratch', 'scratch-db'), restoreTesting: false },
      { id: 'ledger', database: cluster, databaseNames: ['ledger'] },
      {
        id: 'legacy',
        database: PostgresDatabase.fromSecret({
          secret: new rds.DatabaseSecret(stack, 'LegacySecret', { username: 'postgres' }),
          connections: ec2.SecurityGroup.fromSecurityGroupId(stack, 'LegacySg', 'sg-0legacy'),
          postgresMajorVersion: 15,
        }),
      },
    ],
  });
  return { stack, blueprint, template: Template.fromStack(stack) };
}

describe('PostgresBackupBlueprint restore testing in CDK', () => {
  const { stack, blueprint, template } = fleetStack();
  const vaultArn = stack.resolve(blueprint.vault!.vault.backupVaultArn);

  test('one restore testing plan restores a random recovery point of the fleet vault on the schedule', () => {
    template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', {
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      StartWindowHours: 24,
      RecoveryPointSelection: {
        Algorithm: 'RANDOM_WITHIN_WINDOW', IncludeVaults: [vaultArn], RecoveryPointTypes: ['SNAPSHOT'], SelectionWindowDays: 7,
      },
    });
  });

  test('the RDS instances and the Aurora cluster are selected apart, isolated alike, the server left out and the self-managed one not at all', () => {
    const selections = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection')).map((resource) => resource.Properties);
    const arns = (type: string) => stack.resolve(selections.find((selection) => selection.ProtectedResourceType === type).ProtectedResourceArns);
    expect(selections).toHaveLength(2);
    const ref = (id: string) => template.getResourceId(id === 'Ledger' ? 'AWS::RDS::DBCluster' : 'AWS::RDS::DBInstance', {
      Properties: id === 'Ledger' ? { DBClusterIdentifier: 'ledger' } : { DBInstanceIdentifier: id },
    });
    expect(JSON.stringify(arns('RDS'))).toContain(`{"Ref":"${ref('orders-db')}"}`);
    expect(JSON.stringify(arns('RDS'))).not.toContain(`{"Ref":"${ref('scratch-db')}"}`);
    expect(arns('RDS')).toHaveLength(1);
    expect(JSON.stringify(arns('Aurora'))).toContain(`{"Ref":"${ref('Ledger')}"}`);
    expect(arns('Aurora')).toHaveLength(1);
    for (const selection of selections) {
      expect(selection.RestoreMetadataOverrides).toEqual({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' });
      expect(selection.ValidationWindowHours).toBe(1);
      expect(selection.RestoreTestingPlanName).toEqual(stack.resolve(blueprint.restoreTesting!.plan.restoreTestingPlanName));
    }
  });

  test('AWS Backup restores with a role of its own holding the restores policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] }),
      ManagedPolicyArns: [Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('AWSBackupServiceRolePolicyForRestores')])] })],
    });
    const selection = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties;
    expect(selection.IamRoleArn).toEqual(stack.resolve(blueprint.restoreTesting!.role.roleArn));
  });

  test('each tested database (an Aurora cluster and its writer) records restore testing as a drill that protects it, the left-out one does not', () => {
    const recorded = blueprint.node.metadata.filter((entry) => entry.type === 'postgres-backup-constructs:protection')
      .map((entry) => entry.data as { kind: string; database: string; recoveryPoint?: string })
      .filter((protection) => protection.kind === 'restore-testing');
    expect(recorded.map((protection) => protection.database).sort()).toEqual(['Fleet/Ledger', 'Fleet/Ledger/writer', 'Fleet/Orders']);
    expect(recorded[0]).toMatchObject({ recoveryPoint: 'random', selectionWindowDays: 7, schedule: 'cron(0 6 ? * MON *)' });
  });
});
