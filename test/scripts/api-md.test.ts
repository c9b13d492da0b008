import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** A copy of the sources and the committed API.md, sharing node_modules, where a test may edit freely. */
function sandbox(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-apimd-'));
  for (const entry of ['src', 'scripts', 'tsconfig.json', 'API.md', 'package.json']) {
    fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

function check(dir: string) {
  return spawnSync(process.execPath, [path.join(dir, 'scripts', 'api-md.mjs'), '--check'], { encoding: 'utf8' });
}

// That the committed API.md matches the sources is checked by `npm test` itself (its check-api-md step); this test
// proves the check can fail.
describe('the API.md check', () => {
  let dir: string;
  beforeEach(() => {
    dir = sandbox();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('fails when a public TSDoc comment changes without regenerating API.md', () => {
    const entry = path.join(dir, 'src', 'runner', 'index.ts');
    const source = fs.readFileSync(entry, 'utf8');
    fs.writeFileSync(entry, source.replace('The `pg-backup` runner', 'The `pg-backup` command-line runner'));
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/API\.md is stale.*npx projen docgen/);
  });
});
