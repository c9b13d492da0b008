import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(__dirname, '..', '..');
const REPO_MODULES = path.join(ROOT, 'node_modules');
const TSC = path.join(REPO_MODULES, 'typescript', 'bin', 'tsc');

/** The outcome of a finished process. */
export interface ProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` to its end in `cwd`. */
export function run(command: string, args: readonly string[], cwd: string): ProcessResult {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `result`'s output, for a failure message. */
export function describe(result: ProcessResult): string {
  return `exit ${result.status}\n${result.stdout}\n${result.stderr}`;
}

/** A packed package: the tarball `npm pack` made and the paths it holds. */
export interface PackedPackage {
  readonly tarball: string;
  readonly files: readonly string[];
  /** The `dependencies` of its package.json. */
  readonly dependencies: readonly string[];
}

/**
 * Compiles the sources into a fresh `lib/` as a release does and packs the package with `npm pack` into a new temporary
 * directory (outside the repository, so nothing resolves from the repository's node_modules by accident).
 */
export function packPackage(): PackedPackage {
  // A fresh lib/, so nothing left from an earlier build is packed.
  fs.rmSync(path.join(ROOT, 'lib'), { recursive: true, force: true });
  const build = run(process.execPath, [TSC, '-p', 'tsconfig.json'], ROOT);
  if (build.status !== 0) throw new Error(`tsc failed: ${describe(build)}`);
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-pack-'));
  const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], ROOT);
  if (pack.status !== 0) throw new Error(`npm pack failed: ${describe(pack)}`);
  const [report] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return {
    tarball: path.join(destination, report.filename),
    files: report.files.map((file) => file.path),
    dependencies: Object.keys(manifest.dependencies ?? {}),
  };
}

/** A consumer project: its package.json, tsconfig.json and sources. */
export interface ConsumerProject {
  /** `module` for an ES module project, `commonjs` otherwise. */
  readonly type: 'module' | 'commonjs';
  readonly compilerOptions: Record<string, unknown>;
  /** Source files by relative path. */
  readonly files: Record<string, string>;
}

/** Links `name` from the repository's node_modules into `modules`, as an install would place it. */
function linkPackage(modules: string, name: string): void {
  const target = path.join(modules, name);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(path.join(REPO_MODULES, name), target, 'dir');
}

/**
 * Installs the package the way npm would, in a new temporary directory: the tarball unpacked into
 * `node_modules/postgres-backup-constructs`, its dependencies and `packages` (peer dependencies, `@types/node`) linked
 * from the repository's node_modules (offline, and only what an install of those packages would bring), and its
 * `bin` linked into `node_modules/.bin` by npm itself (`npm rebuild`, the step of `npm install` that links bins).
 * Projects made in it with {@link createProject} resolve from this node_modules.
 */
export function createInstall(packed: PackedPackage, packages: readonly string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-consumer-'));
  const modules = path.join(dir, 'node_modules');
  const installed = path.join(modules, 'postgres-backup-constructs');
  fs.mkdirSync(installed, { recursive: true });
  const unpack = run('tar', ['-xzf', packed.tarball, '-C', installed, '--strip-components=1'], dir);
  if (unpack.status !== 0) throw new Error(`tar failed: ${describe(unpack)}`);
  for (const name of [...packed.dependencies, ...packages]) linkPackage(modules, name);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  const bins = run('npm', ['rebuild', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], dir);
  if (bins.status !== 0) throw new Error(`npm rebuild failed: ${describe(bins)}`);
  return dir;
}

/** Creates a project in folder `name` of `install`: its package.json (with its `type`), tsconfig.json and sources. */
export function createProject(install: string, name: string, project: ConsumerProject): string {
  const dir = path.join(install, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: project.type }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, outDir: 'out', ...project.compilerOptions },
    include: Object.keys(project.files).filter((file) => file.endsWith('.ts')),
  }));
  for (const [file, text] of Object.entries(project.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/**
 * Compiles the projects with the repository's TypeScript in one `tsc --build`, which parses a declaration file that
 * several projects load (aws-cdk-lib's, Pulumi's) once instead of once a project. Returns each project's
 * diagnostics ('' when it compiled cleanly), read from the output after the line announcing its build.
 */
export function compileAll(dirs: readonly string[]): Map<string, string> {
  const result = run(process.execPath, [TSC, '--build', '--verbose', '--pretty', 'false', ...dirs], os.tmpdir());
  const diagnostics = new Map(dirs.map((dir) => [dir, [] as string[]]));
  let building: string[] | undefined;
  for (const line of `${result.stdout}${result.stderr}`.split('\n')) {
    // Progress lines start with the time: `10:26:21 PM - Building project '/tmp/…/tsconfig.json'...`.
    if (/^\d{1,2}:\d\d:\d\d/.test(line)) {
      const project = /Building project '(.+)[\\/]tsconfig\.json'/.exec(line)?.[1];
      building = project === undefined ? undefined : diagnostics.get(project);
    } else if (line.trim() !== '') {
      building?.push(line);
    }
  }
  if (result.status !== 0 && [...diagnostics.values()].every((lines) => lines.length === 0)) {
    throw new Error(`tsc --build failed outside the projects: ${describe(result)}`);
  }
  return new Map([...diagnostics].map(([dir, lines]) => [dir, lines.join('\n')]));
}
