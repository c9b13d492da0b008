/**
 * Scale benchmark of the Pulumi AWS PostgresBackupBlueprint: a program with a fleet of 10, 50 and 100 databases, each
 * on its own server (its own secret and security group), run offline under Pulumi mocks, each run in its own process
 * (mocks are process-wide), sizes interleaved and repeated. Reports the resources the program registers, the
 * resources each extra database adds, the largest IAM policy document against IAM's limits, and the time from the
 * first resource to the last registration; replaces the Pulumi blueprint section of BENCHMARKS.md (between its
 * markers) with the command that reproduces them:
 *
 *   npx ts-node --transpile-only bench/blueprint/pulumi-blueprint-bench.ts [--sizes 10,50,100] [--repeats 3] [--out BENCHMARKS.md]
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';

const ROOT = path.resolve(__dirname, '..', '..');
const START_MARKER = '<!-- pulumi-blueprint-bench:start -->';
const END_MARKER = '<!-- pulumi-blueprint-bench:end -->';
/** IAM's limits: a managed policy document, and all inline policies of one role together (characters without whitespace). */
const MANAGED_POLICY_LIMIT = 6144;
const INLINE_POLICIES_PER_ROLE_LIMIT = 10240;

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,50,100' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
    child: { type: 'string' },
  },
});

/** What one run of the program measured. */
interface Measurement {
  readonly databases: number;
  readonly resources: number;
  readonly resourcesByType: Record<string, number>;
  readonly largestManagedPolicyChars: number;
  readonly largestInlinePoliciesPerRoleChars: number;
  readonly programMs: number;
}

