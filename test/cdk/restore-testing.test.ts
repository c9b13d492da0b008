import { App, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { actionsOf, logicalIdOf, statementsOfRole } from './stacks';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps, ManagedPostgresDatabase } from '../../src/cdk';
import { aslProblems } from '../core/aws/state-machines/drill-harness';

/** A stack with a VPC (task and isolated subnets) and an RDS PostgreSQL 16 instance with its generated secret. */
function planStack(restoreTesting: (vpc: ec2.Vpc, stack: Stack) => ManagedPostgresBackupPlanProps['restoreTesting']) {
  const app = new App();
  const stack = new Stack(app, 'Managed', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
  const instance = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    databaseName: 'shop',
    port: 5433,
    storageEncrypted: true,
  });
  const plan = new ManagedPostgresBackupPlan(stack, 'Backups', {
    database: ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'shop' }),
    restoreTesting: restoreTesting(vpc, stack),
  });
  return { stack, plan, template: Template.fromStack(stack) };
}

const image = ecs.ContainerImage.fromRegistry('example.com/pg-backup:16');

describe('ManagedPostgresBackupPlan with restore testing validated by pg-backup check', () => {
  const { template, plan, stack } = planStack((vpc, s) => ({
    dbSubnetGroupName: 'isolated',
    validation: {
      vpc,
      image,
      rowCounts: [{ table: 'public.orders', min: 1000 }],
      checks: ['SELECT count(*) > 0 FROM orders'],
      drillResults: { bucket: s3.Bucket.fromBucketName(s, 'Dumps', 'company-postgres-backups'), prefix: 'pg-dumps' },
    },
  }));
  const stateMachineId = logicalIdOf(template, 'AWS::StepFunctions::StateMachine', 'BackupsRestoreValidation');

  test('the completion of a restore job of the plan\'s restore testing plan starts the validation', () => {
    const planId = logicalIdOf(template, 'AWS::Backup::RestoreTestingPlan', 'BackupsRestoreTestingPlan');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.backup'],
        'detail-type': ['Restore Job State Change'],
        'detail': { status: ['COMPLETED'], restoreTestingPlanArn: [{ 'Fn::GetAtt': [planId, 'RestoreTestingPlanArn'] }] },
      },
      Targets: [Match.objectLike({
        Arn: { Ref: stateMachineId },
        DeadLetterConfig: Match.anyValue(),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      })],
    });
  });

  test('the state machine is core\'s validation, valid ASL, with the database, task, network and drill-result store filled in', () => {
    const machine = template.findResources('AWS::StepFunctions::StateMachine')[stateMachineId].Properties;
    const definition = JSON.parse(machine.DefinitionString['Fn::Join'] ? machine.DefinitionString['Fn::Join'][1].join('') : machine.DefinitionString);
    expect(aslProblems(definition)).toEqual([]);
    expect(Object.keys(machine.DefinitionSubstitutions).sort()).toEqual([
      'ClusterArn', 'ContainerName', 'DatabaseName', 'DrillResultsBucket', 'DrillResultsFolder', 'NotificationTopicArn', 'Partition', 'SecurityGroups', 'Subnets',
      'TaskDefinitionArn',
    ]);
    expect(machine.DefinitionSubstitutions).toMatchObject({ DatabaseName: 'shop', DrillResultsBucket: 'company-postgres-backups', DrillResultsFolder: 'pg-dumps/shop/drills' });
    expect(plan.restoreTesting?.validation?.stateMachine).toBeDefined();
  });

  test('the checks task runs pg-backup check with the bounds and checks, logging in with the database\'s secret', () => {
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Command: ['pg-backup', 'check', '--min-rows', 'public.orders=1000', '--sql-env', 'PG_BACKUP_CHECK_0'],
        Environment: Match.arrayWith([{ Name: 'PGDATABASE', Value: 'shop' }, { Name: 'PG_BACKUP_CHECK_0', Value: 'SELECT count(*) > 0 FROM orders' }]),
        Secrets: [Match.objectLike({ Name: 'PGUSER' }), Match.objectLike({ Name: 'PGPASSWORD' })],
      })],
    });
  });

  test('the restored database is placed behind a security group only the checks task reaches, on the database\'s port', () => {
    const restoredId = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'BackupsRestoredDatabaseSecurityGroup');
    const taskId = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'BackupsRestoreValidationTaskSecurityGroup');
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [restoredId, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [taskId, 'GroupId'] }, FromPort: 5433, ToPort: 5433,
    });
    const selection = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties;
    expect(selection.RestoreMetadataOverrides.dbSubnetGroupName).toBe('isolated');
    expect(stack.resolve(selection.RestoreMetadataOverrides.vpcSecurityGroupIds)).toEqual({ 'Fn::Join': ['', ['["', { 'Fn::GetAtt': [restoredId, 'GroupId'] }, '"]']] });
  });

  test('its role describes restored instances, runs its task, reports to AWS Backup and writes drill results only under the prefix: nothing that deletes a database', () => {
    const roleId = logicalIdOf(template, 'AWS::IAM::Role', 'BackupsRestoreValidationRole');
    const statements = statementsOfRole(template, roleId);
    const actions = statements.flatMap(actionsOf);
    expect(actions).toEqual(expect.arrayContaining(['rds:DescribeDBInstances', 'backup:PutRestoreValidationResult', 'ecs:RunTask', 'ecs:StopTask', 's3:PutObject', 'sns:Publish']));
    expect(actions.filter((action) => /^rds:(Delete|Restore|Create|Modify)/.test(action))).toEqual([]);
    const put = statements.find((statement) => actionsOf(statement).includes('s3:PutObject'));
    expect(JSON.stringify(stack.resolve(put.Resource))).toContain('company-postgres-backups/pg-dumps/shop/drills/*');
  });

  test('a failed validation and a start the rule could not make each raise an alarm on the plan\'s topic, on alarm and on recovery', () => {
    const topicId = logicalIdOf(template, 'AWS::SNS::Topic', 'BackupsNotifications');
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('BackupsRestoreValidationAlarms'));
    expect(alarms.map(([, alarm]) => alarm.Properties.AlarmDescription).sort()).toEqual([
      'A restore test of the RDS instance failed its validation: the restored database could not be checked, or its checks failed',
      'EventBridge could not start the validation of a restore test of the RDS instance',
    ]);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({ AlarmActions: [{ Ref: topicId }], OKActions: [{ Ref: topicId }], TreatMissingData: 'notBreaching' });
    }
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue', 'BackupsRestoreValidationStarts');
    const deadLetters = alarms.find(([, alarm]) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')![1];
    expect(deadLetters.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
  });
});

