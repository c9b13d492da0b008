import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const dockerfile = fs.readFileSync(path.join(ROOT, 'runner-image', 'Dockerfile'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
/** Instructions with their continuation lines joined. */
const instructions = dockerfile.replace(/\\\n/g, ' ').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));

/** The file in this checkout a path of the built package comes from (lib/x.js is compiled from src/x.ts). */
function sourceOf(packagePath: string): string {
  return packagePath.startsWith('lib/') ? packagePath.replace(/^lib\//, 'src/').replace(/\.js$/, '.ts') : packagePath;
}

describe('the runner image Dockerfile', () => {
  test('starts from Node 22 on Debian bookworm and installs the PostgreSQL client of the PG_MAJOR build argument from apt.postgresql.org', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^ARG PG_MAJOR=\d+$/m);
    expect(dockerfile).toContain('https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main');
    expect(dockerfile).toContain('"postgresql-client-${PG_MAJOR}"');
    expect(dockerfile).toMatch(/PG_BIN_DIR=\/usr\/lib\/postgresql\/\$\{PG_MAJOR\}\/bin/);
  });

  test('installs zstd and lz4, which compress the archives of a pg_dump before 16 and decompress them for verify', () => {
    const install = instructions.find((line) => line.includes('"postgresql-client-${PG_MAJOR}"'))!;
    expect(install).toMatch(/apt-get install [^&]*\bzstd\b[^&]*\blz4\b/);
  });

  test('installs util-linux, whose fallocate frees what was uploaded of a directory-format dump\'s file pg_dump is still writing', () => {
    const install = instructions.find((line) => line.includes('"postgresql-client-${PG_MAJOR}"'))!;
    expect(install).toMatch(/apt-get install [^&]*\butil-linux\b/);
  });

  test('copies only paths the package contains (package.json, the optional lock file, lib/)', () => {
    const sources = instructions.filter((line) => line.startsWith('COPY ')).flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(sources).toEqual(['package.json', 'package-lock.json*', 'lib/']);
    for (const source of sources) {
      if (source.endsWith('*')) continue;
      const top = source.replace(/\/$/, '');
      expect(top === 'package.json' || pkg.files.includes(top)).toBe(true);
    }
    expect(pkg.files).toEqual(expect.arrayContaining(['lib', 'runner-image']));
  });

  test('runs pg-backup, the package\'s own bin, as a non-root user', () => {
    expect(instructions).toContain('ENTRYPOINT ["pg-backup"]');
    const bin = pkg.bin['pg-backup'];
    expect(bin).toBe('lib/runner/cli.js');
    expect(dockerfile).toContain(`ln -s /opt/pg-backup/${bin} /usr/local/bin/pg-backup`);
    const cli = fs.readFileSync(path.join(ROOT, sourceOf(bin)), 'utf8');
    // The bin sets node's heap flags itself (NODE_OPTIONS refuses them), and this node must start with them.
    const [, shebang] = /^#!\/usr\/bin\/env -S (node [^\n]*)\n/.exec(cli) ?? [];
    expect(shebang).toMatch(/^node --initial-old-space-size=\d+$/);
    const started = execFileSync('/usr/bin/env', ['-S', shebang, '-p', 'JSON.stringify(process.execArgv)'], { encoding: 'utf8' });
    expect(JSON.parse(started)).toEqual(expect.arrayContaining(shebang.split(' ').slice(1)));
    const user = instructions.filter((line) => line.startsWith('USER ')).pop();
    expect(user).toMatch(/^USER [1-9]\d*:[1-9]\d*$/);
  });

  test('keeps the build context to what it copies', () => {
    const ignore = fs.readFileSync(path.join(ROOT, 'runner-image', 'Dockerfile.dockerignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    expect(ignore).toEqual(['*', '!package.json', '!package-lock.json', '!lib', '!runner-image', '**/node_modules']);
  });
});
