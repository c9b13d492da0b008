"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.BackupMocks = void 0;
exports.setBackupMocks = setBackupMocks;
const pulumi = __importStar(require("@pulumi/pulumi"));
const mock_aws_resources_1 = require("./mock-aws-resources");
const mock_azure_resources_1 = require("./mock-azure-resources");
/**
 * Pulumi mocks for unit tests of programs that use this package's components (`pulumi.runtime.setMocks`): every
 * resource is recorded and reports its inputs as its state, plus the attributes AWS and Azure assign that the
 * components read — ARNs, ids, generated names, an RDS instance's or cluster's endpoint, port, security groups and
 * RDS-managed secret (`masterUserSecrets`, when it is created with `manageMasterUserPassword: true`), Azure managed
 * identities and server host names. The data sources the components read are answered: AWS `getPartition`,
 * `getRegion`, `getCallerIdentity`, and Azure `dbforpostgresql.getServer` (from {@link BackupMocks.servers}, or from a
 * server the program itself creates). Plain echo mocks lack those attributes, so the components cannot wire a
 * database's secret or scope IAM to an account.
 *
 * Install them with {@link setBackupMocks} before the program's modules are loaded.
 */
class BackupMocks {
    /** The resources registered since the mocks were made or last {@link BackupMocks.reset}. */
    resources = [];
    /**
     * Existing Azure flexible servers `dbforpostgresql.getServer` knows, by `<resource group>/<server name>`: set these
     * when the program protects a server it does not create.
     */
    servers = {};
    aws;
    azureSubscriptionId;
    calls;
    constructor(options = {}) {
        this.aws = {
            account: options.awsAccountId ?? mock_aws_resources_1.MOCK_AWS_ACCOUNT,
            region: options.awsRegion ?? mock_aws_resources_1.MOCK_AWS_REGION,
            style: options.attributeStyle ?? 'realistic',
        };
        this.azureSubscriptionId = options.azureSubscriptionId ?? mock_azure_resources_1.MOCK_AZURE_SUBSCRIPTION_ID;
        this.calls = {
            ...(0, mock_aws_resources_1.mockAwsCalls)(this.aws),
            'azure-native:dbforpostgresql:getServer': (inputs) => this.getAzureServer(inputs),
            ...options.calls,
        };
    }
    /** Forgets the recorded resources and the existing servers. */
    reset() {
        this.resources.length = 0;
        this.servers = {};
    }
    /** Every recorded resource of type token `type`. */
    ofType(type) {
        return this.resources.filter((resource) => resource.type === type);
    }
    /** The one recorded resource of type token `type` named `name`; throws, listing what was recorded, when not exactly one. */
    named(type, name) {
        const found = this.resources.filter((resource) => resource.type === type && resource.name === name);
        if (found.length !== 1) {
            throw new Error(`${found.length} resources of ${type} named ${name}; recorded: ${this.resources.map((r) => `${r.type} ${r.name}`).join(', ')}`);
        }
        return found[0];
    }
    /** Records a new resource and answers its id and state (see {@link BackupMocks}). */
    newResource(args) {
        const answer = args.type.startsWith('aws:') ? (0, mock_aws_resources_1.mockAwsResource)(this.aws, args)
            : args.type.startsWith('azure-native:') ? (0, mock_azure_resources_1.mockAzureResource)(this.azureSubscriptionId, args)
                : { id: `${args.name}-id`, state: { ...args.inputs } };
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, id: answer.id });
        return answer;
    }
    /** Answers a data-source call; throws, naming the token, for a call it has no answer for. */
    call(args) {
        const handler = this.calls[args.token];
        if (!handler)
            throw new Error(`BackupMocks has no answer for the call ${args.token}; pass one in the \`calls\` option`);
        return handler(args.inputs);
    }
    getAzureServer(inputs) {
        const { resourceGroupName, serverName } = inputs;
        const key = `${resourceGroupName}/${serverName}`;
        const existing = this.servers[key];
        if (existing)
            return (0, mock_azure_resources_1.mockAzureServer)(this.azureSubscriptionId, resourceGroupName, serverName, existing);
        const created = this.ofType('azure-native:dbforpostgresql:Server')
            .find((server) => (server.inputs.serverName ?? server.name) === serverName && server.inputs.resourceGroupName === resourceGroupName);
        if (created)
            return (0, mock_azure_resources_1.mockAzureServer)(this.azureSubscriptionId, resourceGroupName, serverName, created.inputs.backup ?? {});
        throw new Error(`BackupMocks knows no flexible server ${key}: create it in the program, or set mocks.servers['${key}'] = { backupRetentionDays: 7 }`);
    }
}
exports.BackupMocks = BackupMocks;
/**
 * Makes {@link BackupMocks} and installs them with `pulumi.runtime.setMocks`; call it before the program's modules are
 * loaded (e.g. at the top of the test file, then `await import('./index')`). Returns the mocks, to read the recorded
 * resources from.
 */
function setBackupMocks(options = {}) {
    const mocks = new BackupMocks(options);
    void pulumi.runtime.setMocks(mocks, options.project ?? 'project', options.stack ?? 'stack', options.preview ?? false);
    return mocks;
}
