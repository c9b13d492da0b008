import * as rds from '@pulumi/aws/rds';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  alarmFromCloudFormation, alarmFromPulumi, definitionFromCloudFormation, definitionFromPulumi, fromCloudFormation, fromPulumi, permissions,
} from './normalize';
import * as cdk from '../../src/cdk';
import * as pulumiAws from '../../src/pulumi/aws';
import { databaseStack } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks, valueOf } from '../pulumi/aws/aws-mocks';

/** The one restore testing both front ends are given: a random recovery point of two weeks, validated by two checks, results beside the dumps. */
const RESTORE_TESTING = { recoveryPoint: 'random' as const, selectionWindowDays: 14, validationWindowHours: 2, dbSubnetGroupName: 'isolated' };
const VALIDATION = {
  databaseName: 'orders', rowCounts: [{ table: 'public.orders', min: 1 }], checks: ['select count(*) > 0 from orders'], checksTimeoutMinutes: 45,
};
const RESULTS_BUCKET = 'orders-backups-parity';
/** Daily and monthly rules and continuous backup, each copied into a logically air-gapped vault. */
const BACKUP_PLAN = {
  rules: [{ name: 'daily', frequency: 'daily' as const, retentionDays: 35 }, { name: 'monthly', frequency: 'monthly' as const, retentionDays: 365 }],
  continuousBackupRetentionDays: 14,
};
const AIR_GAPPED_COPY = { vaultName: 'orders-air-gapped', maxRetentionDays: 3650 };
const RUNNER_IMAGE = 'example.com/pg-backup:16';

const engine = new AwsMockEngine({ attributeStyle: 'opaque' });
installAwsMocks(engine);

let cfn: Record<string, { Type: string; Properties: any }>;

beforeAll(async () => {
  const { stack, vpc, instance } = databaseStack();
  new cdk.ManagedPostgresBackupPlan(stack, 'Plan', {
    database: cdk.ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'orders' }),
    backupPlan: BACKUP_PLAN,
    airGappedCopy: AIR_GAPPED_COPY,
    restoreTesting: {
      ...RESTORE_TESTING,
      validation: {
        ...VALIDATION,
        vpc,
        image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
        drillResults: { bucket: s3.Bucket.fromBucketName(stack, 'Results', RESULTS_BUCKET), prefix: 'pg-dumps' },
      },
    },
  });
  cfn = Template.fromStack(stack).toJSON().Resources;

  const database = new rds.Instance('db', {
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
  });
  const plan = new pulumiAws.ManagedPostgresBackupPlan('plan', {
    database: pulumiAws.ManagedPostgresDatabase.fromInstance(database),
    backupPlan: BACKUP_PLAN,
    airGappedCopy: AIR_GAPPED_COPY,
    restoreTesting: {
      ...RESTORE_TESTING,
      validation: {
        ...VALIDATION,
        postgresMajorVersion: 16,
        vpcId: 'ref~vpc~id',
        taskSubnetIds: ['ref~private-a~id', 'ref~private-b~id'],
        secretArn: database.masterUserSecrets.apply((secrets) => secrets[0].secretArn),
        image: RUNNER_IMAGE,
        drillResults: { bucketName: RESULTS_BUCKET, bucketArn: `arn:aws:s3:::${RESULTS_BUCKET}`, prefix: 'pg-dumps' },
      },
    },
  });
  const validation = plan.restoreTesting!.validation!;
  await Promise.all([
    valueOf(plan.urn), valueOf(plan.restoreTesting!.selection.id), valueOf(plan.plan.arn), valueOf(plan.airGappedVault!.arn),
    valueOf(validation.definition), valueOf(validation.stateMachine.arn),
    valueOf(validation.taskDefinition.arn), ...validation.alarms.map((alarm) => valueOf(alarm.arn)),
    ...plan.monitoring.alarms.map((alarm) => valueOf(alarm.arn)),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
}, 300_000);

function cfnResources(type: string, prefix: string): Array<{ id: string; properties: any }> {
  return Object.entries(cfn).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id, resource]) => ({ id, properties: resource.Properties }));
}

