import * as fs from 'node:fs';

/** Removes the run's temporary directory and the transpiled sources that `jest-global-setup.ts` made. */
export default function globalTeardown(): void {
  for (const directory of [process.env.PG_BACKUP_TEST_TMPDIR, process.env.PG_BACKUP_TEST_BUILD]) {
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
  }
}
