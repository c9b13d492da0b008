import * as pulumi from '@pulumi/pulumi';
import { MOCK_AWS_ACCOUNT, MOCK_AWS_REGION, MockAttributeStyle, MockAwsEnvironment, mockAwsCalls, mockAwsResource } from './mock-aws-resources';
import { MOCK_AZURE_SUBSCRIPTION_ID, MockFlexibleServerBackup, mockAzureResource, mockAzureServer } from './mock-azure-resources';

/** A resource the program registered with the mocks: its type token, logical name, inputs and the id it was given. */
export interface MockedResource {
  /** Type token, e.g. `aws:ecs/taskDefinition:TaskDefinition`. */
  readonly type: string;
  /** Logical name the program gave it. */
  readonly name: string;
  /** The inputs the program set. */
  readonly inputs: Record<string, any>;
  /** The id the mocks gave it. */
  readonly id: string;
}

/** Answers a data-source call (an invoke) from its inputs. */
export type MockCallHandler = (inputs: Record<string, any>) => Record<string, any>;

/** Options of {@link BackupMocks}. */
export interface BackupMocksOptions {
  /** Account `getCallerIdentity` answers and ARNs are minted in. @default '123456789012' */
  readonly awsAccountId?: string;
  /** Region `getRegion` answers and ARNs are minted in. @default 'eu-west-1' */
  readonly awsRegion?: string;
  /** Subscription the Azure resource ids are minted in. @default '00000000-0000-0000-0000-000000000001' */
  readonly azureSubscriptionId?: string;
  /** How service-assigned attributes (ids, ARNs, generated names) look. @default 'realistic' */
  readonly attributeStyle?: MockAttributeStyle;
  /**
   * Answers to further data-source calls your own program makes, by call token
   * (e.g. `'aws:ec2/getVpc:getVpc'`); they take precedence over the built-in answers.
   * @default - only the calls the components make are answered
   */
  readonly calls?: Record<string, MockCallHandler>;
}

/**
 * Pulumi mocks for unit tests of programs that use this package's components (`pulumi.runtime.setMocks`): every
 * resource is recorded and reports its inputs as its state, plus the attributes AWS and Azure assign that the
 * components read — ARNs, ids, generated names, an RDS instance's or cluster's endpoint, port, security groups and
 * RDS-managed secret (`masterUserSecrets`, when it is created with `manageMasterUserPassword: true`), Azure managed
 * identities and server host names. The data sources the components read are answered: AWS `getPartition`,
 * `getRegion`, `getCallerIdentity`, `secretsmanager.getRandomPassword` (a fixed password of the length asked), and Azure `dbforpostgresql.getServer` (from {@link BackupMocks.servers}, or from a
 * server the program itself creates). Plain echo mocks lack those attributes, so the components cannot wire a
 * database's secret or scope IAM to an account.
 *
 * Install them with {@link setBackupMocks} before the program's modules are loaded.
 */
export class BackupMocks implements pulumi.runtime.Mocks {
  /** The resources registered since the mocks were made or last {@link BackupMocks.reset}. */
  public readonly resources: MockedResource[] = [];
  /**
   * Existing Azure flexible servers `dbforpostgresql.getServer` knows, by `<resource group>/<server name>`: set these
   * when the program protects a server it does not create.
   */
  public servers: Record<string, MockFlexibleServerBackup> = {};
  private readonly aws: MockAwsEnvironment;
  private readonly azureSubscriptionId: string;
  private readonly calls: Record<string, MockCallHandler>;

  public constructor(options: BackupMocksOptions = {}) {
    this.aws = {
      account: options.awsAccountId ?? MOCK_AWS_ACCOUNT,
      region: options.awsRegion ?? MOCK_AWS_REGION,
      style: options.attributeStyle ?? 'realistic',
    };
    this.azureSubscriptionId = options.azureSubscriptionId ?? MOCK_AZURE_SUBSCRIPTION_ID;
    this.calls = {
      ...mockAwsCalls(this.aws),
      'azure-native:dbforpostgresql:getServer': (inputs) => this.getAzureServer(inputs),
      ...options.calls,
    };
  }

  /** Forgets the recorded resources and the existing servers. */
  public reset(): void {
    this.resources.length = 0;
    this.servers = {};
  }

  /** Every recorded resource of type token `type`. */
  public ofType(type: string): MockedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The one recorded resource of type token `type` named `name`; throws, listing what was recorded, when not exactly one. */
  public named(type: string, name: string): MockedResource {
    const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
    if (found.length !== 1) {
      throw new Error(`${found.length} resources of ${type} named ${name}; recorded: ${this.resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
    }
    return found[0];
  }

  /** Records a new resource and answers its id and state (see {@link BackupMocks}). */
  public newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    const answer = args.type.startsWith('aws:') ? mockAwsResource(this.aws, args)
      : args.type.startsWith('azure-native:') ? mockAzureResource(this.azureSubscriptionId, args)
        : { id: `${args.name}-id`, state: { ...args.inputs } };
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id: answer.id });
    return answer;
  }

  /** Answers a data-source call; throws, naming the token, for a call it has no answer for. */
  public call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const handler = this.calls[args.token];
    if (!handler) throw new Error(`BackupMocks has no answer for the call ${args.token}; pass one in the \`calls\` option`);
    return handler(args.inputs);
  }

  private getAzureServer(inputs: Record<string, any>): Record<string, any> {
    const { resourceGroupName, serverName } = inputs;
    const key = `${resourceGroupName}/${serverName}`;
    const existing = this.servers[key];
    if (existing) return mockAzureServer(this.azureSubscriptionId, resourceGroupName, serverName, existing);
    const created = this.ofType('azure-native:dbforpostgresql:Server')
      .find((server) => (server.inputs.serverName ?? server.name) === serverName && server.inputs.resourceGroupName === resourceGroupName);
    if (created) return mockAzureServer(this.azureSubscriptionId, resourceGroupName, serverName, created.inputs.backup ?? {});
    throw new Error(`BackupMocks knows no flexible server ${key}: create it in the program, or set mocks.servers['${key}'] = { backupRetentionDays: 7 }`);
  }
}

/** Where the mocked program runs. */
export interface SetBackupMocksOptions extends BackupMocksOptions {
  /** Pulumi project name. @default 'project' */
  readonly project?: string;
  /** Pulumi stack name. @default 'stack' */
  readonly stack?: string;
  /** Whether the program runs as a preview (unknown outputs stay unknown). @default false */
  readonly preview?: boolean;
}

/**
 * Makes {@link BackupMocks} and installs them with `pulumi.runtime.setMocks`; call it before the program's modules are
 * loaded (e.g. at the top of the test file, then `await import('./index')`). Returns the mocks, to read the recorded
 * resources from.
 */
export function setBackupMocks(options: SetBackupMocksOptions = {}): BackupMocks {
  const mocks = new BackupMocks(options);
  void pulumi.runtime.setMocks(mocks, options.project ?? 'project', options.stack ?? 'stack', options.preview ?? false);
  return mocks;
}