function cfnOne(type: string, prefix: string): any {
  const found = cfnResources(type, prefix);
  if (found.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${found.map((r) => r.id).join(', ')}`);
  return found[0];
}

function cfnRoleGrants(rolePrefix: string): string[] {
  const roleId = cfnOne('AWS::IAM::Role', rolePrefix).id;
  return permissions(Object.values(cfn).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap((r) => fromCloudFormation(r.Properties.PolicyDocument.Statement)));
}

const pulumiRoleGrants = (roleName: string) => permissions(fromPulumi(engine.roleStatements(roleName)));
const pulumiInputs = (type: string, name: string) => fromPulumi(engine.named(type, name).inputs);

describe('Restore testing validation of ManagedPostgresBackupPlan: CDK and Pulumi', () => {
  test('both create the same kinds and numbers of resources for the validation', () => {
    const kinds: Array<[string, string]> = [
      ['AWS::StepFunctions::StateMachine', 'aws:sfn/stateMachine:StateMachine'],
      ['AWS::Events::Rule', 'aws:cloudwatch/eventRule:EventRule'],
      ['AWS::ECS::TaskDefinition', 'aws:ecs/taskDefinition:TaskDefinition'],
      ['AWS::ECS::Cluster', 'aws:ecs/cluster:Cluster'],
      ['AWS::EC2::SecurityGroup', 'aws:ec2/securityGroup:SecurityGroup'],
      ['AWS::SQS::Queue', 'aws:sqs/queue:Queue'],
      ['AWS::CloudWatch::Alarm', 'aws:cloudwatch/metricAlarm:MetricAlarm'],
      ['AWS::Logs::LogGroup', 'aws:cloudwatch/logGroup:LogGroup'],
      ['AWS::IAM::Role', 'aws:iam/role:Role'],
    ];
    const cdkCounts = Object.fromEntries(kinds.map(([cdkType]) => [cdkType,
      [...cfnResources(cdkType, 'PlanRestoreValidation'), ...cfnResources(cdkType, 'PlanRestoredDatabase')].length]));
    const pulumiCounts = Object.fromEntries(kinds.map(([cdkType, pulumiType]) => [cdkType,
      engine.ofType(pulumiType).filter((resource) => resource.name.startsWith('plan-restore-validation')).length]));
    expect(pulumiCounts).toEqual(cdkCounts);
    expect(cdkCounts['AWS::CloudWatch::Alarm']).toBe(2);
    // The state machine's, the events', and the checks task's two.
    expect(cdkCounts['AWS::IAM::Role']).toBe(4);
  });

  test('the state machine definition is the same once deployed', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnOne('AWS::StepFunctions::StateMachine', 'PlanRestoreValidation').properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'plan-restore-validation-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
    expect(JSON.stringify(cdkDefinition)).toContain(RESULTS_BUCKET);
  });

  test('the validation role has the same permissions: describe the restored instance, run its task, report, write the result under the prefix', () => {
    const cdkGrants = cfnRoleGrants('PlanRestoreValidationRole');
    expect(pulumiRoleGrants('plan-restore-validation-drill-role')).toEqual(cdkGrants);
    expect(cdkGrants).toEqual(expect.arrayContaining([
      'Allow rds:DescribeDBInstances on arn:aws:rds:eu-west-1:123456789012:db:*',
      'Allow backup:PutRestoreValidationResult on *',
      `Allow s3:PutObject on arn:aws:s3:::${RESULTS_BUCKET}/pg-dumps/orders/drills/*`,
    ]));
  });

  test('the rule matches the same completed restore jobs of the plan and starts the validation with the same retries and the same role', () => {
    const cdkRule = fromCloudFormation(cfnOne('AWS::Events::Rule', 'PlanRestoreValidationRule').properties);
    const pulumiRule = pulumiInputs('aws:cloudwatch/eventRule:EventRule', 'plan-restore-validation-rule');
    expect(fromPulumi(JSON.parse(engine.named('aws:cloudwatch/eventRule:EventRule', 'plan-restore-validation-rule').inputs.eventPattern))).toEqual(cdkRule.EventPattern);
    expect(pulumiRule.description).toBe(cdkRule.Description);
    const target = pulumiInputs('aws:cloudwatch/eventTarget:EventTarget', 'plan-restore-validation-target');
    expect({ attempts: target.retryPolicy.maximumRetryAttempts, age: target.retryPolicy.maximumEventAgeInSeconds })
      .toEqual({ attempts: cdkRule.Targets[0].RetryPolicy.MaximumRetryAttempts, age: cdkRule.Targets[0].RetryPolicy.MaximumEventAgeInSeconds });
    expect(pulumiRoleGrants('plan-restore-validation-events-role')).toEqual(cfnRoleGrants('PlanRestoreValidationEventsRole'));
  });

  test('the dead-letter queue of the rule accepts the same senders', () => {
    const cdkPolicy = fromCloudFormation(cfnOne('AWS::SQS::QueuePolicy', 'PlanRestoreValidationStarts').properties.PolicyDocument.Statement);
    const pulumiPolicy = fromPulumi(JSON.parse(engine.named('aws:sqs/queuePolicy:QueuePolicy', 'plan-restore-validation-starts-dead-letters-policy').inputs.policy).Statement);
    expect(permissions(pulumiPolicy)).toEqual(permissions(cdkPolicy.map(({ Sid: _sid, ...statement }: any) => statement)));
  });

  test('the checks task runs the same command with the same entrypoint, environment and secrets', () => {
    const cdkContainer = fromCloudFormation(cfnOne('AWS::ECS::TaskDefinition', 'PlanRestoreValidationTask').properties.ContainerDefinitions[0]);
    const pulumiContainer = fromPulumi(JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'plan-restore-validation-task').inputs.containerDefinitions)[0]);
    expect({ command: pulumiContainer.command, entryPoint: pulumiContainer.entryPoint })
      .toEqual({ command: cdkContainer.Command, entryPoint: cdkContainer.EntryPoint });
    expect(pulumiContainer.environment.map((e: any) => [e.name, e.value]).sort())
      .toEqual(cdkContainer.Environment.map((e: any) => [e.Name, e.Value]).sort());
    expect(pulumiContainer.secrets.map((e: any) => e.name)).toEqual(cdkContainer.Secrets.map((e: any) => e.Name));
    expect(cdkContainer.Command).toEqual(['pg-backup', 'check', '--min-rows', 'public.orders=1', '--sql-env', 'PG_BACKUP_CHECK_0']);
  });

  test('the restored database is reachable from the checks task only, on the same port, with the same descriptions', () => {
    const cdkIngress = fromCloudFormation(cfnOne('AWS::EC2::SecurityGroupIngress', 'PlanRestoredDatabaseSecurityGroup').properties);
    const pulumiGroup = pulumiInputs('aws:ec2/securityGroup:SecurityGroup', 'plan-restore-validation-restored-sg');
    expect(pulumiGroup.ingress.map((rule: any) => ({ port: rule.fromPort, description: rule.description })))
      .toEqual([{ port: cdkIngress.FromPort, description: cdkIngress.Description }]);
    expect(pulumiGroup.description).toBe(cfnOne('AWS::EC2::SecurityGroup', 'PlanRestoredDatabaseSecurityGroup').properties.GroupDescription);
    expect(pulumiInputs('aws:ec2/securityGroup:SecurityGroup', 'plan-restore-validation-task-sg').description)
      .toBe(cfnOne('AWS::EC2::SecurityGroup', 'PlanRestoreValidationTaskSecurityGroup').properties.GroupDescription);
    const cdkSelection = fromCloudFormation(cfnOne('AWS::Backup::RestoreTestingSelection', 'PlanRestoreTestingSelection').properties);
    const pulumiSelection = pulumiInputs('aws:backup/restoreTestingSelection:RestoreTestingSelection', 'plan-restore-testing-selection');
    expect(pulumiSelection.restoreMetadataOverrides).toEqual(cdkSelection.RestoreMetadataOverrides);
    expect(cdkSelection.RestoreMetadataOverrides).toEqual({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["<ref>"]' });
  });

  test('the alarms are the same: a failed validation, a start the rule could not make', () => {
    const cdkAlarms = cfnResources('AWS::CloudWatch::Alarm', 'PlanRestoreValidation').map((alarm) => alarmFromCloudFormation(fromCloudFormation(alarm.properties)))
      .sort((a, b) => a.description.localeCompare(b.description));
    const pulumiAlarms = engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').filter((alarm) => alarm.name.startsWith('plan-restore-validation'))
      .map((alarm) => alarmFromPulumi(fromPulumi(alarm.inputs))).sort((a, b) => a.description.localeCompare(b.description));
    expect(pulumiAlarms).toEqual(cdkAlarms);
    expect(cdkAlarms.map((alarm) => alarm.description)).toEqual([
      'A restore test of the RDS instance failed its validation: the restored database could not be checked, or its checks failed',
      'EventBridge could not start the validation of a restore test of the RDS instance',
    ]);
  });
});

describe('Copies into a logically air-gapped vault of ManagedPostgresBackupPlan: CDK and Pulumi', () => {
  test('both create the same vault with the same retention range', () => {
    const cdkVault = cfnOne('AWS::Backup::LogicallyAirGappedBackupVault', 'PlanAirGappedVault').properties;
    const pulumiVault = pulumiInputs('aws:backup/logicallyAirGappedVault:LogicallyAirGappedVault', 'plan-air-gapped-vault');
    expect({ name: pulumiVault.name, min: pulumiVault.minRetentionDays, max: pulumiVault.maxRetentionDays })
      .toEqual({ name: cdkVault.BackupVaultName, min: cdkVault.MinRetentionDays, max: cdkVault.MaxRetentionDays });
    expect(cdkVault).toEqual({ BackupVaultName: 'orders-air-gapped', MinRetentionDays: 14, MaxRetentionDays: 3650 });
  });

  test('every rule, continuous backup included, copies into it with the same retention', () => {
    const cdkRules = fromCloudFormation(cfnOne('AWS::Backup::BackupPlan', '').properties.BackupPlan.BackupPlanRule).map((rule: any) => ({
      rule: rule.RuleName,
      copies: rule.CopyActions.map((copy: any) => ({ to: copy.DestinationBackupVaultArn, days: copy.Lifecycle.DeleteAfterDays })),
    }));
    const pulumiRules = pulumiInputs('aws:backup/plan:Plan', 'plan-plan').rules.map((rule: any) => ({
      rule: rule.ruleName, copies: rule.copyActions.map((copy: any) => ({ to: copy.destinationVaultArn, days: copy.lifecycle.deleteAfter })),
    }));
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules).toEqual([
      { rule: 'daily', copies: [{ to: '<ref>', days: 35 }] },
      { rule: 'monthly', copies: [{ to: '<ref>', days: 365 }] },
      { rule: 'continuous', copies: [{ to: '<ref>', days: 14 }] },
    ]);
  });
});
