import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { TEST_RUNNER_IMAGE, vpcWithDatabaseSubnets } from './stacks';
import { ManagedPostgresDatabase, PostgresBackupBlueprint, PostgresDatabase, ScheduledPgDump, SnapshotRestoreDrill, VerifyRestore } from '../../src/cdk';
import { BackupTier } from '../../src/core';

const ENV = { account: '123456789012', region: 'eu-west-1' };

/** A platform team's layout: the network and databases in one stack, their backups in another of the same app. */
function dataAndBackupStacks(backupStackEnv: typeof ENV | undefined = ENV) {
  const app = new App();
  const data = new Stack(app, 'Data', { env: backupStackEnv });
  const vpc = vpcWithDatabaseSubnets(data);
  const instance = new rds.DatabaseInstance(data, 'Orders', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc, port: 5433, storageEncrypted: true,
  });
  const cluster = new rds.DatabaseCluster(data, 'Analytics', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
    writer: rds.ClusterInstance.provisioned('writer'),
    vpc,
    storageEncrypted: true,
  });
  const backups = new Stack(app, 'Backups', { env: backupStackEnv });
  return { app, data, backups, vpc, instance, cluster };
}

/** The ingress rules of `template`, as `<port> from <source group's logical id>` onto `<target>`. */
function ingressRules(template: Template): string[] {
  return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(({ Properties: rule }) => {
    const source = rule.SourceSecurityGroupId?.['Fn::GetAtt']?.[0] ?? JSON.stringify(rule.SourceSecurityGroupId);
    const target = rule.GroupId?.['Fn::GetAtt']?.[0] ?? (rule.GroupId?.['Fn::ImportValue'] ? 'imported' : JSON.stringify(rule.GroupId));
    return `${JSON.stringify(rule.FromPort)} from ${source} onto ${target}`;
  }).sort();
}

describe.each([
  ['in one account and region', ENV],
  ['environment-agnostic', undefined],
])('backups in another stack than the database they protect (%s)', (_name, env) => {
  test('a ScheduledPgDump, its VerifyRestore, a SnapshotRestoreDrill and a blueprint synthesize without a dependency cycle, the ingress to the database in the backups\' stack', () => {
    const { app, backups, vpc, instance, cluster } = dataAndBackupStacks(env);
    const dump = new ScheduledPgDump(backups, 'Dump', { vpc, database: PostgresDatabase.fromInstance(instance), image: TEST_RUNNER_IMAGE });
    new VerifyRestore(backups, 'Verify', { vpc, source: dump, image: TEST_RUNNER_IMAGE });
    new SnapshotRestoreDrill(backups, 'Drill', { vpc, database: ManagedPostgresDatabase.fromCluster(cluster), image: TEST_RUNNER_IMAGE });
    new PostgresBackupBlueprint(backups, 'Fleet', { vpc, tier: BackupTier.BRONZE, databases: [{ id: 'analytics', database: cluster }], image: TEST_RUNNER_IMAGE });

    const assembly = app.synth();
    const stacksBefore = (name: string) => assembly.getStackByName(name).dependencies.map((artifact) => artifact.id).filter((id) => !id.endsWith('.assets'));
    expect(stacksBefore('Data')).toEqual([]);
    expect(stacksBefore('Backups')).toEqual(['Data']);
    // The rules letting the dump tasks in name the database's security group by an import from the database's stack.
    expect(ingressRules(Template.fromStack(backups)).filter((rule) => / from (Dump|FleetDump)/.test(rule))).toEqual([
      expect.stringMatching(/^\{"Fn::ImportValue":"Data:\w*Analytics\w*EndpointPort\w*"\} from FleetDumpSecurityGroup\w+ onto imported$/),
      expect.stringMatching(/^\{"Fn::ImportValue":"Data:\w*Orders\w*EndpointPort\w*"\} from DumpTaskSecurityGroup\w+ onto imported$/),
    ]);
  });
});

test('in one stack, the dump task\'s ingress to the database is still written on the database\'s security group, as before', () => {
  const app = new App();
  const stack = new Stack(app, 'Together', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const instance = new rds.DatabaseInstance(stack, 'Orders', {
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }), vpc, port: 5433, storageEncrypted: true,
  });
  new ScheduledPgDump(stack, 'Dump', { vpc, database: PostgresDatabase.fromInstance(instance), image: TEST_RUNNER_IMAGE });
  const rules = ingressRules(Template.fromStack(stack));
  expect(rules).toEqual([expect.stringMatching(/^\{"Fn::GetAtt":\["Orders\w+","Endpoint.Port"\]\} from DumpTaskSecurityGroup\w+ onto OrdersSecurityGroup\w+$/)]);
});
