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
import { Protection, RecordedProtection, databaseProtectionLines, describeProtection } from './protection-summary';
import { PROTECTIONS_OUTPUT } from '../src/core/policy/database-protection';

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

/** What a Pulumi example registered. */
export interface PulumiExampleRun {
  /** The resources the mocks answered, with their inputs. */
  readonly resources: RecordedResource[];
  /** Every resource and component by URN, with its state (a component's: its outputs). */
  readonly urns: Array<{ urn: string; id?: string; type: string; name: string; state: Record<string, any> }>;
  /** The protections the components recorded in their `protections` output. */
  readonly protections: RecordedProtection[];
}

/** Runs the example in this process and returns what it registered. */
export async function runPulumiExample(dir: string): Promise<PulumiExampleRun> {
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
  return { resources: mocks.resources, ...registeredState(pulumi) };
}

/**
 * What the mock engine holds once the program has run, as `pulumi stack export` would show it: every resource's URN
 * with its type, name and state (a component's state is its registered outputs), and the protections the components
 * put in their `protections` output (core's `DatabaseProtection`, the same shape as the CDK metadata).
 */
function registeredState(pulumi: typeof import('@pulumi/pulumi')): Pick<PulumiExampleRun, 'urns' | 'protections'> {
  const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, { id?: string | null; state: any }> };
  const urns: PulumiExampleRun['urns'] = [];
  const protections: RecordedProtection[] = [];
  for (const [urn, { id, state }] of monitor.getRegisteredResources()) {
    const [, , qualifiedType, name] = urn.split('::');
    const type = qualifiedType.split('$').pop()!;
    const outputs = typeof state?.toJavaScript === 'function' ? pulumi.runtime.deserializeProperties(state) : pulumi.runtime.deserializeProperties(
      // A custom resource's state is already plain; deserializing it unwraps secrets the same way.
      { toJavaScript: () => state } as never,
    );
    urns.push({ urn, id: id ?? undefined, type, name, state: outputs ?? {} });
    const recorded = outputs?.[PROTECTIONS_OUTPUT];
    if (Array.isArray(recorded)) recorded.forEach((protection: Protection) => protections.push({ construct: `${type.split(':').pop()} ${name}`, protection }));
  }
  return { urns, protections };
}

/** The resource types that are databases, whose protection the report lists. */
const DATABASE_TYPES = ['aws:rds/instance:Instance', 'aws:rds/cluster:Cluster', 'azure-native:dbforpostgresql:Server'];

/**
 * Whether a protection names this database: by its URN (a component given the resource), or by its id or host name
 * (a component given only those, as an Azure dump is given the server's host).
 */
function names(database: PulumiExampleRun['urns'][number], protection: Protection): boolean {
  const named = protection.database;
  if (named === undefined) return false;
  return [database.urn, database.id, database.state.id, database.state.fullyQualifiedDomainName, database.state.identifier].includes(named);
}

/** The lines of the report: resources by type, then per database its backups and every drill that protects it. */
export function describeExample(example: string, run: PulumiExampleRun): string[] {
  const { resources } = run;
  const counts = new Map<string, number>();
  resources.forEach((resource) => counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1));
  const types = [...counts.keys()].sort();
  const width = Math.max(...types.map((type) => type.length));
  const lines = [`\nPulumi program ${example}: ${resources.length} resources`];
  types.forEach((type) => lines.push(`  ${type.padEnd(width)}  ${String(counts.get(type)).padStart(3)}`));
  lines.push('  What it protects:');
  const databases = run.urns.filter((entry) => DATABASE_TYPES.includes(entry.type));
  const placed = new Set<RecordedProtection>();
  for (const database of databases) {
    const protections = run.protections.filter((recorded) => names(database, recorded.protection));
    protections.forEach((recorded) => placed.add(recorded));
    lines.push(`    ${database.name} (${database.type})`);
    databaseProtectionLines(protections).forEach((line) => lines.push(`      ${line}`));
  }
  run.protections.filter((recorded) => !placed.has(recorded)).forEach((recorded) => lines.push(`    - ${describeProtection(recorded)}`));
  if (databases.length === 0 && run.protections.length === 0) lines.push('    nothing (no database and no backup component)');
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
    .then((run) => describeExample(path.relative(ROOT, dir), run).forEach((line) => console.log(line)))
    .catch((error) => {
      console.error((error as Error).message);
      process.exitCode = 1;
    });
}
