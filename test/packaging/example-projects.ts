import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConsumerProject, ROOT } from './consumer-project';

/** The example directories of the repository with a `cdk.json` (CDK apps) or a `Pulumi.yaml` (Pulumi programs). */
export function exampleNames(kind: 'cdk' | 'pulumi'): string[] {
  const marker = kind === 'cdk' ? 'cdk.json' : 'Pulumi.yaml';
  const examples = path.join(ROOT, 'examples');
  return fs.readdirSync(examples).filter((name) => fs.existsSync(path.join(examples, name, marker))).sort();
}

/**
 * Examples `names` as users' own projects would hold them, in one project (one compilation, each example in its folder):
 * their sources and settings files, with each import of the repository's sources (`../../src/cdk`) replaced by the
 * package's import path (`postgres-backup-constructs/cdk`), as the comments in the examples tell a user to write it.
 * Throws when an example imports a path the package does not export (a deep import of one file), since a user could not
 * copy that line.
 */
export function examplesAsUserProject(names: readonly string[], compilerOptions: Record<string, unknown>): ConsumerProject {
  const files: Record<string, string> = {};
  for (const name of names) {
    const dir = path.join(ROOT, 'examples', name);
    for (const file of fs.readdirSync(dir).filter((entry) => fs.statSync(path.join(dir, entry)).isFile())) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const rewritten = file.endsWith('.ts')
        ? text.replace(/from '(?:\.\.\/)+src\/(core|cdk|runner|pulumi\/aws|pulumi\/azure|pulumi\/testing)'/g, "from 'postgres-backup-constructs/$1'")
        : text;
      const left = /from '(?:\.\.\/)+src\/[^']*'/.exec(rewritten);
      if (left) throw new Error(`examples/${name}/${file} imports ${left[0].slice(5)}, which the package does not export`);
      files[`${name}/${file}`] = rewritten;
    }
  }
  // Every example compiles to out/<example>/, whichever examples there are.
  return { type: 'commonjs', compilerOptions: { ...compilerOptions, rootDir: '.' }, files };
}

/**
 * A script that runs a Pulumi program compiled to `out/<main>.js` under the package's own mocks, offline, as
 * scripts/run-pulumi-example.ts runs the examples from the sources, and prints the number of resources it registered, their
 * types and the distinct failures of their registration.
 */
export function pulumiMockRunner(projectName: string, main: string, config: Record<string, string>): string {
  const settings = Object.fromEntries(Object.entries(config).map(([key, value]) => [`${projectName}:${key}`, value]));
  return `
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { BackupMocks } from 'postgres-backup-constructs/pulumi/testing';

async function main(): Promise<void> {
  const failures: string[] = [];
  process.on('unhandledRejection', (reason) => failures.push(String((reason as Error)?.message ?? reason)));
  const mocks = new BackupMocks();
  await pulumi.runtime.setMocks(mocks, ${JSON.stringify(projectName)}, 'example', false);
  pulumi.runtime.setAllConfig(${JSON.stringify(settings)}, ${JSON.stringify(Object.keys(settings))});
  await pulumi.runtime.runInPulumiStack(async () => require(path.join(__dirname, ${JSON.stringify(main.replace(/\.ts$/, '.js'))})));
  await pulumi.runtime.disconnect();
  const types = [...new Set(mocks.resources.map((resource) => resource.type))].sort();
  console.log(JSON.stringify({ resources: mocks.resources.length, types, failures: [...new Set(failures)] }));
}
void main();
`;
}
