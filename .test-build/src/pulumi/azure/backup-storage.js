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
exports.BackupStorage = exports.CONTAINER_NAME_PATTERN = void 0;
exports.dumpManagementPolicyRules = dumpManagementPolicyRules;
const storage = __importStar(require("@pulumi/azure-native/storage"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const lifecycle_1 = require("../../core/lifecycle");
const lifecycle_azure_1 = require("../../core/lifecycle-azure");
const validation_1 = require("../../core/validation");
const pulumi_validation_1 = require("../pulumi-validation");
/** The container name Azure accepts: 3–63 lowercase letters, digits and single hyphens. */
exports.CONTAINER_NAME_PATTERN = /^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** The lifecycle rules of the dumps in Azure's management-policy form, checked through `validator`. */
function dumpManagementPolicyRules(props, validator) {
    const prefix = props.prefix ?? 'pg-dumps';
    const rules = (0, lifecycle_1.dumpBucketLifecycleRules)(props.dump, { prefix: `${prefix}/`, transitions: props.transitions, validator, path: 'lifecycleRules' });
    return (0, lifecycle_azure_1.renderAzureManagementPolicyRules)(rules, { containerName: props.containerName ?? 'pg-dumps', validator, path: 'lifecycleRules' });
}
/**
 * The storage of the dumps: a StorageV2 account that takes only HTTPS with TLS 1.2 or later and Entra ID
 * (no shared keys, no public blob access), blob versioning and soft delete for blobs and containers, optional
 * version-level immutability, one private container, and the lifecycle management policy rendered by core
 * (tiering, deletion after the retention, deletion of old versions).
 */
class BackupStorage extends pulumi.ComponentResource {
    /** The storage account. */
    account;
    /** Versioning and soft delete of the account's blob service. */
    blobService;
    /** The container of the dumps. */
    container;
    /** The lifecycle management policy. */
    managementPolicy;
    /** The storage account's name. */
    accountName;
    /** The container's name. */
    containerName;
    /** The prefix of the dumps in the container. */
    prefix;
    /** Where the runner writes: `azblob://<account>/<container>/<prefix>`. */
    uri;
    constructor(name, props, opts) {
        super('postgres-backup:azure:BackupStorage', name, {}, opts);
        const containerName = props.containerName ?? 'pg-dumps';
        this.prefix = props.prefix ?? 'pg-dumps';
        const policy = { dump: props.dump, transitions: props.transitions, immutability: props.immutability, softDeleteDays: props.softDeleteDays };
        const checked = (0, pulumi_validation_1.validateWhenKnown)(policy, (validator, known) => {
            validator.matches('containerName', containerName, exports.CONTAINER_NAME_PATTERN, '3 to 63 lowercase letters, digits and single hyphens');
            validator.matches('prefix', this.prefix, /^[^/](.*[^/])?$/, 'a blob-name prefix without leading or trailing "/"');
            validator.integer('softDeleteDays', known.softDeleteDays, 1, 365, 'days');
            dumpManagementPolicyRules({ dump: known.dump, transitions: known.transitions, containerName, prefix: this.prefix }, validator);
        }, name);
        const immutability = props.immutability;
        const softDeleteDays = props.softDeleteDays ?? 14;
        this.account = new storage.StorageAccount(name, {
            resourceGroupName: props.resourceGroupName,
            location: props.location,
            accountName: props.accountName,
            kind: 'StorageV2',
            sku: { name: props.skuName ?? 'Standard_GRS' },
            accessTier: 'Hot',
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: 'TLS1_2',
            allowBlobPublicAccess: false,
            // The runner signs in with its managed identity; no key can leak.
            allowSharedKeyAccess: false,
            defaultToOAuthAuthentication: true,
            allowCrossTenantReplication: false,
            immutableStorageWithVersioning: immutability
                ? {
                    enabled: true,
                    immutabilityPolicy: {
                        immutabilityPeriodSinceCreationInDays: immutability.days,
                        state: immutability.mode === 'compliance' ? 'Locked' : 'Unlocked',
                        allowProtectedAppendWrites: false,
                    },
                }
                : undefined,
            tags: props.tags,
        }, { parent: this });
        this.accountName = this.account.name;
        this.blobService = new storage.BlobServiceProperties(`${name}-blob-service`, {
            resourceGroupName: props.resourceGroupName,
            accountName: this.account.name,
            blobServicesName: 'default',
            isVersioningEnabled: true,
            deleteRetentionPolicy: { enabled: true, days: softDeleteDays },
            containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays },
        }, { parent: this });
        this.container = new storage.BlobContainer(`${name}-container`, {
            resourceGroupName: props.resourceGroupName,
            accountName: this.account.name,
            containerName,
            publicAccess: 'None',
        }, { parent: this, dependsOn: [this.blobService] });
        this.containerName = this.container.name;
        this.managementPolicy = new storage.ManagementPolicy(`${name}-lifecycle`, {
            resourceGroupName: props.resourceGroupName,
            accountName: this.account.name,
            managementPolicyName: 'default',
            policy: {
                rules: checked.apply((known) => dumpManagementPolicyRules({ dump: known.dump, transitions: known.transitions, containerName, prefix: this.prefix }, new validation_1.Validator())),
            },
        }, { parent: this, dependsOn: [this.blobService] });
        this.uri = pulumi.interpolate `azblob://${this.account.name}/${this.container.name}/${this.prefix}`;
        this.registerOutputs({ accountName: this.accountName, containerName: this.containerName, uri: this.uri });
    }
}
exports.BackupStorage = BackupStorage;
