import * as rds from '@pulumi/aws/rds';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cdkRds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  alarmFromCloudFormation, alarmFromPulumi, definitionFromCloudFormation, definitionFromPulumi, fromCloudFormation, fromPulumi,
  lifecycleFromCloudFormation, lifecycleFromPulumi, permissions,
} from './normalize';
import * as cdk from '../../src/cdk';
import { BackupTier } from '../../src/core/policy/backup-tier';
import { BackupPlanPolicy, LogicalDumpPolicy, PitrPolicy, VerificationPolicy } from '../../src/core/policy/policy';
import * as pulumiAws from '../../src/pulumi/aws';
import { actionsOf, databaseStack } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks, valueOf } from '../pulumi/aws/aws-mocks';

/** The one policy both front ends are given. */
const DUMP: LogicalDumpPolicy = { schedule: { expression: '30 1 * * *', timezone: 'Europe/Berlin' }, retentionDays: 45, includeGlobals: true };
const VERIFICATION: VerificationPolicy = { checks: ['select count(*) > 0 from orders'], maxRestoreDurationMinutes: 45 };
/** The dump drill runs daily and alarms when no drill succeeded within two days. */
const DAILY_VERIFY = { verification: { ...VERIFICATION, schedule: { expression: '0 6 * * *' } }, maxDrillAgeDays: 2 };
/** The same database's drill into a scratch RDS instance, as for a database too large for the task's disk. */
const LARGE_VERIFY = {
  verification: VERIFICATION, restoreTarget: 'scratch-rds' as const, scratchInstance: { instanceClass: 'db.r6g.xlarge', maxAllocatedStorageGiB: 4000 },
};
const BACKUP_PLAN: BackupPlanPolicy = {
  rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }, { name: 'monthly', frequency: 'monthly', retentionDays: 365 }],
  continuousBackupRetentionDays: 14,
};
/** A plan with a copy to another region, a compliance lock and its settings, for the vault, copies and lock. */
const OFFSITE = {
  backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] } as BackupPlanPolicy,
  copies: [{ destination: 'region' as const, region: 'eu-central-1', vaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:offsite', retentionDays: 90 }],
  immutability: { days: 14, mode: 'compliance' as const },
  vaultLock: { changeableForDays: 7, maxRetentionDays: 400 },
  rpoHours: 30,
  restoreTesting: {
    recoveryPoint: 'random' as const, selectionWindowDays: 14, validationWindowHours: 2, dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'],
  },
};
const PITR: PitrPolicy = { windowDays: 14, archiveTimeoutSeconds: 60, retainFull: 3 };
/** The dumps copied to a bucket in another region, the WAL archive to another account. */
const DUMP_REPLICATION = {
  destinationBucketArn: 'arn:aws:s3:::orders-dumps-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  latencyAlarmMinutes: 30,
};
const ARCHIVE_REPLICATION = { ...DUMP_REPLICATION, destinationBucketArn: 'arn:aws:s3:::orders-wal-offsite', destinationAccount: '210987654321' };
const RUNNER_IMAGE = 'example.com/pg-backup:16';
/** Dumps encrypted with age: the public key, and the secret holding the identity the drill decrypts with. */
const AGE_RECIPIENTS = ['age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p'];
const AGE_IDENTITY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-age-identity-AbCdEf';
const FLEET_BUCKET = 'fleet-backups-parity';
/** A second fleet whose dumps are encrypted, pruned by grandfather-father-son retention and replicated offsite. */
const SECURED_FLEET = {
  bucketName: 'secured-fleet-backups-parity',
  encryption: { recipients: AGE_RECIPIENTS },
  identitySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:fleet-age-identity-AbCdEf',
  retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
  replication: { ...DUMP_REPLICATION, destinationBucketArn: 'arn:aws:s3:::secured-fleet-offsite' },
};
const PITR_CIPHER_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-archive-cipher-pass-AbCdEf';
const SNAPSHOT_DRILL = { verification: VERIFICATION, rowCounts: [{ table: 'public.orders', min: 1 }], scratchIdentifierPrefix: 'orders-drill' };
/** A point-in-time drill of the same instance: an hour ago plus up to 30 random minutes, its recovery point bounded. */
const POINT_IN_TIME_DRILL = {
  ...SNAPSHOT_DRILL,
  scratchIdentifierPrefix: 'orders-pit',
  pointInTime: { targetLagMinutes: 60, randomExtraLagMinutes: 30, recoveryPointQuery: 'SELECT max(placed_at) FROM orders', maxRecoveryPointGapMinutes: 15 },
};

/** Restore testing of the fleet's managed servers, isolated by a subnet group and a security group. */
const FLEET_RESTORE_TESTING = { recoveryPoint: 'random' as const, selectionWindowDays: 3, dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: ['sg-0123456789abcdef0'] };

const engine = new AwsMockEngine({ attributeStyle: 'opaque' });
installAwsMocks(engine);

/** The CDK template, synthesized once: synthesis is the expensive part. */
let cfn: Record<string, { Type: string; Properties: any }>;
/** Both front ends' archives, whose user data is compared. */
let cdkArchive: cdk.SelfHostedPitrArchive;
let pulumiArchive: pulumiAws.SelfHostedPitrArchive;
let cdkUserData: string[];

beforeAll(async () => {
  const { stack, vpc, instance } = databaseStack();
  const dump = new cdk.ScheduledPgDump(stack, 'Dump', {
    vpc,
    database: cdk.PostgresDatabase.fromInstance(instance),
    databaseNames: ['orders'],
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
    dump: DUMP,
    replication: DUMP_REPLICATION,
    encryption: { recipients: AGE_RECIPIENTS, identitySecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'AgeIdentity', AGE_IDENTITY_SECRET_ARN) },
  });
  const verify = new cdk.VerifyRestore(stack, 'Verify', { source: dump, vpc, ...DAILY_VERIFY, image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE) });
  new cdk.VerifyRestore(stack, 'LargeVerify', {
    source: dump,
    vpc,
    ...LARGE_VERIFY,
    scratchSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
  });
  const snapshotDrill = new cdk.SnapshotRestoreDrill(stack, 'Snapshot', {
    database: cdk.ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'orders' }),
    vpc,
    scratchSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ...SNAPSHOT_DRILL,
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
  });
  const pointInTimeDrill = new cdk.SnapshotRestoreDrill(stack, 'PointInTime', {
    database: cdk.ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'orders' }),
    vpc,
    scratchSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ...POINT_IN_TIME_DRILL,
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
  });
  new cdk.BackupDashboard(stack, 'Dashboard', { dump, drills: [verify, snapshotDrill, pointInTimeDrill] });
  new cdk.ManagedPostgresBackupPlan(stack, 'Plan', { database: cdk.ManagedPostgresDatabase.fromInstance(instance), backupPlan: BACKUP_PLAN });
  new cdk.ManagedPostgresBackupPlan(stack, 'Offsite', { database: cdk.ManagedPostgresDatabase.fromInstance(instance), ...OFFSITE });
  cdkArchive = new cdk.SelfHostedPitrArchive(stack, 'Archive', {
    clusterName: 'orders',
    postgresMajorVersion: 15,
    pitr: PITR,
    replication: ARCHIVE_REPLICATION,
    createInstanceRole: true,
    drill: { vpc, verification: VERIFICATION, image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE) },
    encryption: { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'ArchiveCipherPass', PITR_CIPHER_SECRET_ARN) },
  });
  new cdk.PostgresBackupBlueprint(stack, 'Fleet', {
    vpc,
    tier: BackupTier.BRONZE,
    bucketName: FLEET_BUCKET,
    restoreTesting: FLEET_RESTORE_TESTING,
    databases: [{
      id: 'orders',
      database: new cdkRds.DatabaseInstance(stack, 'FleetDb', {
        engine: cdkRds.DatabaseInstanceEngine.postgres({ version: cdkRds.PostgresEngineVersion.VER_16_4 }), vpc, storageEncrypted: true, instanceIdentifier: 'orders-db',
      }),
      databaseNames: ['orders'],
    }],
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
  });
  new cdk.PostgresBackupBlueprint(stack, 'SecuredFleet', {
    vpc,
    tier: BackupTier.BRONZE,
    bucketName: SECURED_FLEET.bucketName,
    databases: [{ id: 'orders', database: cdk.PostgresDatabase.fromInstance(instance), databaseNames: ['orders', 'audit'] }],
    encryption: {
      ...SECURED_FLEET.encryption,
      identitySecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'FleetAgeIdentity', SECURED_FLEET.identitySecretArn),
    },
    retention: SECURED_FLEET.retention,
    replication: SECURED_FLEET.replication,
    image: ecs.ContainerImage.fromRegistry(RUNNER_IMAGE),
  });
  cfn = Template.fromStack(stack).toJSON().Resources;
  cdkUserData = fromCloudFormation(stack.resolve(cdkArchive.userDataCommands()));

  const database = new rds.Instance('db', {
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
  });
  const network = { vpcId: 'ref~vpc~id', subnetIds: ['ref~private-a~id', 'ref~private-b~id'] };
  const pulumiDump = new pulumiAws.ScheduledPgDump('dump', {
    ...network,
    database: pulumiAws.PostgresDatabase.fromInstance(database, { postgresMajorVersion: 16 }),
    databaseNames: ['orders'],
    image: RUNNER_IMAGE,
    dump: DUMP,
    replication: DUMP_REPLICATION,
    encryption: { recipients: AGE_RECIPIENTS, identitySecretArn: AGE_IDENTITY_SECRET_ARN },
  });
  const pulumiVerify = new pulumiAws.VerifyRestore('verify', { source: pulumiDump, ...network, ...DAILY_VERIFY, image: RUNNER_IMAGE });
  new pulumiAws.VerifyRestore('large-verify', { source: pulumiDump, ...network, ...LARGE_VERIFY, scratchSubnetIds: network.subnetIds, image: RUNNER_IMAGE });
  const pulumiSnapshotDrill = new pulumiAws.SnapshotRestoreDrill('snapshot', {
    database: pulumiAws.ManagedPostgresDatabase.fromInstance(database),
    secretArn: database.masterUserSecrets.apply((secrets) => secrets[0].secretArn),
    databaseName: 'orders',
    postgresMajorVersion: 16,
    vpcId: network.vpcId,
    scratchSubnetIds: network.subnetIds,
    taskSubnetIds: network.subnetIds,
    ...SNAPSHOT_DRILL,
    image: RUNNER_IMAGE,
  });
  const pulumiPointInTimeDrill = new pulumiAws.SnapshotRestoreDrill('point-in-time', {
    database: pulumiAws.ManagedPostgresDatabase.fromInstance(database),
    secretArn: database.masterUserSecrets.apply((secrets) => secrets[0].secretArn),
    databaseName: 'orders',
    postgresMajorVersion: 16,
    vpcId: network.vpcId,
    scratchSubnetIds: network.subnetIds,
    taskSubnetIds: network.subnetIds,
    ...POINT_IN_TIME_DRILL,
    image: RUNNER_IMAGE,
  });
  const pulumiDashboard = new pulumiAws.BackupDashboard('dashboard', { dump: pulumiDump, drills: [pulumiVerify, pulumiSnapshotDrill, pulumiPointInTimeDrill] });
  const pulumiPlan = new pulumiAws.ManagedPostgresBackupPlan('plan', { database: pulumiAws.ManagedPostgresDatabase.fromInstance(database), backupPlan: BACKUP_PLAN });
  const pulumiOffsite = new pulumiAws.ManagedPostgresBackupPlan('offsite', { database: pulumiAws.ManagedPostgresDatabase.fromInstance(database), ...OFFSITE });
  pulumiArchive = new pulumiAws.SelfHostedPitrArchive('archive', {
    clusterName: 'orders',
    postgresMajorVersion: 15,
    pitr: PITR,
    replication: ARCHIVE_REPLICATION,
    createInstanceRole: true,
    drill: { ...network, verification: VERIFICATION, image: RUNNER_IMAGE },
    encryption: { secretArn: PITR_CIPHER_SECRET_ARN },
  });
  const pulumiPitrDrill = pulumiArchive.drill!;
  // The fleet's database has a name of its own: the runbook names it, and the mocks would name it by reference.
  const fleetDatabase = new rds.Instance('fleet-db', {
    identifier: 'orders-db',
    engine: 'postgres',
    engineVersion: '16.4',
    instanceClass: 'db.t4g.medium',
    allocatedStorage: 20,
    storageEncrypted: true,
    manageMasterUserPassword: true,
    username: 'postgres',
  });
  const pulumiFleet = new pulumiAws.PostgresBackupBlueprint('fleet', {
    ...network,
    tier: BackupTier.BRONZE,
    bucketName: FLEET_BUCKET,
    restoreTesting: FLEET_RESTORE_TESTING,
    databases: [{
      id: 'orders',
      database: pulumiAws.PostgresDatabase.fromInstance(fleetDatabase, { postgresMajorVersion: 16 }),
      managedDatabase: pulumiAws.ManagedPostgresDatabase.fromInstance(fleetDatabase),
      databaseNames: ['orders'],
    }],
    image: RUNNER_IMAGE,
  });
  const pulumiSecuredFleet = new pulumiAws.PostgresBackupBlueprint('secured-fleet', {
    ...network,
    tier: BackupTier.BRONZE,
    bucketName: SECURED_FLEET.bucketName,
    databases: [{ id: 'orders', database: pulumiAws.PostgresDatabase.fromInstance(database, { postgresMajorVersion: 16 }), databaseNames: ['orders', 'audit'] }],
    encryption: { ...SECURED_FLEET.encryption, identitySecretArn: SECURED_FLEET.identitySecretArn },
    retention: SECURED_FLEET.retention,
    replication: SECURED_FLEET.replication,
    image: RUNNER_IMAGE,
  });
  await Promise.all([
    valueOf(pulumiDump.taskFailedRule.arn), valueOf(pulumiVerify.stateMachine.arn), valueOf(pulumiVerify.schedule.arn),
    valueOf(pulumiPlan.selection.id), valueOf(pulumiOffsite.selection.id), valueOf(pulumiOffsite.restoreTesting!.selection.id),
    ...pulumiOffsite.monitoring.alarms.map((alarm) => valueOf(alarm.arn)),
    valueOf(pulumiSnapshotDrill.stateMachine.arn), valueOf(pulumiSnapshotDrill.schedule.arn), valueOf(pulumiSnapshotDrill.taskDefinition.arn),
    ...pulumiSnapshotDrill.alarms.map((alarm) => valueOf(alarm.arn)), valueOf(pulumiDashboard.dashboardName),
    valueOf(pulumiPointInTimeDrill.stateMachine.arn), valueOf(pulumiPointInTimeDrill.schedule.arn),
    valueOf(pulumiPointInTimeDrill.taskDefinition.arn),
    ...pulumiPointInTimeDrill.alarms.map((alarm) => valueOf(alarm.arn)),
    ...[...pulumiDump.alarms, ...pulumiVerify.alarms, ...pulumiPlan.monitoring.alarms].map((alarm) => valueOf(alarm.arn)),
    ...pulumiDump.schedules.map((schedule) => valueOf(schedule.arn)),
    valueOf(pulumiPlan.monitoring.restorableTimeCheck.arn),
    valueOf(pulumiArchive.archive.bucketPolicy!.id), valueOf(pulumiArchive.instanceProfile!.arn), valueOf(pulumiArchive.postgresqlConfParameter.arn),
    ...pulumiArchive.alarms.map((alarm) => valueOf(alarm.arn)),
    ...pulumiArchive.associations.map((association) => valueOf(association.associationId)),
    valueOf(pulumiPitrDrill.stateMachine.arn), valueOf(pulumiPitrDrill.schedule.arn), valueOf(pulumiPitrDrill.taskDefinition.arn),
    ...pulumiPitrDrill.alarms.map((alarm) => valueOf(alarm.arn)),
    valueOf(pulumiFleet.drillStateMachine!.arn), valueOf(pulumiFleet.dashboard.dashboardName),
    ...pulumiFleet.alarms.map((alarm) => valueOf(alarm.arn)),
    ...pulumiFleet.drillSchedules.map((schedule) => valueOf(schedule.arn)),
    ...pulumiFleet.databases.flatMap((protectedDatabase) => [valueOf(protectedDatabase.schedule.arn), valueOf(protectedDatabase.rpoAlarm.arn)]),
    ...pulumiFleet.backupPlans.map((plan) => valueOf(plan.arn)),
    ...pulumiFleet.restoreTesting!.selections.map((selection) => valueOf(selection.id)),
    valueOf(pulumiSecuredFleet.drillStateMachine!.arn), valueOf(pulumiSecuredFleet.backupBucket.bucketPolicy!.id),
    valueOf(pulumiSecuredFleet.backupBucket.replicationConfiguration!.id),
    ...pulumiSecuredFleet.alarms.map((alarm) => valueOf(alarm.arn)),
    ...pulumiSecuredFleet.pruneSchedules.map((schedule) => valueOf(schedule.arn)),
    ...pulumiSecuredFleet.drillSchedules.map((schedule) => valueOf(schedule.arn)),
    ...pulumiSecuredFleet.databases.flatMap((secured) => [valueOf(secured.schedule.arn), valueOf(secured.rpoAlarm.arn)]),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Synthesizing every construct of both front ends once is the heavy part of this file, slower on a loaded machine.
}, 300_000);

