import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { defineBackupExample } from '../../examples/cdk/backup-app';

const exampleContext = JSON.parse(fs.readFileSync(path.join(__dirname, '../../examples/cdk/cdk.json'), 'utf8')).context;

/** Synthesizes an app with the AwsSolutions checks: the findings that were not acknowledged, and the templates by stack. */
function synthesizeWithChecks(build: (app: App) => void): { findings: unknown[]; templates: Record<string, any> } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  const app = new App({ context: exampleContext, outdir });
  build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const templates = Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, stack.template]));
    return { findings: report.pluginReports.flatMap((plugin: any) => plugin.violations ?? []), templates };
  } catch (error) {
    return { findings: [(error as Error).message], templates: {} };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

describe('the CDK example', () => {
  test('passes the AwsSolutions checks without acknowledging anything itself', () => {
    const { findings, templates } = synthesizeWithChecks((app) => {
      defineBackupExample(app, { account: exampleContext.account, region: exampleContext.region });
    });
    expect(findings).toEqual([]);
    const template = Template.fromJSON(templates.PostgresBackupExample);
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    // The dump, the drill and the prune.
    template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { FlexibleTimeWindow: { Mode: 'OFF' } }, 3);
  });

  test('replicates the encrypted, pruned dumps into the offsite bucket of its own stack in another region', () => {
    const { templates } = synthesizeWithChecks((app) => {
      defineBackupExample(app, { account: exampleContext.account, region: exampleContext.region });
    });
    const offsite = Template.fromJSON(templates.PostgresBackupOffsite);
    const [bucketName] = Object.values(offsite.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }))
      .map((bucket: any) => bucket.Properties.BucketName);
    expect(bucketName).toMatch(/-eu-central-1$/);
    const backups = Template.fromJSON(templates.PostgresBackupExample);
    backups.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: { Rules: [{ Destination: { Bucket: `arn:aws:s3:::${bucketName}` }, DeleteMarkerReplication: { Status: 'Disabled' } }] },
    });
    const dumpTask = Object.values(backups.findResources('AWS::ECS::TaskDefinition'))
      .map((task: any) => JSON.stringify(task.Properties.ContainerDefinitions)).find((containers) => containers.includes('"dump"'));
    expect(dumpTask).toContain('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p');
    expect(JSON.stringify(backups.findResources('AWS::ECS::TaskDefinition'))).toContain('"prune"');
  });

  test('the same checks fail a stack with an unacknowledged finding, so the test above can fail', () => {
    const { findings } = synthesizeWithChecks((app) => {
      new sqs.Queue(new Stack(app, 'Unreviewed', { env: { account: exampleContext.account, region: exampleContext.region } }), 'Queue');
    });
    expect(JSON.stringify(findings)).toMatch(/AwsSolutions-SQS3/);
  });
});
