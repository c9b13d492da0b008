import * as app from '@pulumi/azure-native/app';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import type * as monitor from '@pulumi/azure-native/monitor';
import * as pulumi from '@pulumi/pulumi';
import { BackupAlertDestination, checkAlertDestination, resolveActionGroup } from './backup-action-group';
import { failedExecutionAlert } from './failed-execution-alert';
import { AZURE_BUILT_IN_ROLES, nameBasedGuid, resourceGroupIdOf, roleDefinitionIdFor, subscriptionIdOf } from './role-definitions';
import { DATABASE_PASSWORD_SECRET_NAME, KeyVaultSecretReference, keyVaultSecretScope } from './runner-connection';
import { RUNNER_CONTAINER_NAME, RunnerImageRegistry } from './scheduled-pg-dump';
import { storageRunnerJob } from './storage-runner-job';
import { DUMP_WRITER_BLOB_DATA_ACTIONS } from '../../core/azure/blob-data-actions';
import {
  FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS, FLEXIBLE_SERVER_DRILL_OPERATION_ACTIONS, FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS,
  FlexibleServerPitrDrillOptions, checkFlexibleServerPitrDrillOptions, checkFlexibleServerPitrDrillPlacement, planFlexibleServerPitrDrill,
} from '../../core/azure/flexible-server-pitr-drill';
import { FLEXIBLE_SERVER_PITR_DRILL_LITERAL_PROPS } from '../../core/azure/literal-props';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { Validator } from '../../core/policy/validation';
import { protectionsOutput } from '../protection-outputs';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

/** Where a drill records its results: beside the dumps of the same database (a `ScheduledPgDump`'s storage). */
export interface FlexibleServerDrillResults {
  /** The dumps' location, `azblob://<account>/<container>/<prefix>` (`ScheduledPgDump.uri`). */
  readonly uri: pulumi.Input<string>;
  /** Resource id of the dumps' container (`ScheduledPgDump.storage.container.id`), where the drill may write but never delete. */
  readonly containerId: pulumi.Input<string>;
}

/** Props of {@link FlexibleServerPitrDrill}. */
export interface FlexibleServerPitrDrillProps extends FlexibleServerPitrDrillOptions {
  /** Resource group of the job, its identities and alerts. */
  readonly resourceGroupName: pulumi.Input<string>;
  /**
   * Region of the job and identities.
   * @default - the resource group's region
   */
  readonly location?: pulumi.Input<string>;
  /** Resource id of the Container Apps environment the job runs in (it must reach the scratch servers' network). */
  readonly environmentId: pulumi.Input<string>;
  /** The runner image (`runner-image/Dockerfile` of this package). */
  readonly image: pulumi.Input<string>;
  /**
   * The registry of a private runner image.
   * @default - a public image
   */
  readonly imageRegistry?: RunnerImageRegistry;
  /** Resource id of the flexible server whose backups are drilled. */
  readonly sourceServerId: pulumi.Input<string>;
  /**
   * Resource group the scratch servers are created in, not the source server's: the drill's identity may create and
   * delete any flexible server in it.
   */
  readonly scratchResourceGroupName: pulumi.Input<string>;
  /**
   * Delegated subnet of the scratch servers.
   * @default - the source server's
   */
  readonly scratchSubnetId?: pulumi.Input<string>;
  /**
   * Private DNS zone of the scratch servers.
   * @default - the source server's
   */
  readonly scratchPrivateDnsZoneId?: pulumi.Input<string>;
  /** The login of the checks (a restored server keeps the source's logins) and its password in Key Vault. */
  readonly login: { readonly user: pulumi.Input<string>; readonly password: KeyVaultSecretReference };
  /**
   * `sslmode` of the checks: `verify-full` checks the server's certificate against its name.
   * @default 'verify-full'
   */
  readonly sslMode?: 'verify-full' | 'require';
  /**
   * Record each drill's result beside the dumps, where `pg-backup status` shows it (and `maxDrillAgeDays` watches it).
   * @default - results are not recorded
   */
  readonly drillResults?: FlexibleServerDrillResults;
  /**
   * Where the alerts go.
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
 * A scheduled point-in-time drill of an Azure Database for PostgreSQL flexible server: a Container Apps Job runs
 * `pg-backup drill-flexible-pitr`, which restores the server's own backups to a target time as a scratch server in a
 * resource group of its own, checks it over TLS and deletes it on every path. The job's identity holds only a custom
 * role to create, read and delete flexible servers in that group (and join the scratch subnet and DNS zone, when
 * given), a role to read the restore's operation status, Reader on the source server and the one password secret;
 * with `drillResults` it writes (never deletes) the results beside the dumps. A failed drill raises an alert, and with
 * `maxDrillAgeDays` a daily watch alerts when no drill succeeded within that many days.
 */
export class FlexibleServerPitrDrill extends pulumi.ComponentResource {
  /** The identity of the drill job. */
  public readonly identity: managedidentity.UserAssignedIdentity;
  /** The custom role of the scratch resource group (and network), and the operation-status role. */
  public readonly roleDefinitions: readonly authorization.RoleDefinition[];
  /** Every role assignment of the drill's identities. */
  public readonly roleAssignments: readonly authorization.RoleAssignment[];
  /** The drill job. */
  public readonly job: app.Job;
  /** With `maxDrillAgeDays`: the daily drill-age watch job. */
  public readonly drillAgeWatchJob?: app.Job;
  /** The failed-drill alert, and with `maxDrillAgeDays` the drill-age alert. */
  public readonly alerts: readonly monitor.MetricAlert[];
  /** Resource id of the action group the alerts go to. */
  public readonly actionGroupId: pulumi.Output<string>;

