import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PostgresFleetStack } from '../../examples/blueprint/fleet-stack';
import { RequirePostgresBackups } from '../../src/cdk';

const exampleContext = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/blueprint/cdk.json'), 'utf8')).context;

/** The blueprint example as examples/blueprint/app.ts builds it: the findings not acknowledged, and the template. */
function synthesizeExample(): { findings: unknown[]; template?: Template } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-blueprint-'));
  const app = new App({ context: exampleContext, outdir });
  new PostgresFleetStack(app, 'PostgresFleetExample', { env: { account: exampleContext.account, region: exampleContext.region } });
  Aspects.of(app).add(new RequirePostgresBackups());
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return {
      findings: report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []),
      template: Template.fromJSON(assembly.getStackByName('PostgresFleetExample').template),
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