/** The value inside a Pulumi secret as the mocks record it, or the value itself. */
function unsecret(value: any): any {
  return value !== null && typeof value === 'object' && 'value' in value ? value.value : value;
}

/** The CloudFormation resources of a type whose logical id starts with `prefix`. */
function cfnResources(type: string, prefix: string): Array<{ id: string; properties: any }> {
  return Object.entries(cfn).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix))
    .map(([id, resource]) => ({ id, properties: resource.Properties }));
}

/** The policy statements CDK attached to the role with logical id `roleId`. */
function cfnRoleStatements(roleId: string): any[] {
  return Object.values(cfn).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((role: any) => role.Ref === roleId))
    .flatMap((r) => fromCloudFormation(r.Properties.PolicyDocument.Statement));
}

function cfnRoleId(prefix: string): string {
  const ids = cfnResources('AWS::IAM::Role', prefix).map((role) => role.id);
  if (ids.length !== 1) throw new Error(`expected one role starting with ${prefix}, found ${ids.join(', ')}`);
  return ids[0];
}

function pulumiRoleStatements(roleName: string): any[] {
  return fromPulumi(engine.roleStatements(roleName));
}

function cfnAlarms(prefix: string) {
  return cfnResources('AWS::CloudWatch::Alarm', prefix).map((alarm) => alarmFromCloudFormation(fromCloudFormation(alarm.properties)))
    .sort((a, b) => a.description.localeCompare(b.description));
}

