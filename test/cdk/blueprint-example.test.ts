import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PostgresFleetStack } from '../../examples/blueprint/fleet-stack';
import { RequirePostgresBackups } from '../../src/cdk';

const exampleContext = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/blueprint/cdk.json'), 'utf8')).context;

/** The blueprint example as examples/blueprint/app.ts builds it: the findings not acknowledged, the template, the protections recorded. */
function synthesizeExample(): { findings: unknown[]; template?: Template; protections?: Array<{ kind: string; database?: string }> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-blueprint-'));
  const app = new App({ context: exampleContext, outdir });
  new PostgresFleetStack(app, 'PostgresFleetExample', { env: { account: exampleContext.account, region: exampleContext.region } });
  Aspects.of(app).add(new RequirePostgresBackups());
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    const assembly = app.synth();
    const stack = assembly.getStackByName('PostgresFleetExample');
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return {
      findings: report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []),
      template: Template.fromJSON(stack.template),
      protections: stack.findMetadataByType('postgres-backup-constructs:protection').map((entry) => entry.data as unknown as { kind: string; database?: string }),
    };
  } catch (error) {
    return { findings: [(error as Error).message] };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the blueprint example', () => {
  // One synthesis for every test: the fleet stack with the checks is the slowest thing here.
  let synthesized: ReturnType<typeof synthesizeExample>;
  beforeAll(() => {
    synthesized = synthesizeExample();
  });

  test('passes the AwsSolutions checks without acknowledging anything itself', () => {
    expect(synthesized.findings).toEqual([]);
  });

  test('runs its four servers Multi-AZ, off the default port, with rotated credentials', () => {
    const template = synthesized.template!;
    template.resourcePropertiesCountIs('AWS::RDS::DBInstance', { MultiAZ: true, Port: '5433', Engine: 'postgres' }, 4);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 4);
  });

  test('restore-tests a random recovery point of each of its four servers in the isolated subnet group, which the main job lists as their drill', () => {
    const template = synthesized.template!;
    const selections = Object.values(template.findResources('AWS::Backup::RestoreTestingSelection')).map((resource) => resource.Properties);
    expect(selections).toHaveLength(1);
    expect(selections[0]).toMatchObject({
      ProtectedResourceType: 'RDS',
      RestoreMetadataOverrides: {
        dbSubnetGroupName: {
          Ref: template.getResourceId('AWS::RDS::DBSubnetGroup', { Properties: { DBSubnetGroupDescription: Match.stringLikeRegexp('AWS Backup restore tests') } }),
        },
      },
    });
    expect(selections[0].ProtectedResourceArns).toHaveLength(4);
    template.hasResourceProperties('AWS::Backup::RestoreTestingPlan', { RecoveryPointSelection: Match.objectLike({ Algorithm: 'RANDOM_WITHIN_WINDOW' }) });
    const tested = synthesized.protections!.filter((protection) => protection.kind === 'restore-testing').map((protection) => protection.database);
    expect(tested.sort()).toEqual(['PostgresFleetExample/Analytics', 'PostgresFleetExample/Billing', 'PostgresFleetExample/Catalog', 'PostgresFleetExample/Orders']);
  });

  test('records the retention classes and floor of each pruned dump as counts, as ScheduledPgDump does, for the summary to read', () => {
    const dumps = synthesized.protections!.filter((protection) => protection.kind === 'logical-dump') as Array<{ retention?: unknown }>;
    const retentions = dumps.map((dump) => dump.retention).filter((retention) => retention !== undefined);
    expect(retentions.length).toBeGreaterThan(0);
    for (const retention of retentions) {
      const count = expect.any(Number);
      expect(retention).toEqual({ daily: count, weekly: count, monthly: count, yearly: count, minimumKept: count });
    }
    expect(retentions).toContainEqual({ daily: 7, weekly: 4, monthly: 12, yearly: 0, minimumKept: 3 });
  });

  test('gives the AWS Backup selection role the backup policy only, not the restore policy', () => {
    synthesized.template!.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })],
      }),
      ManagedPolicyArns: [Match.objectLike({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup']],
      })],
    });
  });
});
