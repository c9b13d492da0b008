import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Compiles the package into `bench/results/build` and returns the runner's `cli.js`: the benchmarks run compiled
 * JavaScript, as the image does, since ts-node would add its own start-up and memory to the figures.
 */
export function compileRunner(root: string): string {
  const outDir = path.join(root, 'bench', 'results', 'build', 'lib');
  fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  try {
    execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(root, 'tsconfig.json'), '--outDir', outDir], { stdio: 'pipe' });
  } catch {
    // tsc reports type errors of unrelated files but still emits (noEmitOnError is off); the check below is what matters.
  }
  const cli = path.join(outDir, 'runner', 'cli.js');
  if (!fs.existsSync(cli)) throw new Error(`the runner did not compile to ${cli}`);
  fs.copyFileSync(path.join(root, 'package.json'), path.join(path.dirname(outDir), 'package.json'));
  return cli;
}
