import * as fs from 'node:fs';
import * as path from 'node:path';

/** The version of this package, recorded in every manifest. */
export function runnerVersion(): string {
  // Two levels up from lib/runner (or src/runner) is the package root, in the image and in a checkout alike.
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name?: string; version?: string };
    return `${pkg.name ?? 'postgres-backup-constructs'}@${pkg.version ?? 'unknown'}`;
  } catch {
    return 'postgres-backup-constructs@unknown';
  }
}
