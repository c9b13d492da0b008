/**
 * The main job: synthesizes every example under examples/ that has a cdk.json, offline (no AWS credentials,
 * a fixed account and region, no context lookups), with the `cdk` CLI from node_modules, then prints per stack
 * its resources by type and, per database, its backups and every drill that proves they restore (protection-summary.ts). Exits non-zero when an example does not synthesize (a cdk-nag
 * finding without an acknowledgement fails its synthesis) or when a stack holds a database nothing protects.
 *
 *   npx ts-node scripts/synth-examples.ts [example-dir…]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RecordedProtection, databaseProtectionLines, describeProtection } from './protection-summary';
import { runPulumiExampleInChildProcess } from './run-pulumi-example';

const ROOT = path.resolve(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
/** The account and region every example is synthesized for; cdk.json of each example carries the matching lookups. */
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
/** Resource types that are databases, whose protection the report checks. */
const DATABASE_TYPES = ['AWS::RDS::DBInstance', 'AWS::RDS::DBCluster'];
/** Construct metadata recorded by the backup constructs (see `PROTECTION_METADATA_TYPE` in src/cdk). */
const PROTECTION_METADATA_TYPE = 'postgres-backup-constructs:protection';

/** One synthesized stack: its resources by type and what protects each database in it. */
export interface StackReport {
  readonly example: string;
  readonly stack: string;
  readonly resourcesByType: Array<[string, number]>;
  readonly databases: Array<{ path: string; type: string; protections: RecordedProtection[] }>;
  readonly otherProtections: RecordedProtection[];
}

function exampleDirectories(args: string[]): string[] {
  if (args.length > 0) return args.map((dir) => path.resolve(dir));
  const examples = path.join(ROOT, 'examples');
  return fs.readdirSync(examples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && ['cdk.json', 'Pulumi.yaml'].some((file) => fs.existsSync(path.join(examples, entry.name, file))))
    .map((entry) => path.join(examples, entry.name))
    .sort();
}

/** An environment with no AWS credentials or profile, so nothing can reach an account by accident. */
export function offlineEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|CONTAINER_CREDENTIALS_.*|WEB_IDENTITY_TOKEN_FILE|ROLE_ARN)$/.test(name)) delete env[name];
  }
  return {
    ...env,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    CDK_DEFAULT_ACCOUNT: ACCOUNT,
    CDK_DEFAULT_REGION: REGION,
    // Instance metadata is the last place the SDK looks for credentials: never here.
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
}

/**
 * Synthesizes the CDK app of `dir` into `outdir` with the `cdk` CLI, offline; `app` replaces the command of its cdk.json
 * (an app compiled to JavaScript, as a user's build makes it).
 */
export function synthesize(dir: string, outdir: string, app?: string): void {
  const args = ['synth', '--quiet', '--ci', '--no-notices', '--no-version-reporting', '--lookups=false',
    '-c', `account=${ACCOUNT}`, '-c', `region=${REGION}`, '-o', outdir, ...(app === undefined ? [] : ['-a', app])];
  const result = spawnSync(CDK, args, { cwd: dir, env: offlineEnvironment(), encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`cdk synth failed in ${path.relative(ROOT, dir)} (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

function readJson(file: string): any {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Construct path → metadata entries of a stack artifact (inline, or in its metadata file). */
function stackMetadata(outdir: string, id: string, artifact: any): Record<string, Array<{ type: string; data: any }>> {
  const file = path.join(outdir, `${id}.metadata.json`);
  return fs.existsSync(file) ? readJson(file) : artifact.metadata ?? {};
}

/** The stacks of the cloud assembly in `outdir`. */
export function report(example: string, outdir: string): StackReport[] {
  const manifest = readJson(path.join(outdir, 'manifest.json'));
  return Object.entries(manifest.artifacts as Record<string, any>)
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([id, artifact]) => {
      const template = readJson(path.join(outdir, artifact.properties.templateFile));
      const resources = Object.entries(template.Resources ?? {}) as Array<[string, { Type: string }]>;
      const counts = new Map<string, number>();
      resources.forEach(([, resource]) => counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1));
      const metadata = stackMetadata(outdir, id, artifact);
      const logicalIds = new Map<string, string>();
      const protections: RecordedProtection[] = [];
      for (const [constructPath, entries] of Object.entries(metadata)) {
        for (const entry of entries) {
          if (entry.type === 'aws:cdk:logicalId') logicalIds.set(entry.data, constructPath.replace(/^\//, '').replace(/\/Resource$/, ''));
          if (entry.type === PROTECTION_METADATA_TYPE) protections.push({ construct: constructPath.replace(/^\//, ''), protection: entry.data });
        }
      }
      const databases = resources
        .filter(([, resource]) => DATABASE_TYPES.includes(resource.Type))
        .map(([logicalId, resource]) => {
          const constructPath = logicalIds.get(logicalId) ?? logicalId;
          return { path: constructPath, type: resource.Type, protections: protections.filter((p) => p.protection.database === constructPath) };
        });
      const known = new Set(databases.map((database) => database.path));
      return {
        example,
        stack: id,
        resourcesByType: [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)),
        databases,
        otherProtections: protections.filter((p) => p.protection.database === undefined || !known.has(p.protection.database)),
      };
    });
}

function print(stack: StackReport): void {
  const total = stack.resourcesByType.reduce((sum, [, count]) => sum + count, 0);
  console.log(`\nStack ${stack.stack} (${stack.example}): ${total} resources`);
  const width = Math.max(...stack.resourcesByType.map(([type]) => type.length));
  for (const [type, count] of stack.resourcesByType) console.log(`  ${type.padEnd(width)}  ${String(count).padStart(3)}`);
  console.log('  What it protects:');
  for (const database of stack.databases) {
    console.log(`    ${database.path} (${database.type})`);
    databaseProtectionLines(database.protections).forEach((line) => console.log(`      ${line}`));
  }
  stack.otherProtections.forEach((protection) => console.log(`    - ${describeProtection(protection)}`));
  if (stack.databases.length === 0 && stack.otherProtections.length === 0) console.log('    nothing (no database and no backup construct)');
}

function main(): void {
  const directories = exampleDirectories(process.argv.slice(2));
  if (directories.length === 0) throw new Error('no example directory with a cdk.json under examples/');
  const reports: StackReport[] = [];
  for (const dir of directories) {
    const example = path.relative(ROOT, dir);
    if (fs.existsSync(path.join(dir, 'Pulumi.yaml'))) {
      runPulumiExampleInChildProcess(dir);
      continue;
    }
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-examples-'));
    try {
      console.log(`Synthesizing ${example} (offline, account ${ACCOUNT}, ${REGION})…`);
      synthesize(dir, outdir);
      reports.push(...report(example, outdir));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
  reports.forEach(print);
  const unprotected = reports.flatMap((stack) => stack.databases
    .filter((database) => database.protections.length === 0)
    .map((database) => database.path));
  console.log(`\n${directories.length} example(s), ${reports.length} stack(s) synthesized; ${unprotected.length} unprotected database(s).`);
  if (unprotected.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
