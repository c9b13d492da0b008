import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Compiles the runner (`src/runner/cli.ts` and what it imports: the runner and core) into `bench/results/build/lib` and
 * returns its `cli.js`: the benchmarks run compiled JavaScript, as the image does, since ts-node would add its own
 * start-up and memory to the figures. Only the runner's program is compiled, without declarations: the CDK and Pulumi
 * front ends would take most of the compile (and of a bench run's set-up) for nothing the benchmarks run.
 */
export function compileRunner(root: string): string {
  const build = path.join(root, 'bench', 'results', 'build');
  const outDir = path.join(build, 'lib');
  fs.rmSync(build, { recursive: true, force: true });
  fs.mkdirSync(build, { recursive: true });
  const project = path.join(build, 'tsconfig.runner.json');
  fs.writeFileSync(project, JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { rootDir: path.join(root, 'src'), outDir, declaration: false },
    include: [],
    files: [path.join(root, 'src', 'runner', 'cli.ts')],
  }));
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', project], { stdio: 'pipe' });
  } catch {
    // tsc reports type errors of unrelated files but still emits (noEmitOnError is off); the check below is what matters.
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
