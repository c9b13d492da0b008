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
import { Protection, dumpCopiesOf, dumpRetentionOf } from './protection-summary';

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

/** Runs the example in this process and returns what it registered. */
export async function runPulumiExample(dir: string): Promise<RecordedResource[]> {
  // Loaded here so that importing this module to spawn the runner does not load Pulumi.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
  const project = readProject(dir);
  const failures: unknown[] = [];
  process.on('unhandledRejection', (reason) => failures.push(reason));
  // The package's own mocks: the ids, ARNs, endpoints and lookups the components read look as the clouds make them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { BackupMocks } = require('../src/pulumi/testing/backup-mocks') as typeof import('../src/pulumi/testing/backup-mocks');
  const mocks = new BackupMocks();
  await pulumi.runtime.setMocks(mocks, project.name, 'example', false);
  const config = Object.fromEntries(Object.entries(EXAMPLE_CONFIG).map(([key, value]) => [`${project.name}:${key}`, value]));
  pulumi.runtime.setAllConfig(config, SECRET_KEYS.map((key) => `${project.name}:${key}`));
  // As `pulumi up` runs a program: inside the stack resource, its exports the stack's outputs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await pulumi.runtime.runInPulumiStack(async () => require(path.resolve(dir, project.main)));
  // Waits until every registration the program started has finished.
  await pulumi.runtime.disconnect();
  if (failures.length > 0) throw new Error(`the example failed:\n${failures.map((failure) => String((failure as Error)?.message ?? failure)).join('\n')}`);
  return mocks.resources;
}

/** The value of `flag` in a runner argv, if present. */
function flagOf(argv: readonly string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index < 0 ? undefined : argv[index + 1];
}

/** The runner argv of a Container Apps Job (its args, or the arguments after a drill's shell script). */
function jobArgv(job: RecordedResource): string[] {
  const container = job.inputs.template?.containers?.[0] ?? {};
  return container.args ?? container.command?.slice(4) ?? [];
}

/**
 * What protects the dumps of an Azure dump job, read from what is deployed: the age recipients in its environment, the
 * prune job of the same dumps (its classes and floor), the lifecycle of the dumps' account (its longest expiry) and
 * the object replication policy of that account (the destination account's region and immutability).
 */
function azureDumpProtection(job: RecordedResource, resources: readonly RecordedResource[]): Protection {
  const argv = jobArgv(job);
  const [to, database] = [flagOf(argv, '--to'), flagOf(argv, '--database')];
  const account = /^azblob:\/\/([^/]+)\//.exec(to ?? '')?.[1];
  const env = (job.inputs.template?.containers?.[0]?.env ?? []) as Array<{ name: string; value?: string }>;
  const recipients = env.find((variable) => variable.name === 'PG_BACKUP_AGE_RECIPIENTS')?.value?.split(',');
  const prune = resources.filter((r) => r.type === 'azure-native:app:Job').map(jobArgv)
    .find((pruneArgv) => pruneArgv[0] === 'prune' && flagOf(pruneArgv, '--from') === to && flagOf(pruneArgv, '--database') === database);
  const count = (flag: string) => Number(flagOf(prune ?? [], flag) ?? 0);
  const lifecycle = resources.find((r) => r.type === 'azure-native:storage:ManagementPolicy' && r.inputs.accountName === account);
  const expiries = ((lifecycle?.inputs.policy?.rules ?? []) as any[])
    .map((rule) => rule.definition?.actions?.baseBlob?.delete?.daysAfterModificationGreaterThan).filter((days) => typeof days === 'number');
  const replication = resources.find((r) => r.type === 'azure-native:storage:ObjectReplicationPolicy' && r.inputs.accountName === account);
  const destinationName = String(replication?.inputs.destinationAccount ?? '').split('/').pop();
  const destination = resources.find((r) => r.type === 'azure-native:storage:StorageAccount'
    && (r.name === destinationName || r.inputs.accountName === destinationName));
  const immutability = destination?.inputs.immutableStorageWithVersioning?.immutabilityPolicy;
  return {
    kind: 'logical-dump',
    retentionDays: expiries.length > 0 ? Math.max(...expiries) : undefined,
    ...(prune ? { retention: { daily: count('--daily'), weekly: count('--weekly'), monthly: count('--monthly'), yearly: count('--yearly'), minimumKept: count('--minimum-kept') } } : {}),
    ...(recipients ? { encryptedTo: recipients } : {}),
    ...(destination ? {
      replicatedTo: `${destination.inputs.location}${immutability ? ` (immutable ${immutability.immutabilityPeriodSinceCreationInDays} days, ${immutability.state === 'Locked' ? 'locked' : 'unlocked'})` : ''}`,
    } : {}),
  };
}

/** How the dumps of an Azure dump job are kept, whether they are encrypted, and where their offsite copy is. */
function azureDumpSummary(job: RecordedResource, resources: readonly RecordedResource[]): string {
  const protection = azureDumpProtection(job, resources);
  return `${dumpRetentionOf(protection)}, ${dumpCopiesOf(protection)}`;
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
    const within = `within ${job.inputs.configuration?.replicaTimeout / 60} min`;
    const serverOf = (id: string | undefined) => id?.replace(/^.*\//, '');
    const what: Record<string, string> = {
      'dump': `pg_dump of ${flag('--database')} at "${cron}" UTC to ${flag('--to')}, ${azureDumpSummary(job, resources)}`,
      'verify': `restore drill of ${flag('--database')} at "${cron}" UTC from ${flag('--from')}, ${within}`,
      'status': `watch of the newest backup and drill of ${flag('--database')} at "${cron}" UTC in ${flag('--from')}`,
      'prune': `prune of ${flag('--database')} at "${cron}" UTC in ${flag('--from')}`,
      'drill-flexible-pitr': `point-in-time drill of server ${serverOf(flag('--source-server-id'))} at "${cron}" UTC, ${within}`,
    };
    lines.push(`    ${what[argv[0]] ?? `pg-backup ${argv[0]} at "${cron}" UTC`}`);
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
