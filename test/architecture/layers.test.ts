import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The layering of DESIGN.md, read from the import statements of every source file: core decides and imports no
 * framework, cloud SDK or other layer; each front end imports core and its own framework only; and no import
 * circle exists anywhere, so every layer can be loaded (and understood) from the bottom up.
 */

const SRC = path.join(__dirname, '..', '..', 'src');

/** Every `.ts` file under `src`, as a path relative to it with forward slashes. */
function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full).split(path.sep).join('/')] : [];
  });
}

interface ImportEdge {
  /** The module as written. */
  readonly specifier: string;
  /** The source file it resolves to (relative to `src`), for a relative import. */
  readonly target?: string;
}

/** The imports and re-exports of a file, type-only ones included: they tie the layers together as much as values do. */
function importsOf(file: string): ImportEdge[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.')) return { specifier };
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    const target = [`${base}.ts`, `${base}/index.ts`].find((candidate) => fs.existsSync(path.join(SRC, candidate)));
    return { specifier, target };
  });
}

const FILES = sourceFiles();
const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));

/** The layer a source file belongs to. */
function layerOf(file: string): string {
  if (file.startsWith('pulumi/aws/')) return 'pulumi/aws';
  if (file.startsWith('pulumi/azure/')) return 'pulumi/azure';
  if (file.startsWith('pulumi/testing/')) return 'pulumi/testing';
  if (file.startsWith('pulumi/')) return 'pulumi';
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : 'root';
}

/** For each layer, the layers (of this package) it may import besides itself. */
const ALLOWED_LAYERS: Record<string, readonly string[]> = {
  'core': [],
  'runner': ['core'],
  'cdk': ['core'],
  'pulumi': ['core'],
  'pulumi/aws': ['core', 'pulumi'],
  'pulumi/azure': ['core', 'pulumi'],
  'pulumi/testing': ['core', 'pulumi'],
  'root': ['core'],
};

/** Packages that are a framework or cloud SDK: only the front end made for them (or the runner, for SDKs) loads them. */
const FRAMEWORK_PACKAGES = /^(aws-cdk-lib|constructs|@pulumi\/|@aws-sdk\/|@azure\/|pg$|pino$|commander$)/;

/**
 * The folder of core a core file is in: `policy` (cloud-neutral model, rules, defaults, lifecycle, cost), `postgres`
 * (how PostgreSQL and its tools are called and configured), `aws` or `azure` (shaped by one cloud); `index` for
 * `core/index.ts`, which only re-exports. Undefined for a file outside core.
 */
function coreFolderOf(file: string): string | undefined {
  if (!file.startsWith('core/')) return undefined;
  const rest = file.slice('core/'.length);
  return rest.includes('/') ? rest.slice(0, rest.indexOf('/')) : rest.replace(/\.ts$/, '');
}

/** For each folder of core, the folders it must never import: the cloud-neutral ones no cloud, a cloud no other cloud. */
const FORBIDDEN_CORE_FOLDERS: Record<string, readonly string[]> = {
  policy: ['aws', 'azure'],
  postgres: ['aws', 'azure'],
  aws: ['azure'],
  azure: ['aws'],
  index: [],
};

/** The imports in `graph` that cross from a folder of core into one it must not import, as `file imports specifier`. */
function coreFolderCrossings(graph: ReadonlyMap<string, readonly ImportEdge[]>): string[] {
  return [...graph].filter(([file]) => coreFolderOf(file) !== undefined).flatMap(([file, edges]) => edges
    .filter((edge) => edge.target !== undefined && FORBIDDEN_CORE_FOLDERS[coreFolderOf(file)!]?.includes(coreFolderOf(edge.target)!))
    .map((edge) => `${file} imports ${edge.specifier}`));
}

describe('the layers of the package', () => {
  test('every source file is in a known layer', () => {
    expect(FILES.filter((file) => !(layerOf(file) in ALLOWED_LAYERS))).toEqual([]);
  });

  test('each layer imports only itself and the layers below it (a front end imports core, never the runner or another front end)', () => {
    const crossings = FILES.flatMap((file) => GRAPH.get(file)!
      .filter((edge) => edge.target !== undefined)
      .filter((edge) => layerOf(edge.target!) !== layerOf(file) && !ALLOWED_LAYERS[layerOf(file)].includes(layerOf(edge.target!)))
      .map((edge) => `${file} imports ${edge.specifier}`));
    expect(crossings).toEqual([]);
  });

  test('core imports no framework, cloud SDK or database client', () => {
    const loads = FILES.filter((file) => layerOf(file) === 'core')
      .flatMap((file) => GRAPH.get(file)!.filter((edge) => FRAMEWORK_PACKAGES.test(edge.specifier)).map((edge) => `${file} imports ${edge.specifier}`));
    expect(loads).toEqual([]);
  });

  test('every relative import resolves to a source file', () => {
    const unresolved = FILES.flatMap((file) => GRAPH.get(file)!
      .filter((edge) => edge.specifier.startsWith('.') && edge.target === undefined && !edge.specifier.endsWith('.json'))
      .map((edge) => `${file} imports ${edge.specifier}`));
    expect(unresolved).toEqual([]);
  });

  test('no source file takes part in an import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const { target } of GRAPH.get(file)!) {
        if (target === undefined) continue;
        if (state.get(target) === 'visiting') circles.push([...stack.slice(stack.indexOf(target)), target].join(' -> '));
        else if (!state.has(target)) visit(target);
      }
      stack.pop();
      state.set(file, 'done');
    };
    FILES.forEach((file) => state.has(file) || visit(file));
    expect(circles).toEqual([]);
  });
  test('every core file is in a folder that says what it is: policy, postgres, aws or azure (only the index at the top)', () => {
    const elsewhere = FILES.filter((file) => coreFolderOf(file) !== undefined && !(coreFolderOf(file)! in FORBIDDEN_CORE_FOLDERS));
    expect(elsewhere).toEqual([]);
  });

  test('core/policy and core/postgres import nothing from core/aws or core/azure, and core/aws and core/azure never import each other', () => {
    expect(coreFolderCrossings(GRAPH)).toEqual([]);
  });

  test('an import from a cloud-neutral folder into a cloud folder, or from one cloud into the other, is reported', () => {
    const graph = new Map<string, ImportEdge[]>([
      ['core/policy/a.ts', [{ specifier: '../aws/b', target: 'core/aws/b.ts' }, { specifier: './c', target: 'core/policy/c.ts' }]],
      ['core/postgres/d.ts', [{ specifier: '../azure/e', target: 'core/azure/e.ts' }, { specifier: '../policy/c', target: 'core/policy/c.ts' }]],
      ['core/azure/e.ts', [{ specifier: '../aws/b', target: 'core/aws/b.ts' }]],
      ['core/aws/b.ts', [{ specifier: '../policy/c', target: 'core/policy/c.ts' }, { specifier: '../postgres/d', target: 'core/postgres/d.ts' }]],
    ]);
    expect(coreFolderCrossings(graph)).toEqual([
      'core/policy/a.ts imports ../aws/b',
      'core/postgres/d.ts imports ../azure/e',
      'core/azure/e.ts imports ../aws/b',
    ]);
  });
});
