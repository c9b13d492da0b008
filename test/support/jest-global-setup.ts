import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Gives the test run a temporary directory of its own, which the workers inherit as `TMPDIR`: whatever a test leaves
 * there (CDK's `cdk.out` of an `App` without `outdir`, a file a failed test did not clean up) goes with the run, in
 * `jest-global-teardown.ts`. Anyone may enter it, as in `/tmp`, since clusters run as the `postgres` user keep their
 * data directories and sockets there.
 */
export default function globalSetup(): void {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-tests-'));
  fs.chmodSync(directory, 0o1777);
  process.env.PG_BACKUP_TEST_TMPDIR = directory;
  process.env.TMPDIR = directory;
}
