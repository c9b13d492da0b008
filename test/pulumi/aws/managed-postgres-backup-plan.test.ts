import * as rds from '@pulumi/aws/rds';
// asl-validator is CommonJS with `export =`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
import aslValidator = require('asl-validator');
import { AwsMockEngine, failureOf, installAwsMocks, valueOf } from './aws-mocks';
import { awsEnvironment } from '../../../src/pulumi/aws/aws-environment';
import {
  ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps, planManagedBackupPlanWhenKnown,
} from '../../../src/pulumi/aws/managed-postgres-backup-plan';
import { ManagedPostgresDatabase, managedSnapshotArgs } from '../../../src/pulumi/aws/managed-postgres-database';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

function instance(name: string, args: Partial<rds.InstanceArgs> = {}): rds.Instance {
  return new rds.Instance(name, {
    identifier: `${name}-db`,
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
    ...managedSnapshotArgs({ backupRetentionDays: 7 }, { finalSnapshotIdentifier: `${name}-final` }),
    ...args,
  });
}

async function deploy(props: Partial<ManagedPostgresBackupPlanProps> = {}, database = ManagedPostgresDatabase.fromInstance(instance('orders'))): Promise<ManagedPostgresBackupPlan> {
  const plan = new ManagedPostgresBackupPlan('orders', { database, ...props });
  await Promise.all([
    valueOf(plan.urn), valueOf(plan.plan.arn), valueOf(plan.selection.id), valueOf(plan.monitoring.restorableTimeCheck.arn),
    ...plan.monitoring.alarms.map((alarm) => valueOf(alarm.arn)),
    ...plan.monitoring.failedJobRules.map((rule) => valueOf(rule.arn)),
    ...(plan.backupVault ? [valueOf(plan.backupVault.accessPolicy.id)] : []),
  ]);
  await new Promise((resolve) => setImmediate(resolve));
  return plan;
}