function pulumiAlarms(prefix: string) {
  return engine.ofType('aws:cloudwatch/metricAlarm:MetricAlarm').filter((alarm) => alarm.name.startsWith(prefix))
    .map((alarm) => alarmFromPulumi(fromPulumi(alarm.inputs))).sort((a, b) => a.description.localeCompare(b.description));
}

/** The permissions of the scheduler role whose policy grants `action`. */
function cfnSchedulerPermissions(action: string): string[] {
  // A dump schedule has a role of its own (ScheduleRole); drill schedules use the stack's shared SchedulerRoleForTarget.
  const candidates = [...cfnResources('AWS::IAM::Role', 'DumpScheduleRole'), ...cfnResources('AWS::IAM::Role', 'SchedulerRoleForTarget')];
  const role = candidates.map((r) => r.id).find((id) => cfnRoleStatements(id).some((s) => [s.Action].flat().includes(action)));
  return permissions(cfnRoleStatements(role!));
}

describe('ScheduledPgDump: CDK and Pulumi', () => {
  test('the dump bucket has the same lifecycle rules', () => {
    const cdkRules = lifecycleFromCloudFormation(cfnResources('AWS::S3::Bucket', 'DumpBackupsBucket')[0].properties.LifecycleConfiguration.Rules);
    const pulumiRules = lifecycleFromPulumi(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'dump-backups-lifecycle').inputs.rules);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules[0]).toMatchObject({ prefix: 'pg-dumps/', expirationDays: 45 });
  });

  test('the dump task role has the same permissions, and neither may delete', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('DumpTaskTaskRole')));
    expect(permissions(pulumiRoleStatements('dump-task-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /Delete/.test(grant))).toEqual([]);
  });

  test('the bucket policy has the same statements', () => {
    const cdkPolicy = fromCloudFormation(cfnResources('AWS::S3::BucketPolicy', 'DumpBackupsBucketPolicy')[0].properties.PolicyDocument.Statement);
    const pulumiPolicy = fromPulumi(JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'dump-backups-policy').inputs.policy).Statement);
    expect(permissions(pulumiPolicy)).toEqual(permissions(cdkPolicy));
  });

  test('the schedule role may start the same task and nothing more', () => {
    expect(permissions(pulumiRoleStatements('dump-scheduler-role'))).toEqual(cfnSchedulerPermissions('ecs:RunTask'));
  });

  test('the schedule role has the same description', () => {
    const cdkDescription = cfnResources('AWS::IAM::Role', cfnRoleId('DumpScheduleRole'))[0].properties.Description;
    expect(engine.named('aws:iam/role:Role', 'dump-scheduler-role').inputs.description).toBe(cdkDescription);
    expect(cdkDescription).toBe('Starts the scheduled pg_dump task in its cluster and tags it');
  });

  test('the schedule is the same expression in the same time zone', () => {
    const cdkSchedule = cfnResources('AWS::Scheduler::Schedule', 'DumpSchedule0')[0].properties;
    const pulumiSchedule = engine.named('aws:scheduler/schedule:Schedule', 'dump-schedule-0').inputs;
    expect([pulumiSchedule.scheduleExpression, pulumiSchedule.scheduleExpressionTimezone])
      .toEqual([cdkSchedule.ScheduleExpression, cdkSchedule.ScheduleExpressionTimezone]);
  });

  test('the alarms are the same', () => {
    const cdkAlarms = cfnAlarms('Dump');
    expect(pulumiAlarms('dump-')).toEqual(cdkAlarms);
    expect(cdkAlarms.find((alarm) => alarm.description.startsWith('No successful'))?.treatMissingData).toBe('breaching');
  });
});

/** A replication rule as data, from CloudFormation's `ReplicationConfiguration.Rules` or Pulumi's `rules`. */
function replicationRule(rule: any): Record<string, unknown> {
  const destination = rule.Destination ?? rule.destination;
  const read = (value: any, ...path: string[]) => path.reduce((node, key) => node?.[key] ?? node?.[key[0].toLowerCase() + key.slice(1)], value);
  return {
    id: read(rule, 'Id'),
    status: read(rule, 'Status'),
    prefix: read(rule, 'Filter', 'Prefix'),
    deleteMarkers: read(rule, 'DeleteMarkerReplication', 'Status'),
    kmsEncryptedObjects: read(rule, 'SourceSelectionCriteria', 'SseKmsEncryptedObjects', 'Status'),
    bucket: read(destination, 'Bucket'),
    account: read(destination, 'Account'),
    owner: read(destination, 'AccessControlTranslation', 'Owner'),
    replicaKey: destination.EncryptionConfiguration?.ReplicaKmsKeyID ?? destination.encryptionConfiguration?.replicaKmsKeyId,
    replicationTimeMinutes: read(destination, 'ReplicationTime', 'Time', 'Minutes'),
    metricsMinutes: read(destination, 'Metrics', 'EventThreshold', 'Minutes'),
  };
}

describe('Replication of the dump and WAL archive buckets: CDK and Pulumi', () => {
  test.each([
    ['dump', 'DumpBackupsBucket', 'dump-backups-replication', DUMP_REPLICATION],
    ['WAL archive', 'ArchiveBucket', 'archive-archive-replication', ARCHIVE_REPLICATION],
  ])('the %s bucket replicates with the same rule', (_name, cfnBucket, pulumiConfiguration, options) => {
    const cdkRules = cfnResources('AWS::S3::Bucket', cfnBucket)[0].properties.ReplicationConfiguration.Rules.map(replicationRule);
    const pulumiRules = engine.named('aws:s3/bucketReplicationConfig:BucketReplicationConfig', pulumiConfiguration).inputs.rules.map(replicationRule);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules[0]).toMatchObject({ deleteMarkers: 'Disabled', bucket: options.destinationBucketArn, replicaKey: options.replicaKmsKeyArn });
  });

  test.each([
    ['dump', 'DumpBackupsReplicationRole', 'dump-backups-replication-role'],
    ['WAL archive', 'ArchiveReplicationRole', 'archive-archive-replication-role'],
  ])('the %s bucket\'s replication role has the same permissions and description, and neither may delete', (_name, cfnRole, pulumiRole) => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId(cfnRole)));
    expect(permissions(pulumiRoleStatements(pulumiRole))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /Delete/.test(grant))).toEqual([]);
    expect(engine.named('aws:iam/role:Role', pulumiRole).inputs.description)
      .toBe(cfnResources('AWS::IAM::Role', cfnRoleId(cfnRole))[0].properties.Description);
  });
});

