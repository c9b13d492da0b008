import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { actionsOf, logicalIdOf, statementsOfRole, TEST_RUNNER_IMAGE, vpcWithDatabaseSubnets } from './stacks';
import { ManagedPostgresDatabase, PgDumpLocation, SnapshotRestoreDrill } from '../../src/cdk';
import { EXECUTION_NAME, TaskHandler, aslProblems, expectFailurePath, runDrill, withFailures } from '../core/aws/state-machines/drill-harness';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/5e6f';
const ENDPOINT = { Address: 'pg-drill-1.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
/** Restorable times far before and after any execution's start, so a test decides on which side of the target they are. */
const LONG_AGO = '2000-01-01T00:00:00Z';
const FAR_AHEAD = '2100-01-01T00:00:00Z';
const POINT_IN_TIME = {
  targetLagMinutes: 60,
  randomExtraLagMinutes: 30,
  recoveryPointQuery: 'SELECT max(placed_at) FROM orders',
  maxRecoveryPointGapMinutes: 15,
};

/** A stack with the VPC layout of the examples: public, private with egress (tasks), isolated (databases). */
function networkStack() {
  const app = new App();
  const stack = new Stack(app, 'Drill', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = vpcWithDatabaseSubnets(stack);
  return { stack, vpc };
}

/** What the drill's AWS calls answer when everything works: a source restorable past the target, a scratch database that comes up. */
const clusterHandlers: Record<string, TaskHandler> = {
  'Describe source': () => ({ DbClusters: [{ DbClusterIdentifier: 'shop', Engine: 'aurora-postgresql', EarliestRestorableTime: LONG_AGO, LatestRestorableTime: FAR_AHEAD }] }),
  'Restore scratch cluster': () => ({ DbCluster: { Status: 'creating' } }),
  'Create scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'creating' } }),
  'Describe scratch instance': (_input, call) => ({ DbInstances: [{ DbInstanceStatus: call === 0 ? 'creating' : 'available', ...(call === 0 ? {} : { Endpoint: ENDPOINT }) }] }),
  'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED' }),
  'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
  'Stop checks task': () => ({}),
  'Delete scratch instance': () => ({}),
  'Delete scratch cluster': () => ({}),
  'Delete scratch instance after failure': () => ({}),
  'Delete scratch cluster after failure': () => ({}),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'm-1' }),
};

/** The synthesized state machine definition of the drill, and its substitutions. */
function drillMachine(template: Template): { definition: any; substitutions: Record<string, unknown> } {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(1);
  return { definition: JSON.parse(machines[0].Properties.DefinitionString), substitutions: machines[0].Properties.DefinitionSubstitutions };
}

