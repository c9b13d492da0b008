/**
 * The packed package, installed into small consumer projects the way users set them up: every import path resolves
 * under each module resolution TypeScript offers, for CommonJS and ES module projects, the programs run, and a CDK-only
 * or Pulumi-only install needs nothing of the other framework.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCdkInitApp, EMITTING_PROJECT } from './cdk-init-app';
import { compileAll, ConsumerProject, createInstall, createProject, describe as output, PackedPackage, packPackage, ROOT, run } from './consumer-project';
import { exampleNames, examplesAsUserProject, pulumiMockRunner } from './example-projects';
import { ReadmeProgram, readmeAwsProgram, readmeAzureProgram } from './readme-programs';
import { report, synthesize } from '../../scripts/synth-examples';

// Compiling the package and each consumer takes a while on a shared machine.
jest.setTimeout(600_000);

const CDK = ['aws-cdk-lib', 'constructs'];
const PULUMI = ['@pulumi/pulumi', '@pulumi/aws', '@pulumi/azure-native'];
const NODE_TYPES = ['@types/node'];

/** Imports one symbol from every import path and prints the `typeof` of each. */
const EVERY_IMPORT_PATH = `
import { BackupTier } from 'postgres-backup-constructs';
import { BackupTier as CoreBackupTier } from 'postgres-backup-constructs/core';
import { ScheduledPgDump as CdkScheduledPgDump } from 'postgres-backup-constructs/cdk';
import { ScheduledPgDump as AwsScheduledPgDump } from 'postgres-backup-constructs/pulumi/aws';
import { ScheduledPgDump as AzureScheduledPgDump } from 'postgres-backup-constructs/pulumi/azure';
import { BackupMocks } from 'postgres-backup-constructs/pulumi/testing';
import { BackupLayout } from 'postgres-backup-constructs/runner';

const loaded: Record<string, unknown> = {
  '.': BackupTier, core: CoreBackupTier, cdk: CdkScheduledPgDump, 'pulumi/aws': AwsScheduledPgDump,
  'pulumi/azure': AzureScheduledPgDump, 'pulumi/testing': BackupMocks, runner: BackupLayout,
};
console.log(JSON.stringify(Object.fromEntries(Object.entries(loaded).map(([entry, value]) => [entry, typeof value]))));
`;
const EVERY_IMPORT_PATH_LOADED = {
  '.': 'function',
  'core': 'function',
  'cdk': 'function',
  'pulumi/aws': 'function',
  'pulumi/azure': 'function',
  'pulumi/testing': 'function',
  'runner': 'function',
};

/** The frameworks this process loaded, as a JSON line: proves an install without the other one works. */
const LOADED_FRAMEWORKS = `
const frameworks = Object.keys(require.cache).filter((file) => /[\\\\/]node_modules[\\\\/](aws-cdk-lib|@pulumi)[\\\\/]/.test(file))
  .map((file) => /node_modules[\\\\/](aws-cdk-lib|@pulumi)/.exec(file)![1]);
console.log(JSON.stringify({ frameworks: [...new Set(frameworks)].sort() }));
`;

/** A CDK app as `cdk init` and projen make them: CommonJS, `"moduleResolution": "node"`. */
const CDK_APP = `
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { PostgresDatabase, ScheduledPgDump } from 'postgres-backup-constructs/cdk';

const app = new App({ outdir: path.join(__dirname, 'cdk.out') });
const stack = new Stack(app, 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
const orders = new rds.DatabaseInstance(stack, 'Orders', {
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
  vpc,
});
new ScheduledPgDump(stack, 'NightlyDump', {
  vpc,
  database: PostgresDatabase.fromInstance(orders),
  databaseNames: ['orders'],
});
// A database this app does not define: imported by its attributes, with its secret.
const billing = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Billing', {
  instanceIdentifier: 'billing', instanceEndpointAddress: 'billing.abc123.eu-west-1.rds.amazonaws.com', port: 5432,
  securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'BillingSg', 'sg-0123456789abcdef0')],
  engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16_4 }),
});
new ScheduledPgDump(stack, 'BillingDump', {
  vpc,
  database: PostgresDatabase.fromInstance(billing, {
    secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'BillingSecret', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:billing-AbCdEf'),
  }),
  databaseNames: ['billing'],
});
const template = app.synth().getStackByName('Backups').template;
const types = Object.values(template.Resources as Record<string, { Type: string }>).map((resource) => resource.Type);
console.log(JSON.stringify({ taskDefinitions: types.filter((type) => type === 'AWS::ECS::TaskDefinition').length }));
${LOADED_FRAMEWORKS}`;