describe('VerifyRestore: CDK and Pulumi', () => {
  test('the state machine definition is the same once deployed', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'VerifyDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'verify-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
  });

  test('the drill role has the same permissions', () => {
    expect(permissions(pulumiRoleStatements('verify-drill-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('VerifyDrillRole'))));
  });

  test('the drill task role has the same permissions', () => {
    expect(permissions(pulumiRoleStatements('verify-task-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('VerifyTaskTaskRole'))));
  });

  test('the schedule role may start the same state machine and nothing more', () => {
    const cdkPermissions = cfnResources('AWS::IAM::Role', 'SchedulerRoleForTarget').map((role) => permissions(cfnRoleStatements(role.id)))
      .find((grants) => grants.some((grant) => grant.startsWith('Allow sqs:SendMessage')) && grants.some((grant) => grant.startsWith('Allow states:StartExecution')));
    expect(permissions(pulumiRoleStatements('verify-scheduler-role'))).toEqual(cdkPermissions);
  });

  test('the alarms are the same, the no-successful-drill-within-2-days alarm included', () => {
    expect(pulumiAlarms('verify-')).toEqual(cfnAlarms('Verify'));
    expect(cfnAlarms('Verify').find((alarm) => alarm.description === 'No successful dump restore drill of orders within 2 days')?.treatMissingData).toBe('breaching');
  });

  test('the dump container has the same age recipients and the drill container the same identity secret', () => {
    const cfnContainer = (prefix: string) => cfnResources('AWS::ECS::TaskDefinition', prefix)[0].properties.ContainerDefinitions
      .find((container: any) => container.Name === 'runner');
    const pulumiContainer = (name: string) => JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', name).inputs.containerDefinitions)
      .find((container: any) => container.name === 'runner');
    expect(pulumiContainer('dump-task').environment).toEqual(cfnContainer('DumpTask').Environment.map((entry: any) => ({ name: entry.Name, value: entry.Value })));
    expect(pulumiContainer('dump-task').environment).toEqual([{ name: 'PG_BACKUP_AGE_RECIPIENTS', value: AGE_RECIPIENTS[0] }]);
    const identity = (secrets: Array<{ name: string; valueFrom: unknown }>) => secrets.filter((secret) => secret.name === 'PG_BACKUP_AGE_IDENTITY');
    expect(identity(pulumiContainer('verify-task').secrets)).toEqual(identity(cfnContainer('VerifyTask').Secrets.map((entry: any) => ({ name: entry.Name, valueFrom: entry.ValueFrom }))));
  });

  test('the scratch PostgreSQL and the runner read the same generated password from one secret in both, with the same secret description', () => {
    const cfnContainers = cfnResources('AWS::ECS::TaskDefinition', 'VerifyTask')[0].properties.ContainerDefinitions;
    const pulumiContainers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'verify-task').inputs.containerDefinitions);
    const cfnSecret = (name: string) => cfnContainers.find((container: any) => container.Name === name).Secrets
      .filter((secret: any) => secret.Name !== 'PG_BACKUP_AGE_IDENTITY');
    const pulumiSecret = (name: string) => pulumiContainers.find((container: any) => container.name === name).secrets
      .filter((secret: any) => secret.name !== 'PG_BACKUP_AGE_IDENTITY');
    const cfnPassword = cfnResources('AWS::SecretsManager::Secret', 'VerifyScratchPassword')[0];
    const pulumiPassword = engine.named('aws:secretsmanager/secret:Secret', 'verify-scratch-password');
    const pulumiArn = `ref~${pulumiPassword.name}~arn`;
    expect(cfnSecret('scratch-postgres')).toEqual([{ Name: 'POSTGRES_PASSWORD', ValueFrom: { Ref: cfnPassword.id } }]);
    expect(cfnSecret('runner')).toEqual([{ Name: 'PGPASSWORD', ValueFrom: { Ref: cfnPassword.id } }]);
    expect(pulumiSecret('scratch-postgres')).toEqual([{ name: 'POSTGRES_PASSWORD', valueFrom: pulumiArn }]);
    expect(pulumiSecret('runner')).toEqual([{ name: 'PGPASSWORD', valueFrom: pulumiArn }]);
    expect(pulumiPassword.inputs.description).toBe(cfnPassword.properties.Description);
    expect(cfnPassword.properties.GenerateSecretString).toEqual({ ExcludePunctuation: true, PasswordLength: 32 });
    expect(engine.named('aws:secretsmanager/secretVersion:SecretVersion', 'verify-scratch-password-value').inputs.secretStringWo.value).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  test('only the drill\'s execution role may read the identity secret, with the same actions', () => {
    const onIdentity = (grants: string[]) => grants.filter((grant) => grant.includes('orders-age-identity'));
    const cfnReaders = cfnResources('AWS::IAM::Role', '').map((role) => ({ role: role.id, grants: onIdentity(permissions(cfnRoleStatements(role.id))) }))
      .filter((entry) => entry.grants.length > 0);
    const pulumiReaders = engine.ofType('aws:iam/role:Role').map((role) => ({ role: role.name, grants: onIdentity(permissions(pulumiRoleStatements(role.name))) }))
      .filter((entry) => entry.grants.length > 0);
    expect(cfnReaders.map((entry) => entry.role)).toEqual([expect.stringMatching(/^VerifyTaskExecutionRole/), expect.stringMatching(/^LargeVerifyTaskExecutionRole/)]);
    expect(pulumiReaders.map((entry) => entry.role)).toEqual(['verify-execution-role', 'large-verify-execution-role']);
    expect(pulumiReaders.map((entry) => entry.grants)).toEqual(cfnReaders.map((entry) => entry.grants));
  });
});

describe('VerifyRestore into a scratch RDS instance: CDK and Pulumi', () => {
  test('the state machine definition is the same once deployed, with the same subnet group, security group and dump bucket', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'LargeVerifyDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'large-verify-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
    expect(JSON.stringify(cdkDefinition)).toContain('db.r6g.xlarge');
  });

  test('the drill role has the same permissions: scratch instances by prefix, the subnet group, the managed secret, the manifest', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('LargeVerifyDrillRole')));
    expect(permissions(pulumiRoleStatements('large-verify-drill-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.join('\n')).toMatch(/rds:DeleteDBInstance.*:db:pg-drill-\*/);
  });

  test('the task role has the same permissions, the read of the scratch instance\'s RDS-managed secret included', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('LargeVerifyTaskTaskRole')));
    expect(permissions(pulumiRoleStatements('large-verify-task-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.join('\n')).toMatch(/secretsmanager:GetSecretValue/);
  });

  test('the scratch security group lets in only PostgreSQL from the drill task\'s security group, and the task runs only the runner', () => {
    const cdkIngress = Object.values(cfn).filter((resource) => resource.Type === 'AWS::EC2::SecurityGroupIngress'
      && JSON.stringify(resource.Properties.GroupId).includes('LargeVerifyScratchSecurityGroup')).map((resource) => resource.Properties);
    expect(cdkIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432 })]);
    expect(JSON.stringify(cdkIngress[0].SourceSecurityGroupId)).toContain('LargeVerifyTaskSecurityGroup');
    const pulumiGroup = engine.named('aws:ec2/securityGroup:SecurityGroup', 'large-verify-scratch-sg').inputs;
    expect(pulumiGroup.ingress).toEqual([expect.objectContaining({ protocol: 'tcp', fromPort: 5432, toPort: 5432, securityGroups: ['ref~large-verify-task-sg~id'] })]);
    const containers = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'large-verify-task').inputs.containerDefinitions);
    expect(containers.map((container: any) => container.name)).toEqual(['runner', 'write-checks']);
  });
});

