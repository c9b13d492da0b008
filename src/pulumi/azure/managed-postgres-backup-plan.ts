import * as alertsmanagement from '@pulumi/azure-native/alertsmanagement';
import * as authorization from '@pulumi/azure-native/authorization';
import * as dataprotection from '@pulumi/azure-native/dataprotection';
import * as dbforpostgresql from '@pulumi/azure-native/dbforpostgresql';
import * as pulumi from '@pulumi/pulumi';
import { BackupAlertDestination, checkAlertDestination, resolveActionGroup } from './backup-action-group';
import {
  checkExistingServerBackup, checkFlexibleServerBackupSettings, FlexibleServerBackupSettings, maintenanceWindowArgs,
} from './flexible-server-backup';
import { AZURE_BUILT_IN_ROLES, resourceGroupIdOf, roleDefinitionIdFor } from './role-definitions';
import { FLEXIBLE_SERVER_DATASOURCE_TYPE, renderVaultBackupPolicy } from './vault-backup-policy';
import { flexibleServerBackupProtection } from '../../core/azure/azure-protections';
import { AZURE_MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS } from '../../core/azure/literal-props';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { DEFAULT_MANAGED_BACKUP_RETENTION_DAYS } from '../../core/policy/default-values';
import { BackupPlanPolicy, ImmutabilityPolicy } from '../../core/policy/policy';
import { checkPolicy } from '../../core/policy/validate-policy';
import { Validator } from '../../core/policy/validation';
import { protectionsOutput } from '../protection-outputs';
import { validateWhenKnown } from '../pulumi-validation';

/** A flexible server the plan creates. */
export interface NewFlexibleServer {
  /** Name of the server administrator (fixed for the server's life). */
  readonly administratorLogin: pulumi.Input<string>;
  /** Password of the administrator; pass a secret (`config.requireSecret`). */
  readonly administratorLoginPassword: pulumi.Input<string>;
  /**
   * PostgreSQL major version.
   * @default '16'
   */
  readonly version?: pulumi.Input<string>;
  /**
   * Compute size.
   * @default 'Standard_D2ds_v5'
   */
  readonly skuName?: pulumi.Input<string>;
  /**
   * Compute tier: `Burstable`, `GeneralPurpose` or `MemoryOptimized`.
   * @default 'GeneralPurpose'
   */
  readonly skuTier?: pulumi.Input<string>;
  /**
   * Storage in GiB; it grows automatically when nearly full.
   * @default 128
   */
  readonly storageSizeGB?: pulumi.Input<number>;
  /**
   * The delegated subnet for private access (VNet integration).
   * @default - public access, closed until firewall rules are added
   */
  readonly delegatedSubnetResourceId?: pulumi.Input<string>;
  /**
   * The private DNS zone of a VNet-integrated server.
   * @default - none
   */
  readonly privateDnsZoneArmResourceId?: pulumi.Input<string>;
  /**
   * High availability: `ZoneRedundant` or `SameZone`.
   * @default - none
   */
  readonly highAvailabilityMode?: pulumi.Input<string>;
}

/** Settings of the Azure Backup vault that keeps backups beyond the server's 35 days. */
export interface LongTermRetentionVaultSettings {
  /**
   * Vault storage redundancy: `GeoRedundant`, `ZoneRedundant` or `LocallyRedundant`.
   * @default 'GeoRedundant'
   */
  readonly redundancy?: 'GeoRedundant' | 'ZoneRedundant' | 'LocallyRedundant';
  /**
   * Days deleted backups stay recoverable (14–180).
   * @default 14
   */
  readonly softDeleteRetentionDays?: number;
}

