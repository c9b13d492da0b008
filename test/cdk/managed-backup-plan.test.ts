import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { actionsOf, logicalIdOf, statementsOfRole } from './stacks';
import { ManagedPostgresBackupPlan, ManagedPostgresBackupPlanProps, ManagedPostgresDatabase, PROTECTION_METADATA_TYPE } from '../../src/cdk';
import { aslProblems } from '../core/aws/state-machines/drill-harness';

const FRANKFURT_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:orders-copies';
const OFFSITE_VAULT = 'arn:aws:backup:eu-west-1:210987654321:backup-vault:orders-offsite';

/** The ARN CDK renders for an RDS resource of this stack (`db` or `cluster`) named by a reference. */
const rdsArn = (resource: 'db' | 'cluster', logicalId: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:eu-west-1:123456789012:${resource}:`, { Ref: logicalId }]],
});

/** A stack with a VPC, a customer managed key and an RDS PostgreSQL 16 instance encrypted with it (or with aws/rds). */
function instanceStack(options: { customerKey?: boolean } = {}) {
  const app = new App();
  const stack = new Stack(app, 'Managed', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const key = options.customerKey === false ? undefined : new kms.Key(stack, 'DbKey', { enableKeyRotation: true });
  const instance = new rds.DatabaseInstance(stack, 'Db', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    storageEncrypted: true,
    storageEncryptionKey: key,
    backupRetention: undefined,
  });
  return { app, stack, vpc, key, instance, database: ManagedPostgresDatabase.fromInstance(instance, { storageEncryptionKey: key }) };
}

describe('ManagedPostgresBackupPlan of an RDS instance', () => {
  let template: Template;
  let plan: ManagedPostgresBackupPlan;
  let instanceId: string;

  beforeAll(() => {
    const { stack, database } = instanceStack();
    const admin = new iam.Role(stack, 'BackupAdmin', { assumedBy: new iam.AccountRootPrincipal() });
    plan = new ManagedPostgresBackupPlan(stack, 'Backups', {
      database,
      managedSnapshots: { backupRetentionDays: 14, preferredBackupWindow: '02:00-02:30', preferredMaintenanceWindow: 'sun:04:00-sun:05:00' },
      backupPlan: {
        rules: [
          { name: 'daily', frequency: 'daily', retentionDays: 35 },
          { name: 'weekly', frequency: 'weekly', retentionDays: 90 },
          { name: 'monthly', frequency: 'monthly', retentionDays: 365 },
        ],
        continuousBackupRetentionDays: 14,
      },
      copies: [
        { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: FRANKFURT_VAULT },
        { destination: 'account', account: '210987654321', retentionDays: 30, vaultArn: OFFSITE_VAULT },
      ],
      immutability: { days: 7 },
      adminRole: admin,
    });
    template = Template.fromStack(stack);
    instanceId = logicalIdOf(template, 'AWS::RDS::DBInstance', 'Db');
  });

  describe('automated backups of the database', () => {
    test('are kept 14 days in a 30-minute window apart from maintenance, with tags copied and backups kept on deletion', () => {
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        BackupRetentionPeriod: 14,
        PreferredBackupWindow: '02:00-02:30',
        PreferredMaintenanceWindow: 'sun:04:00-sun:05:00',
        CopyTagsToSnapshot: true,
        DeleteAutomatedBackups: false,
      });
    });

    test('a deleted database leaves a final snapshot', () => {
      template.hasResource('AWS::RDS::DBInstance', { DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    });
  });

  describe('vault', () => {
    test('is encrypted with a key of its own, with rotation', () => {
      const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
      const keyId = vault.Properties.EncryptionKeyArn['Fn::GetAtt'][0];
      expect(keyId).toMatch(/^BackupsVaultKey/);
      expect(template.findResources('AWS::KMS::Key')[keyId].Properties.EnableKeyRotation).toBe(true);
    });

    test('denies deleting recovery points or shortening their retention to every principal but the admin role', () => {
      const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
      const statement = vault.Properties.AccessPolicy.Statement.find((s: any) => s.Sid === 'DenyRecoveryPointDeletion');
      expect(statement).toMatchObject({ Effect: 'Deny', Principal: { AWS: '*' }, Resource: '*' });
      expect(actionsOf(statement).sort()).toEqual(['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle']);
      expect(statement.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^BackupAdmin/), 'Arn'] } } });
    });

    test('is locked in governance mode by default: a minimum retention and no changeable-for time', () => {
      const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
      expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 7 });
    });

    test('sends its job events to the notification topic, which AWS Backup may publish to with the topic key', () => {
      const vault = Object.values(template.findResources('AWS::Backup::BackupVault'))[0];
      expect(vault.Properties.Notifications).toEqual({
        BackupVaultEvents: ['BACKUP_JOB_COMPLETED', 'COPY_JOB_FAILED', 'RESTORE_JOB_COMPLETED'],
        SNSTopicArn: { Ref: expect.stringMatching(/^BackupsNotificationsTopic/) },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'backup.amazonaws.com' } })]) },
      });
      const topicKey = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('BackupsNotificationsKey'))![1];
      expect(topicKey.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Sid: 'AllowbackupToPublish', Principal: { Service: 'backup.amazonaws.com' } }),
      ]));
    });
  });

  describe('plan', () => {
    const rules = () => Object.values(template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    const rule = (name: string) => rules().find((r: any) => r.RuleName === name);

    test('has the daily, weekly and monthly rules on their UTC schedules with their retention', () => {
      expect(rule('daily')).toMatchObject({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } });
      expect(rule('weekly')).toMatchObject({ ScheduleExpression: 'cron(0 5 ? * SUN *)', Lifecycle: { DeleteAfterDays: 90 } });
      expect(rule('monthly')).toMatchObject({ ScheduleExpression: 'cron(0 5 1 * ? *)', Lifecycle: { DeleteAfterDays: 365 } });
      rules().forEach((r: any) => expect(r.Lifecycle.MoveToColdStorageAfterDays).toBeUndefined());
      rules().forEach((r: any) => expect(r.TargetBackupVault).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BackupsVault/), 'BackupVaultName'] }));
    });

    test('has continuous backup for point-in-time recovery, kept 14 days', () => {
      expect(rule('continuous')).toMatchObject({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 14 } });
    });

    test('copies every recovery point to the vault in Frankfurt and the vault of the offsite account, each with its retention', () => {
      for (const r of rules()) {
        expect(r.CopyActions).toEqual([
          { DestinationBackupVaultArn: FRANKFURT_VAULT, Lifecycle: { DeleteAfterDays: 35 } },
          { DestinationBackupVaultArn: OFFSITE_VAULT, Lifecycle: { DeleteAfterDays: 30 } },
        ]);
      }
    });

    test('selects the database by its ARN', () => {
      template.hasResourceProperties('AWS::Backup::BackupSelection', {
        BackupSelection: { Resources: [rdsArn('db', instanceId)] },
      });
    });

    test('lets the offsite account use the database key, grants only for AWS resources', () => {
      const key = Object.entries(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('DbKey'))![1];
      const statements = key.Properties.KeyPolicy.Statement;
      const offsite = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::210987654321:root']] } };
      expect(statements.find((s: any) => s.Sid === 'AllowBackupCopyAccountsToUseKey')).toMatchObject({ Principal: offsite });
      expect(statements.find((s: any) => s.Sid === 'AllowBackupCopyAccountsToGrant')).toMatchObject({
        Principal: offsite, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      });
    });
  });

  describe('alarms and notifications', () => {
    test('no completed backup job in the vault within the RPO alarms, missing data breaching', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Backup',
        MetricName: 'NumberOfBackupJobsCompleted',
        Dimensions: [{ Name: 'BackupVaultName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupsVault'), 'BackupVaultName'] } }],
        Statistic: 'Sum',
        Period: 26 * 3600,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^BackupsNotificationsTopic') }],
      });
      expect(plan.rpoHours).toBe(26);
    });

    test('a latest restorable time more than 15 minutes behind alarms, and so does a check that stopped reporting', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'PostgresBackup',
        MetricName: 'RestorableTimeLagSeconds',
        Dimensions: [{ Name: 'Database', Value: { Ref: instanceId } }],
        Statistic: 'Maximum',
        Period: 900,
        Threshold: 900,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'breaching',
      });
    });

    test('the restorable time is read every 5 minutes by an express state machine that may only describe the database', () => {
      const [id, machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))
        .find(([name]) => name.startsWith('BackupsMonitoringRestorableTimeCheck'))!;
      expect(machine.Properties.StateMachineType).toBe('EXPRESS');
      expect(aslProblems(JSON.parse(machine.Properties.DefinitionString))).toEqual([]);
      expect(machine.Properties.DefinitionSubstitutions).toEqual({ DatabaseName: { Ref: instanceId }, Partition: { Ref: 'AWS::Partition' }, SourceIdentifier: { Ref: instanceId } });
      template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)', Target: { Arn: { Ref: id } } });
      const statements = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'BackupsMonitoringCheckRole'));
      const describe = statements.find((s) => actionsOf(s).includes('rds:DescribeDBInstances'));
      expect(describe.Resource).toEqual(rdsArn('db', instanceId));
      const publish = statements.find((s) => actionsOf(s).includes('cloudwatch:PutMetricData'));
      expect(publish.Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'PostgresBackup' } });
    });

    test('failed, aborted, expired or partial backup and copy jobs of the database are sent to the topic', () => {
      const rule = Object.values(template.findResources('AWS::Events::Rule')).find((r) => r.Properties.EventPattern['detail-type'].includes('Backup Job State Change'))!;
      expect(rule.Properties.EventPattern).toEqual({
        'source': ['aws.backup'],
        'detail-type': ['Backup Job State Change', 'Copy Job State Change'],
        'detail': { resourceArn: [rdsArn('db', instanceId)], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] },
      });
      expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^BackupsNotificationsTopic/) });
    });

    test('failed restore jobs of RDS recovery points are sent to the topic', () => {
      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { 'detail-type': ['Restore Job State Change'], 'detail': { resourceType: ['RDS'], status: ['FAILED', 'ABORTED'] } },
      });
    });
  });

  test('records what it protects on the database\'s construct path, for the main job\'s report', () => {
    const entry = plan.node.metadata.find((m) => m.type === PROTECTION_METADATA_TYPE)!;
    expect(entry.data).toMatchObject({
      kind: 'managed-backup',
      database: 'Managed/Db',
      retentionDays: 14,
      copies: ['region eu-central-1', 'account 210987654321'],
      vaultLock: 'governance 7 days',
      rpoHours: 26,
    });
  });
});

describe('ManagedPostgresBackupPlan of an Aurora cluster with a compliance lock', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App();
    const stack = new Stack(app, 'Aurora', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromCluster(cluster),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }], continuousBackupRetentionDays: 21 },
      immutability: { mode: 'compliance', days: 14 },
      vaultLock: { changeableForDays: 5, maxRetentionDays: 400 },
    });
    template = Template.fromStack(stack);
  });

  test('the cluster keeps its automated backups as long as continuous backup, which AWS Backup then manages', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { BackupRetentionPeriod: 21, CopyTagsToSnapshot: true, DeleteAutomatedBackups: false });
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot' });
  });

  test('a compliance lock asked for explicitly gets its changeable-for time and maximum', () => {
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 14, MaxRetentionDays: 400, ChangeableForDays: 5 } });
  });

  test('the cluster is selected, and its restorable time is read from the cluster', () => {
    const clusterId = logicalIdOf(template, 'AWS::RDS::DBCluster', 'Cluster');
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [rdsArn('cluster', clusterId)] },
    });
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(machine.Properties.DefinitionString).toContain('rds:describeDBClusters');
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { detail: { resourceType: ['Aurora'] } } });
  });
});

describe('ManagedPostgresBackupPlan of an imported database', () => {
  test('cannot set its automated backups and says so in a synth warning instead of pretending', () => {
    const stack = new Stack(new App(), 'Imported', { env: { account: '123456789012', region: 'eu-west-1' } });
    new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromArn('arn:aws:rds:eu-west-1:123456789012:db:legacy-orders', { storageEncryption: 'aws-managed-key' }),
      managedSnapshots: { backupRetentionDays: 21 },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::RDS::DBInstance', 0);
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: { Resources: ['arn:aws:rds:eu-west-1:123456789012:db:legacy-orders'] } });
    Annotations.fromStack(stack).hasWarning('/Imported/Backups', Match.stringLikeRegexp('legacy-orders is imported: its automated backups cannot be set from here \\(backupRetentionDays=21 are NOT applied\\)'));
  });
});

describe('ManagedPostgresBackupPlan rejects bad input at synth with core\'s messages', () => {
  const cases: Array<{ name: string; props: Partial<ManagedPostgresBackupPlanProps>; message: RegExp; customerKey?: boolean }> = [
    { name: 'retention 0', props: { managedSnapshots: { backupRetentionDays: 0 } }, message: /managedSnapshots\.backupRetentionDays is 0; allowed: an integer from 1 to 35 days/ },
    { name: 'retention 36', props: { managedSnapshots: { backupRetentionDays: 36 } }, message: /managedSnapshots\.backupRetentionDays is 36; allowed: an integer from 1 to 35 days/ },
    { name: 'a window under 30 minutes', props: { managedSnapshots: { preferredBackupWindow: '03:00-03:15' } }, message: /managedSnapshots\.preferredBackupWindow is "03:00-03:15"; allowed: a daily window .*\(it lasts 15 minutes\)/ },
    {
      name: 'a window overlapping maintenance',
      props: { managedSnapshots: { preferredBackupWindow: '05:30-06:30', preferredMaintenanceWindow: 'mon:06:00-mon:07:00' } },
      message: /managedSnapshots\.preferredBackupWindow is "05:30-06:30"; allowed: a window that does not overlap the maintenance window "mon:06:00-mon:07:00"/,
    },
    {
      // AWS Backup API reference, Lifecycle: "Resource types that can transition to cold storage are listed in the Feature
      // availability by resource table. AWS Backup ignores this expression for other resource types"; RDS is not listed.
      name: 'cold storage, which AWS Backup ignores for an RDS instance',
      props: { backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365, moveToColdStorageAfterDays: 90 }] } },
      message: /Backups: backupPlan\.rules\[0\]\.moveToColdStorageAfterDays is 90; allowed: unset on AWS \(AWS Backup does not move RDS or Aurora recovery points to cold storage/,
    },
    {
      name: 'a vault-lock minimum above a rule\'s retention',
      props: { immutability: { days: 60 } },
      message: /immutability\.days is 60; allowed: an integer from 1 to 35 days \(backupPlan\.rules\[0\]\.retentionDays\)/,
    },
    {
      name: 'a copy to the same region',
      props: { copies: [{ destination: 'region', region: 'eu-west-1', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:same' }] },
      message: /copies\[0\]\.region is "eu-west-1"; allowed: a region other than the source region "eu-west-1"/,
    },
    {
      name: 'an account copy of a database encrypted with aws/rds',
      customerKey: false,
      props: { copies: [{ destination: 'account', account: '210987654321', retentionDays: 35, vaultArn: OFFSITE_VAULT }] },
      message: /copies\[0\]\.destination is "account"; allowed: "region" for a database encrypted with the AWS managed key aws\/rds/,
    },
    {
      // AWS Backup refuses a plan whose backup jobs are less than 60 minutes apart ("The interval between backup jobs
      // shouldn't be less than 60 minutes") only when it is deployed.
      name: 'a rule every 30 minutes',
      props: { backupPlan: { rules: [{ name: 'often', frequency: 'hourly', retentionDays: 7, schedule: { expression: '0,30 * * * *' } }] } },
      message: /Backups: backupPlan\.rules\[0\]\.schedule\.expression is "0,30 \* \* \* \*"; allowed: a cron expression whose runs are at least 60 minutes apart/,
    },
    {
      // AWS Backup restore testing chooses among the recovery points of the last SelectionWindowDays
      // (RestoreTestingPlanForCreate): with a monthly plan, a 7-day window leaves most tests nothing to restore.
      name: 'restore tests over 3 days of a weekly plan',
      props: { backupPlan: { rules: [{ name: 'weekly', frequency: 'weekly', retentionDays: 90 }] }, restoreTesting: { dbSubnetGroupName: 'isolated', selectionWindowDays: 3 } },
      message: /Backups: restoreTesting\.selectionWindowDays is 3; allowed: an integer from 7 to 365 days \(backupPlan: rules\[0\], its most frequent rule, makes a recovery point only every 7 days\)/,
    },
    { name: 'continuous backup for 36 days', props: { backupPlan: { continuousBackupRetentionDays: 36 } }, message: /backupPlan\.continuousBackupRetentionDays is 36; allowed: an integer from 1 to 35 days/ },
    { name: 'a changeable-for time without compliance', props: { immutability: { days: 7 }, vaultLock: { changeableForDays: 3 } }, message: /vaultLock\.changeableForDays is 3; allowed: unset in governance mode/ },
    { name: 'an RPO over a week', props: { rpoHours: 200 }, message: /rpoHours is 200; allowed: an integer from 1 to 168 hours/ },
  ];

  test.each(cases)('$name', ({ props, message, customerKey }) => {
    const { stack, database } = instanceStack({ customerKey });
    expect(() => new ManagedPostgresBackupPlan(stack, 'Backups', { database, ...props })).toThrow(message);
  });

  test('several problems are reported at once', () => {
    const { stack, database } = instanceStack();
    expect(() => new ManagedPostgresBackupPlan(stack, 'Backups', {
      database, managedSnapshots: { backupRetentionDays: 0 }, immutability: { days: 60 },
    })).toThrow(/\(2 problems\)/);
  });
});

describe('ManagedPostgresBackupPlan refuses cold storage for an Aurora cluster too', () => {
  // Aurora is not in AWS Backup's "Feature availability by resource" list of types that transition to cold storage
  // either, so the setting would be ignored (AWS Backup API reference, Lifecycle) and the recovery points stay warm.
  test('naming the rule, the value and why, before any resource is rendered', () => {
    const stack = new Stack(new App(), 'AuroraCold', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer'),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    expect(() => new ManagedPostgresBackupPlan(stack, 'Backups', {
      database: ManagedPostgresDatabase.fromCluster(cluster),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'yearly', frequency: 'monthly', retentionDays: 3650, moveToColdStorageAfterDays: 180 }] },
    })).toThrow(/Backups: backupPlan\.rules\[1\]\.moveToColdStorageAfterDays is 180; allowed: unset on AWS/);
    expect(stack.node.tryFindChild('Backups')?.node.tryFindChild('Plan')).toBeUndefined();
  });
});

describe('ManagedPostgresBackupPlan names', () => {
  test('two plans in one stack get distinct AWS Backup plan names, since AWS Backup refuses a second plan of the same name', () => {
    const { stack, database } = instanceStack();
    new ManagedPostgresBackupPlan(stack, 'Orders', { database });
    new ManagedPostgresBackupPlan(stack, 'Ledger', { database });
    const names = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupPlan'))
      .map((resource) => resource.Properties.BackupPlan.BackupPlanName as string);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_.-]{1,50}$/);
  });
});
