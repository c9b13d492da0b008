/**
 * Runs a Pulumi example (a directory with a Pulumi.yaml) under `pulumi.runtime.setMocks`, offline: no engine, no
 * cloud, no credentials. Every resource the program registers is recorded with its inputs as its state, and the
 * report prints them by type, then what the backup components protect. Exits non-zero when the program throws
 * or a resource fails to register (a deferred validation error, for one).
 *
 *   npx ts-node --transpile-only scripts/run-pulumi-example.ts examples/pulumi-azure
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
/** Configuration every example gets, as `pulumi config set` would give it. */
const EXAMPLE_CONFIG: Record<string, string> = { administratorPassword: 'example-only-password' };
const SECRET_KEYS = ['administratorPassword'];

interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

/** The example's project name and program file, from its Pulumi.yaml. */
function readProject(dir: string): { name: string; main: string } {
  const yaml = fs.readFileSync(path.join(dir, 'Pulumi.yaml'), 'utf8');
  const name = /^name:\s*(\S+)/m.exec(yaml)?.[1];
  if (!name) throw new Error(`${path.join(dir, 'Pulumi.yaml')} has no name`);
  return { name, main: /^main:\s*(\S+)/m.exec(yaml)?.[1] ?? 'index.ts' };
}

/** A fake ARM id, with the segments the components parse (subscription, resource group). */
function mockId(resource: RecordedResource): string {
  const group = typeof resource.inputs.resourceGroupName === 'string' ? resource.inputs.resourceGroupName : 'example';
  return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${group}/providers/${resource.type.replace(/:/g, '.')}/${resource.name}`;
}

/** What the AWS lookups of the Pulumi AWS components answer: the account and region the CDK examples use. */
const AWS_LOOKUPS: Record<string, Record<string, string>> = {
  'aws:index/getPartition:getPartition': { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' },
  'aws:index/getRegion:getRegion': { region: 'eu-west-1', name: 'eu-west-1', id: 'eu-west-1' },
  'aws:index/getCallerIdentity:getCallerIdentity': { accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', userId: 'example', id: '123456789012' },
};

/** The attributes AWS assigns that the AWS components read: ARNs, a bucket's name, an RDS instance's address and managed secret. */
function awsAttributes(resource: RecordedResource): Record<string, unknown> {
  const service = /^aws:([a-z0-9]+)\//.exec(resource.type)?.[1] ?? 'unknown';
  const attributes: Record<string, unknown> = { arn: `arn:aws:${service}:eu-west-1:123456789012:${resource.name}` };
  if (resource.type === 'aws:s3/bucket:Bucket') {
    attributes.bucket = resource.inputs.bucket ?? `${resource.name}-example`;
    attributes.arn = `arn:aws:s3:::${attributes.bucket}`;
  }
  if (resource.type === 'aws:rds/instance:Instance') {
    Object.assign(attributes, {
      identifier: resource.inputs.identifier ?? resource.name,
      address: `${resource.inputs.identifier ?? resource.name}.example.eu-west-1.rds.amazonaws.com`,
      port: resource.inputs.port ?? 5432,
      vpcSecurityGroupIds: resource.inputs.vpcSecurityGroupIds ?? [`sg-${resource.name}`],
      masterUserSecrets: resource.inputs.manageMasterUserPassword ? [{ secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!${resource.name}`, kmsKeyId: 'alias/aws/secretsmanager' }] : [],
    });
  }
  return attributes;
}

/** Runs the example in this process and returns what it registered. */
export async function runPulumiExample(dir: string): Promise<RecordedResource[]> {
  // Loaded here so that importing this module to spawn the runner does not load Pulumi.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
  const project = readProject(dir);
  const recorded: RecordedResource[] = [];
  const failures: unknown[] = [];
  process.on('unhandledRejection', (reason) => failures.push(reason));
  await pulumi.runtime.setMocks({
    newResource(args) {
      const resource = { type: args.type, name: args.name, inputs: args.inputs };
      recorded.push(resource);
      const name = args.inputs.serverName ?? args.inputs.containerName ?? args.inputs.accountName ?? args.name;
      const state: Record<string, any> = { ...args.inputs, name };
      // azure-native names a storage account without the hyphens it may not have.
      if (args.type === 'azure-native:storage:StorageAccount') state.name = args.inputs.accountName ?? args.name.replace(/[^a-z0-9]/g, '').slice(0, 24);
      if (args.type === 'azure-native:managedidentity:UserAssignedIdentity') Object.assign(state, { principalId: `${args.name}-principal`, clientId: `${args.name}-client` });
      if (args.type === 'azure-native:dataprotection:BackupVault') state.identity = { ...args.inputs.identity, principalId: `${args.name}-principal` };
      if (args.type === 'azure-native:dbforpostgresql:Server') state.fullyQualifiedDomainName = `${state.name}.postgres.database.azure.com`;
      if (args.type.startsWith('aws:')) Object.assign(state, awsAttributes(resource));
      return { id: mockId(resource), state };
    },
    call(args) {
      if (args.token in AWS_LOOKUPS) return AWS_LOOKUPS[args.token];
      throw new Error(`the example calls ${args.token}, which has no mock`);
    },
  }, project.name, 'example', false);
  const config = Object.fromEntries(Object.entries(EXAMPLE_CONFIG).map(([key, value]) => [`${project.name}:${key}`, value]));
  pulumi.runtime.setAllConfig(config, SECRET_KEYS.map((key) => `${project.name}:${key}`));
  // As `pulumi up` runs a program: inside the stack resource, its exports the stack's outputs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await pulumi.runtime.runInPulumiStack(async () => require(path.resolve(dir, project.main)));
  // Waits until every registration the program started has finished.
  await pulumi.runtime.disconnect();
  if (failures.length > 0) throw new Error(`the example failed:\n${failures.map((failure) => String((failure as Error)?.message ?? failure)).join('\n')}`);
  return recorded;
}