/** Props of {@link ManagedPostgresBackupPlan}. */
export interface ManagedPostgresBackupPlanProps extends FlexibleServerBackupSettings {
  /** Resource group of the server; the vault, its policy and the alert rules go there too. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Name of the flexible server. */
  readonly serverName: pulumi.Input<string>;
  /**
   * Create the server, with the backup settings.
   * @default - the server exists: its backup settings are read and checked, never changed
   */
  readonly createServer?: NewFlexibleServer;
  /**
   * Region of a created server and of the vault (which must be the server's).
   * @default - the resource group's region
   */
  readonly location?: pulumi.Input<string>;
  /**
   * Long-term retention in an Azure Backup vault: a `daily` or `weekly` rule takes the backups, a `weekly` and a
   * `monthly` rule keep the first of each week or month longer (see `renderVaultBackupPolicy`).
   * @default - no vault: only the server's own 7–35 days
   */
  readonly backupPlan?: BackupPlanPolicy;
  /**
   * Immutability of the vault: `governance` is Azure's unlocked immutability (it can be turned off), `compliance`
   * its locked one (irreversible), and soft delete is then always on. `days` must not exceed any rule's retention;
   * the vault itself keeps each backup immutable until its retention ends.
   * @default - unlocked immutability (governance)
   */
  readonly immutability?: ImmutabilityPolicy;
  /**
   * Vault settings.
   * @default - geo-redundant, soft delete kept 14 days
   */
  readonly vault?: LongTermRetentionVaultSettings;
  /**
   * Where alerts on failed vault backup jobs go.
   * @default - an action group is created
   */
  readonly alerts?: BackupAlertDestination;
  /**
   * Tags of every resource created.
   * @default - none
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

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
export class ManagedPostgresBackupPlan extends pulumi.ComponentResource {
  /** The server created, when `createServer` was given. */
  public readonly server?: dbforpostgresql.Server;
  /** Resource id of the server; for an existing server it resolves only once its settings were checked. */
  public readonly serverId: pulumi.Output<string>;
  /** Days the server keeps its own backups: the point-in-time restore window. */
  public readonly backupRetentionDays: pulumi.Output<number>;
  /** The Azure Backup vault, when `backupPlan` has rules. */
  public readonly vault?: dataprotection.BackupVault;
  /** The vault's backup policy. */
  public readonly vaultPolicy?: dataprotection.BackupPolicy;
  /** The backup instance that protects the server with the policy. */
  public readonly backupInstance?: dataprotection.BackupInstance;
  /** The vault identity's role assignments: the long-term retention role on the server, Reader on its resource group. */
  public readonly roleAssignments: readonly authorization.RoleAssignment[];
  /** Resource id of the action group alerts go to, when there is a vault. */
  public readonly actionGroupId?: pulumi.Output<string>;
  /** Routes the vault's failed-job alerts to the action group. */
  public readonly alertProcessingRule?: alertsmanagement.AlertProcessingRuleByName;

