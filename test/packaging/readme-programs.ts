import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './consumer-project';

/**
 * The Pulumi programs README shows, as a user would paste them into the `index.ts` of a project made with
 * `pulumi new aws-typescript` (or `azure-typescript`): README's block, after the lines that define what README leaves to
 * the reader's own program (its VPC, subnets and runner image from `pulumi config set`, a resource group, a Container
 * Apps environment, a Key Vault).
 */
export interface ReadmeProgram {
  /** The Pulumi project name, which config keys are read under. */
  readonly projectName: string;
  /** `index.ts`: the definitions README leaves out, then README's block. */
  readonly index: string;
  /** The stack config the program reads, as `pulumi config set` would hold it. */
  readonly config: Record<string, string>;
}

/** The ```ts block of README that follows the line containing `marker`. */
function readmeBlockAfter(marker: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README has no line containing ${JSON.stringify(marker)}`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README has no \`\`\`ts block after ${JSON.stringify(marker)}`);
  return block[1];
}

/** The Pulumi AWS program of README's "Quick start with `pulumi up`". */
export function readmeAwsProgram(): ReadmeProgram {
  const preamble = `import * as pulumi from '@pulumi/pulumi';

const config = new pulumi.Config();
const vpcId = config.require('vpcId');
const subnetIds = config.require('privateSubnetIds').split(',');
const dbSubnetGroupName = config.require('dbSubnetGroupName');
const image = config.require('runnerImage');
`;
  return {
    projectName: 'readme-aws',
    index: `${preamble}\n${readmeBlockAfter('protects an RDS for PostgreSQL instance')}`,
    config: {
      vpcId: 'vpc-0a1b2c3d4e5f67890',
      privateSubnetIds: 'subnet-0b0000000000000b1,subnet-0b0000000000000b2',
      dbSubnetGroupName: 'shop-isolated',
      runnerImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/pg-backup:16',
    },
  };
}

/** The Pulumi Azure program of README's "Quick start with Pulumi on Azure". */
export function readmeAzureProgram(): ReadmeProgram {
  const preamble = `import * as pulumi from '@pulumi/pulumi';
import * as app from '@pulumi/azure-native/app';
import * as resources from '@pulumi/azure-native/resources';

const config = new pulumi.Config();
const group = new resources.ResourceGroup('shop');
const containerAppsEnvironment = new app.ManagedEnvironment('shop', { resourceGroupName: group.name });
// The Key Vault that holds the backup login's password, defined elsewhere in the user's program.
const vault = { id: pulumi.output('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/shop/providers/Microsoft.KeyVault/vaults/shop-kv') };
`;
  return {
    projectName: 'readme-azure',
    index: `${preamble}\n${readmeBlockAfter('## Quick start with Pulumi on Azure')}`,
    config: { dbPassword: 'example-only-password' },
  };
}