  /** The drill as a protection of the source server, named by its id (core's protection record); also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: FlexibleServerPitrDrillProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:azure:FlexibleServerPitrDrill', name, {}, opts);
    const options: FlexibleServerPitrDrillOptions = {
      databaseName: props.databaseName,
      schedule: props.schedule,
      targetLagMinutes: props.targetLagMinutes,
      randomTarget: props.randomTarget,
      readyTimeoutMinutes: props.readyTimeoutMinutes,
      checks: props.checks,
      minRows: props.minRows,
      recoveryPointQuery: props.recoveryPointQuery,
      maxRecoveryPointGapMinutes: props.maxRecoveryPointGapMinutes,
      scratchServerPrefix: props.scratchServerPrefix,
      maxDrillAgeDays: props.maxDrillAgeDays,
    };
    const check = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct: name });
    check.requireLiterals(FLEXIBLE_SERVER_PITR_DRILL_LITERAL_PROPS, props);
    checkFlexibleServerPitrDrillOptions(check, options);
    check.oneOf('sslMode', props.sslMode, ['verify-full', 'require']);
    checkAlertDestination(check, props.alerts ?? {});
    check.throwIfInvalid();
    const plan = planFlexibleServerPitrDrill(options, name);
    const placement = validateWhenKnown(
      { sourceServerId: props.sourceServerId, scratchResourceGroupName: props.scratchResourceGroupName },
      (validator, known) => checkFlexibleServerPitrDrillPlacement(validator, {
        sourceServerId: known.sourceServerId as string,
        scratchResourceGroupName: known.scratchResourceGroupName as string,
        hasDrillResults: props.drillResults !== undefined,
        maxDrillAgeDays: props.maxDrillAgeDays,
      }),
      name,
    );
    const sourceServerId = placement.apply((known) => known.sourceServerId);
    const subscriptionId = sourceServerId.apply(subscriptionIdOf);
    const subscriptionScope = subscriptionId.apply((id) => `/subscriptions/${id}`);
    const scratchGroupScope = pulumi.all([subscriptionId, placement]).apply(([id, known]) => `/subscriptions/${id}/resourceGroups/${known.scratchResourceGroupName}`);
    const networkScopes = [props.scratchSubnetId, props.scratchPrivateDnsZoneId]
      .filter((scope): scope is pulumi.Input<string> => scope !== undefined);

    const assignRole = (
      id: string, principalId: pulumi.Input<string>, scope: pulumi.Input<string>, roleGuid: pulumi.Input<string>, description: string,
      dependsOn: pulumi.Resource[] = [],
    ) => new authorization.RoleAssignment(`${name}-${id}`, {
      scope, principalId, principalType: 'ServicePrincipal', roleDefinitionId: roleDefinitionIdFor(scope, roleGuid), description,
    }, { parent: this, dependsOn });
    const customRole = (id: string, scope: pulumi.Input<string>, assignableScopes: pulumi.Input<string>[], roleName: pulumi.Input<string>,
      description: string, permission: { actions?: string[]; dataActions?: string[] }) => {
      const guid = pulumi.all([scope, sourceServerId]).apply(([at, source]) => nameBasedGuid(`pg-backup ${id} ${source} ${at}`));
      const role = new authorization.RoleDefinition(`${name}-${id}-role`, {
        scope, roleDefinitionId: guid, assignableScopes, roleName, description, permissions: [permission],
      }, { parent: this });
      return { guid, role };
    };

    this.identity = new managedidentity.UserAssignedIdentity(`${name}-identity`, {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags,
    }, { parent: this });
    const sourceName = sourceServerId.apply((id) => id.replace(/^.*\//, ''));
    const scratch = customRole('pitr-drill', scratchGroupScope, [scratchGroupScope, ...networkScopes],
      sourceName.apply((source) => `pg-backup point-in-time drill of ${source}`),
      'pg-backup point-in-time drill: create (restore), read and delete the scratch flexible servers of this resource group, and join the scratch subnet and DNS zone',
      { actions: [...FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS, ...(networkScopes.length > 0 ? FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS : [])] });
    const operations = customRole('pitr-drill-operations', subscriptionScope, [subscriptionScope],
      sourceName.apply((source) => `pg-backup point-in-time drill operations of ${source}`),
      'pg-backup point-in-time drill: read the status of its restore and delete operations', { actions: [...FLEXIBLE_SERVER_DRILL_OPERATION_ACTIONS] });
    this.roleDefinitions = [scratch.role, operations.role];

    const principal = this.identity.principalId;
    const assignments = [
      assignRole('scratch-servers', principal, scratchGroupScope, scratch.guid, 'pg-backup point-in-time drill: restore into, read and delete scratch servers of this group only', [scratch.role]),
      ...networkScopes.map((scope, index) => assignRole(`scratch-network-${index}`, principal, scope, scratch.guid,
        'pg-backup point-in-time drill: place scratch servers into this subnet or DNS zone', [scratch.role])),
      assignRole('operations', principal, subscriptionScope, operations.guid, 'pg-backup point-in-time drill: read its operations\' status', [operations.role]),
      assignRole('source-reader', principal, sourceServerId, AZURE_BUILT_IN_ROLES.reader, 'pg-backup point-in-time drill: read the source server (region, network, earliest restore point)'),
      assignRole('login-secret', principal, keyVaultSecretScope(props.login.password), AZURE_BUILT_IN_ROLES.keyVaultSecretsUser, 'pg-backup point-in-time drill: read the checks\' password, this secret only'),
    ];
    if (props.imageRegistry?.registryId !== undefined) {
      assignments.push(assignRole('image-pull', principal, props.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup point-in-time drill: pull the runner image'));
    }
    if (props.drillResults !== undefined) {
      // Defined in the storage's resource group, as the dump writer's role is: blob data actions without delete.
      const storageGroup = pulumi.output(props.drillResults.containerId).apply(resourceGroupIdOf);
      const writer = customRole('drill-results-writer', storageGroup, [storageGroup], sourceName.apply((source) => `pg-backup drill results writer of ${source}`),
        'pg-backup point-in-time drill: write its results beside the dumps; never delete', { dataActions: [...DUMP_WRITER_BLOB_DATA_ACTIONS] });
      assignments.push(assignRole('drill-results', principal, props.drillResults.containerId, writer.guid,
        'pg-backup point-in-time drill: write drill results in this container, never delete', [writer.role]));
      this.roleDefinitions = [...this.roleDefinitions, writer.role];
    }

    const jobOptions = { parent: this, dependsOn: assignments };
    const recordTo = props.drillResults === undefined ? undefined : pulumi.output(props.drillResults.uri);
    this.job = new app.Job(`${name}-job`, {
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      environmentId: props.environmentId,
      identity: { type: 'UserAssigned', userAssignedIdentities: [this.identity.id] },
      tags: props.tags,
      configuration: {
        triggerType: 'Schedule',
        scheduleTriggerConfig: { cronExpression: plan.cron, parallelism: 1, replicaCompletionCount: 1 },
        // Longer than the runner's own bounds, so the runner is never stopped before it deleted its scratch server.
        replicaTimeout: plan.replicaTimeoutSeconds,
        replicaRetryLimit: 0,
        secrets: [{ name: DATABASE_PASSWORD_SECRET_NAME, keyVaultUrl: props.login.password.secretUri, identity: this.identity.id }],
        registries: props.imageRegistry ? [{ server: props.imageRegistry.server, identity: this.identity.id }] : undefined,
      },
      template: {
        containers: [{
          name: RUNNER_CONTAINER_NAME,
          image: props.image,
          args: pulumi.all([placement, props.login.user, props.scratchSubnetId, props.scratchPrivateDnsZoneId, recordTo])
            .apply(([known, user, subnetId, privateDnsZoneId, to]) => plan.runnerArgs({
              sourceServerId: known.sourceServerId as string,
              scratchResourceGroupName: known.scratchResourceGroupName as string,
              user,
              sslMode: props.sslMode ?? 'verify-full',
              ...(subnetId !== undefined ? { subnetId } : {}),
              ...(privateDnsZoneId !== undefined ? { privateDnsZoneId } : {}),
              ...(to !== undefined ? { recordTo: to } : {}),
            })),
          env: [
            { name: 'AZURE_CLIENT_ID', value: this.identity.clientId },
            { name: 'PG_BACKUP_METRICS', value: 'off' },
            { name: 'PGPASSWORD', secretRef: DATABASE_PASSWORD_SECRET_NAME },
          ],
          resources: { cpu: 0.25, memory: '0.5Gi' },
        }],
      },
    }, jobOptions);

    const actionGroup = resolveActionGroup(this, name, props.resourceGroupName, props.alerts ?? {}, props.tags);
    this.actionGroupId = actionGroup.id;
    const alertOn = (id: string, job: app.Job, description: string) => failedExecutionAlert(`${name}-${id}`, {
      resourceGroupName: props.resourceGroupName, job, description, actionGroupId: actionGroup.id, tags: props.tags,
    }, { parent: this });
    const alerts = [alertOn('drill-failed', this.job, plan.failedDrillAlertDescription)];

    if (plan.drillAgeWatch !== undefined && props.drillResults !== undefined) {
      const watch = plan.drillAgeWatch;
      const watchIdentity = new managedidentity.UserAssignedIdentity(`${name}-drill-age-identity`, {
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags: props.tags,
      }, { parent: this });
      const watchGrants = [
        assignRole('drill-age-reader', watchIdentity.principalId, props.drillResults.containerId, AZURE_BUILT_IN_ROLES.storageBlobDataReader,
          'pg-backup drill-age watch: list and read the drill results in this container only'),
        ...(props.imageRegistry?.registryId === undefined ? [] : [
          assignRole('drill-age-image-pull', watchIdentity.principalId, props.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup drill-age watch: pull the runner image'),
        ]),
      ];
      assignments.push(...watchGrants);
      this.drillAgeWatchJob = storageRunnerJob(`${name}-drill-age`, {
        common: { resourceGroupName: props.resourceGroupName, location: props.location, environmentId: props.environmentId, tags: props.tags },
        identity: watchIdentity,
        cronExpression: watch.cron,
        replicaTimeoutSeconds: 600,
        image: props.image,
        containerName: RUNNER_CONTAINER_NAME,
        imageRegistry: props.imageRegistry,
        args: pulumi.output(props.drillResults.uri).apply(watch.runnerArgs),
      }, { parent: this, dependsOn: watchGrants });
      alerts.push(alertOn('drill-age', this.drillAgeWatchJob, watch.alertDescription));
    }
    this.roleAssignments = assignments;
    this.alerts = alerts;

    this.protections = protectionsOutput([{ ...plan.protection, database: props.sourceServerId }]);
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
      identityClientId: this.identity.clientId,
      jobId: this.job.id,
      drillAgeWatchJobId: this.drillAgeWatchJob?.id,
      actionGroupId: this.actionGroupId,
    });
  }
}
