import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Transpiles `src/` to JavaScript once for the whole test run, in a directory inside the checkout (so the package's
 * `node_modules` and `package.json` resolve as they do for `lib/`), and returns that directory.
 *
 * Tests start the real `pg-backup` as a process hundreds of times; under ts-node each start transpiled the runner
 * again (about 4.5 s of CPU), which was most of what those tests cost. Types are checked by `npm test`'s typecheck
 * step, so transpiling without checks here loses nothing.
 */
export function transpileSources(): string {
  const parent = path.join(ROOT, '.tmp');
  fs.mkdirSync(parent, { recursive: true });
  const out = fs.mkdtempSync(path.join(parent, 'test-build-'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  const sourceRoot = path.join(ROOT, 'src');
  for (const file of fs.readdirSync(sourceRoot, { recursive: true, encoding: 'utf8' })) {
    const source = path.join(sourceRoot, file);
    if (!fs.statSync(source).isFile()) continue;
    const target = path.join(out, 'src', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) {
      fs.copyFileSync(source, target);
      continue;
    }
    const { outputText } = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
    });
    fs.writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
  }
  return out;
}