/** A Pulumi program as Pulumi's TypeScript template makes them: CommonJS, `"moduleResolution": "node"`. */
const PULUMI_PROGRAM = `
import * as rds from '@pulumi/aws/rds';
import { PostgresDatabase, ScheduledPgDump } from 'postgres-backup-constructs/pulumi/aws';

const orders = new rds.Instance('orders', {
  engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.micro', allocatedStorage: 20,
  username: 'app', manageMasterUserPassword: true, backupRetentionPeriod: 7,
});

export const dump = new ScheduledPgDump('nightly', {
  vpcId: 'vpc-0example',
  subnetIds: ['subnet-0a', 'subnet-0b'],
  database: PostgresDatabase.fromInstance(orders, { postgresMajorVersion: 16 }),
  image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
  databaseNames: ['orders'],
});
`;

/** The unit test of the Pulumi program that README shows. */
function readmeUnitTest(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n(\/\/ index\.test\.ts[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no ```ts block starting with "// index.test.ts"');
  return block[1];
}

/** Where a stack trace's frames point inside the installed package. */
function packageFilesIn(stack: string): string[] {
  return [...stack.matchAll(/(\/[^\s():]*node_modules\/postgres-backup-constructs\/[^\s():]+):\d+:\d+/g)].map((match) => match[1]);
}

/**
 * Module settings of the projects users have, with the package type they go with. `tsc --init` sets
 * `esModuleInterop` (pino's declarations need it); one project also checks every declaration file it loads
 * (`skipLibCheck: false`): it costs time, so the others skip that, as `tsc --init` does.
 */
const RESOLUTIONS: Array<[string, Pick<ConsumerProject, 'type' | 'compilerOptions'>]> = [
  ['CommonJS with "moduleResolution": "node" (node10)', {
    type: 'commonjs',
    compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true, skipLibCheck: false },
  }],
  ['CommonJS with "moduleResolution": "node16"', {
    type: 'commonjs',
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', esModuleInterop: true, skipLibCheck: true },
  }],
  ['ES modules with "moduleResolution": "nodenext"', {
    type: 'module',
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', esModuleInterop: true, skipLibCheck: true },
  }],
  ['ES modules with "moduleResolution": "bundler"', {
    type: 'module',
    compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', esModuleInterop: true, skipLibCheck: true },
  }],
];

/** A folder name for a project of RESOLUTIONS. */
function folderOf(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

const TRACE = `
import { parseSchedule } from 'postgres-backup-constructs/core';
try {
  parseSchedule({ expression: 'every night' });
} catch (error) {
  console.log((error as Error).stack);
}
`;

/** A CDK app's settings as `cdk init app --language typescript` writes them (CommonJS, node10 resolution). */
const USER_APP_OPTIONS = { module: 'commonjs', moduleResolution: 'node', target: 'es2022', esModuleInterop: true, skipLibCheck: true };

/** Pulumi's TypeScript template. */
const PULUMI_TEMPLATE_OPTIONS = {
  target: 'es2020',
  module: 'commonjs',
  moduleResolution: 'node',
  sourceMap: true,
  experimentalDecorators: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

/**
 * The package is packed once and installed three times (with both frameworks, CDK only, Pulumi only) plus once bare for
 * the CLI; every project is compiled in one `tsc --build`.
 */
let packed: PackedPackage;
let bare: string;
let trace: string;
let resolutions: Map<string, string>;
let cdkApp: string;
let pulumiProgram: string;
let diagnostics: Map<string, string>;
/** The repository's CDK examples and Pulumi examples as users' own projects (one project each, a folder an example). */
let cdkExamples: string;
let pulumiExamples: string;
/** A platform team's CDK app laid out by `cdk init app --language typescript`, and README's Pulumi programs. */
let platformApp: string;
let readmePrograms: string;
beforeAll(() => {
  packed = packPackage();
  const both = createInstall(packed, [...CDK, ...PULUMI, ...NODE_TYPES]);
  trace = createProject(both, 'trace', {
    type: 'commonjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022' }, files: { 'trace.ts': TRACE },
  });
  resolutions = new Map(RESOLUTIONS.map(([name, settings]) => [name, createProject(both, folderOf(name), { ...settings, files: { 'main.ts': EVERY_IMPORT_PATH } })]));
  const cdkOnly = createInstall(packed, [...CDK, 'cdk-nag', ...NODE_TYPES]);
  cdkApp = createProject(cdkOnly, 'app', {
    type: 'commonjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node', target: 'es2022' }, files: { 'app.ts': CDK_APP },
  });
  const pulumiOnly = createInstall(packed, [...PULUMI, ...NODE_TYPES]);
  pulumiProgram = createProject(pulumiOnly, 'program', {
    type: 'commonjs', compilerOptions: PULUMI_TEMPLATE_OPTIONS, files: { 'index.ts': PULUMI_PROGRAM, 'index.test.ts': readmeUnitTest() },
  });
  bare = createInstall(packed, []);
  cdkExamples = createProject(cdkOnly, 'cdk-examples', examplesAsUserProject(exampleNames('cdk'), USER_APP_OPTIONS));
  const pulumiProject = examplesAsUserProject(exampleNames('pulumi'), PULUMI_TEMPLATE_OPTIONS);
  const runners = Object.fromEntries(exampleNames('pulumi').map((name) => {
    const yaml = pulumiProject.files[`${name}/Pulumi.yaml`];
    const projectName = /^name:\s*(\S+)/m.exec(yaml)![1];
    const main = /^main:\s*(\S+)/m.exec(yaml)?.[1] ?? 'index.ts';
    return [`${name}/run-example.ts`, pulumiMockRunner(projectName, main, { administratorPassword: 'example-only-password' })];
  }));
  pulumiExamples = createProject(pulumiOnly, 'pulumi-examples', { ...pulumiProject, files: { ...pulumiProject.files, ...runners } });
  platformApp = createCdkInitApp(createInstall(packed, [...CDK, 'cdk-nag', ...NODE_TYPES, '@types/jest']), packed, 'platform');
  const programs: Array<[string, ReadmeProgram]> = [['aws', readmeAwsProgram()], ['azure', readmeAzureProgram()]];
  const readmeFiles = Object.fromEntries(programs.flatMap(([folder, program]) => [
    [`${folder}/index.ts`, program.index],
    [`${folder}/run-program.ts`, pulumiMockRunner(program.projectName, 'index.ts', program.config)],
  ]));
  readmePrograms = createProject(pulumiOnly, 'readme-programs', { type: 'commonjs', compilerOptions: { ...PULUMI_TEMPLATE_OPTIONS, rootDir: '.' }, files: readmeFiles });
  diagnostics = compileAll([
    trace, ...resolutions.values(), cdkApp, pulumiProgram, cdkExamples, pulumiExamples, path.join(platformApp, EMITTING_PROJECT), readmePrograms,
  ]);
});

describe('the packed package', () => {
  test('holds the compiled JavaScript and declarations without source maps or TypeScript sources', () => {
    expect(packed.files).toEqual(expect.arrayContaining(['lib/cdk/index.js', 'lib/cdk/index.d.ts', 'lib/pulumi/testing/index.js', 'runner-image/Dockerfile']));
    expect(packed.files.filter((file) => file.endsWith('.map') || file.startsWith('src/'))).toEqual([]);
    const mapped = packed.files.filter((file) => file.endsWith('.js'))
      .filter((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').includes('sourceMappingURL'));
    expect(mapped).toEqual([]);
  });

  test('a stack trace from inside the package points only at files the package ships, even with source maps enabled', () => {
    expect(diagnostics.get(trace)).toBe('');
    const result = run(process.execPath, ['--enable-source-maps', 'out/trace.js'], trace);
    expect(result.status).toBe(0);
    const files = packageFilesIn(result.stdout);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((file) => !fs.existsSync(file))).toEqual([]);
  });
});

describe.each(RESOLUTIONS.map(([name]) => name))('a project using %s', (name) => {
  test('compiles imports of every import path and runs them', () => {
    const dir = resolutions.get(name)!;
    expect(diagnostics.get(dir)).toBe('');
    const result = run(process.execPath, ['out/main.js'], dir);
    expect(output(result)).toMatch(/^exit 0\n/);
    expect(JSON.parse(result.stdout)).toEqual(EVERY_IMPORT_PATH_LOADED);
  });
});

describe('a CDK-only install (no @pulumi packages)', () => {
  test('synthesizes an app with a ScheduledPgDump of an instance it defines and one it imports, without loading Pulumi', () => {
    expect(run(process.execPath, ['-e', 'require.resolve("@pulumi/pulumi")'], cdkApp).status).not.toBe(0);
    expect(diagnostics.get(cdkApp)).toBe('');
    const result = run(process.execPath, ['out/app.js'], cdkApp);
    expect(output(result)).toMatch(/^exit 0\n/);
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line))).toEqual([{ taskDefinitions: 2 }, { frameworks: ['aws-cdk-lib'] }]);
  });
});

describe('a Pulumi-only install (no aws-cdk-lib)', () => {
  test("runs the program's unit test from README with the mocks of /pulumi/testing", () => {
    expect(run(process.execPath, ['-e', 'require.resolve("aws-cdk-lib")'], pulumiProgram).status).not.toBe(0);
    expect(diagnostics.get(pulumiProgram)).toBe('');
    const result = run(process.execPath, ['--test', 'out/index.test.js'], pulumiProgram);
    expect(output(result)).toMatch(/^exit 0\n[\s\S]*# pass 1\n[\s\S]*# fail 0\n/);
  });
});

describe('the pg-backup command of an install without CDK or Pulumi', () => {
  /** Runs the command npm linked into node_modules/.bin, as `npx pg-backup` or a package.json script would. */
  const pgBackup = (...args: string[]) => run(path.join(bare, 'node_modules', '.bin', 'pg-backup'), args, bare);
  const lastLine = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

  test('--help lists the commands, exits 0 and ends with its result line', () => {
    const result = pgBackup('--help');
    expect(output(result)).toMatch(/^exit 0\nUsage: pg-backup <command> \[flags\]\n/);
    expect(result.stdout).toMatch(/^ {2}dump {2,}stream pg_dump/m);
    expect(lastLine(result.stdout)).toEqual({ command: null, ok: true, help: true });
  });

  test("--version prints the package's name and version", () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const result = pgBackup('--version');
    expect(output(result)).toBe(output({ status: 0, stdout: `postgres-backup-constructs@${version}\n${JSON.stringify({ command: null, ok: true, version: `postgres-backup-constructs@${version}` })}\n`, stderr: '' }));
  });

  test('dump --help shows the flags of dump with their defaults and examples', () => {
    const result = pgBackup('dump', '--help');
    expect(output(result)).toMatch(/^exit 0\nUsage: pg-backup dump --to URI/);
    expect(result.stdout).toMatch(/^ {2}--format custom\|directory +pg_dump archive format\. Default: custom\. Example: --format directory$/m);
    expect(result.stdout).not.toMatch(/^ {2}--target-url/m);
  });

  test('a reader that closes its end early (`pg-backup dump --help | head -1`) leaves pg-backup exiting 0 without an error', async () => {
    const child = spawn(path.join(bare, 'node_modules', '.bin', 'pg-backup'), ['dump', '--help'], { cwd: bare, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the program has started, so every write it makes meets a pipe nobody reads.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe.each(exampleNames('cdk'))("the CDK example %s, built as a user's app from the packed package", (name) => {
  test('compiles, and synthesizes with cdk-nag\'s AwsSolutionsChecks without a finding, every database protected', () => {
    expect(diagnostics.get(cdkExamples)).toBe('');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-example-synth-'));
    try {
      // A finding of cdk-nag (registered by the example's app.ts) fails the synthesis, and this with it.
      synthesize(path.join(cdkExamples, name), outdir, `${JSON.stringify(process.execPath)} ${path.join(cdkExamples, 'out', name, 'app.js')}`);
      const stacks = report(name, outdir);
      expect(stacks.length).toBeGreaterThan(0);
      const unprotected = stacks.flatMap((stack) => stack.databases.filter((database) => database.protections.length === 0));
      expect(unprotected.map((database) => database.path)).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe.each(exampleNames('pulumi'))("the Pulumi example %s, built as a user's program from the packed package", (name) => {
  test('compiles with Pulumi\'s template settings and registers every resource under the package\'s mocks', () => {
    expect(diagnostics.get(pulumiExamples)).toBe('');
    const result = run(process.execPath, [path.join('out', name, 'run-example.js')], pulumiExamples);
    expect(output(result)).toMatch(/^exit 0\n/);
    const registered = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(registered.failures).toEqual([]);
    expect(registered.resources).toBeGreaterThan(0);
  }, 120_000);
});

describe("a platform team's CDK app made by `cdk init app --language typescript`, installed from the packed package", () => {
  test('compiles with the CLI\'s settings and synthesizes every construct (required props, all options, imported resources, two of each in '
    + 'a stack, another account and region, the China partition, environment-agnostic, backing up another stack\'s databases) with no '
    + 'AwsSolutions finding and no physical name taken twice', () => {
    expect(diagnostics.get(path.join(platformApp, EMITTING_PROJECT))).toBe('');
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-platform-synth-'));
    try {
      const result = run(process.execPath, [path.join('out', 'bin', 'platform.js'), outdir], platformApp);
      expect(output(result)).toMatch(/^exit 0\n/);
      const summary = JSON.parse(result.stdout.trim().split('\n').pop()!);
      expect(summary.stacks).toEqual([
        'PlatformAllOptions', 'PlatformAnywhere', 'PlatformChina', 'PlatformData', 'PlatformDataBackups', 'PlatformImported', 'PlatformOffsite',
        'PlatformOtherAccount', 'PlatformRequired', 'PlatformTwoOfEach',
      ]);
      expect(summary.findings).toEqual([]);
      expect(summary.clashes).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }, 300_000);
});

describe.each([
  ['AWS', 'aws', ['aws:backup/plan:Plan', 'aws:ecs/taskDefinition:TaskDefinition', 'aws:rds/instance:Instance', 'aws:sfn/stateMachine:StateMachine']],
  ['Azure', 'azure', ['azure-native:app:Job', 'azure-native:dbforpostgresql:Server']],
])("README's Pulumi %s program, pasted into a project made like `pulumi new` and installed from the packed package", (_cloud, folder, types) => {
  test('compiles with the template\'s settings and registers every resource under the package\'s mocks', () => {
    expect(diagnostics.get(readmePrograms)).toBe('');
    const result = run(process.execPath, [path.join('out', folder, 'run-program.js')], readmePrograms);
    expect(output(result)).toMatch(/^exit 0\n/);
    const registered = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(registered.failures).toEqual([]);
    expect(registered.types).toEqual(expect.arrayContaining(types));
  }, 120_000);
});

describe('README', () => {
  test('links only to files the package ships or to absolute addresses, so its links work on the npm page', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const relative = [...readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/.test(target));
    expect(relative.filter((target) => !packed.files.includes(target))).toEqual([]);
  });
});
