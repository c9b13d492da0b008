import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, StackProps, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { ManagedAuroraExampleStack } from '../../examples/managed-aurora/backup-stack';
import { ManagedRdsExampleStack } from '../../examples/managed-rds/backup-stack';

/** Synthesizes one example stack with the AwsSolutions checks, with the context of its cdk.json. */
function synthesizeExample(
  directory: string, stackName: string, build: (app: App, id: string, props: StackProps) => Construct,
): { findings: unknown[]; template: Template } {
  const context = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples', directory, 'cdk.json'), 'utf8')).context;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-managed-'));
  const app = new App({ context, outdir });
  build(app, stackName, { env: { account: context.account, region: context.region } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    return {
      findings: report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []),
      template: Template.fromJSON(assembly.getStackByName(stackName).template),
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe.each([
  {
    directory: 'managed-rds',
    stackName: 'ManagedRdsExample',
    build: (app: App, id: string, props: StackProps) => new ManagedRdsExampleStack(app, id, props),
    databases: { 'AWS::RDS::DBInstance': 1 },
    drills: ['snapshot'],
    restoreTestValidations: ['restore-testing'],
  },
  {
    directory: 'managed-aurora',
    stackName: 'ManagedAuroraExample',
    build: (app: App, id: string, props: StackProps) => new ManagedAuroraExampleStack(app, id, props),
    databases: { 'AWS::RDS::DBCluster': 1, 'AWS::RDS::DBInstance': 2 },
    drills: ['point-in-time', 'snapshot'],
    restoreTestValidations: [],
  },
])('the $directory example', ({ directory, stackName, build, databases, drills, restoreTestValidations }) => {
  let result: { findings: unknown[]; template: Template };

  beforeAll(() => {
    result = synthesizeExample(directory, stackName, build);
  });

  test('passes the AwsSolutions checks without acknowledging anything itself', () => {
    expect(result.findings).toEqual([]);
  });

  test('holds the database, its backup plan with continuous backup, a locked vault and each of its drills', () => {
    Object.entries(databases).forEach(([type, count]) => result.template.resourceCountIs(type, count));
    result.template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    result.template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7 } });
    const rules = Object.values(result.template.findResources('AWS::Backup::BackupPlan'))[0].Properties.BackupPlan.BackupPlanRule;
    expect(rules.some((rule: any) => rule.EnableContinuousBackup === true)).toBe(true);
    const machines = Object.values(result.template.findResources('AWS::StepFunctions::StateMachine'));
    // The express one is the restorable-time check; each drill, and the validation of restore tests, is a standard one.
    expect(machines.map((m) => m.Properties.StateMachineType ?? 'STANDARD').sort())
      .toEqual(['EXPRESS', ...[...drills, ...restoreTestValidations].map(() => 'STANDARD')]);
    const drillKinds = result.template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'RestoreDurationSeconds' } });
    expect(Object.values(drillKinds).map((alarm) => alarm.Properties.Dimensions.find((d: any) => d.Name === 'Drill').Value).sort()).toEqual(drills);
  });
});
