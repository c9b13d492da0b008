/**
 * Scale benchmark of PostgresBackupBlueprint: a fleet of 10, 50 and 100 databases, each on its own server (its own
 * secret and security group), synthesized side by side in one run and repeated interleaved. Reports the resources of
 * each stack, the resources each extra database adds, the template size against CloudFormation's limits, and the
 * synth time, and replaces the blueprint section of BENCHMARKS.md (between its markers) with the command that
 * reproduces them:
 *
 *   npx ts-node --transpile-only bench/blueprint/blueprint-bench.ts [--sizes 10,50,100] [--repeats 3] [--out BENCHMARKS.md]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BlueprintDatabase, PostgresBackupBlueprint, PostgresDatabase } from '../../src/cdk';
import { BackupTier } from '../../src/core';
import { median, writeBenchmarkSection } from '../support/benchmarks-file';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')) as { version: string }).version;
const START_MARKER = '<!-- blueprint-bench:start -->';
const END_MARKER = '<!-- blueprint-bench:end -->';
const RESOURCE_LIMIT = 500;
const OUTPUT_LIMIT = 200;
const TEMPLATE_LIMIT_BYTES = 1_000_000;

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,50,100' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: path.join(ROOT, 'BENCHMARKS.md') },
  },
});
const SIZES = flags.sizes!.split(',').map(Number);
const REPEATS = Number(flags.repeats);


interface Measurement {
  readonly databases: number;
  readonly resources: number;
  readonly resourcesByType: Map<string, number>;
  readonly outputs: number;
  readonly templateBytes: number;
  readonly synthMs: number;
}

/** Builds and synthesizes one stack with a blueprint over `count` databases; times construction and synthesis together. */
function synthesizeFleet(count: number, minimizePolicies: boolean): Measurement {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'blueprint-bench-'));
  try {
    const started = performance.now();
    const app = new App({ outdir, context: minimizePolicies ? { '@aws-cdk/aws-iam:minimizePolicies': true } : {} });
    const stack = new Stack(app, `Fleet${count}`, { env: { account: '123456789012', region: 'eu-west-1' } });
    // An existing VPC: the stack holds only what the blueprint adds.
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'],
    });
    const databases: BlueprintDatabase[] = Array.from({ length: count }, (_, index) => {
      const id = `db-${String(index + 1).padStart(3, '0')}`;
      return {
        id,
        databaseNames: ['app'],
        database: PostgresDatabase.fromSecret({
          secret: secretsmanager.Secret.fromSecretCompleteArn(stack, `Secret-${id}`, `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${id}-AbCdEf`),
          connections: ec2.SecurityGroup.fromSecurityGroupId(stack, `Sg-${id}`, `sg-0${String(index + 1).padStart(16, '0')}`),
          postgresMajorVersion: 16,
        }),
        estimate: { databaseSizeGb: 50 },
      };
    });
    new PostgresBackupBlueprint(stack, 'Fleet', {
      vpc,
      tier: BackupTier.BRONZE,
      databases,
      // A registry image: the Docker asset of the package would fingerprint the package on every synth.
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/example/pg-backup:16'),
    });
    const assembly = app.synth();
    const synthMs = performance.now() - started;
    const artifact = assembly.getStackByName(stack.stackName);
    const template = artifact.template as { Resources: Record<string, { Type: string }>; Outputs?: Record<string, unknown> };
    const resourcesByType = new Map<string, number>();
    for (const resource of Object.values(template.Resources)) resourcesByType.set(resource.Type, (resourcesByType.get(resource.Type) ?? 0) + 1);
    return {
      databases: count,
      resources: Object.keys(template.Resources).length,
      resourcesByType,
      outputs: Object.keys(template.Outputs ?? {}).length,
      templateBytes: fs.statSync(path.join(outdir, artifact.templateFile)).size,
      synthMs,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function section(results: Measurement[][], withoutMinimizing: Measurement[]): string {
  const rows = results.map((runs) => ({ ...runs[0], synthMs: median(runs.map((run) => run.synthMs)), times: runs.map((run) => run.synthMs) }));
  const smallest = rows[0];
  const largest = rows[rows.length - 1];
  const perDatabase = (largest.resources - smallest.resources) / (largest.databases - smallest.databases);
  const fixed = smallest.resources - perDatabase * smallest.databases;
  // Synth time each extra database adds between consecutive sizes: equal steps mean linear growth.
  const marginalMs = rows.map((row, index) => (index === 0 ? undefined
    : (row.synthMs - rows[index - 1].synthMs) / (row.databases - rows[index - 1].databases)));
  const steps = marginalMs.filter((value): value is number => value !== undefined);
  const types = [...new Set(rows.flatMap((row) => [...row.resourcesByType.keys()]))]
    .filter((type) => rows.some((row) => row.resourcesByType.get(type) !== smallest.resourcesByType.get(type)));
  const lines = [
    START_MARKER,
    '## Blueprint at fleet scale: resources per stack and synth time',
    '',
    `Measured by \`bench/blueprint/blueprint-bench.ts\` on ${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version},`,
    `aws-cdk-lib ${CDK_VERSION}: one stack with a \`PostgresBackupBlueprint\` (BRONZE tier) over N databases, each on its`,
    'own server (its own secret and security group), in an existing VPC, with `@aws-cdk/aws-iam:minimizePolicies` on (as `cdk init` sets it),',
    'synthesized side by side in one process; synth time is',
    `construction plus \`app.synth()\`, median of ${REPEATS} interleaved runs (the machine was shared with other work). Reproduce with:`,
    '',
    '```sh',
    `npx ts-node --transpile-only bench/blueprint/blueprint-bench.ts --sizes ${SIZES.join(',')} --repeats ${REPEATS}`,
    '```',
    '',
    '| databases | resources | of CloudFormation\'s 500 | outputs (limit 200) | template (KB, limit 1,000) | synth (s): median [runs] | synth ms per extra database since the previous size |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((row, index) => `| ${row.databases} | ${row.resources} | ${Math.round((row.resources / RESOURCE_LIMIT) * 100)}% | ${row.outputs} `
      + `| ${(row.templateBytes / 1000).toFixed(0)} | ${(row.synthMs / 1000).toFixed(2)} [${row.times.map((ms) => (ms / 1000).toFixed(2)).join(', ')}] `
      + `| ${marginalMs[index] === undefined ? '–' : marginalMs[index]!.toFixed(1)} |`),
    '',
    `Each extra database adds ${perDatabase.toFixed(2)} resources (from ${smallest.databases} to ${largest.databases} databases); the shared part is`
      + ` ${fixed.toFixed(0)} resources. What grows with the fleet:`,
    '',
    '| resource type | ' + rows.map((row) => `${row.databases} databases`).join(' | ') + ' | per extra database |',
    '| --- | ' + rows.map(() => '---').join(' | ') + ' | --- |',
    ...types.map((type) => `| ${type} | ${rows.map((row) => row.resourcesByType.get(type) ?? 0).join(' | ')} `
      + `| ${(((largest.resourcesByType.get(type) ?? 0) - (smallest.resourcesByType.get(type) ?? 0)) / (largest.databases - smallest.databases)).toFixed(2)} |`),
    '',
    `Targets: at most 3 resources per extra database — ${perDatabase <= 3 ? 'met' : 'NOT met'} (${perDatabase.toFixed(2)}); `
      + `${largest.databases} databases under ${RESOURCE_LIMIT} resources — ${largest.resources < RESOURCE_LIMIT ? 'met' : 'NOT met'} (${largest.resources}), `
      + `with ${largest.outputs} of ${OUTPUT_LIMIT} outputs and ${(largest.templateBytes / 1000).toFixed(0)} KB of ${TEMPLATE_LIMIT_BYTES / 1000} KB of template. `
      + `Synth time grows by ${steps.map((ms) => `${ms.toFixed(1)} ms`).join(', then ')} per extra database`
      + `${steps.length > 1 ? ` (last step ${(steps[steps.length - 1] / steps[0]).toFixed(2)}× the first; 1.00× is exactly linear)` : ''}.`,
    '',
    'Why a database costs a little more than 3: three resources are its own and cannot be shared without losing what they'
      + ' do: the ingress rule on its server\'s security group (every server has its own group, and the dump task must be let in),'
      + ' its dump schedule (an EventBridge Scheduler schedule starts one task with one command: that database\'s) and its RPO'
      + ' alarm (an alarm of its own, so that a second silent database pages while a first one already does; an alarm over'
      + ' several databases stays in ALARM and says nothing of the next one). The rest is per group of databases: one fleet RTO'
      + ' alarm per ten drilled databases, because an alarm on a metric math expression reads at most 10 metrics, a hard'
      + ' CloudWatch limit, and one drill schedule per group of databases whose input fits EventBridge Scheduler\'s 8 KB (about'
      + ` 90 databases). Those two are the ${(perDatabase - 3).toFixed(2)} above 3. A slow restore also fails that database's drill, which the`
      + ' fleet drill notifies naming the database and counts in the fleet\'s one failed-drill alarm, so the RTO alarms are a'
      + ' second, stateful view of it; one alarm per group instead would need a CloudWatch Metrics Insights query alarm'
      + ' (200 per account and region by default, its query and its per-database contributors not checkable by any tool here).',
    '',
    'Without `minimizePolicies` (aws-cdk-lib\'s own default) the dump execution role gets one statement per server\'s secret, and IAM\'s'
      + ` policy size limit makes CDK add overflow managed policies: ${withoutMinimizing.map((row) => `${row.resources} resources at ${row.databases} databases`
      + ` (${row.resourcesByType.get('AWS::IAM::ManagedPolicy') ?? 0} overflow)`).join(', ')}, measured in the same run.`,
    END_MARKER,
  ];
  return lines.join('\n');
}


function main(): void {
  // One warm-up synthesis, so module loading is not counted in the first measured size.
  synthesizeFleet(SIZES[0], true);
  const withoutMinimizing = SIZES.map((size) => synthesizeFleet(size, false));
  const results: Measurement[][] = SIZES.map(() => []);
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    SIZES.forEach((size, index) => {
      const measurement = synthesizeFleet(size, true);
      results[index].push(measurement);
      console.log(`run ${repeat + 1}: ${size} databases → ${measurement.resources} resources, ${(measurement.synthMs / 1000).toFixed(2)} s`);
    });
  }
  const text = section(results, withoutMinimizing);
  console.log(`\n${text}`);
  writeBenchmarkSection(flags.out!, START_MARKER, END_MARKER, text);
}

main();