describe('ManagedPostgresBackupPlan: CDK and Pulumi', () => {
  /** The rules of the CDK plan whose logical id starts with `prefix`, in one shape with Pulumi's. */
  function cdkRules(prefix: string) {
    return fromCloudFormation(cfnResources('AWS::Backup::BackupPlan', prefix)[0].properties.BackupPlan.BackupPlanRule).map((rule: any) => ({
      name: rule.RuleName,
      schedule: rule.ScheduleExpression,
      deleteAfter: rule.Lifecycle?.DeleteAfterDays,
      coldStorageAfter: rule.Lifecycle?.MoveToColdStorageAfterDays,
      continuous: rule.EnableContinuousBackup ?? false,
      copies: (rule.CopyActions ?? []).map((copy: any) => ({ vault: copy.DestinationBackupVaultArn, deleteAfter: copy.Lifecycle?.DeleteAfterDays })),
    }));
  }

  function pulumiRules(name: string) {
    return fromPulumi(engine.named('aws:backup/plan:Plan', name).inputs.rules).map((rule: any) => ({
      name: rule.ruleName,
      schedule: rule.schedule,
      deleteAfter: rule.lifecycle?.deleteAfter,
      coldStorageAfter: rule.lifecycle?.coldStorageAfter,
      continuous: rule.enableContinuousBackup ?? false,
      copies: (rule.copyActions ?? []).map((copy: any) => ({ vault: copy.destinationVaultArn, deleteAfter: copy.lifecycle?.deleteAfter })),
    }));
  }

  test('the backup plan has the same rules: schedules, retention, no cold storage, continuous backup', () => {
    expect(pulumiRules('plan-plan')).toEqual(cdkRules('Plan'));
    expect(cdkRules('Plan').map((rule: any) => rule.coldStorageAfter)).toEqual([undefined, undefined, undefined]);
  });

  test('every rule copies to the same vaults with the same retention', () => {
    expect(pulumiRules('offsite-plan')).toEqual(cdkRules('OffsitePlan'));
    expect(cdkRules('OffsitePlan')[0].copies).toEqual([{ vault: OFFSITE.copies[0].vaultArn, deleteAfter: 90 }]);
  });

  test('a locked vault has the same lock: mode, minimum and maximum retention, grace time', () => {
    const cdkLock = cfnResources('AWS::Backup::BackupVault', 'OffsiteVault')[0].properties.LockConfiguration;
    const pulumiLock = engine.named('aws:backup/vaultLockConfiguration:VaultLockConfiguration', 'offsite-vault-lock').inputs;
    expect({ min: pulumiLock.minRetentionDays, max: pulumiLock.maxRetentionDays, changeable: pulumiLock.changeableForDays })
      .toEqual({ min: cdkLock.MinRetentionDays, max: cdkLock.MaxRetentionDays, changeable: cdkLock.ChangeableForDays });
    expect(cdkLock).toEqual({ MinRetentionDays: 14, MaxRetentionDays: 400, ChangeableForDays: 7 });
  });

  test('the selection picks the same database under the same name, with the AWS Backup service policy', () => {
    const cdkSelection = cfnResources('AWS::Backup::BackupSelection', 'PlanDatabase')[0].properties.BackupSelection;
    const pulumiSelection = engine.named('aws:backup/selection:Selection', 'plan-selection').inputs;
    expect(pulumiSelection.name).toBe(cdkSelection.SelectionName);
    expect(fromPulumi(pulumiSelection.resources)).toHaveLength(fromCloudFormation(cdkSelection.Resources).length);
    const cdkRole = cfnResources('AWS::IAM::Role', 'PlanDatabaseRole')[0].properties;
    expect(JSON.stringify(fromCloudFormation(cdkRole.ManagedPolicyArns))).toContain('service-role/AWSBackupServiceRolePolicyForBackup');
    expect(engine.named('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'plan-selection-backup').inputs.policyArn)
      .toContain('service-role/AWSBackupServiceRolePolicyForBackup');
  });

  test('restore testing restores the same recovery points on the same schedule, isolated the same way', () => {
    const cdkPlan = cfnResources('AWS::Backup::RestoreTestingPlan', 'Offsite')[0].properties;
    const pulumiPlan = engine.named('aws:backup/restoreTestingPlan:RestoreTestingPlan', 'offsite-restore-testing').inputs;
    const planShape = {
      schedule: pulumiPlan.scheduleExpression, start: pulumiPlan.startWindowHours, selection: fromPulumi(pulumiPlan.recoveryPointSelection),
    };
    expect(planShape).toEqual({
      schedule: cdkPlan.ScheduleExpression,
      start: cdkPlan.StartWindowHours,
      selection: {
        algorithm: cdkPlan.RecoveryPointSelection.Algorithm,
        includeVaults: fromCloudFormation(cdkPlan.RecoveryPointSelection.IncludeVaults),
        recoveryPointTypes: cdkPlan.RecoveryPointSelection.RecoveryPointTypes,
        selectionWindowDays: cdkPlan.RecoveryPointSelection.SelectionWindowDays,
      },
    });
    const cdkSelection = cfnResources('AWS::Backup::RestoreTestingSelection', 'Offsite')[0].properties;
    const pulumiSelection = engine.named('aws:backup/restoreTestingSelection:RestoreTestingSelection', 'offsite-restore-testing-selection').inputs;
    const of = (type: unknown, overrides: unknown, hours: unknown) => ({ type, overrides, hours });
    expect(of(pulumiSelection.protectedResourceType, pulumiSelection.restoreMetadataOverrides, pulumiSelection.validationWindowHours))
      .toEqual(of(cdkSelection.ProtectedResourceType, cdkSelection.RestoreMetadataOverrides, cdkSelection.ValidationWindowHours));
    expect(cdkSelection.RestoreMetadataOverrides).toEqual({ dbSubnetGroupName: 'isolated', vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' });
    expect(cdkPlan.RecoveryPointSelection.Algorithm).toBe('RANDOM_WITHIN_WINDOW');
  });

  test('a plan with copies and a lock has the same alarms, its own RPO included', () => {
    const cdkAlarms = cfnAlarms('OffsiteMonitoring');
    expect(pulumiAlarms('offsite-monitoring')).toEqual(cdkAlarms);
    expect(cdkAlarms.map((alarm) => alarm.description)).toContain('No AWS Backup job of <ref> completed in vault <ref> within the RPO of 30 hours');
  });

  test('the restorable-time check has the same definition', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'PlanMonitoringRestorableTimeCheck')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'plan-monitoring-restorable-time-check').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
  });

  test('the check role has the same permissions', () => {
    expect(permissions(pulumiRoleStatements('plan-monitoring-check-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('PlanMonitoringCheckRole'))));
  });

  test('the vault denies the same actions', () => {
    const cdkVault = cfnResources('AWS::Backup::BackupVault', 'PlanVault')[0].properties;
    const pulumiPolicy = JSON.parse(engine.named('aws:backup/vaultPolicy:VaultPolicy', 'plan-vault-access-policy').inputs.policy);
    expect(permissions(fromPulumi(pulumiPolicy.Statement))).toEqual(permissions(fromCloudFormation(cdkVault.AccessPolicy.Statement)));
    expect(engine.named('aws:backup/vaultNotifications:VaultNotifications', 'plan-vault-notifications').inputs.backupVaultEvents).toEqual(cdkVault.Notifications.BackupVaultEvents);
  });

  test('the failed-job rules match the same events', () => {
    const cdkPatterns = cfnResources('AWS::Events::Rule', 'PlanMonitoring').map((rule) => fromCloudFormation(rule.properties.EventPattern));
    const pulumiPatterns = engine.ofType('aws:cloudwatch/eventRule:EventRule').filter((rule) => rule.name.startsWith('plan-monitoring'))
      .map((rule) => fromPulumi(JSON.parse(rule.inputs.eventPattern)));
    const byText = (patterns: any[]) => patterns.map((pattern) => JSON.stringify(pattern)).sort();
    expect(byText(pulumiPatterns)).toEqual(byText(cdkPatterns));
    expect(cdkPatterns).toHaveLength(2);
  });

  test('the alarms are the same', () => {
    const cdkAlarms = cfnAlarms('PlanMonitoring');
    expect(pulumiAlarms('plan-monitoring')).toEqual(cdkAlarms);
    expect(cdkAlarms.map((alarm) => alarm.treatMissingData)).toEqual(['breaching', 'breaching']);
  });
});

describe('SelfHostedPitrArchive: CDK and Pulumi', () => {
  test('the archive bucket has the same lifecycle rules', () => {
    const cdkRules = lifecycleFromCloudFormation(cfnResources('AWS::S3::Bucket', 'ArchiveBucket')[0].properties.LifecycleConfiguration.Rules);
    const pulumiRules = lifecycleFromPulumi(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'archive-archive-lifecycle').inputs.rules);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules.map((rule) => rule.prefix)).toEqual(['archive/orders/', 'backup/orders/']);
  });

  test('the host role has the same permissions: archive, expire, read the configuration', () => {
    const cdkRole = cfnResources('AWS::IAM::Role', 'ArchiveInstanceRole')[0].id;
    expect(permissions(pulumiRoleStatements('archive-instance-role'))).toEqual(permissions(cfnRoleStatements(cdkRole)));
  });

  test('the bucket policy has the same statements, the delete Deny sparing the same principals', () => {
    const cdkPolicy = fromCloudFormation(cfnResources('AWS::S3::BucketPolicy', 'ArchiveBucketPolicy')[0].properties.PolicyDocument.Statement);
    const pulumiPolicy = fromPulumi(JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'archive-archive-policy').inputs.policy).Statement);
    expect(permissions(pulumiPolicy)).toEqual(permissions(cdkPolicy));
  });

  test('the base backups and archive check run on the same schedules', () => {
    const cdkSchedules = cfnResources('AWS::SSM::Association', 'Archive').map((a) => `${a.properties.AssociationName} ${a.properties.ScheduleExpression}`).sort();
    const pulumiSchedules = engine.ofType('aws:ssm/association:Association').map((a) => `${a.inputs.associationName} ${a.inputs.scheduleExpression}`).sort();
    expect(pulumiSchedules).toEqual(cdkSchedules);
  });

  test('the alarms are the same, the PITR drill\'s included', () => {
    const cdkAlarms = cfnAlarms('Archive');
    expect(pulumiAlarms('archive-')).toEqual(cdkAlarms);
    expect(cdkAlarms.find((alarm) => alarm.description.startsWith('No WAL'))?.treatMissingData).toBe('breaching');
    expect(cdkAlarms.filter((alarm) => alarm.description.includes('point-in-time recovery drill'))).toHaveLength(3);
  });

  test('the PITR drill state machine definition is the same once deployed', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'ArchiveDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'archive-pitr-drill-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
    expect(JSON.stringify(cdkDefinition)).toContain('drill-pitr');
  });

  test('the PITR drill role has the same permissions', () => {
    expect(permissions(pulumiRoleStatements('archive-pitr-drill-drill-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('ArchiveDrillDrillRole'))));
  });

  test('the PITR drill task role has the same permissions: read the archive', () => {
    expect(permissions(pulumiRoleStatements('archive-pitr-drill-task-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('ArchiveDrillTaskTaskRole'))));
  });

  test('the configuration parameters have the same names, descriptions and rendered text', () => {
    const cdkParameters = cfnResources('AWS::SSM::Parameter', 'Archive').map((parameter) => fromCloudFormation(parameter.properties))
      .map((p: any) => ({ name: p.Name, description: p.Description, value: p.Value })).sort((a, b) => a.name.localeCompare(b.name));
    // The provider keeps a parameter's value secret; a key ARN the mocks mint stands for the key's reference.
    const pulumiParameters = engine.ofType('aws:ssm/parameter:Parameter').map((parameter) => fromPulumi(parameter.inputs)).map((p: any) => ({
      name: p.name, description: p.description, value: unsecret(p.value).replace(/arn:aws:kms:[^:]+:\d+:key\/<ref>/g, '<ref>'),
    })).sort((a, b) => a.name.localeCompare(b.name));
    expect(pulumiParameters).toEqual(cdkParameters);
    expect(cdkParameters.map((parameter) => parameter.name)).toEqual(['/postgres-backup/orders/pgbackrest.conf', '/postgres-backup/orders/postgresql.conf']);
    expect(cdkParameters[0].value).toContain('repo1-retention-full=3');
  });

  test('the associations run the same commands on the same hosts', () => {
    const cdkAssociations = cfnResources('AWS::SSM::Association', 'Archive').map((a) => fromCloudFormation(a.properties)).map((a: any) => ({
      name: a.AssociationName,
      document: a.Name,
      targets: a.Targets.map((t: any) => `${t.Key}=${t.Values.join(',')}`),
      commands: a.Parameters.commands.join('\n'),
      timeout: a.Parameters.executionTimeout[0],
      settings: [a.ApplyOnlyAtCronInterval, a.MaxConcurrency, a.MaxErrors, a.ComplianceSeverity],
    })).sort((a, b) => a.name.localeCompare(b.name));
    const pulumiAssociations = engine.ofType('aws:ssm/association:Association').map((a) => fromPulumi(a.inputs)).map((a: any) => ({
      name: a.associationName,
      document: a.name,
      targets: a.targets.map((t: any) => `${t.key}=${t.values.join(',')}`),
      commands: a.parameters.commands,
      timeout: a.parameters.executionTimeout,
      settings: [a.applyOnlyAtCronInterval, a.maxConcurrency, a.maxErrors, a.complianceSeverity],
    })).sort((a, b) => a.name.localeCompare(b.name));
    expect(pulumiAssociations).toEqual(cdkAssociations);
    expect(cdkAssociations.map((association) => association.commands)).toContain('set -euo pipefail\nrunuser -u postgres -- pgbackrest --stanza=orders backup --type=full');
  });

  test('a failed association is notified with the same pattern and message', () => {
    const cdkRule = cfnResources('AWS::Events::Rule', 'ArchiveFailedAssociationRule')[0].properties;
    const pulumiRule = engine.named('aws:cloudwatch/eventRule:EventRule', 'archive-failed-associations').inputs;
    // The mocks mint no association ids: the pattern names as many associations, whatever their ids.
    const withIds = (pattern: any) => ({ ...pattern, detail: { ...pattern.detail, 'association-id': pattern.detail['association-id'].map(() => '<id>') } });
    const cdkPattern = withIds(fromCloudFormation(cdkRule.EventPattern));
    expect(withIds(fromPulumi(JSON.parse(pulumiRule.eventPattern)))).toEqual(cdkPattern);
    expect(cdkPattern.detail['association-id']).toHaveLength(3);
    expect(pulumiRule.description).toBe(cdkRule.Description);
    const cdkInput = cdkRule.Targets[0].InputTransformer;
    const pulumiInput = engine.named('aws:cloudwatch/eventTarget:EventTarget', 'archive-failed-associations-notification').inputs.inputTransformer;
    const message = (template: string, paths: Record<string, string>) => template.replace(/<([^>]+)>/g, (_, name: string) => `<${paths[name]}>`);
    expect(message(pulumiInput.inputTemplate, pulumiInput.inputPaths)).toEqual(message(cdkInput.InputTemplate, cdkInput.InputPathsMap));
    expect(message(cdkInput.InputTemplate, cdkInput.InputPathsMap)).toBe('"orders: association <$.detail.association-name> failed on <$.detail.instance-id> (<$.detail.detailed-status>)"');
  });

  test('the instance role and the key are described alike, and the role holds the same managed policies', () => {
    const cdkRole = cfnResources('AWS::IAM::Role', 'ArchiveInstanceRole')[0].properties;
    const pulumiRole = engine.named('aws:iam/role:Role', 'archive-instance-role').inputs;
    expect(pulumiRole.description).toBe(cdkRole.Description);
    expect(fromPulumi(pulumiRole.managedPolicyArns)).toEqual(fromCloudFormation(cdkRole.ManagedPolicyArns));
    const cdkKey = cfnResources('AWS::KMS::Key', 'ArchiveKey')[0].properties;
    expect(engine.named('aws:kms/key:Key', 'archive-archive-key').inputs.description).toBe(cdkKey.Description);
  });

  test('the user data sets up a host alike, the CloudWatch agent\'s metric listener included', async () => {
    const pulumiUserData = fromPulumi(await valueOf(pulumiArchive.userDataCommands())) as string[];
    const parameterNames = /\/postgres-backup\/orders\/(pgbackrest|postgresql)\.conf(?= --query)/g;
    expect(pulumiUserData.map((command) => command.replace(parameterNames, '<ref>'))).toEqual(cdkUserData);
    expect(cdkUserData.some((command) => command.includes('amazon-cloudwatch-agent-ctl'))).toBe(true);
  });

  test('the repository is encrypted alike: the hosts\' role and the drill\'s execution role, and no other, read the cipher pass', () => {
    const readsPass = (statements: any[]) => statements.filter((statement) => JSON.stringify(statement.Resource).includes('cipher-pass'));
    const cdkHostReads = readsPass(cfnRoleStatements(cfnResources('AWS::IAM::Role', 'ArchiveInstanceRole')[0].id));
    expect(permissions(readsPass(pulumiRoleStatements('archive-instance-role')))).toEqual(permissions(cdkHostReads));
    expect(cdkHostReads.flatMap((statement) => actionsOf(statement))).toEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
    const cdkDrillReads = readsPass(cfnRoleStatements(cfnRoleId('ArchiveDrillTaskExecutionRole')));
    expect(permissions(readsPass(pulumiRoleStatements('archive-pitr-drill-execution-role')))).toEqual(permissions(cdkDrillReads));
    expect(cdkDrillReads).toHaveLength(1);
    expect(readsPass(cfnRoleStatements(cfnRoleId('ArchiveDrillTaskTaskRole')))).toEqual([]);
    expect(readsPass(pulumiRoleStatements('archive-pitr-drill-task-role'))).toEqual([]);

    const cdkContainer = cfnResources('AWS::ECS::TaskDefinition', 'ArchiveDrillTask')[0].properties.ContainerDefinitions[0];
    const pulumiContainer = JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'archive-pitr-drill-task').inputs.containerDefinitions)[0];
    expect(pulumiContainer.secrets).toEqual(cdkContainer.Secrets.map((secret: any) => ({ name: secret.Name, valueFrom: secret.ValueFrom })));
    expect(cdkContainer.Secrets).toEqual([{ Name: 'PGBACKREST_REPO1_CIPHER_PASS', ValueFrom: PITR_CIPHER_SECRET_ARN }]);
    expect(cdkUserData.join('\n')).toContain(`--secret-id ${PITR_CIPHER_SECRET_ARN}`);
  });

  test('the PITR drill runs on the same schedule', () => {
    const cdkSchedule = cfnResources('AWS::Scheduler::Schedule', 'ArchiveDrillSchedule')[0].properties;
    const pulumiSchedule = engine.named('aws:scheduler/schedule:Schedule', 'archive-pitr-drill-schedule').inputs;
    expect([pulumiSchedule.scheduleExpression, pulumiSchedule.scheduleExpressionTimezone])
      .toEqual([cdkSchedule.ScheduleExpression, cdkSchedule.ScheduleExpressionTimezone]);
  });
});

describe('SnapshotRestoreDrill: CDK and Pulumi', () => {
  test('the state machine definition is the same once deployed', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'SnapshotDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'snapshot-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
  });

  test('the drill role has the same permissions, deleting only scratch databases with the prefix', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('SnapshotDrillRole')));
    expect(permissions(pulumiRoleStatements('snapshot-drill-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /rds:Delete/.test(grant))).toEqual(['Allow rds:DeleteDBInstance on arn:aws:rds:eu-west-1:123456789012:db:orders-drill-*']);
  });

  test('the checks task runs the same command with the same environment', () => {
    const cdkContainer = fromCloudFormation(cfnResources('AWS::ECS::TaskDefinition', 'SnapshotTask')[0].properties.ContainerDefinitions[0]);
    const pulumiContainer = fromPulumi(JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'snapshot-task').inputs.containerDefinitions)[0]);
    expect(pulumiContainer.command).toEqual(cdkContainer.Command);
    expect(pulumiContainer.environment.map((e: any) => [e.name, e.value]).sort())
      .toEqual(cdkContainer.Environment.map((e: any) => [e.Name, e.Value]).sort());
    expect(cdkContainer.Command).toEqual(['pg-backup', 'check', '--min-rows', 'public.orders=1', '--sql-env', 'PG_BACKUP_CHECK_0']);
  });

  test('the alarms are the same', () => {
    expect(pulumiAlarms('snapshot-')).toEqual(cfnAlarms('Snapshot'));
  });
});

