import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { normalizeTemplate } from './golden-files';

/** A CDK example: its directory under examples/, and the stacks its app.ts creates. */
export interface CdkExample {
  readonly directory: string;
  readonly stacks: Record<string, new (scope: Construct, id: string, props: StackProps) => Stack>;
  /** Aspects or plugins the app adds, as app.ts does. */
  readonly configure?: (app: App) => void;
}

/** Synthesizes the example as its app.ts does (its cdk.json context, the fixed account and region) and returns the normalized templates by stack. */
export function synthesizeCdkExample(example: CdkExample): Record<string, Record<string, any>> {
  const root = path.resolve(__dirname, '../../examples', example.directory);
  const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context ?? {};
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
  try {
    const app = new App({ context: { account: '123456789012', region: 'eu-west-1', ...context }, outdir });
    for (const [id, StackClass] of Object.entries(example.stacks)) {
      new StackClass(app, id, { env: { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') } });
    }
    example.configure?.(app);
    const assembly = app.synth();
    return Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, normalizeTemplate(stack.template)]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
