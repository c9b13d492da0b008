import * as pulumi from '@pulumi/pulumi';

/** A resource registered with the mock engine: its type token, logical name and inputs. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  /** The id the mock gave it. */
  readonly id: string;
}

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** The resources registered since the last `reset()`. */
export class AwsMockEngine {
  public readonly resources: RecordedResource[] = [];

  public reset(): void {
    this.resources.length = 0;
  }

  /** Every recorded resource of `type`. */
  public ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The one recorded resource of `type` named `name`. */
  public named(type: string, name: string): RecordedResource {
    const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
    if (found.length !== 1) throw new Error(`${found.length} resources of ${type} named ${name}; recorded: ${this.resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
    return found[0];
  }

  /** The parsed policy documents of the `aws:iam/rolePolicy:RolePolicy` resources of the role named `roleName`. */
  public roleStatements(roleName: string): any[] {
    const role = this.named('aws:iam/role:Role', roleName);
    return this.ofType('aws:iam/rolePolicy:RolePolicy')
      .filter((policy) => policy.inputs.role === role.id)
      .flatMap((policy) => JSON.parse(policy.inputs.policy).Statement);
  }
}

/**
 * How a mocked resource's service-assigned attributes look: realistic ARNs, or opaque references (`ref~<name>~<attribute>`;
 * `ref-<name>-minted` in bucket names and key ids, which core validates).
 */
export type MockAttributeStyle = 'realistic' | 'opaque';

/** The `<service>` and `<resource>` of a realistic ARN of a type token such as `aws:ecs/cluster:Cluster`. */
function realisticArn(type: string, name: string, inputs: Record<string, any>): string {
  const [, module, resource] = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):/.exec(type) ?? [undefined, 'unknown', 'resource'];
  switch (type) {
    case 'aws:s3/bucket:Bucket': return `arn:aws:s3:::${inputs.bucket ?? `${name}-bucket`}`;
    case 'aws:iam/role:Role': return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    case 'aws:ecs/taskDefinition:TaskDefinition': return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${inputs.family}:1`;
    case 'aws:sfn/stateMachine:StateMachine': return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    case 'aws:backup/vault:Vault': return `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:${inputs.name ?? name}`;
    default: return `arn:aws:${module === 'cloudwatch' ? 'logs' : module}:${REGION}:${ACCOUNT}:${resource.toLowerCase()}/${name}`;
  }
}

/**
 * Installs Pulumi mocks that record every resource and echo its inputs as its state, with the attributes AWS assigns
 * (`id`, `arn`, `name`, a bucket's `bucket`, a queue's `url`) minted in `style`, and answer the partition, region and
 * caller-identity lookups with a fixed account in eu-west-1.
 */
export function installAwsMocks(engine: AwsMockEngine, style: MockAttributeStyle = 'realistic'): void {
  void pulumi.runtime.setMocks({
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
      const mint = (attribute: string, realistic: string) => (style === 'opaque' ? `ref~${args.name}~${attribute}` : realistic);
      const id = mint('id', `${args.name}-id`);
      engine.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id });
      const state: Record<string, any> = {
        ...args.inputs,
        arn: mint('arn', realisticArn(args.type, args.name, args.inputs)),
        name: args.inputs.name ?? mint('name', args.name),
      };
      // Bucket names and key ARNs are validated where core renders them, so even opaque ones keep their shape.
      if (args.type === 'aws:s3/bucket:Bucket') state.bucket = args.inputs.bucket ?? (style === 'opaque' ? `ref-${args.name}-minted` : `${args.name}-bucket`);
      if (args.type === 'aws:kms/key:Key' && style === 'opaque') state.arn = `arn:aws:kms:${REGION}:${ACCOUNT}:key/ref-${args.name}-minted`;
      if (args.type === 'aws:sqs/queue:Queue') state.url = mint('url', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${args.name}`);
      if (args.type === 'aws:rds/instance:Instance') {
        state.identifier = args.inputs.identifier ?? mint('identifier', args.name);
        state.address = mint('address', `${args.name}.abc123.${REGION}.rds.amazonaws.com`);
        state.port = args.inputs.port ?? 5432;
        state.vpcSecurityGroupIds = args.inputs.vpcSecurityGroupIds ?? [mint('securityGroup', `sg-${args.name}`)];
        if (args.inputs.manageMasterUserPassword) {
          state.masterUserSecrets = [{ secretArn: mint('secretArn', `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!${args.name}`), kmsKeyId: mint('secretKey', `arn:aws:kms:${REGION}:${ACCOUNT}:key/${args.name}`), secretStatus: 'active' }];
        }
      }
      if (args.type === 'aws:backup/plan:Plan') state.arn = mint('arn', `arn:aws:backup:${REGION}:${ACCOUNT}:backup-plan:${args.name}`);
      return { id, state };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      switch (args.token) {
        case 'aws:index/getPartition:getPartition': return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
        case 'aws:index/getRegion:getRegion': return { region: REGION, name: REGION, id: REGION };
        case 'aws:index/getCallerIdentity:getCallerIdentity': return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/test`, userId: 'test', id: ACCOUNT };
        default: throw new Error(`unexpected call ${args.token}`);
      }
    },
  }, 'postgres-backup', 'test', false);
}

/** The value of an output; rejects when the output fails. */
export function valueOf<T>(output: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
  const direct = pulumi.Output.isInstance(output) ? output : pulumi.output(output);
  return (direct as any).promise() as Promise<T>;
}

/** Waits until every resource the program started registering has registered. */
export async function settled(...outputs: pulumi.Output<unknown>[]): Promise<void> {
  await Promise.all(outputs.map((output) => valueOf(output)));
}

/** The error an output fails with, or an error saying it resolved. */
export async function failureOf(output: pulumi.Output<unknown>): Promise<Error> {
  // An output carries several promises (value, known, secret, resources); each rejects with the failure.
  const internals = output as any;
  await Promise.allSettled([internals.isKnown, internals.isSecret, internals.allResources?.()]);
  try {
    const value = await valueOf(output);
    return new Error(`resolved to ${JSON.stringify(value)}`);
  } catch (error) {
    return error as Error;
  }
}
