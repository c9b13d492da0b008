import type * as pulumi from '@pulumi/pulumi';

/** The account the mocks answer `getCallerIdentity` with, unless told otherwise. */
export const MOCK_AWS_ACCOUNT = '123456789012';
/** The region the mocks answer `getRegion` with, unless told otherwise. */
export const MOCK_AWS_REGION = 'eu-west-1';

/**
 * How a mocked resource's service-assigned attributes look: `realistic` ARNs, ids and names, or `opaque` references
 * (`ref~<name>~<attribute>`; `ref-<name>-minted` in bucket names and key ids, which the components validate), which
 * make two programs comparable regardless of the values a cloud would mint.
 */
export type MockAttributeStyle = 'realistic' | 'opaque';

/** Where the mocked AWS resources live. */
export interface MockAwsEnvironment {
  readonly account: string;
  readonly region: string;
  readonly style: MockAttributeStyle;
}

/** A realistic ARN for a resource of a type token such as `aws:ecs/cluster:Cluster`. */
function realisticArn(env: MockAwsEnvironment, type: string, name: string, inputs: Record<string, any>): string {
  const { account, region } = env;
  const [, module, resource] = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):/.exec(type) ?? [undefined, 'unknown', 'resource'];
  switch (type) {
    case 'aws:s3/bucket:Bucket': return `arn:aws:s3:::${inputs.bucket ?? `${name}-bucket`}`;
    case 'aws:iam/role:Role': return `arn:aws:iam::${account}:role/${name}`;
    case 'aws:ecs/taskDefinition:TaskDefinition': return `arn:aws:ecs:${region}:${account}:task-definition/${inputs.family}:1`;
    case 'aws:sfn/stateMachine:StateMachine': return `arn:aws:states:${region}:${account}:stateMachine:${name}`;
    case 'aws:backup/vault:Vault': return `arn:aws:backup:${region}:${account}:backup-vault:${inputs.name ?? name}`;
    case 'aws:backup/plan:Plan': return `arn:aws:backup:${region}:${account}:backup-plan:${name}`;
    default: return `arn:aws:${module === 'cloudwatch' ? 'logs' : module}:${region}:${account}:${resource.toLowerCase()}/${name}`;
  }
}

/**
 * The id and state AWS would report for a new resource: its inputs, plus the attributes AWS assigns that the
 * components read (`arn`, `name`, a bucket's `bucket`, a queue's `url`, and an RDS instance's address, port, security
 * groups and — with `manageMasterUserPassword` — its `masterUserSecrets`).
 */
export function mockAwsResource(env: MockAwsEnvironment, args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
  const { account, region, style } = env;
  const mint = (attribute: string, realistic: string) => (style === 'opaque' ? `ref~${args.name}~${attribute}` : realistic);
  const id = mint('id', `${args.name}-id`);
  const state: Record<string, any> = {
    ...args.inputs,
    arn: mint('arn', realisticArn(env, args.type, args.name, args.inputs)),
    name: args.inputs.name ?? mint('name', args.name),
  };
  // Bucket names and key ARNs are validated where the components render them, so even opaque ones keep their shape.
  if (args.type === 'aws:s3/bucket:Bucket') state.bucket = args.inputs.bucket ?? (style === 'opaque' ? `ref-${args.name}-minted` : `${args.name}-bucket`);
  if (args.type === 'aws:kms/key:Key' && style === 'opaque') state.arn = `arn:aws:kms:${region}:${account}:key/ref-${args.name}-minted`;
  if (args.type === 'aws:sqs/queue:Queue') state.url = mint('url', `https://sqs.${region}.amazonaws.com/${account}/${args.name}`);
  if (args.type === 'aws:rds/instance:Instance') {
    state.identifier = args.inputs.identifier ?? mint('identifier', args.name);
    state.address = mint('address', `${args.name}.abc123.${region}.rds.amazonaws.com`);
  }
  if (args.type === 'aws:rds/cluster:Cluster') {
    state.clusterIdentifier = args.inputs.clusterIdentifier ?? mint('clusterIdentifier', args.name);
    state.endpoint = mint('endpoint', `${args.name}.cluster-abc123.${region}.rds.amazonaws.com`);
  }
  if (args.type === 'aws:rds/instance:Instance' || args.type === 'aws:rds/cluster:Cluster') {
    state.port = args.inputs.port ?? 5432;
    state.vpcSecurityGroupIds = args.inputs.vpcSecurityGroupIds ?? [mint('securityGroup', `sg-${args.name}`)];
    // RDS creates the master user's secret only when asked to manage the password.
    if (args.inputs.manageMasterUserPassword) {
      state.masterUserSecrets = [{
        secretArn: mint('secretArn', `arn:aws:secretsmanager:${region}:${account}:secret:rds!${args.name}`),
        kmsKeyId: mint('secretKey', `arn:aws:kms:${region}:${account}:key/${args.name}`),
        secretStatus: 'active',
      }];
    }
  }
  return { id, state };
}

/** The answers to the AWS data sources the components read (partition, region, caller identity, a generated password), by call token. */
export function mockAwsCalls(env: MockAwsEnvironment): Record<string, (inputs: Record<string, any>) => Record<string, any>> {
  const { account, region } = env;
  return {
    // A fixed password of the length asked, letters and digits only, so a test's graph is the same every run.
    'aws:secretsmanager/getRandomPassword:getRandomPassword': (inputs) => ({
      randomPassword: 'mockpassword0123456789'.repeat(Math.ceil((inputs.passwordLength ?? 32) / 22)).slice(0, inputs.passwordLength ?? 32),
    }),
    'aws:index/getPartition:getPartition': () => ({ partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' }),
    'aws:index/getRegion:getRegion': () => ({ region, name: region, id: region }),
    'aws:index/getCallerIdentity:getCallerIdentity': () => ({ accountId: account, arn: `arn:aws:iam::${account}:user/test`, userId: 'test', id: account }),
  };
}
