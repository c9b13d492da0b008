import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE } from './stacks';
import { BlueprintServer, PostgresBackupBlueprint, PostgresBackupBlueprintProps } from '../../src/cdk';
import { BackupTier } from '../../src/core';

const ENV = { account: '123456789012', region: 'eu-west-1' };
/** A drill every day, so that an alarm can watch for a missing one. */
const DAILY_DRILLS = { verification: { schedule: { expression: '0 5 * * *' }, maxRestoreDurationMinutes: 45 } };

function fleetStack(
  app: App, id: string, servers: (stack: Stack, vpc: ec2.IVpc) => BlueprintServer[], extra: Partial<PostgresBackupBlueprintProps> = {},
): Stack {
  const stack = new Stack(app, id, { env: ENV });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    isolatedSubnetIds: ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'],
  });
  new PostgresBackupBlueprint(stack, 'Fleet', { vpc, tier: BackupTier.BRONZE, databases: servers(stack, vpc), image: TEST_RUNNER_IMAGE, ...extra });
  return stack;
}

function instance(stack: Stack, vpc: ec2.IVpc, id: string): rds.DatabaseInstance {
  return new rds.DatabaseInstance(stack, id, {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    instanceIdentifier: `${id.toLowerCase()}-db`,
    allocatedStorage: 100,
    storageEncrypted: true,
  });
}

describe('PostgresBackupBlueprint drills end in the tails every drill shares', () => {
  const app = new App();
  const stack = fleetStack(app, 'Fleet', (s, vpc) => [
    { id: 'orders-db', database: instance(s, vpc, 'Orders'), databaseNames: ['orders', 'invoices'], overrides: DAILY_DRILLS },
  ], { maxDrillAgeDays: 2 });
  const template = Template.fromStack(stack);
  const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0].Properties;
  // The definition is core's, with placeholders the state machine's substitutions fill.
  const definition = JSON.parse(machine.DefinitionString);
  const perDatabase = definition.States['Drill each database'].ItemProcessor.States;

  test('a failed database\'s result is put into the bucket and folder its schedule names, after the failure metric and before the notification', () => {
    expect(perDatabase['Publish failure metric'].Next).toBe('Build failed drill record');
    expect(perDatabase['Store failed drill record']).toMatchObject({
      Resource: 'arn:${Partition}:states:::aws-sdk:s3:putObject',
      Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.failedDrillRecord.key' },
      Next: 'Notify failure',
    });
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule'))
      .find((candidate) => String(candidate.Properties.Target.Arn?.Ref ?? '').startsWith('FleetDrill'))!;
    const input = JSON.parse(schedule.Properties.Target.Input['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'x')).join(''));
    expect(input.databases).toEqual([
      { id: 'orders-db', name: 'orders', resultsFolder: 'pg-dumps/orders-db/orders/drills' },
      { id: 'orders-db', name: 'invoices', resultsFolder: 'pg-dumps/orders-db/invoices/drills' },
    ]);
  });

  test('the drill role may put objects only into the databases\' drill results folders of the fleet\'s bucket', () => {
    const role = Object.keys(template.findResources('AWS::IAM::Role')).find((id) => id.startsWith('FleetDrillRole'))!;
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => policy.Properties.Roles.some((ref: any) => ref.Ref === role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const put = statements.filter((statement: any) => [statement.Action].flat().includes('s3:PutObject'));
    expect(put).toHaveLength(1);
    expect(put[0].Action).toBe('s3:PutObject');
    expect(JSON.stringify(put[0].Resource)).toMatch(/"\/pg-dumps\/\*\/drills\/\*"/);
  });

  test.each(['orders', 'invoices'])('%s gets the drill-age alarm VerifyRestore gives its database', (database) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RestoreDrillSucceeded',
      Dimensions: [{ Name: 'Database', Value: `orders-db/${database}` }, { Name: 'Drill', Value: 'dump' }],
      Statistic: 'Sum',
      Period: 2 * 86_400,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmDescription: `No successful dump restore drill of orders-db/${database} within 2 days`,
      AlarmActions: [Match.anyValue()],
    });
  });

  test('a restore slower than its RTO fails that database\'s drill, which the fleet\'s failed-drill alarm pages: no RTO alarm per database', () => {
    expect(perDatabase['Within the RTO?'].Choices[0]).toMatchObject({ NumericGreaterThanPath: '$.rtoSeconds', Next: 'Record RTO exceeded' });
    expect(perDatabase['Record RTO exceeded'].Next).toBe('Publish failure metric');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: Match.stringLikeRegexp('failed') })]) });
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'RestoreDurationSeconds' }, 0);
  });
});

describe('PostgresBackupBlueprint maxDrillAgeDays', () => {
  const server = (overrides?: BlueprintServer['overrides']) => (s: Stack, vpc: ec2.IVpc): BlueprintServer[] => [
    { id: 'orders-db', database: instance(s, vpc, 'Orders'), databaseNames: ['orders'], overrides },
  ];

  test('is refused when a drilled server\'s drills are further apart than it allows, naming the prop and the bound', () => {
    expect(() => fleetStack(new App(), 'Weekly', server({ verification: { schedule: { expression: '0 5 * * 1' } } }), { maxDrillAgeDays: 3 }))
      .toThrow(/Fleet: maxDrillAgeDays is 3; allowed: /);
  });

  test('is refused when no server is drilled', () => {
    const { verification: _none, ...undrilled } = BackupTier.BRONZE.policy();
    expect(() => fleetStack(new App(), 'Undrilled', (s, vpc) => [
      { id: 'orders-db', database: instance(s, vpc, 'Orders'), databaseNames: ['orders'], tier: BackupTier.custom('UNDRILLED', undrilled) },
    ], { maxDrillAgeDays: 3 })).toThrow(/Fleet: maxDrillAgeDays is 3; allowed: no value \(no tier of the fleet drills its dumps/);
  });

  test('without it, no database gets a drill-age alarm', () => {
    const template = Template.fromStack(fleetStack(new App(), 'NoAge', server(DAILY_DRILLS)));
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'RestoreDrillSucceeded' }, 0);
  });
});
