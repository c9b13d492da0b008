#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib/core';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RequirePostgresBackups } from '../../../../src/cdk';
import {
  AllOptionsStack, CrossStackBackupsStack, DataStack, HOME, ImportedResourcesStack, OffsiteStack, RequiredPropsStack, TwoOfEachStack,
} from '../lib/backup-stacks';

/**
 * A platform team's app: every backup construct with its required props and with all of them, over imported resources,
 * two of each in one stack, in the home environment, in another account and region, in the China partition,
 * environment-agnostic, and in a stack of its own backing up the databases of another stack of the app; checked
 * by cdk-nag's AwsSolutionsChecks without an acknowledgement of the app's own. Prints one JSON line: every finding of
 * the checks (error or warning) and every physical name two resources of one account and region would both take.
 */
const outdir = process.argv[2];
const app = new cdk.App({ outdir });
const offsite = new OffsiteStack(app, 'PlatformOffsite', { env: { account: HOME.account, region: 'eu-central-1' } });
new RequiredPropsStack(app, 'PlatformRequired', { env: HOME });
new AllOptionsStack(app, 'PlatformAllOptions', { env: HOME, offsite: offsite.offsite });
new ImportedResourcesStack(app, 'PlatformImported', { env: HOME });
new TwoOfEachStack(app, 'PlatformTwoOfEach', { env: HOME });
new RequiredPropsStack(app, 'PlatformOtherAccount', { env: { account: '210987654321', region: 'us-east-1' } });
new RequiredPropsStack(app, 'PlatformAnywhere');
new CrossStackBackupsStack(app, 'PlatformDataBackups', { env: HOME, data: new DataStack(app, 'PlatformData', { env: HOME }) });
new RequiredPropsStack(app, 'PlatformChina', { env: { account: HOME.account, region: 'cn-north-1' } });
cdk.Aspects.of(app).add(new RequirePostgresBackups());
cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

let assembly: ReturnType<cdk.App['synth']> | undefined;
try {
  assembly = app.synth();
} catch (error) {
  // A failed validation throws once its report is written, which the findings are read from.
  if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw error;
}
const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
const findings: string[] = report.pluginReports.flatMap((plugin: any) => (plugin.violations ?? [])
  .flatMap((violation: any) => violation.violatingConstructs.map((at: any) => `${violation.severity ?? 'error'} ${violation.ruleName} @ ${at.constructPath}`)));

/**
 * The property (a dotted path where it is nested) holding the physical name of each resource type that has one; IAM names
 * are unique per account, the others per region.
 */
const PHYSICAL_NAMES: Record<string, string> = {
  'AWS::Backup::BackupPlan': 'BackupPlan.BackupPlanName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::Backup::LogicallyAirGappedBackupVault': 'BackupVaultName',
  'AWS::Backup::RestoreTestingPlan': 'RestoreTestingPlanName',
  'AWS::Backup::RestoreTestingSelection': 'RestoreTestingSelectionName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::Scheduler::Schedule': 'Name',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::Events::Rule': 'Name',
  'AWS::SSM::Document': 'Name',
  'AWS::SSM::Parameter': 'Name',
  'AWS::SSM::Association': 'AssociationName',
};
const owners = new Map<string, string[]>();
for (const stack of assembly?.stacks ?? []) {
  const resources: Record<string, { Type: string; Properties?: Record<string, any> }> = stack.template.Resources ?? {};
  for (const [logicalId, resource] of Object.entries(resources)) {
    const property = PHYSICAL_NAMES[resource.Type];
    const name = property?.split('.').reduce<any>((value, key) => value?.[key], resource.Properties);
    if (name === undefined) continue;
    // A name built from references is only comparable inside its stack; a plain one across the account or region.
    const where = resource.Type.startsWith('AWS::IAM::') ? stack.environment.account : `${stack.environment.account}/${stack.environment.region}`;
    const key = typeof name === 'string' ? `${resource.Type} ${where} ${name}` : `${resource.Type} ${stack.stackName} ${JSON.stringify(name)}`;
    owners.set(key, [...(owners.get(key) ?? []), `${stack.stackName}/${logicalId}`]);
  }
}
const clashes = [...owners].filter(([, holders]) => holders.length > 1).map(([key, holders]) => `${key}: ${holders.join(', ')}`);
console.log(JSON.stringify({ stacks: (assembly?.stacks ?? []).map((stack) => stack.stackName).sort(), findings, clashes }));