/** The lines of the report: resources by type, then what the backup components do. */
export function describeExample(example: string, resources: readonly RecordedResource[]): string[] {
  const counts = new Map<string, number>();
  resources.forEach((resource) => counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1));
  const types = [...counts.keys()].sort();
  const width = Math.max(...types.map((type) => type.length));
  const lines = [`\nPulumi program ${example}: ${resources.length} resources`];
  types.forEach((type) => lines.push(`  ${type.padEnd(width)}  ${String(counts.get(type)).padStart(3)}`));
  lines.push('  What it protects:');
  for (const server of resources.filter((r) => r.type === 'azure-native:dbforpostgresql:Server')) {
    const backup = server.inputs.backup ?? {};
    lines.push(`    flexible server ${server.inputs.serverName ?? server.name} (${server.inputs.createMode}): backups kept ${backup.backupRetentionDays ?? 'default'} days, `
      + `geo-redundant ${backup.geoRedundantBackup ?? 'Disabled'}`);
  }
  for (const policy of resources.filter((r) => r.type === 'azure-native:dataprotection:BackupPolicy')) {
    const rules = (policy.inputs.properties?.policyRules ?? []) as any[];
    const schedule = rules.find((rule) => rule.objectType === 'AzureBackupRule')?.trigger?.schedule?.repeatingTimeIntervals?.[0];
    const retention = rules.filter((rule) => rule.objectType === 'AzureRetentionRule').map((rule) => `${rule.name} ${rule.lifecycles[0].deleteAfter.duration}`);
    lines.push(`    vault backups ${schedule}, kept: ${retention.join(', ')}`);
  }
  for (const instance of resources.filter((r) => r.type === 'aws:rds/instance:Instance')) {
    lines.push(`    RDS instance ${instance.inputs.identifier ?? instance.name}: automated backups kept ${instance.inputs.backupRetentionPeriod ?? 'default'} days, `
      + `window ${instance.inputs.backupWindow ?? 'default'}, final snapshot ${instance.inputs.skipFinalSnapshot === false ? 'yes' : 'no'}`);
  }
  for (const plan of resources.filter((r) => r.type === 'aws:backup/plan:Plan')) {
    const rules = (plan.inputs.rules ?? []) as any[];
    lines.push(`    AWS Backup plan: ${rules.map((rule) => `${rule.ruleName} ${rule.enableContinuousBackup ? '(PITR)' : rule.schedule} kept ${rule.lifecycle?.deleteAfter} d`).join('; ')}`);
  }
  for (const schedule of resources.filter((r) => r.type === 'aws:scheduler/schedule:Schedule')) {
    lines.push(`    schedule ${schedule.inputs.scheduleExpression} ${schedule.inputs.scheduleExpressionTimezone ?? ''}: ${schedule.inputs.description}`);
  }
  for (const job of resources.filter((r) => r.type === 'azure-native:app:Job')) {
    const cron = job.inputs.configuration?.scheduleTriggerConfig?.cronExpression;
    const container = job.inputs.template?.containers?.[0] ?? {};
    const argv: string[] = container.args ?? container.command?.slice(4) ?? [];
    const flag = (name: string) => argv[argv.indexOf(name) + 1];
    lines.push(argv[0] === 'dump'
      ? `    pg_dump of ${flag('--database')} at "${cron}" UTC to ${flag('--to')}`
      : `    restore drill of ${flag('--database')} at "${cron}" UTC from ${flag('--from')}, within ${job.inputs.configuration?.replicaTimeout / 60} min`);
  }
  return lines;
}

/**
 * Runs the example in a child process (mocks are process-wide, one program a process) and prints its report;
 * throws when it fails. This is what the examples job calls for a directory with a Pulumi.yaml.
 */
export function runPulumiExampleInChildProcess(dir: string): void {
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', __filename, dir], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`the Pulumi example ${path.relative(ROOT, dir)} failed (exit ${result.status ?? result.signal}):\n${result.stderr}`);
}

if (require.main === module) {
  const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'examples', 'pulumi-azure'));
  console.log(`Running ${path.relative(ROOT, dir)} under Pulumi mocks (offline)…`);
  runPulumiExample(dir)
    .then((resources) => describeExample(path.relative(ROOT, dir), resources).forEach((line) => console.log(line)))
    .catch((error) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    });
}