/** Runs the program with `count` databases under mocks in this process and measures it. */
async function measureInThisProcess(count: number): Promise<Measurement> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const pulumi = require('@pulumi/pulumi') as typeof import('@pulumi/pulumi');
  const { BackupTier } = require('../../src/core') as typeof import('../../src/core');
  const { PostgresBackupBlueprint, PostgresDatabase } = require('../../src/pulumi/aws') as typeof import('../../src/pulumi/aws');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const recorded: { type: string; name: string; inputs: Record<string, any> }[] = [];
  await pulumi.runtime.setMocks({
    newResource(args) {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
      const state: Record<string, unknown> = { ...args.inputs, name: args.inputs.name ?? args.name, arn: `arn:aws:${args.type.split(/[:/]/)[1]}:eu-west-1:123456789012:${args.name}` };
      if (args.type === 'aws:s3/bucket:Bucket') state.bucket = `${args.name}-bench`;
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      switch (args.token) {
        case 'aws:index/getPartition:getPartition': return { partition: 'aws', id: 'aws' };
        case 'aws:index/getRegion:getRegion': return { region: 'eu-west-1', name: 'eu-west-1', id: 'eu-west-1' };
        default: return { accountId: '123456789012', id: '123456789012' };
      }
    },
  }, 'blueprint-bench', 'bench', false);
  const started = performance.now();
  await pulumi.runtime.runInPulumiStack(async () => {
    new PostgresBackupBlueprint('fleet', {
      vpcId: 'vpc-0123456789abcdef0',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
      tier: BackupTier.BRONZE,
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
      databases: Array.from({ length: count }, (_, index) => {
        const id = `db-${String(index + 1).padStart(3, '0')}`;
        return {
          id,
          databaseNames: ['app'],
          database: PostgresDatabase.fromSecret({
            // The shape of an RDS-managed secret's ARN.
            secretArn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123abcd-4567-89ef-0123-456789abc${String(index + 1).padStart(3, '0')}-AbCdEf`,
            securityGroupId: `sg-0${String(index + 1).padStart(16, '0')}`,
            postgresMajorVersion: 16,
          }),
          estimate: { databaseSizeGb: 50 },
        };
      }),
    });
    return {};
  });
  // Waits until every registration the program started has finished.
  await pulumi.runtime.disconnect();
  const programMs = performance.now() - started;
  const resources = recorded.filter((resource) => !resource.type.startsWith('pulumi:'));
  const resourcesByType: Record<string, number> = {};
  resources.forEach((resource) => { resourcesByType[resource.type] = (resourcesByType[resource.type] ?? 0) + 1; });
  const chars = (document: string) => document.replace(/\s/g, '').length;
  const inlineByRole = new Map<string, number>();
  for (const policy of resources.filter((resource) => resource.type === 'aws:iam/rolePolicy:RolePolicy')) {
    inlineByRole.set(policy.inputs.role, (inlineByRole.get(policy.inputs.role) ?? 0) + chars(policy.inputs.policy));
  }
  return {
    databases: count,
    resources: resources.length,
    resourcesByType,
    largestManagedPolicyChars: Math.max(0, ...resources.filter((resource) => resource.type === 'aws:iam/policy:Policy').map((policy) => chars(policy.inputs.policy))),
    largestInlinePoliciesPerRoleChars: Math.max(0, ...inlineByRole.values()),
    programMs,
  };
}

/** Runs one measurement in a child process. */
function measure(count: number): Measurement {
  const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', __filename, '--child', String(count)], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`the run with ${count} databases failed:\n${result.stderr}`);
  const line = result.stdout.trim().split('\n').find((candidate) => candidate.startsWith('{"databases"'));
  if (!line) throw new Error(`the run with ${count} databases printed no measurement:\n${result.stdout}`);
  return JSON.parse(line) as Measurement;
}

function section(sizes: number[], repeats: number, results: Measurement[][]): string {
  const rows = results.map((runs) => ({ ...runs[0], programMs: median(runs.map((run) => run.programMs)), times: runs.map((run) => run.programMs) }));
  const smallest = rows[0];
  const largest = rows[rows.length - 1];
  const perDatabase = (largest.resources - smallest.resources) / (largest.databases - smallest.databases);
  const marginalMs = rows.map((row, index) => (index === 0 ? undefined
    : (row.programMs - rows[index - 1].programMs) / (row.databases - rows[index - 1].databases)));
  const steps = marginalMs.filter((value): value is number => value !== undefined);
  const types = [...new Set(rows.flatMap((row) => Object.keys(row.resourcesByType)))]
    .filter((type) => rows.some((row) => row.resourcesByType[type] !== smallest.resourcesByType[type])).sort();
  return [
    START_MARKER,
    '## Pulumi blueprint at fleet scale: resources per program and program time',
    '',
    `Measured by \`bench/blueprint/pulumi-blueprint-bench.ts\` on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}:`,
    'a Pulumi program with one AWS `PostgresBackupBlueprint` (BRONZE tier) over N databases, each on its own server (its own secret and',
    'security group), run offline under Pulumi mocks, one process a run; program time is from the blueprint\'s construction until',
    `every registration finished, median of ${repeats} interleaved runs. Reproduce with:`,
    '',
    '```sh',
    `npx ts-node --transpile-only bench/blueprint/pulumi-blueprint-bench.ts --sizes ${sizes.join(',')} --repeats ${repeats}`,
    '```',
    '',
    '| databases | resources | largest managed policy (chars, limit 6,144) | largest inline policies of a role (chars, limit 10,240) | program (s): median [runs] | ms per extra database since the previous size |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row, index) => `| ${row.databases} | ${row.resources} | ${row.largestManagedPolicyChars} | ${row.largestInlinePoliciesPerRoleChars} `
      + `| ${(row.programMs / 1000).toFixed(2)} [${row.times.map((ms) => (ms / 1000).toFixed(2)).join(', ')}] `
      + `| ${marginalMs[index] === undefined ? '–' : marginalMs[index]!.toFixed(1)} |`),
    '',
    `Each extra database adds ${perDatabase.toFixed(2)} resources (from ${smallest.databases} to ${largest.databases} databases). What grows with the fleet:`,
    '',
    '| resource type | ' + rows.map((row) => `${row.databases} databases`).join(' | ') + ' |',
    '| --- | ' + rows.map(() => '---').join(' | ') + ' |',
    ...types.map((type) => `| ${type} | ${rows.map((row) => row.resourcesByType[type] ?? 0).join(' | ')} |`),
    '',
    'Per database: a dump schedule, an RPO alarm and its server\'s ingress rule; per 40 servers one managed policy of their secrets and its attachment'
      + ` (a role's inline policies share ${INLINE_POLICIES_PER_ROLE_LIMIT.toLocaleString('en')} characters). IAM limits held at every size: `
      + `${rows.every((row) => row.largestManagedPolicyChars <= MANAGED_POLICY_LIMIT && row.largestInlinePoliciesPerRoleChars <= INLINE_POLICIES_PER_ROLE_LIMIT) ? 'yes' : 'NO'}. `
      + `Program time grows by ${steps.map((ms) => `${ms.toFixed(1)} ms`).join(', then ')} per extra database`
      + `${steps.length > 1 ? ` (last step ${(steps[steps.length - 1] / steps[0]).toFixed(2)}× the first; 1.00× is exactly linear)` : ''}.`
      + ' A Pulumi stack has no 500-resource limit; CloudFormation\'s is the CDK table above.',
    END_MARKER,
  ].join('\n');
}


async function main(): Promise<void> {
  if (flags.child !== undefined) {
    console.log(JSON.stringify(await measureInThisProcess(Number(flags.child))));
    return;
  }
  const sizes = flags.sizes!.split(',').map(Number);
  const repeats = Number(flags.repeats);
  const results: Measurement[][] = sizes.map(() => []);
  for (let repeat = 0; repeat < repeats; repeat++) {
    sizes.forEach((size, index) => {
      const measurement = measure(size);
      results[index].push(measurement);
      console.log(`run ${repeat + 1}: ${size} databases → ${measurement.resources} resources, ${(measurement.programMs / 1000).toFixed(2)} s`);
    });
  }
  const text = section(sizes, repeats, results);
  console.log(`\n${text}`);
  writeBenchmarkSection(flags.out!, START_MARKER, END_MARKER, text);
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