  /** The server's own backups and the vault's as a protection of the server, named by its id; also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: ManagedPostgresBackupPlanProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:azure:ManagedPostgresBackupPlan', name, {}, opts);
    // Only the values the rules read: an unknown resource group name must not hide the retention from a preview.
    const settings = validateWhenKnown(policyPropsOf(props), checkPlanProps, name);

    const geoRedundantBackup = settings.apply((known) => known.geoRedundantBackup === true);
    this.backupRetentionDays = settings.apply((known) => known.backupRetentionDays ?? DEFAULT_MANAGED_BACKUP_RETENTION_DAYS);
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
        maintenanceWindow: maintenanceWindowArgs(props.preferredMaintenanceWindow),
        network: create.delegatedSubnetResourceId !== undefined
          ? { delegatedSubnetResourceId: create.delegatedSubnetResourceId, privateDnsZoneArmResourceId: create.privateDnsZoneArmResourceId }
          : undefined,
        highAvailability: create.highAvailabilityMode !== undefined ? { mode: create.highAvailabilityMode } : undefined,
        tags: props.tags,
      }, { parent: this });
      this.serverId = this.server.id;
    } else {
      const existing = dbforpostgresql.getServerOutput(
        { resourceGroupName: props.resourceGroupName, serverName: props.serverName }, { parent: this });
      this.serverId = pulumi.all([existing, this.backupRetentionDays, geoRedundantBackup, props.serverName, props.resourceGroupName])
        .apply(([server, backupRetentionDays, geo, serverName, resourceGroupName]) => {
          const validator = new Validator({ construct: name });
          checkExistingServerBackup(validator, { backupRetentionDays, geoRedundantBackup: geo }, {
            serverName,
            resourceGroupName,
            backupRetentionDays: server.backup?.backupRetentionDays,
            geoRedundantBackup: server.backup?.geoRedundantBackup,
          });
          validator.throwIfInvalid();
          return server.id;
        });
    }

    const vaultPolicy = settings.apply((known) => (known.backupPlan ? renderVaultBackupPolicy(known.backupPlan, new Validator()) : undefined));
    const roleAssignments: authorization.RoleAssignment[] = [];
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
        roleDefinitionId: roleDefinitionIdFor(this.serverId, AZURE_BUILT_IN_ROLES.postgresFlexibleServerLongTermRetentionBackup),
        description: 'Azure Backup vault: take long-term retention backups of this PostgreSQL flexible server',
      }, { parent: this }));
      roleAssignments.push(new authorization.RoleAssignment(`${name}-vault-reader`, {
        scope: resourceGroupId,
        principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionId: roleDefinitionIdFor(resourceGroupId, AZURE_BUILT_IN_ROLES.reader),
        description: 'Azure Backup vault: read the resource group of the PostgreSQL flexible server it protects',
      }, { parent: this }));
      // Azure Backup does not update a PostgreSQL flexible server policy in place ("updating or modifying an existing
      // policy isn't supported": create a new one and assign it to the backup instance), so a change of the rules makes
      // a new policy under a new name, moves the instance to it, then deletes the old one.
      this.vaultPolicy = new dataprotection.BackupPolicy(`${name}-policy`, {
        resourceGroupName: props.resourceGroupName,
        vaultName: this.vault.name,
        properties: vaultPolicy.apply((policy) => policy!),
      }, { parent: this, replaceOnChanges: ['properties'] });
      const datasource = {
        resourceID: this.serverId,
        resourceUri: this.serverId,
        resourceName: props.serverName,
        resourceType: FLEXIBLE_SERVER_DATASOURCE_TYPE,
        datasourceType: FLEXIBLE_SERVER_DATASOURCE_TYPE,
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

      const actionGroup = resolveActionGroup(this, name, props.resourceGroupName, props.alerts ?? {}, props.tags);
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

    this.protections = protectionsOutput([{
      ...flexibleServerBackupProtection({ backupPlan: props.backupPlan }),
      retentionDays: this.backupRetentionDays,
      geoRedundant: geoRedundantBackup,
      database: this.serverId,
    }]);
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      serverId: this.serverId,
      backupRetentionDays: this.backupRetentionDays,
      vaultId: this.vault?.id,
      backupInstanceId: this.backupInstance?.id,
      actionGroupId: this.actionGroupId,
    });
  }
}

/** The props the plan's rules read. */
type PlanPolicyProps = Pick<ManagedPostgresBackupPlanProps,
  'backupRetentionDays' | 'geoRedundantBackup' | 'preferredMaintenanceWindow' | 'preferredBackupWindow' | 'backupPlan' | 'immutability' | 'vault' | 'alerts'>;

function policyPropsOf(props: ManagedPostgresBackupPlanProps): PlanPolicyProps {
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
function checkPlanProps(validator: Validator, props: PlanPolicyProps): void {
  if (!validator.requireLiterals(AZURE_MANAGED_POSTGRES_BACKUP_PLAN_LITERAL_PROPS, props)) return;
  checkFlexibleServerBackupSettings(validator, props);
  if (props.backupPlan !== undefined || props.immutability !== undefined) {
    validator.include(checkPolicy({ platform: 'azure', backupPlan: props.backupPlan, immutability: props.immutability }, validator.optionsFor()));
  }
  if (props.backupPlan !== undefined) renderVaultBackupPolicy(props.backupPlan, validator);
  if (props.immutability !== undefined && (props.backupPlan?.rules ?? []).length === 0) {
    validator.report({ path: 'immutability', value: props.immutability, allowed: 'unset without backupPlan rules', reason: 'immutability applies to the vault, which only backupPlan rules create' }, []);
  }
  if (props.vault !== undefined) {
    validator.integer('vault.softDeleteRetentionDays', props.vault.softDeleteRetentionDays, 14, 180, 'days');
    validator.oneOf('vault.redundancy', props.vault.redundancy, ['GeoRedundant', 'ZoneRedundant', 'LocallyRedundant']);
  }
  checkAlertDestination(validator, props.alerts ?? {});
}