describe('SnapshotRestoreDrill with pointInTime of an Aurora cluster', () => {
  let stack: Stack;
  let template: Template;
  let definition: any;
  let substitutions: Record<string, unknown>;
  let drill: SnapshotRestoreDrill;
  const restored = ['Describe source', 'Restore scratch cluster', 'Create scratch instance'];
  const checked = ['Describe scratch instance', 'Describe scratch instance', 'Run checks task'];
  const deletedBoth = ['Delete scratch instance after failure', 'Delete scratch cluster after failure'];
  const reported = ['Publish failure metric', 'Notify failure'];

  beforeAll(() => {
    const network = networkStack();
    stack = network.stack;
    const cluster = new rds.DatabaseCluster(stack, 'Cluster', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.provisioned('writer'),
      vpc: network.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    drill = new SnapshotRestoreDrill(stack, 'PitDrill', {
      database: ManagedPostgresDatabase.fromCluster(cluster, { databaseName: 'shop' }),
      vpc: network.vpc,
      image: TEST_RUNNER_IMAGE,
      verification: { maxRestoreDurationMinutes: 90 },
      rowCounts: [{ table: 'orders', min: 1 }],
      pointInTime: POINT_IN_TIME,
    });
    template = Template.fromStack(stack);
    ({ definition, substitutions } = drillMachine(template));
  });

  const container = () => Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];

  test('the scratch cluster goes into a DB subnet group of the isolated subnets, behind its own group open only to the checks task', () => {
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      DBSubnetGroupDescription: 'Isolated subnets of the point-in-time drill\'s scratch databases',
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcdatabaseSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcdatabaseSubnet2') }],
    });
    const scratchGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'PitDrillScratchSecurityGroup');
    const taskGroup = logicalIdOf(template, 'AWS::EC2::SecurityGroup', 'PitDrillTaskSecurityGroup');
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .filter((rule) => rule.Properties.GroupId['Fn::GetAtt']?.[0] === scratchGroup);
    expect(ingress.map((rule) => rule.Properties)).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', SourceSecurityGroupId: { 'Fn::GetAtt': [taskGroup, 'GroupId'] },
    })]);
    expect(substitutions.VpcSecurityGroupIds).toEqual({ 'Fn::GetAtt': [scratchGroup, 'GroupId'] });
    expect(substitutions.DbSubnetGroupName).toEqual({ Ref: expect.stringMatching(/^PitDrillScratchSubnets/) });
  });

  test('the checks task compares the newest commit time with the target, bounded, and publishes the gap under Drill=point-in-time', () => {
    expect(container().Command).toEqual(['pg-backup', 'check', '--min-rows', 'orders=1', '--max-recovery-point-gap', '15m']);
    expect(Object.fromEntries(container().Environment.map((e: any) => [e.Name, e.Value]))).toEqual({
      PGDATABASE: 'shop',
      PGSSLMODE: 'require',
      PG_BACKUP_RECOVERY_POINT_QUERY: 'SELECT max(placed_at) FROM orders',
      PG_BACKUP_METRICS_NAMESPACE: 'PostgresBackup',
      PG_BACKUP_METRIC_DIMENSIONS: 'Drill=point-in-time',
    });
  });

  test('the state machine is core\'s point-in-time drill, valid by asl-validator, every placeholder substituted, waiting the target lag', () => {
    expect(aslProblems(definition)).toEqual([]);
    const placeholders = [...new Set([...JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1]))].sort();
    expect(Object.keys(substitutions).sort()).toEqual(placeholders);
    expect(substitutions.SourceIdentifier).toEqual({ Ref: logicalIdOf(template, 'AWS::RDS::DBCluster', 'Cluster') });
    expect(definition.States['Wait target lag']).toMatchObject({ Type: 'Wait', Seconds: 3600 });
    expect(definition.States['Draw extra lag'].Parameters).toEqual({ 'seconds.$': 'States.MathRandom(0, 1801)' });
    expect(definition.States['Restore scratch cluster'].Resource).toBe('arn:${Partition}:states:::aws-sdk:rds:restoreDBClusterToPointInTime');
  });

  test('a successful drill restores a full copy to the target, hands the target to the checks, deletes both scratch resources, then reports', async () => {
    const run = await runDrill(definition, clusterHandlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...restored, ...checked, 'Delete scratch instance', 'Delete scratch cluster', 'Publish restore duration', 'Publish success metric']);
    const restore = run.calls.find((c) => c.state === 'Restore scratch cluster')!.input;
    expect(restore).toMatchObject({ SourceDbClusterIdentifier: 'orders-db', RestoreType: 'full-copy', DeletionProtection: false });
    expect(restore.Tags).toContainEqual({ Key: 'postgres-backup:drill', Value: EXECUTION_NAME });
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override.Environment).toContainEqual({ Name: 'PG_BACKUP_DRILL_TARGET_TIME', Value: restore.RestoreTime });
    expect(override.Command).toEqual(['pg-backup', ...container().Command.slice(1)]);
    expect(definition.States['Publish restore duration'].Parameters.MetricData[0].Dimensions).toContainEqual({ Name: 'Drill', Value: 'point-in-time' });
  });

  test('when RDS refuses the restore, the scratch cluster is deleted (if it exists) before the failure is reported', async () => {
    const run = await runDrill(definition, withFailures(clusterHandlers, ['Restore scratch cluster'], 'Rds.InvalidRestoreException'));
    expect(run.order).toEqual(['Describe source', 'Restore scratch cluster', 'Delete scratch cluster after failure', ...reported]);
    expectFailurePath(run, { error: 'Rds.InvalidRestoreException', cleanup: ['Delete scratch cluster after failure'] });
  });

  test('when the target is older than the continuous backups reach, nothing is created and the reason is reported', async () => {
    const run = await runDrill(definition, {
      ...clusterHandlers,
      'Describe source': () => ({ DbClusters: [{ Engine: 'aurora-postgresql', EarliestRestorableTime: FAR_AHEAD, LatestRestorableTime: FAR_AHEAD }] }),
    });
    expect(run.order).toEqual(['Describe source', ...reported]);
    expectFailurePath(run, { error: 'RestoreDrill.NotRestorable', cleanup: [] });
  });

  test('when the scratch instance never becomes available, the drill gives up after its bound and deletes the instance and the cluster', async () => {
    const bound = definition.States['Is scratch instance available?'].Choices.find((c: any) => c.NumericGreaterThanEquals !== undefined).NumericGreaterThanEquals;
    const run = await runDrill(definition, { ...clusterHandlers, 'Describe scratch instance': () => ({ DbInstances: [{ DbInstanceStatus: 'creating' }] }) });
    expect(run.order.filter((state) => state === 'Describe scratch instance')).toHaveLength(bound);
    expect(run.order).not.toContain('Run checks task');
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: deletedBoth });
  });

  test('when the checks fail (data newer than the target, a recovery point too old), the task is stopped and both scratch resources deleted', async () => {
    const run = await runDrill(definition, withFailures(clusterHandlers, ['Run checks task']));
    expect(run.order).toEqual([...restored, ...checked, 'Find running checks task', 'Stop checks task', ...deletedBoth, ...reported]);
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Stop checks task', ...deletedBoth] });
    expect(run.calls[run.calls.length - 1].input).toMatchObject({ Subject: 'orders: point-in-time restore drill failed' });
  });

  test('the execution role restores only the source cluster to a time, into scratch clusters in the drill subnet group, and deletes only scratch clusters', () => {
    const statements = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'PitDrillDrillRole'));
    const resourcesOf = (action: string) => statements.filter((s) => actionsOf(s).includes(action)).flatMap((s) => [s.Resource].flat());
    const rdsArn = (resource: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:rds:eu-west-1:123456789012:${resource}`]] });
    const restore = JSON.stringify(resourcesOf('rds:RestoreDBClusterToPointInTime'));
    expect(restore).toContain(':cluster:');
    expect(restore).toContain(':subgrp:');
    expect(resourcesOf('rds:RestoreDBClusterToPointInTime')).toContainEqual(rdsArn('cluster:pg-drill-*'));
    expect(resourcesOf('rds:DeleteDBCluster')).toEqual([rdsArn('cluster:pg-drill-*')]);
    expect(statements.flatMap(actionsOf).filter((action) => /Snapshot/.test(action))).toEqual([]);
  });

  test('its restore time alarms above the RTO, and its recovery point above the bound, under Drill=point-in-time', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RestoreDurationSeconds',
      Threshold: 90 * 60,
      Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'shop' }, { Name: 'Drill', Value: 'point-in-time' }]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RecoveryPointGapSeconds',
      Threshold: 15 * 60,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'shop' }, { Name: 'Drill', Value: 'point-in-time' }]),
      AlarmDescription: 'A point-in-time restore drill of shop recovered data more than 15 minutes older than its target time',
    });
    expect(drill.drillKind).toBe('point-in-time');
    expect(drill.metricRestoreDuration().dimensions).toEqual({ Database: 'shop', Drill: 'point-in-time' });
  });

  test('the database is recorded as protected by a point-in-time drill, with its lag', () => {
    const entries = drill.node.metadata.filter((entry) => entry.type === 'postgres-backup-constructs:protection');
    // The cluster and its writer instance are both protected.
    expect(entries.map((entry) => entry.data.database)).toEqual(['Drill/Cluster', 'Drill/Cluster/writer']);
    entries.forEach((entry) => expect(entry.data).toMatchObject({
      kind: 'point-in-time-drill', targetLagMinutes: 60, randomExtraLagMinutes: 30, databaseNames: ['shop'], rtoMinutes: 90, checks: 1,
    }));
  });
});

describe('SnapshotRestoreDrill with drillResults', () => {
  test('the checks task records each drill beside the dumps, and may put objects only under <prefix>/<database>/drills/', () => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    const bucket = new s3.Bucket(stack, 'Dumps', { enforceSSL: true });
    const dumps = PgDumpLocation.fromBucket({ bucket, prefix: 'pg-dumps', databaseNames: ['shop'], postgresMajorVersion: 16 });
    const drill = new SnapshotRestoreDrill(stack, 'PitDrill', {
      database: ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'shop' }), vpc, image: TEST_RUNNER_IMAGE, pointInTime: {}, drillResults: dumps,
    });
    const template = Template.fromStack(stack);
    const taskDefinition = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0].Properties;
    const environment = Object.fromEntries(taskDefinition.ContainerDefinitions[0].Environment.map((e: any) => [e.Name, e.Value]));
    expect(environment).toMatchObject({
      PG_BACKUP_DRILL_KIND: 'point-in-time',
      PG_BACKUP_DRILL_RECORD_TO: { 'Fn::Join': ['', ['s3://', { Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'Dumps') }, '/pg-dumps']] },
    });
    const statements = statementsOfRole(template, taskDefinition.TaskRoleArn['Fn::GetAtt'][0]);
    expect(statements.map((s) => ({ actions: actionsOf(s), resource: JSON.stringify(s.Resource) }))).toEqual([
      { actions: ['s3:PutObject'], resource: expect.stringContaining('/pg-dumps/*/drills/*') },
    ]);
    expect(drill.drillKind).toBe('point-in-time');
  });

  test('the state machine writes the failures its task never saw into the results\' bucket, and may put objects only in the database\'s drills folder', () => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    const bucket = new s3.Bucket(stack, 'Dumps', { enforceSSL: true, encryption: s3.BucketEncryption.KMS });
    const dumps = PgDumpLocation.fromBucket({ bucket, prefix: 'pg-dumps', databaseNames: ['shop'], postgresMajorVersion: 16 });
    new SnapshotRestoreDrill(stack, 'SnapshotDrill', {
      database: ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'shop' }), vpc, image: TEST_RUNNER_IMAGE, drillResults: dumps,
    });
    const template = Template.fromStack(stack);
    const { definition, substitutions } = drillMachine(template);
    expect(definition.States['Store failed drill record'].Parameters).toMatchObject({ 'Bucket': '${DrillResultsBucket}', 'Key.$': '$.failedDrillRecord.key' });
    expect(substitutions).toMatchObject({ DrillResultsBucket: { Ref: logicalIdOf(template, 'AWS::S3::Bucket', 'Dumps') }, DrillResultsFolder: 'pg-dumps/shop/drills' });
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0].Properties;
    const statements = statementsOfRole(template, machine.RoleArn['Fn::GetAtt'][0]);
    const puts = statements.filter((s) => actionsOf(s).includes('s3:PutObject'));
    expect(puts.map((s) => ({ actions: actionsOf(s), resource: JSON.stringify(s.Resource) }))).toEqual([
      { actions: ['s3:PutObject'], resource: expect.stringContaining('/pg-dumps/shop/drills/*') },
    ]);
    expect(statements.some((s) => actionsOf(s).includes('kms:GenerateDataKey') && JSON.stringify(s.Resource).includes('DumpsKey'))).toBe(true);
  });

  test('without drillResults the state machine writes nothing and may put no object', () => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    new SnapshotRestoreDrill(stack, 'SnapshotDrill', { database: ManagedPostgresDatabase.fromInstance(instance), vpc, image: TEST_RUNNER_IMAGE });
    const template = Template.fromStack(stack);
    const { definition } = drillMachine(template);
    expect(definition.States['Store failed drill record']).toBeUndefined();
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0].Properties;
    expect(statementsOfRole(template, machine.RoleArn['Fn::GetAtt'][0]).flatMap(actionsOf)).not.toContain('s3:PutObject');
  });
});

describe('SnapshotRestoreDrill with pointInTime of an RDS instance', () => {
  test('restores the instance to the target into a scratch instance, which only the drill role may delete', async () => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      storageEncrypted: true,
    });
    new SnapshotRestoreDrill(stack, 'PitDrill', { database: ManagedPostgresDatabase.fromInstance(instance), vpc, image: TEST_RUNNER_IMAGE, pointInTime: {} });
    const template = Template.fromStack(stack);
    const { definition } = drillMachine(template);
    expect(aslProblems(definition)).toEqual([]);
    const run = await runDrill(definition, {
      ...clusterHandlers,
      'Describe source': () => ({ DbInstances: [{ EarliestRestorableTime: LONG_AGO, LatestRestorableTime: FAR_AHEAD }] }),
      'Restore scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'creating' } }),
    });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Describe source', 'Restore scratch instance', 'Describe scratch instance', 'Describe scratch instance',
      'Run checks task', 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls[1].input).toMatchObject({ SourceDbInstanceIdentifier: 'orders-db', PubliclyAccessible: false, DbSubnetGroupName: 'drill-subnets' });
    const statements = statementsOfRole(template, logicalIdOf(template, 'AWS::IAM::Role', 'PitDrillDrillRole'));
    const deletes = statements.filter((s) => actionsOf(s).includes('rds:DeleteDBInstance')).map((s) => s.Resource);
    expect(deletes).toEqual([{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds:eu-west-1:123456789012:db:pg-drill-*']] }]);
    const restoreSource = statements.find((s) => actionsOf(s).includes('rds:RestoreDBInstanceToPointInTime') && actionsOf(s).includes('rds:DescribeDBInstances')
      && JSON.stringify(s.Resource).includes(logicalIdOf(template, 'AWS::RDS::DBInstance', 'Db')));
    expect(restoreSource).toBeDefined();
  });

  test.each([
    { name: 'a negative lag', pointInTime: { targetLagMinutes: -5 }, message: /PitDrill: pointInTime\.targetLagMinutes is -5; allowed: an integer from 0 to 10080 minutes/ },
    { name: 'a gap bound without a query', pointInTime: { maxRecoveryPointGapMinutes: 5 }, message: /pointInTime\.recoveryPointQuery is undefined/ },
  ])('rejects $name at synth, naming the prop', ({ pointInTime, message }) => {
    const { stack, vpc } = networkStack();
    const instance = new rds.DatabaseInstance(stack, 'Db', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    expect(() => new SnapshotRestoreDrill(stack, 'PitDrill', { database: ManagedPostgresDatabase.fromInstance(instance), vpc, image: TEST_RUNNER_IMAGE, pointInTime }))
      .toThrow(message);
  });
});
