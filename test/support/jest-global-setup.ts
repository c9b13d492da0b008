import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transpileSources } from './runner-build';

/**
 * Gives the test run a temporary directory of its own, which the workers inherit as `TMPDIR`: whatever a test leaves
 * there (CDK's `cdk.out` of an `App` without `outdir`, a file a failed test did not clean up) goes with the run, in
 * `jest-global-teardown.ts`. Anyone may enter it, as in `/tmp`, since clusters run as the `postgres` user keep their
 * data directories and sockets there.
 */
/**
 * It also transpiles the sources once (`runner-build.ts`) and names the `pg-backup` entry point the tests start in
 * `PG_BACKUP_TEST_CLI`.
 */
export default function globalSetup(): void {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-backup-tests-'));
  fs.chmodSync(directory, 0o1777);
  process.env.PG_BACKUP_TEST_TMPDIR = directory;
  process.env.TMPDIR = directory;
  const build = transpileSources();
  process.env.PG_BACKUP_TEST_BUILD = build;
  process.env.PG_BACKUP_TEST_CLI = path.join(build, 'src', 'runner', 'cli.js');
}
