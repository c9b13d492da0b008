import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Transpiles the runner (`src/runner` and the `src/core` it imports) into `bench/results/build/lib` and returns its
 * `cli.js`: the benchmarks run compiled JavaScript, as the image does, since ts-node would add its own start-up and
 * memory to the figures. Each file is transpiled on its own (TypeScript's `transpileModule`, with the project's
 * compiler options), without a type check: that is the typecheck's job, and checking the runner and core took about
 * 8 CPU s of every bench run's set-up for an output that is the same. The CDK and Pulumi front ends are left out, as
 * nothing the benchmarks run imports them.
 */
export function compileRunner(root: string): string {
  const build = path.join(root, 'bench', 'results', 'build');
  const outDir = path.join(build, 'lib');
  fs.rmSync(build, { recursive: true, force: true });
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const compilerOptions = { ...options, declaration: false, noEmitOnError: false };
  for (const directory of ['runner', 'core']) {
    const source = path.join(root, 'src', directory);
    for (const file of fs.readdirSync(source, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      const fileName = path.join(source, file);
      const { outputText } = ts.transpileModule(fs.readFileSync(fileName, 'utf8'), { compilerOptions, fileName });
      const target = path.join(outDir, directory, file.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, outputText);
    }
  }
  const cli = path.join(outDir, 'runner', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`the runner did not compile to ${cli}`);
  fs.copyFileSync(path.join(root, 'package.json'), path.join(build, 'package.json'));
  return cli;
}

/**
 * The node flags the runner's program gives itself in its first line (`#!/usr/bin/env -S node <flags>`), which is how
 * `pg-backup` runs in the image: a benchmark that starts `node cli.js` passes them too, so it measures what users run.
 */
export function runnerNodeFlags(cli: string): string[] {
  const firstLine = fs.readFileSync(cli, 'utf8').split('\n', 1)[0];
  const shebang = /^#!\/usr\/bin\/env(?: -S)? node(.*)$/.exec(firstLine);
  if (!shebang) throw new Error(`${cli} does not start with a node shebang: ${firstLine}`);
  return shebang[1].trim().split(/\s+/).filter(Boolean);
}
