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
exports.ManagedPostgresBackupPlan = void 0;
const alertsmanagement = __importStar(require("@pulumi/azure-native/alertsmanagement"));
const authorization = __importStar(require("@pulumi/azure-native/authorization"));
const dataprotection = __importStar(require("@pulumi/azure-native/dataprotection"));
const dbforpostgresql = __importStar(require("@pulumi/azure-native/dbforpostgresql"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const backup_action_group_1 = require("./backup-action-group");
const flexible_server_backup_1 = require("./flexible-server-backup");
const pulumi_validation_1 = require("../pulumi-validation");
const role_definitions_1 = require("./role-definitions");
const vault_backup_policy_1 = require("./vault-backup-policy");
const default_values_1 = require("../../core/default-values");
const validate_policy_1 = require("../../core/validate-policy");
const validation_1 = require("../../core/validation");
/**
 * The managed backups of an Azure Database for PostgreSQL flexible server: the server's own backups (retention
 * 7–35 days, optional geo-redundant copy), and optionally long-term retention in an Azure Backup vault with soft
 * delete and immutability, its policy from the plan's rules, the backup instance and the two role assignments
 * the vault needs, and alerts on failed backup jobs routed to an action group.
 *
 * With `createServer`, the server is created with these settings. Without it, the server exists and the plan
 * reads it and fails when it differs (azure-native cannot change a resource it did not create): geo-redundant
 * backup can only be had by restoring into a new server; the retention error gives the command that sets it.
 */
class ManagedPostgresBackupPlan extends pulumi.ComponentResource {
    /** The server created, when `createServer` was given. */
    server;
    /** Resource id of the server; for an existing server it resolves only once its settings were checked. */
    serverId;
    /** Days the server keeps its own backups: the point-in-time restore window. */
    backupRetentionDays;
    /** The Azure Backup vault, when `backupPlan` has rules. */
    vault;
    /** The vault's backup policy. */
    vaultPolicy;
    /** The backup instance that protects the server with the policy. */
    backupInstance;
    /** The vault identity's role assignments: the long-term retention role on the server, Reader on its resource group. */
    roleAssignments;
    /** Resource id of the action group alerts go to, when there is a vault. */
    actionGroupId;
    /** Routes the vault's failed-job alerts to the action group. */
    alertProcessingRule;
    constructor(name, props, opts) {
        super('postgres-backup:azure:ManagedPostgresBackupPlan', name, {}, opts);
        // Only the values the rules read: an unknown resource group name must not hide the retention from a preview.
        const settings = (0, pulumi_validation_1.validateWhenKnown)(policyPropsOf(props), checkPlanProps, name);
        const geoRedundantBackup = settings.apply((known) => known.geoRedundantBackup === true);
        this.backupRetentionDays = settings.apply((known) => known.backupRetentionDays ?? default_values_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS);
        const backup = pulumi.all([this.backupRetentionDays, geoRedundantBackup]).apply(([days, geo]) => ({
            backupRetentionDays: days,
            geoRedundantBackup: geo ? 'Enabled' : 'Disabled',
        }));
        if (props.createServer) {
            const create = props.createServer;
            this.server = new dbforpostgresql.Server(name, {
                resourceGroupName: props.resourceGroupName,
                serverName: props.serverName,
                location: props.location,
                createMode: 'Create',
                version: create.version ?? '16',
                sku: { name: create.skuName ?? 'Standard_D2ds_v5', tier: create.skuTier ?? 'GeneralPurpose' },
                storage: { storageSizeGB: create.storageSizeGB ?? 128, autoGrow: 'Enabled' },
                administratorLogin: create.administratorLogin,
                administratorLoginPassword: create.administratorLoginPassword,
                backup,
                maintenanceWindow: (0, flexible_server_backup_1.maintenanceWindowArgs)(props.preferredMaintenanceWindow),
                network: create.delegatedSubnetResourceId !== undefined
                    ? { delegatedSubnetResourceId: create.delegatedSubnetResourceId, privateDnsZoneArmResourceId: create.privateDnsZoneArmResourceId }
                    : undefined,
                highAvailability: create.highAvailabilityMode !== undefined ? { mode: create.highAvailabilityMode } : undefined,
                tags: props.tags,
            }, { parent: this });
            this.serverId = this.server.id;
        }
        else {
            const existing = dbforpostgresql.getServerOutput({ resourceGroupName: props.resourceGroupName, serverName: props.serverName }, { parent: this });
            this.serverId = pulumi.all([existing, this.backupRetentionDays, geoRedundantBackup, props.serverName, props.resourceGroupName])
                .apply(([server, backupRetentionDays, geo, serverName, resourceGroupName]) => {
                const validator = new validation_1.Validator({ construct: name });
                (0, flexible_server_backup_1.checkExistingServerBackup)(validator, { backupRetentionDays, geoRedundantBackup: geo }, {
                    serverName,
                    resourceGroupName,
                    backupRetentionDays: server.backup?.backupRetentionDays,
                    geoRedundantBackup: server.backup?.geoRedundantBackup,
                });
                validator.throwIfInvalid();
                return server.id;
            });
        }
        const vaultPolicy = settings.apply((known) => (known.backupPlan ? (0, vault_backup_policy_1.renderVaultBackupPolicy)(known.backupPlan, new validation_1.Validator()) : undefined));
        const roleAssignments = [];
        if ((props.backupPlan?.rules ?? []).length > 0) {
            const compliance = props.immutability?.mode === 'compliance';
            this.vault = new dataprotection.BackupVault(`${name}-vault`, {
                resourceGroupName: props.resourceGroupName,
                location: props.location ?? this.server?.location,
                identity: { type: 'SystemAssigned' },
                properties: {
                    storageSettings: [{ datastoreType: 'VaultStore', type: props.vault?.redundancy ?? 'GeoRedundant' }],
                    securitySettings: {
                        softDeleteSettings: { state: compliance ? 'AlwaysOn' : 'On', retentionDurationInDays: props.vault?.softDeleteRetentionDays ?? 14 },
                        immutabilitySettings: { state: compliance ? 'Locked' : 'Unlocked' },
                    },
                    monitoringSettings: { azureMonitorAlertSettings: { alertsForAllJobFailures: 'Enabled' } },
                },
                tags: props.tags,
            }, { parent: this });
            const principalId = this.vault.identity.apply((identity) => identity?.principalId ?? '');
            const resourceGroupId = this.serverId.apply(resourceGroupIdOf);
            roleAssignments.push(new authorization.RoleAssignment(`${name}-vault-ltr-backup`, {
                scope: this.serverId,
                principalId,
                principalType: 'ServicePrincipal',
                roleDefinitionId: (0, role_definitions_1.roleDefinitionIdFor)(this.serverId, role_definitions_1.AZURE_BUILT_IN_ROLES.postgresFlexibleServerLongTermRetentionBackup),
                description: 'Azure Backup vault: take long-term retention backups of this PostgreSQL flexible server',
            }, { parent: this }));
            roleAssignments.push(new authorization.RoleAssignment(`${name}-vault-reader`, {
                scope: resourceGroupId,
                principalId,
                principalType: 'ServicePrincipal',
                roleDefinitionId: (0, role_definitions_1.roleDefinitionIdFor)(resourceGroupId, role_definitions_1.AZURE_BUILT_IN_ROLES.reader),
                description: 'Azure Backup vault: read the resource group of the PostgreSQL flexible server it protects',
            }, { parent: this }));
            this.vaultPolicy = new dataprotection.BackupPolicy(`${name}-policy`, {
                resourceGroupName: props.resourceGroupName,
                vaultName: this.vault.name,
                properties: vaultPolicy.apply((policy) => policy),
            }, { parent: this });
            const datasource = {
                resourceID: this.serverId,
                resourceUri: this.serverId,
                resourceName: props.serverName,
                resourceType: vault_backup_policy_1.FLEXIBLE_SERVER_DATASOURCE_TYPE,
                datasourceType: vault_backup_policy_1.FLEXIBLE_SERVER_DATASOURCE_TYPE,
                resourceLocation: this.vault.location,
            };
            this.backupInstance = new dataprotection.BackupInstance(`${name}-instance`, {
                resourceGroupName: props.resourceGroupName,
                vaultName: this.vault.name,
                properties: {
                    objectType: 'BackupInstance',
                    friendlyName: props.serverName,
                    dataSourceInfo: { objectType: 'Datasource', ...datasource },
                    dataSourceSetInfo: { objectType: 'DatasourceSet', ...datasource },
                    policyInfo: { policyId: this.vaultPolicy.id },
                },
                tags: props.tags,
                // The vault validates its access to the server when the instance is created.
            }, { parent: this, dependsOn: roleAssignments });
            const actionGroup = (0, backup_action_group_1.resolveActionGroup)(this, name, props.resourceGroupName, props.alerts ?? {}, props.tags);
            this.actionGroupId = actionGroup.id;
            this.alertProcessingRule = new alertsmanagement.AlertProcessingRuleByName(`${name}-failed-backup-alerts`, {
                resourceGroupName: props.resourceGroupName,
                location: 'global',
                properties: {
                    description: 'Failed Azure Backup jobs of the PostgreSQL flexible server go to the backup action group',
                    enabled: true,
                    scopes: [this.vault.id],
                    actions: [{ actionType: 'AddActionGroups', actionGroupIds: [actionGroup.id] }],
                },
                tags: props.tags,
            }, { parent: this });
        }
        this.roleAssignments = roleAssignments;
        this.registerOutputs({
            serverId: this.serverId,
            backupRetentionDays: this.backupRetentionDays,
            vaultId: this.vault?.id,
            backupInstanceId: this.backupInstance?.id,
            actionGroupId: this.actionGroupId,
        });
    }
}
exports.ManagedPostgresBackupPlan = ManagedPostgresBackupPlan;
function policyPropsOf(props) {
    return {
        backupRetentionDays: props.backupRetentionDays,
        geoRedundantBackup: props.geoRedundantBackup,
        preferredMaintenanceWindow: props.preferredMaintenanceWindow,
        preferredBackupWindow: props.preferredBackupWindow,
        backupPlan: props.backupPlan,
        immutability: props.immutability,
        vault: props.vault,
        alerts: props.alerts,
    };
}
/** Checks the plan: the server's settings, the vault's rules and immutability, and the alert e-mails. */
function checkPlanProps(validator, props) {
    (0, flexible_server_backup_1.checkFlexibleServerBackupSettings)(validator, props);
    if (props.backupPlan !== undefined || props.immutability !== undefined) {
        validator.include((0, validate_policy_1.checkPolicy)({ platform: 'azure', backupPlan: props.backupPlan, immutability: props.immutability }, validator.optionsFor()));
    }
    if (props.backupPlan !== undefined)
        (0, vault_backup_policy_1.renderVaultBackupPolicy)(props.backupPlan, validator);
    if (props.immutability !== undefined && (props.backupPlan?.rules ?? []).length === 0) {
        validator.report({ path: 'immutability', value: props.immutability, allowed: 'unset without backupPlan rules', reason: 'immutability applies to the vault, which only backupPlan rules create' }, []);
    }
    if (props.vault !== undefined) {
        validator.integer('vault.softDeleteRetentionDays', props.vault.softDeleteRetentionDays, 14, 180, 'days');
        validator.oneOf('vault.redundancy', props.vault.redundancy, ['GeoRedundant', 'ZoneRedundant', 'LocallyRedundant']);
    }
    (0, backup_action_group_1.checkAlertDestination)(validator, props.alerts ?? {});
}
/** `/subscriptions/s/resourceGroups/rg/providers/…` → `/subscriptions/s/resourceGroups/rg`. */
function resourceGroupIdOf(resourceId) {
    const match = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+)/i.exec(resourceId);
    if (!match)
        throw new Error(`${JSON.stringify(resourceId)} is not the id of a resource in a resource group`);
    return match[1];
}
