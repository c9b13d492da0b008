import * as fs from 'node:fs';

/** Removes the run's temporary directory that `jest-global-setup.ts` made. */
export default function globalTeardown(): void {
  const directory = process.env.PG_BACKUP_TEST_TMPDIR;
  if (directory) fs.rmSync(directory, { recursive: true, force: true });
}