describe('ManagedPostgresBackupPlan', () => {
  test('the plan has the policy\'s rules and continuous backup, each with the copies, into the vault', async () => {
    const copy = { destination: 'region' as const, region: 'eu-central-1', vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr', retentionDays: 30 };
    const plan = await deploy({
      managedSnapshots: { backupRetentionDays: 14 },
      backupPlan: {
        rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'monthly', frequency: 'monthly', retentionDays: 365 }],
        continuousBackupRetentionDays: 14,
      },
      copies: [copy],
    });
    const vault = await valueOf(plan.vaultName);
    const copyActions = [{ destinationVaultArn: copy.vaultArn, lifecycle: { deleteAfter: 30 } }];
    expect(engine.named('aws:backup/plan:Plan', 'orders-plan').inputs.rules).toEqual([
      { ruleName: 'daily', targetVaultName: vault, schedule: 'cron(0 5 * * ? *)', lifecycle: { deleteAfter: 35 }, copyActions },
      { ruleName: 'monthly', targetVaultName: vault, schedule: 'cron(0 5 1 * ? *)', lifecycle: { deleteAfter: 365 }, copyActions },
      { ruleName: 'continuous', targetVaultName: vault, enableContinuousBackup: true, schedule: 'cron(0 5 * * ? *)', lifecycle: { deleteAfter: 14 }, copyActions },
    ]);
  });

  test('the selection backs up the database with AWS Backup\'s service role policy', async () => {
    await deploy();
    expect(engine.named('aws:backup/selection:Selection', 'orders-selection').inputs).toMatchObject({
      name: 'Database', resources: ['arn:aws:rds:eu-west-1:123456789012:instance/orders'],
    });
    expect(engine.named('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'orders-selection-backup').inputs.policyArn)
      .toBe('arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup');
  });

  test('the vault denies deleting recovery points to everyone but the admin role, and is locked in governance mode by default', async () => {
    const adminRoleArn = 'arn:aws:iam::123456789012:role/backup-admin';
    await deploy({ immutability: { days: 7 }, adminRoleArn });
    expect(JSON.parse(engine.named('aws:backup/vaultPolicy:VaultPolicy', 'orders-vault-access-policy').inputs.policy).Statement).toEqual([{
      Sid: 'DenyRecoveryPointDeletion',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'],
      Resource: '*',
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': adminRoleArn } },
    }]);
    const lock = engine.named('aws:backup/vaultLockConfiguration:VaultLockConfiguration', 'orders-vault-lock').inputs;
    expect(lock.minRetentionDays).toBe(7);
    expect(lock.changeableForDays).toBeUndefined();
  });

  test('vault events go to a topic AWS Backup and EventBridge may publish to', async () => {
    await deploy();
    expect(engine.named('aws:backup/vaultNotifications:VaultNotifications', 'orders-vault-notifications').inputs.backupVaultEvents)
      .toEqual(['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED']);
    const topicPolicy = JSON.parse(engine.named('aws:sns/topicPolicy:TopicPolicy', 'orders-notifications-topic-policy').inputs.policy);
    expect(topicPolicy.Statement.slice(1).map((s: any) => s.Principal.Service)).toEqual(['events.amazonaws.com', 'backup.amazonaws.com']);
  });

  test('no completed backup job within the RPO pages, missing data breaching; so does a restorable time lagging', async () => {
    const plan = await deploy();
    const topicArn = await valueOf(plan.notificationTopicArn);
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-monitoring-no-completed-backup').inputs).toMatchObject({
      namespace: 'AWS/Backup',
      metricName: 'NumberOfBackupJobsCompleted',
      dimensions: { BackupVaultName: await valueOf(plan.vaultName) },
      statistic: 'Sum',
      period: 26 * 3600,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
      alarmActions: [topicArn],
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-monitoring-restorable-time-lag').inputs).toMatchObject({
      namespace: 'PostgresBackup',
      metricName: 'RestorableTimeLagSeconds',
      dimensions: { Database: 'orders-db' },
      period: 900,
      threshold: 900,
      treatMissingData: 'breaching',
    });
  });

  test('failed, aborted, expired or partial jobs of the database notify the topic', async () => {
    const plan = await deploy();
    const pattern = JSON.parse(engine.named('aws:cloudwatch/eventRule:EventRule', 'orders-monitoring-failed-jobs').inputs.eventPattern);
    expect(pattern).toEqual({
      'source': ['aws.backup'],
      'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
      'detail': { resourceArn: ['arn:aws:rds:eu-west-1:123456789012:instance/orders'], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] },
    });
    expect(engine.named('aws:cloudwatch/eventTarget:EventTarget', 'orders-monitoring-failed-jobs-notification').inputs.arn).toBe(await valueOf(plan.notificationTopicArn));
  });

  test('the restorable-time check is core\'s express state machine, valid by asl-validator, allowed to describe only this database', async () => {
    await deploy();
    const machine = engine.named('aws:sfn/stateMachine:StateMachine', 'orders-monitoring-restorable-time-check').inputs;
    expect(machine.type).toBe('EXPRESS');
    const definition = JSON.parse(machine.definition);
    const result = aslValidator(definition);
    expect(result.isValid ? [] : result.errors).toEqual([]);
    expect(definition.States['Describe database'].Parameters).toEqual({ DbInstanceIdentifier: 'orders-db' });
    expect(engine.roleStatements('orders-monitoring-check-role').slice(0, 2)).toEqual([
      { Effect: 'Allow', Action: ['rds:DescribeDBInstances'], Resource: 'arn:aws:rds:eu-west-1:123456789012:instance/orders' },
      { Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'PostgresBackup' } } },
    ]);
    expect(engine.named('aws:scheduler/schedule:Schedule', 'orders-monitoring-check-schedule').inputs.scheduleExpression).toBe('rate(5 minutes)');
  });

  test('the database\'s retention, read back once known, becomes the plan\'s retention', async () => {
    const plan = await deploy({}, ManagedPostgresDatabase.fromInstance(instance('orders', { backupRetentionPeriod: 10 })));
    expect(await valueOf(plan.backupRetentionDays)).toBe(10);
  });

  test('a database retention of 0 days, known only once the database is, fails the plan\'s check with core\'s message, which the plan resource waits on', async () => {
    const database = ManagedPostgresDatabase.fromInstance(instance('zero', { backupRetentionPeriod: 0 }));
    const error = await failureOf(planManagedBackupPlanWhenKnown({ database }, awsEnvironment(), 'zero').known);
    expect(error.message).toContain('managedSnapshots.backupRetentionDays is 0; allowed: an integer from 1 to 35 days');
  });

  test.each([
    ['retention 36', { managedSnapshots: { backupRetentionDays: 36 } }, 'managedSnapshots.backupRetentionDays is 36'],
    ['a backup window under 30 minutes', { managedSnapshots: { preferredBackupWindow: '03:00-03:10' } }, 'managedSnapshots.preferredBackupWindow'],
    // AWS Backup API reference, Lifecycle: "AWS Backup ignores this expression for other resource types" than those of its
    // Feature availability by resource table, which RDS and Aurora are not among.
    ['cold storage, which AWS Backup ignores for RDS and Aurora', { backupPlan: { rules: [{ name: 'm', frequency: 'monthly' as const, retentionDays: 365, moveToColdStorageAfterDays: 90 }] } },
      'bad: backupPlan.rules[0].moveToColdStorageAfterDays is 90; allowed: unset on AWS (AWS Backup does not move RDS or Aurora recovery points to cold storage'],
    ['a vault-lock minimum above a rule\'s retention', { immutability: { days: 90 } }, 'immutability.days is 90'],
    // Restore testing chooses among the recovery points of the last SelectionWindowDays (RestoreTestingPlanForCreate).
    ['restore tests over 3 days of a weekly plan', { backupPlan: { rules: [{ name: 'weekly', frequency: 'weekly' as const, retentionDays: 90 }] }, restoreTesting: { dbSubnetGroupName: 'isolated', selectionWindowDays: 3 } },
      'bad: restoreTesting.selectionWindowDays is 3; allowed: an integer from 7 to 365 days (backupPlan: rules[0], its most frequent rule, makes a recovery point only every 7 days)'],
    // AWS Backup refuses, at deploy, a rule whose backup jobs are less than 60 minutes apart.
    ['a rule every 30 minutes', { backupPlan: { rules: [{ name: 'often', frequency: 'hourly' as const, retentionDays: 7, schedule: { expression: '0,30 * * * *' } }] } },
      'bad: backupPlan.rules[0].schedule.expression is "0,30 * * * *"; allowed: a cron expression whose runs are at least 60 minutes apart'],
    ['no rule and no continuous backup', { backupPlan: { rules: [] } }, 'backupPlan.rules is []; allowed: at least one rule, or continuousBackupRetentionDays'],
  ])('%s is rejected with core\'s message before any resource is created', (_case, props, message) => {
    expect(() => new ManagedPostgresBackupPlan('bad', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance' }), ...props,
    } as ManagedPostgresBackupPlanProps)).toThrow(message);
  });

  test('cold storage is refused for an Aurora cluster as for an instance, before any resource is created', () => {
    expect(() => new ManagedPostgresBackupPlan('aurora-cold', {
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders-cluster', kind: 'aurora-cluster' }),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'yearly', frequency: 'monthly', retentionDays: 3650, moveToColdStorageAfterDays: 180 }] },
    })).toThrow('aurora-cold: backupPlan.rules[1].moveToColdStorageAfterDays is 180; allowed: unset on AWS');
    expect(engine.resources.filter((resource) => resource.name.startsWith('aurora-cold'))).toEqual([]);
  });

  test('a copy to the source region fails with core\'s message once the region is known', async () => {
    const checked = planManagedBackupPlanWhenKnown({
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance' }),
      copies: [{ destination: 'region', region: 'eu-west-1', vaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:dr', retentionDays: 30 }],
    }, awsEnvironment(), 'legacy').known;
    expect((await failureOf(checked)).message).toContain('a region other than the source region "eu-west-1"');
  });

  test('an account copy of a database encrypted with aws/rds fails with core\'s message', async () => {
    const checked = planManagedBackupPlanWhenKnown({
      database: ManagedPostgresDatabase.fromIdentifier({ identifier: 'legacy', kind: 'instance', storageEncryption: 'aws-managed-key' }),
      copies: [{ destination: 'account', account: '210987654321', vaultArn: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:dr', retentionDays: 30 }],
    }, awsEnvironment(), 'legacy').known;
    expect((await failureOf(checked)).message).toContain('copies[0].destination is "account"');
  });
});
