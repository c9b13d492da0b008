import { javascript, typescript } from 'projen';

/** The cloud SDKs a front end needs; each is optional so a CDK user never installs Pulumi and the reverse. */
const cloudPeers = {
  'aws-cdk-lib': '^2.257.0',
  'constructs': '^10.5.0',
  '@pulumi/pulumi': '^3.200.0',
  '@pulumi/aws': '^7.0.0',
  '@pulumi/azure-native': '^3.0.0',
};

/** Where the sources live; README links to what the package does not ship (examples, benchmarks) point here. */
const REPOSITORY = 'https://github.com/postgres-backup-constructs/postgres-backup-constructs';

const project = new typescript.TypeScriptProject({
  name: 'postgres-backup-constructs',
  description:
    'PostgreSQL backup and restore strategy as infrastructure: AWS CDK constructs, Pulumi components for AWS and Azure, and the pg-backup runner CLI.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  repository: REPOSITORY,
  homepage: `${REPOSITORY}#readme`,
  license: 'Apache-2.0',
  copyrightOwner: 'postgres-backup-constructs authors',
  minNodeVersion: '20.0.0',
  typescriptVersion: '~5.9.3',

  // CI is `.ci/run` on a clean clone; no hosted workflows or release automation.
  github: false,
  release: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,

  deps: [
    '@aws-sdk/client-s3',
    '@aws-sdk/lib-storage',
    // verify reads the password of a scratch RDS instance from the secret RDS manages for it.
    '@aws-sdk/client-secrets-manager',
    // The point-in-time drill of a flexible server restores, reads and deletes servers through ARM.
    '@azure/arm-postgresql-flexible',
    '@azure/identity',
    '@azure/storage-blob',
    // The age format (by its author) for encrypted dumps; no home-made crypto.
    'age-encryption@^0.3.1',
    'commander@^14',
    'cron-parser',
    'pg',
    // The runner's public declarations name pg's types, so a consumer type-checks them only with these installed.
    '@types/pg',
    'pino',
  ],
  peerDeps: Object.entries(cloudPeers).map(([name, range]) => `${name}@${range}`),
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    ...Object.keys(cloudPeers),
    'asl-validator',
    'aws-cdk',
    'aws-local-stepfunctions',
    'jest-util@^29',
    'azurite',
    'cdk-nag',
    's3rver',
    'typedoc',
    'typedoc-plugin-markdown',
  ],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      // Integration tests start real servers; give them room without hiding a hang forever.
      testTimeout: 120_000,
      setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
      globalSetup: '<rootDir>/test/support/jest-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/jest-global-teardown.ts',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      collectCoverage: false,
      maxWorkers: 2,
      // age-encryption and the noble/scure libraries under it are ES modules only: Node loads them with require()
      // (20.19 and later), but Jest's module system needs them turned into CommonJS first.
      transformIgnorePatterns: ['/node_modules/(?!(age-encryption|@noble|@scure)/)'],
      transform: {
        '^.+\\.js$': new javascript.Transform('ts-jest', { tsconfig: { allowJs: true }, isolatedModules: true }),
      },
    },
  },
  tsconfig: {
    compilerOptions: {
      // No source maps in the package: inline ones tripled the JS (and every runner image), and pointed stack traces
      // at src/*.ts, which the package does not ship. The emitted ES2022 JS keeps the source's names and shape.
      inlineSourceMap: false,
      inlineSources: false,
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
  },
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    compilerOptions: {
      // ts-jest then only transpiles each file; `npm test` type-checks once with tsc, which keeps the suite fast.
      isolatedModules: true,
      lib: ['es2022'],
      target: 'ES2022',
      skipLibCheck: true,
    },
    include: ['.projenrc.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    exclude: ['lib', '**/cdk.out', '**/node_modules'],
  },
});


project.package.addField('peerDependenciesMeta', Object.fromEntries(
  Object.keys(cloudPeers).map((name) => [name, { optional: true }]),
));

/**
 * One entry point a front end: importing `/cdk` never loads Pulumi and the reverse. `exports` serves Node, bundlers
 * and TypeScript's node16/nodenext/bundler resolution; `typesVersions` serves TypeScript's `"moduleResolution": "node"`,
 * which ignores `exports`.
 */
const entryPoints = ['core', 'cdk', 'pulumi/aws', 'pulumi/azure', 'pulumi/testing', 'runner'];
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  ...Object.fromEntries(entryPoints.map((entry) => [
    `./${entry}`,
    { types: `./lib/${entry}/index.d.ts`, default: `./lib/${entry}/index.js` },
  ])),
  './package.json': './package.json',
});
project.package.addField('typesVersions', {
  '*': Object.fromEntries(entryPoints.map((entry) => [entry, [`lib/${entry}/index.d.ts`]])),
});
project.package.addBin({ 'pg-backup': 'lib/runner/cli.js' });
project.package.addField('files', ['lib', 'runner-image', 'API.md', 'README.md']);

// API.md comes from the TSDoc of the public exports; the test task fails when the committed copy is stale.
const apiDocs = project.addTask('docgen', {
  description: 'Regenerate API.md from the TSDoc of the public exports',
  exec: 'node scripts/api-md.mjs',
});
project.postCompileTask.spawn(apiDocs);
project.addTask('check-api-md', {
  description: 'Fail when the committed API.md does not match the TSDoc of the public exports',
  exec: 'node scripts/api-md.mjs --check',
});
project.addTask('synth-examples', {
  description: 'Synthesize every example offline and print, per stack, what it provisions and protects',
  exec: 'ts-node --transpile-only scripts/synth-examples.ts',
});
project.addTask('typecheck', {
  description: 'Type-check sources, tests, examples and benchmarks',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

// The tests run PostgreSQL, pgBackRest, barman-cloud, age, zstd and lz4 for real: install them (as root) or say how.
const testPrerequisites = project.addTask('test-prerequisites', {
  description: 'Install the Debian packages the tests run (as root), or stop with the command that does',
  exec: 'bash scripts/test-prerequisites.sh',
});

project.testTask.reset();
project.testTask.spawn(testPrerequisites);
project.testTask.spawn(project.tasks.tryFind('typecheck')!);
project.testTask.exec('jest --passWithNoTests --ci', { receiveArgs: true });
project.testTask.spawn(project.tasks.tryFind('check-api-md')!);
project.testTask.spawn(project.eslint!.eslintTask);

project.gitignore.exclude('/.tmp/', '/cdk.out/', '**/cdk.out/', '/bench/results/', '/runner-image/node_modules/');
project.npmignore?.exclude('/bench/', '/examples/', '/scripts/', '/test/');

project.synth();