test('restore testing given its own security groups creates none for the restored database', () => {
  const { template } = planStack((vpc) => ({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'], validation: { vpc, image } }));
  expect(Object.keys(template.findResources('AWS::EC2::SecurityGroup')).filter((id) => id.includes('RestoredDatabase'))).toEqual([]);
  const selection = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties;
  expect(selection.RestoreMetadataOverrides.vpcSecurityGroupIds).toBe('["sg-0123456789abcdef0"]');
});

test('restore testing is recorded as a drill of the database in the protection metadata, with its checks when validated', () => {
  const { plan } = planStack((vpc) => ({ dbSubnetGroupName: 'isolated', recoveryPoint: 'random', validation: { vpc, image, checks: ['SELECT true'] } }));
  const recorded = plan.node.metadata.filter((entry) => entry.type === 'postgres-backup-constructs:protection').map((entry) => entry.data);
  expect(recorded).toContainEqual({
    kind: 'restore-testing', database: 'Managed/Db', schedule: 'cron(0 6 ? * MON *)', recoveryPoint: 'random', selectionWindowDays: 7, checks: 1,
  });
});

test('restore testing without validation creates no state machine', () => {
  const { template } = planStack(() => ({}));
  expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).filter((id) => id.includes('RestoreValidation'))).toEqual([]);
  expect(Object.keys(template.findResources('AWS::Events::Rule')).filter((id) => id.includes('RestoreValidation'))).toEqual([]);
  template.resourceCountIs('AWS::Backup::RestoreTestingPlan', 1);
});

test.each([
  ['without a subnet group', (vpc: ec2.Vpc) => ({ validation: { vpc, image } }), 'restoreTesting.dbSubnetGroupName is undefined'],
  ['with checks longer than the validation window', (vpc: ec2.Vpc) => ({ dbSubnetGroupName: 'isolated', validation: { vpc, image, checksTimeoutMinutes: 90 } }),
    'restoreTesting.validationWindowHours is 1; allowed: at least the checks\' 90 minutes'],
  ['with a row bound without bounds', (vpc: ec2.Vpc) => ({ dbSubnetGroupName: 'isolated', validation: { vpc, image, rowCounts: [{ table: 'orders' }] } }),
    'restoreTesting.validation.rowCounts[0] is {"table":"orders"}; allowed: a bound with min, max or both'],
])('restore testing validation %s is refused, naming the option', (_name, restoreTesting, message) => {
  expect(() => planStack(restoreTesting as never)).toThrow(message);
});

describe('the restored database\'s security groups given at deploy time', () => {
  test('a list token (a stack parameter) is written as the JSON list AWS Backup reads, resolved by CloudFormation', () => {
    const { stack, template } = planStack((_vpc, s) => ({
      vpcSecurityGroupIds: Token.asList(new CfnParameter(s, 'RestoredSecurityGroups', { type: 'List<AWS::EC2::SecurityGroup::Id>' }).valueAsList),
    }));
    const selection = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties;
    const json = JSON.stringify(stack.resolve(selection.RestoreMetadataOverrides.vpcSecurityGroupIds));
    expect(JSON.parse(json)).toEqual({ 'Fn::Join': ['', ['["', { 'Fn::Join': ['","', { Ref: 'RestoredSecurityGroups' }] }, '"]']] });
    expect(json).not.toMatch(/Token\[|#\{/);
    expect(template.findResources('AWS::CloudFormation::CustomResource')).toEqual({});
  });

  test('security group ids of constructs are written as a JSON list of their ids', () => {
    const { stack, template } = planStack((vpc, s) => ({
      vpcSecurityGroupIds: [new ec2.SecurityGroup(s, 'Restored', { vpc }).securityGroupId, 'sg-0123456789abcdef0'],
    }));
    const selection = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection'))[0].Properties;
    const groupId = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'Restored');
    expect(stack.resolve(selection.RestoreMetadataOverrides.vpcSecurityGroupIds))
      .toEqual({ 'Fn::Join': ['', ['["', { 'Fn::Join': ['","', [{ 'Fn::GetAtt': [groupId, 'GroupId'] }, 'sg-0123456789abcdef0']] }, '"]']] });
  });
});