describe('SnapshotRestoreDrill with pointInTime: CDK and Pulumi', () => {
  test('the state machine definition is the same once deployed: the restore to a point in time', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'PointInTimeDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'point-in-time-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
    expect(cdkDefinition.States['Restore scratch instance'].Resource).toBe('arn:aws:states:::aws-sdk:rds:restoreDBInstanceToPointInTime');
  });

  test('the drill role has the same permissions, restoring the source to a time and deleting only scratch instances with the prefix', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('PointInTimeDrillRole')));
    expect(permissions(pulumiRoleStatements('point-in-time-drill-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /rds:Delete/.test(grant))).toEqual(['Allow rds:DeleteDBInstance on arn:aws:rds:eu-west-1:123456789012:db:orders-pit-*']);
  });

  test('the checks task runs the same command with the same environment, the recovery point query included', () => {
    const cdkContainer = fromCloudFormation(cfnResources('AWS::ECS::TaskDefinition', 'PointInTimeTask')[0].properties.ContainerDefinitions[0]);
    const pulumiContainer = fromPulumi(JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', 'point-in-time-task').inputs.containerDefinitions)[0]);
    expect(pulumiContainer.command).toEqual(cdkContainer.Command);
    expect(pulumiContainer.environment.map((e: any) => [e.name, e.value]).sort())
      .toEqual(cdkContainer.Environment.map((e: any) => [e.Name, e.Value]).sort());
    expect(cdkContainer.Environment).toContainEqual({ Name: 'PG_BACKUP_RECOVERY_POINT_QUERY', Value: 'SELECT max(placed_at) FROM orders' });
  });

  test('the alarms are the same, the recovery point\'s included', () => {
    const cdkAlarms = cfnAlarms('PointInTime');
    expect(pulumiAlarms('point-in-time-')).toEqual(cdkAlarms);
    expect(cdkAlarms.map((alarm) => alarm.description)).toContain('A point-in-time restore drill of orders recovered data more than 15 minutes older than its target time');
  });
});

