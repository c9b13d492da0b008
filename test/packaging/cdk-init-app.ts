import * as fs from 'node:fs';
import * as path from 'node:path';
import { PackedPackage, ROOT } from './consumer-project';

/** The template `cdk init app --language typescript` copies, from the aws-cdk CLI the repository installs. */
const INIT_TEMPLATE = path.join(ROOT, 'node_modules', 'aws-cdk', 'lib', 'init-templates', 'app', 'typescript');

/** The app of `test/packaging/platform-app`, whose `bin/` and `lib/` a user would have written. */
const PLATFORM_APP = path.join(ROOT, 'test', 'packaging', 'platform-app');

/** The folder of an app made by {@link createCdkInitApp} whose tsconfig.json compiles it into `out/` (see there). */
export const EMITTING_PROJECT = 'emit';

/**
 * A user's CDK app as `cdk init app --language typescript` lays it out, in the root of `install` (so its
 * `typeRoots: ["./node_modules/@types"]` finds the installed types): the CLI's own tsconfig.json and package.json (its
 * dependencies plus the packed package and cdk-nag), cdk.json, and `bin/`, `lib/` from `test/packaging/platform-app`,
 * each import of the repository's sources (`../../../../src/cdk`) written as the package's import path. The CLI's
 * tsconfig sets `noEmit` (its apps run with tsx, which is not installed here): {@link EMITTING_PROJECT} extends it
 * unchanged but for emitting JavaScript into `out/`, so compiling that project checks the app with the CLI's settings.
 * Returns the folder of the app.
 */
export function createCdkInitApp(install: string, packed: PackedPackage, name: string): string {
  const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
  const fill = (text: string) => text
    .replace(/%name%/g, name)
    .replace(/%cdk-cli-version%/g, versionOf('aws-cdk'))
    .replace(/%cdk-version%/g, versionOf('aws-cdk-lib'))
    .replace(/%constructs-version%/g, versionOf('constructs'));
  const manifest = JSON.parse(fill(fs.readFileSync(path.join(INIT_TEMPLATE, 'package.json'), 'utf8')));
  manifest.dependencies = { ...manifest.dependencies, 'postgres-backup-constructs': `file:${packed.tarball}`, 'cdk-nag': versionOf('cdk-nag') };
  fs.writeFileSync(path.join(install, 'package.json'), JSON.stringify(manifest, undefined, 2));
  fs.copyFileSync(path.join(INIT_TEMPLATE, 'tsconfig.json'), path.join(install, 'tsconfig.json'));
  fs.writeFileSync(path.join(install, 'cdk.json'), fill(fs.readFileSync(path.join(INIT_TEMPLATE, 'cdk.template.json'), 'utf8')));
  for (const folder of ['bin', 'lib']) {
    fs.mkdirSync(path.join(install, folder), { recursive: true });
    for (const file of fs.readdirSync(path.join(PLATFORM_APP, folder))) {
      const text = fs.readFileSync(path.join(PLATFORM_APP, folder, file), 'utf8');
      const rewritten = text.replace(/from '(?:\.\.\/)+src\/(core|cdk)'/g, "from 'postgres-backup-constructs/$1'");
      const left = /from '(?:\.\.\/)+src\/[^']*'/.exec(rewritten);
      if (left) throw new Error(`platform-app/${folder}/${file} imports ${left[0].slice(5)}, which the package does not export`);
      fs.writeFileSync(path.join(install, folder, file), rewritten);
    }
  }
  fs.mkdirSync(path.join(install, EMITTING_PROJECT));
  fs.writeFileSync(path.join(install, EMITTING_PROJECT, 'tsconfig.json'), JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: false, rootDir: '..', outDir: '../out' },
    include: ['../bin/**/*.ts', '../lib/**/*.ts'],
  }));
  return install;
}
