import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '../../scripts/test-prerequisites.sh');

/** Runs the check as a user other than root (when the tests run as root, as `postgres`) with `PATH` set to `searchPath`. */
function checkAsUser(searchPath: string) {
  const env = ['env', `PATH=${searchPath}`, '/bin/bash', SCRIPT];
  const [command, ...args] = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...env] : env;
  return spawnSync(command, args, { encoding: 'utf8' });
}

describe('the test prerequisites check that `npm test` runs first', () => {
  test('passes silently when every program the tests run is installed', () => {
    const result = spawnSync('/bin/bash', [SCRIPT], { encoding: 'utf8' });
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  test('run by a user other than root with programs missing, stops at once with the exact command that installs them', () => {
    // A search path with `id` only: pgBackRest, barman-cloud, age, zstd, lz4 and openssl are then missing.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'pbc-path-'));
    fs.chmodSync(bin, 0o755);
    fs.symlinkSync(spawnSync('/bin/bash', ['-c', 'command -v id'], { encoding: 'utf8' }).stdout.trim(), path.join(bin, 'id'));
    try {
      const result = checkAsUser(bin);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('The tests need Debian packages that are not installed: pgbackrest barman-cli-cloud age zstd lz4 openssl');
      expect(result.stderr).toContain("  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
        + "pgbackrest barman-cli-cloud age zstd lz4 openssl'\n");
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});