describe('BackupDashboard: CDK and Pulumi', () => {
  test('the dashboard body is the same: the same graphs, metrics, lines and layout', () => {
    const cdkBody = JSON.parse(fromCloudFormation(cfnResources('AWS::CloudWatch::Dashboard', 'Dashboard')[0].properties.DashboardBody));
    const pulumiBody = JSON.parse(engine.named('aws:cloudwatch/dashboard:Dashboard', 'dashboard-dashboard').inputs.dashboardBody);
    expect(pulumiBody).toEqual(cdkBody);
    expect(cdkBody.widgets.map((widget: any) => widget.properties.title)).toEqual([
      'orders: hours since the last good dump (RPO 27 h)', 'orders: dump size', 'orders: dump duration and failures',
      'orders: dump drills', 'orders: dump days since the last good drill', 'orders: dump restore time (RTO 45 min)',
      'orders: snapshot drills', 'orders: snapshot days since the last good drill', 'orders: snapshot restore time (RTO 45 min)',
      'orders: point-in-time drills', 'orders: point-in-time days since the last good drill', 'orders: point-in-time restore time (RTO 45 min)',
      'orders: point-in-time recovery point, seconds before the target',
    ]);
    const drillsOf = (widget: any) => widget.properties.metrics.map((row: any[]) => row[row.indexOf('Drill') + 1]);
    expect(cdkBody.widgets.slice(3).filter((widget: any) => / drills$/.test(widget.properties.title)).map(drillsOf))
      .toEqual([['dump', 'dump'], ['snapshot', 'snapshot'], ['point-in-time', 'point-in-time']]);
    const recoveryPoint = cdkBody.widgets[cdkBody.widgets.length - 1].properties;
    expect(recoveryPoint.metrics).toEqual([['PostgresBackup', 'RecoveryPointGapSeconds', 'Database', 'orders', 'Drill', 'point-in-time', { period: 86_400, stat: 'Maximum' }]]);
    expect(recoveryPoint.annotations.horizontal).toEqual([expect.objectContaining({ value: 15 * 60, label: 'Largest accepted gap' })]);
  });
});

describe('PostgresBackupBlueprint: CDK and Pulumi', () => {
  test('the dashboard body is the same: the same searches by database, layout and RPO alarm status', () => {
    const cdkBody = JSON.parse(fromCloudFormation(cfnResources('AWS::CloudWatch::Dashboard', 'FleetDashboard')[0].properties.DashboardBody));
    const pulumiBody = JSON.parse(engine.named('aws:cloudwatch/dashboard:Dashboard', 'fleet-dashboard').inputs.dashboardBody);
    // The alarms are tokens in CDK and ARNs under the mocks: their count is what both must agree on.
    const alarmsCounted = (body: any) => body.widgets.map((widget: any) => (widget.type === 'alarm'
      ? { ...widget, properties: { ...widget.properties, alarms: widget.properties.alarms.length } } : widget));
    expect(alarmsCounted(pulumiBody)).toEqual(alarmsCounted(cdkBody));
    expect(cdkBody.widgets.map((widget: any) => widget.properties.title)).toEqual([
      'Dump failures by database', 'Dump size by database', 'Restore drills failed by database', 'Restore duration by database (seconds)',
      'RPO of each database (1–1)',
    ]);
  });

  test('the bucket has the same lifecycle rules, one per server', () => {
    const cdkRules = lifecycleFromCloudFormation(cfnResources('AWS::S3::Bucket', 'FleetBackupsBucket')[0].properties.LifecycleConfiguration.Rules);
    const pulumiRules = lifecycleFromPulumi(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'fleet-backups-lifecycle').inputs.rules);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules.map((rule) => rule.prefix)).toEqual(['pg-dumps/orders/']);
  });

  test('the drill state machine definition is the same once deployed', () => {
    const cdkDefinition = definitionFromCloudFormation(cfnResources('AWS::StepFunctions::StateMachine', 'FleetDrill')[0].properties);
    const pulumiDefinition = definitionFromPulumi(engine.named('aws:sfn/stateMachine:StateMachine', 'fleet-drill').inputs.definition);
    expect(pulumiDefinition).toEqual(cdkDefinition);
  });

  test('the drill role has the same permissions', () => {
    expect(permissions(pulumiRoleStatements('fleet-drill-role'))).toEqual(permissions(cfnRoleStatements(cfnRoleId('FleetDrillRole'))));
  });

  test('the dump schedule role has the same description and may start the same tasks', () => {
    const cdkRole = cfnResources('AWS::IAM::Role', cfnRoleId('FleetDumpScheduleRole'))[0];
    expect(engine.named('aws:iam/role:Role', 'fleet-dump-scheduler-role').inputs.description).toBe(cdkRole.properties.Description);
    expect(permissions(pulumiRoleStatements('fleet-dump-scheduler-role'))).toEqual(permissions(cfnRoleStatements(cdkRole.id)));
  });

  test('the dump and drill schedules have the same descriptions, expressions and time zones', () => {
    const schedule = (description: string, expression: string, timezone: string) => `${description} | ${expression} ${timezone}`;
    const cdkSchedules = cfnResources('AWS::Scheduler::Schedule', 'Fleet')
      .map(({ properties }) => schedule(properties.Description, properties.ScheduleExpression, properties.ScheduleExpressionTimezone)).sort();
    const pulumiSchedules = engine.ofType('aws:scheduler/schedule:Schedule').filter((resource) => resource.name.startsWith('fleet-'))
      .map(({ inputs }) => schedule(inputs.description, inputs.scheduleExpression, inputs.scheduleExpressionTimezone)).sort();
    expect(pulumiSchedules).toEqual(cdkSchedules);
    expect(cdkSchedules).toHaveLength(2);
  });

  test('the role AWS Backup backs up the fleet\'s managed databases with has the same description', () => {
    const cdkDescription = cfnResources('AWS::IAM::Role', cfnRoleId('FleetBackupSelectionRole'))[0].properties.Description;
    expect(engine.named('aws:iam/role:Role', 'fleet-backup-selection-role').inputs.description).toBe(cdkDescription);
    expect(cdkDescription).toBe('AWS Backup backs up the fleet\'s managed databases with this role');
  });

  test('restore testing restores the same recovery points of the fleet vault on the same schedule, selecting the same database isolated the same way', () => {
    const cdkPlan = cfnResources('AWS::Backup::RestoreTestingPlan', 'Fleet')[0].properties;
    const pulumiPlan = engine.named('aws:backup/restoreTestingPlan:RestoreTestingPlan', 'fleet-restore-testing').inputs;
    const { includeVaults, ...pulumiSelection } = fromPulumi(pulumiPlan.recoveryPointSelection);
    expect({ schedule: pulumiPlan.scheduleExpression, start: pulumiPlan.startWindowHours, selection: pulumiSelection }).toEqual({
      schedule: cdkPlan.ScheduleExpression,
      start: cdkPlan.StartWindowHours,
      selection: {
        algorithm: cdkPlan.RecoveryPointSelection.Algorithm,
        recoveryPointTypes: cdkPlan.RecoveryPointSelection.RecoveryPointTypes,
        selectionWindowDays: cdkPlan.RecoveryPointSelection.SelectionWindowDays,
      },
    });
    expect(includeVaults).toHaveLength(1);
    expect(JSON.stringify(cdkPlan.RecoveryPointSelection.IncludeVaults)).toContain(cfnResources('AWS::Backup::BackupVault', 'FleetVault')[0].id);
    const cdkSelections = cfnResources('AWS::Backup::RestoreTestingSelection', 'Fleet').map(({ properties }) => properties);
    const pulumiSelections = engine.ofType('aws:backup/restoreTestingSelection:RestoreTestingSelection')
      .filter((selection) => selection.name.startsWith('fleet-')).map(({ inputs }) => inputs);
    const of = (type: unknown, arns: unknown[], overrides: unknown, hours: unknown) => ({ type, arns: arns.length, overrides, hours });
    expect(pulumiSelections.map((selection) => of(
      selection.protectedResourceType, selection.protectedResourceArns, selection.restoreMetadataOverrides, selection.validationWindowHours,
    ))).toEqual(cdkSelections.map((selection) => of(
      selection.ProtectedResourceType, selection.ProtectedResourceArns, selection.RestoreMetadataOverrides, selection.ValidationWindowHours,
    )));
    expect(cdkSelections).toHaveLength(1);
    expect(cdkPlan.RecoveryPointSelection).toMatchObject({ Algorithm: 'RANDOM_WITHIN_WINDOW', SelectionWindowDays: 3 });
    expect(engine.named('aws:iam/rolePolicyAttachment:RolePolicyAttachment', 'fleet-restore-testing-restores').inputs.policyArn)
      .toContain('service-role/AWSBackupServiceRolePolicyForRestores');
    expect(JSON.stringify(cfnResources('AWS::IAM::Role', 'FleetRestoreTestingRole')[0].properties.ManagedPolicyArns))
      .toContain('service-role/AWSBackupServiceRolePolicyForRestores');
  });

  test('the alarms are the same: the RPO of each database, a dead-lettered start, a failed drill, a drill over the RTO', () => {
    const cdkAlarms = cfnAlarms('Fleet');
    expect(pulumiAlarms('fleet-')).toEqual(cdkAlarms);
    expect(cdkAlarms.map((alarm) => alarm.description)).toEqual([
      'A fleet restore drill failed: each failed database was notified by name, and its drill metric is 1',
      'A fleet restore drill took longer than the RTO of 240 minutes. The alarm\'s value is the sum of the numbers of the databases that did: 1 = orders/orders',
      'EventBridge Scheduler could not start a fleet pg_dump or prune task or restore drill, or EventBridge could not send a task-failed notification to the topic; the event is in the dead-letter queue. When the topic is what fails, this alarm reaches no one either: it still shows in CloudWatch',
      'No successful pg_dump of orders on orders within the RPO of 26 hours',
    ]);
  });
});

