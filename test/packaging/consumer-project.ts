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

/** A consumer project: its package.json, tsconfig.json, sources, and the packages installed beside ours. */
export interface ConsumerProject {
  /** `module` for an ES module project, `commonjs` otherwise. */
  readonly type: 'module' | 'commonjs';
  readonly compilerOptions: Record<string, unknown>;
  /** Source files by relative path. */
  readonly files: Record<string, string>;
  /** Packages installed besides ours and its dependencies (peer dependencies, `@types/node`). */
  readonly packages: readonly string[];
}

/** Links `name` from the repository's node_modules into `modules`, as an install would place it. */
function linkPackage(modules: string, name: string): void {
  const target = path.join(modules, name);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(path.join(REPO_MODULES, name), target, 'dir');
}

/**
 * Creates the consumer project in a new temporary directory: the tarball unpacked into
 * `node_modules/postgres-backup-constructs`, its dependencies and `project.packages` linked from the repository's
 * node_modules (offline, and only what an install of those packages would bring).
 */
export function createConsumer(packed: PackedPackage, project: ConsumerProject): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-consumer-'));
  const modules = path.join(dir, 'node_modules');
  const installed = path.join(modules, 'postgres-backup-constructs');
  fs.mkdirSync(installed, { recursive: true });
  const unpack = run('tar', ['-xzf', packed.tarball, '-C', installed, '--strip-components=1'], dir);
  if (unpack.status !== 0) throw new Error(`tar failed: ${describe(unpack)}`);
  for (const name of [...packed.dependencies, ...project.packages]) linkPackage(modules, name);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: project.type }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, outDir: 'out', ...project.compilerOptions },
    include: Object.keys(project.files).filter((file) => file.endsWith('.ts')),
  }));
  for (const [file, text] of Object.entries(project.files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** Compiles the consumer project with the repository's TypeScript. */
export function compile(dir: string): ProcessResult {
  return run(process.execPath, [TSC, '-p', 'tsconfig.json'], dir);
}
