import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { RestoreRunbookArtifacts } from '../../src/cdk';

function runbookArtifacts(): { app: App; outdir: string; artifacts: RestoreRunbookArtifacts } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-runbooks-'));
  const app = new App({ outdir });
  return { app, outdir, artifacts: new RestoreRunbookArtifacts(new Stack(app, 'Backups'), 'Runbooks') };
}

describe('CDK RestoreRunbookArtifacts', () => {
  test('writes each runbook into the stack\'s runbook folder of the cloud assembly', () => {
    const { app, outdir, artifacts } = runbookArtifacts();
    const relativePath = artifacts.add('orders-db/orders.md', '# Restore orders\n');
    app.synth();
    expect(relativePath).toBe('Backups.runbooks/orders-db/orders.md');
    expect(fs.readFileSync(path.join(outdir, relativePath), 'utf8')).toBe('# Restore orders\n');
  });

  test('refuses a file name that leaves the runbook folder, as the Pulumi one does', () => {
    const { app, outdir, artifacts } = runbookArtifacts();
    expect(() => artifacts.add('../escape.md', '# no')).toThrow('RestoreRunbookArtifacts: the runbook file name "../escape.md" leaves the directory Backups.runbooks');
    expect(() => artifacts.add('/tmp/escape.md', '# no')).toThrow(/"\/tmp\/escape\.md" leaves the directory/);
    app.synth();
    expect(fs.existsSync(path.join(outdir, 'escape.md'))).toBe(false);
    expect(artifacts.paths).toEqual([]);
  });
});