describe('PostgresBackupBlueprint with encryption, grandfather-father-son retention and replication: CDK and Pulumi', () => {
  const cfnContainer = (prefix: string, name: string) => cfnResources('AWS::ECS::TaskDefinition', prefix)[0].properties.ContainerDefinitions
    .find((container: any) => container.Name === name);
  const pulumiContainer = (name: string, container: string) => JSON.parse(engine.named('aws:ecs/taskDefinition:TaskDefinition', name).inputs.containerDefinitions)
    .find((candidate: any) => candidate.name === container);

  test('the dump task definition has the same age recipients, public keys only', () => {
    const cdkEnvironment = cfnContainer('SecuredFleetDumpTask16', 'runner').Environment.map((entry: any) => ({ name: entry.Name, value: entry.Value }));
    expect(pulumiContainer('secured-fleet-dump-task-16', 'runner').environment).toEqual(cdkEnvironment);
    expect(cdkEnvironment).toEqual([{ name: 'PG_BACKUP_AGE_RECIPIENTS', value: AGE_RECIPIENTS[0] }]);
  });

  test('the drill task decrypts with the same identity secret, and only the drill\'s execution role may read it', () => {
    const identity = (secrets: Array<{ name: string; valueFrom: unknown }>) => secrets.filter((secret) => secret.name === 'PG_BACKUP_AGE_IDENTITY');
    const cdkIdentity = identity(cfnContainer('SecuredFleetDrillTask16', 'runner').Secrets.map((entry: any) => ({ name: entry.Name, valueFrom: entry.ValueFrom })));
    expect(identity(pulumiContainer('secured-fleet-drill-task-16', 'runner').secrets)).toEqual(cdkIdentity);
    expect(cdkIdentity).toEqual([{ name: 'PG_BACKUP_AGE_IDENTITY', valueFrom: SECURED_FLEET.identitySecretArn }]);
    const onIdentity = (grants: string[]) => grants.filter((grant) => grant.includes('fleet-age-identity'));
    const cfnReaders = cfnResources('AWS::IAM::Role', '').map((role) => ({ role: role.id, grants: onIdentity(permissions(cfnRoleStatements(role.id))) }))
      .filter((entry) => entry.grants.length > 0);
    const pulumiReaders = engine.ofType('aws:iam/role:Role').map((role) => ({ role: role.name, grants: onIdentity(permissions(pulumiRoleStatements(role.name))) }))
      .filter((entry) => entry.grants.length > 0);
    expect(cfnReaders.map((entry) => entry.role)).toEqual([expect.stringMatching(/^SecuredFleetDrillExecutionRole/)]);
    expect(pulumiReaders.map((entry) => entry.role)).toEqual(['secured-fleet-drill-execution-role']);
    expect(pulumiReaders[0].grants).toEqual(cfnReaders[0].grants);
  });

  test('the prune role has the same permissions, the only role that may delete, and under the fleet prefix only, in the bucket and its offsite copy', () => {
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('SecuredFleetPruneTaskTaskRole')));
    expect(permissions(pulumiRoleStatements('secured-fleet-prune-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /Delete/.test(grant))).toEqual([
      expect.stringMatching(/^Allow s3:DeleteObject on .*\/pg-dumps\/\*$/),
      'Allow s3:DeleteObject on arn:aws:s3:::secured-fleet-offsite/pg-dumps/*',
    ]);
    const fleetRoles = cfnResources('AWS::IAM::Role', 'SecuredFleet').map((resource) => resource.id);
    expect(fleetRoles.length).toBeGreaterThan(5);
    for (const role of fleetRoles.filter((id) => !id.startsWith('SecuredFleetPruneTaskTaskRole'))) {
      expect(permissions(cfnRoleStatements(role)).filter((grant) => /s3:Delete/.test(grant))).toEqual([]);
    }
    expect(permissions(cfnRoleStatements(cfnRoleId('SecuredFleetDumpTaskRole'))).filter((grant) => /Delete/.test(grant))).toEqual([]);
    const cdkPolicy = fromCloudFormation(cfnResources('AWS::S3::BucketPolicy', 'SecuredFleetBackupsBucketPolicy')[0].properties.PolicyDocument.Statement);
    const pulumiPolicy = fromPulumi(JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'secured-fleet-backups-policy').inputs.policy).Statement);
    const denyDelete = (statements: any[]) => permissions(statements).filter((grant) => grant.startsWith('Deny s3:DeleteObject'));
    expect(denyDelete(pulumiPolicy).length).toBe(1);
    expect(denyDelete(cdkPolicy).length).toBe(1);
  });

  test('the prune schedules run the same commands on the same schedule, and their role may start the same task', () => {
    const run = (description: string, expression: string, input: string) => {
      const command = JSON.parse(input).containerOverrides[0].command;
      return `${description} | ${expression} | ${JSON.stringify(command)}`;
    };
    const cdkInput = (properties: any) => JSON.stringify(fromCloudFormation(JSON.parse(properties.Target.Input)));
    const cdkRuns = cfnResources('AWS::Scheduler::Schedule', 'SecuredFleetPruneSchedule')
      .map(({ properties }) => run(properties.Description, properties.ScheduleExpression, cdkInput(properties))).sort();
    const pulumiRuns = engine.ofType('aws:scheduler/schedule:Schedule').filter((resource) => resource.name.startsWith('secured-fleet-prune-'))
      .map(({ inputs }) => run(inputs.description, inputs.scheduleExpression, inputs.target.input)).sort();
    expect(pulumiRuns).toEqual(cdkRuns);
    expect(cdkRuns).toHaveLength(2);
    expect(cdkRuns[0]).toContain('"--metric-dimension","Server=orders"');
    const cdkRole = cfnResources('AWS::IAM::Role', cfnRoleId('SecuredFleetPruneScheduleRole'))[0];
    expect(engine.named('aws:iam/role:Role', 'secured-fleet-prune-scheduler-role').inputs.description).toBe(cdkRole.properties.Description);
    expect(permissions(pulumiRoleStatements('secured-fleet-prune-scheduler-role'))).toEqual(permissions(cfnRoleStatements(cdkRole.id)));
  });

  test('the bucket replicates with the same rule and role, which may not delete', () => {
    const cdkRules = cfnResources('AWS::S3::Bucket', 'SecuredFleetBackupsBucket')[0].properties.ReplicationConfiguration.Rules.map(replicationRule);
    const pulumiRules = engine.named('aws:s3/bucketReplicationConfig:BucketReplicationConfig', 'secured-fleet-backups-replication').inputs.rules.map(replicationRule);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules[0]).toMatchObject({ deleteMarkers: 'Disabled', bucket: SECURED_FLEET.replication.destinationBucketArn });
    const cdkPermissions = permissions(cfnRoleStatements(cfnRoleId('SecuredFleetBackupsReplicationRole')));
    expect(permissions(pulumiRoleStatements('secured-fleet-backups-replication-role'))).toEqual(cdkPermissions);
    expect(cdkPermissions.filter((grant) => /Delete/.test(grant))).toEqual([]);
  });

  test('the bucket lifecycle is the same safety net, twice the longest class', () => {
    const cdkRules = lifecycleFromCloudFormation(cfnResources('AWS::S3::Bucket', 'SecuredFleetBackupsBucket')[0].properties.LifecycleConfiguration.Rules);
    const pulumiRules = lifecycleFromPulumi(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'secured-fleet-backups-lifecycle').inputs.rules);
    expect(pulumiRules).toEqual(cdkRules);
    expect(cdkRules.map((rule) => [rule.prefix, rule.expirationDays])).toEqual([['pg-dumps/orders/', 372]]);
  });

  test('the alarms are the same: RPO and prune per database, failed and late replication, one RTO alarm for both databases', () => {
    const cdkAlarms = cfnAlarms('SecuredFleet');
    expect(pulumiAlarms('secured-fleet-')).toEqual(cdkAlarms);
    expect(cdkAlarms.find((alarm) => alarm.description.includes('longer than the RTO'))).toMatchObject({
      expression: 'IF(FILL(d0, 0) > 14400, 1, 0) + IF(FILL(d1, 0) > 14400, 2, 0)',
      description: expect.stringMatching(/1 = orders\/orders, 2 = orders\/audit$/),
    });
    expect(cdkAlarms.map((alarm) => alarm.description)).toEqual(expect.arrayContaining([
      'A pg-backup prune of audit on orders failed or deleted nothing because no dump succeeded within the RPO; see the task logs',
      'A pg-backup prune of orders on orders failed or deleted nothing because no dump succeeded within the RPO; see the task logs',
    ]));
    expect(cdkAlarms).toHaveLength(9);
  });
});
