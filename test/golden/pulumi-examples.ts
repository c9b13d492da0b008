import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { BackupMocks } from '../../src/pulumi/testing';

/** A resource of a Pulumi example's graph: type token, logical name, parent (`type::name`) and inputs. */
export interface GraphResource {
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly inputs: Record<string, unknown>;
}

/** Configuration every example gets, as `pulumi config set` would give it. */
const EXAMPLE_CONFIG: Record<string, string> = { administratorPassword: 'example-only-password' };

/** A string holding a JSON document (an IAM policy, a container command) is shown parsed, so a diff shows what changed in it. */
function readable(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    try {
      return readable(JSON.parse(value));
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map(readable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, readable(item)]));
  return value;
}

/** `type::name` of a URN, as the mocks mint them (`urn:pulumi:stack::project::parentType$type::name`). */
function resourceOfUrn(urn: string): string {
  const [, , qualifiedType, name] = urn.split('::');
  return `${qualifiedType.split('$').pop()}::${name}`;
}

/**
 * Runs a Pulumi example (a directory with a Pulumi.yaml and an index.ts) under the package's mocks, as `pulumi up`
 * would run it, and returns its resource graph sorted by type and name. Call it once per test file: mocks are
 * process-wide.
 */
export async function runPulumiExampleGraph(directory: string, project: string): Promise<GraphResource[]> {
  const mocks = new BackupMocks();
  await pulumi.runtime.setMocks(mocks, project, 'example', false);
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(EXAMPLE_CONFIG).map(([key, value]) => [`${project}:${key}`, value])), [`${project}:administratorPassword`]);
  const parents = new Map<string, string>();
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request: any, callback: unknown) => {
    if (request.getParent()) parents.set(`${request.getType()}::${request.getName()}`, resourceOfUrn(request.getParent()));
    return register(request, callback);
  };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await pulumi.runtime.runInPulumiStack(async () => require(path.resolve(__dirname, '../../examples', directory, 'index.ts')));
  await pulumi.runtime.disconnect();
  return mocks.resources
    .map((resource) => {
      const parent = parents.get(`${resource.type}::${resource.name}`);
      return { type: resource.type, name: resource.name, ...(parent && !parent.startsWith('pulumi:pulumi:Stack::') ? { parent } : {}), inputs: readable(resource.inputs) as Record<string, unknown> };
    })
    .sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
}
