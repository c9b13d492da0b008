import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Aspects, Environment, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { normalizeTemplate } from './golden-files';
import { PostgresFleetStack } from '../../examples/blueprint/fleet-stack';
import { defineBackupExample } from '../../examples/cdk/backup-app';
import { ManagedAuroraExampleStack } from '../../examples/managed-aurora/backup-stack';
import { ManagedRdsExampleStack } from '../../examples/managed-rds/backup-stack';
import { SelfHostedPitrExampleStack } from '../../examples/self-hosted-pitr/pitr-stack';
import { RequirePostgresBackups } from '../../src/cdk';

/** A CDK example: its directory under examples/, and the stacks its app.ts creates. */
export interface CdkExample {
  readonly directory: string;
  /** Each stack by id, created with the fixed environment; or, for an app of stacks that refer to one another, their ids and how app.ts defines them. */
  readonly stacks: Record<string, new (scope: Construct, id: string, props: StackProps) => Stack>
  | { readonly ids: string[]; readonly define: (app: App, env: Environment) => void };
  /** Aspects or plugins the app adds, as app.ts does. */
  readonly configure?: (app: App) => void;
}

/** Every CDK example, with the stacks its app.ts creates. */
export const CDK_EXAMPLES: CdkExample[] = [
  { directory: 'blueprint', stacks: { PostgresFleetExample: PostgresFleetStack }, configure: (app) => Aspects.of(app).add(new RequirePostgresBackups()) },
  { directory: 'cdk', stacks: { ids: ['PostgresBackupExample', 'PostgresBackupOffsite'], define: defineBackupExample } },
  { directory: 'managed-aurora', stacks: { ManagedAuroraExample: ManagedAuroraExampleStack } },
  { directory: 'managed-rds', stacks: { ManagedRdsExample: ManagedRdsExampleStack } },
  { directory: 'self-hosted-pitr', stacks: { SelfHostedPitrExample: SelfHostedPitrExampleStack } },
];

/** Synthesizes the example as its app.ts does (its cdk.json context, the fixed account and region) and returns the normalized templates by stack. */
export function synthesizeCdkExample(example: CdkExample): Record<string, Record<string, any>> {
  const root = path.resolve(__dirname, '../../examples', example.directory);
  const context = JSON.parse(fs.readFileSync(path.join(root, 'cdk.json'), 'utf8')).context ?? {};
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
  try {
    const app = new App({ context: { account: '123456789012', region: 'eu-west-1', ...context }, outdir });
    const env = { account: app.node.tryGetContext('account'), region: app.node.tryGetContext('region') };
    if (isDefinedApp(example.stacks)) {
      example.stacks.define(app, env);
    } else {
      for (const [id, StackClass] of Object.entries(example.stacks)) new StackClass(app, id, { env });
    }
    example.configure?.(app);
    const assembly = app.synth();
    return Object.fromEntries(assembly.stacks.map((stack) => [stack.stackName, normalizeTemplate(stack.template)]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function isDefinedApp(stacks: CdkExample['stacks']): stacks is { ids: string[]; define: (app: App, env: Environment) => void } {
  return typeof (stacks as { define?: unknown }).define === 'function';
}

/** The ids of the stacks an example creates. */
export function stackIdsOf(example: CdkExample): string[] {
  return isDefinedApp(example.stacks) ? [...example.stacks.ids] : Object.keys(example.stacks);
}
