import * as app from '@pulumi/azure-native/app';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as pulumi from '@pulumi/pulumi';
import { AZURE_BUILT_IN_ROLES } from './role-definitions';
import { ResolvedBackupRetentionPolicy } from '../../core/policy/backup-retention';
import { renderAzureJobCron } from '../../core/policy/schedule';
import { runnerPruneArgv } from '../../core/postgres/runner-argv';

/** Where the prune jobs run and what they prune: the dump component's own settings. */
export interface PruneJobsArgs {
  /** The databases, one prune job each, in the order of the dump jobs. */
  readonly databaseNames: readonly string[];
  /** The grandfather-father-son classes, the floor and the prune schedule. */
  readonly retention: ResolvedBackupRetentionPolicy;
  /** The RPO: a prune deletes nothing while no dump succeeded within it. */
  readonly rpoHours: number;
  /** The dumps' `azblob://` URI. */
  readonly uri: pulumi.Output<string>;
  /** The dumps' container, the only scope the prune identity may delete in. */
  readonly containerId: pulumi.Input<string>;
  /** The runner image, and the name of its container in every job. */
  readonly image: pulumi.Input<string>;
  /** The name of the runner's container, as in the dump jobs. */
  readonly containerName: string;
  /** The registry the image is pulled from with the prune identity, if private. */
  readonly imageRegistry?: { readonly server: pulumi.Input<string>; readonly registryId?: pulumi.Input<string> };
  /** Resource group, region, Container Apps environment and tags of the jobs. */
  readonly common: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location?: pulumi.Input<string>;
    readonly environmentId: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  };
  /** Assigns a role by its GUID (the dump component's helper, so every assignment reads the same). */
  readonly assignRole: (
    id: string, principalId: pulumi.Input<string>, scope: pulumi.Input<string>, roleGuid: pulumi.Input<string>, description: string,
  ) => authorization.RoleAssignment;
}

/** The prune jobs of an Azure dump and the one identity that may delete its blobs. */
export interface PruneJobs {
  /** The identity of the prune jobs: the only one that may delete dumps. */
  readonly identity: managedidentity.UserAssignedIdentity;
  /** One Container Apps Job per database running `pg-backup prune` on the retention's prune schedule. */
  readonly jobs: readonly app.Job[];
}

/**
 * The prune jobs of a dump with a retention policy: `pg-backup prune` keeps the grandfather-father-son set and the
 * newest `minimumKept`, never the backup `latest` names, and deletes nothing while no dump succeeded within the RPO;
 * its identity alone holds the delete action, on the dumps' one container.
 */
export function createPruneJobs(parent: pulumi.Resource, name: string, args: PruneJobsArgs): PruneJobs {
  const identity = new managedidentity.UserAssignedIdentity(`${name}-prune-identity`, {
    resourceGroupName: args.common.resourceGroupName,
    location: args.common.location,
    tags: args.common.tags,
  }, { parent });
  const grants = [
    args.assignRole('prune-blob-data', identity.principalId, args.containerId, AZURE_BUILT_IN_ROLES.storageBlobDataContributor,
      'pg-backup prune: the only identity that may delete dumps, in this container only'),
    ...(args.imageRegistry?.registryId === undefined ? [] : [
      args.assignRole('prune-image-pull', identity.principalId, args.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup prune: pull the runner image'),
    ]),
  ];
  const cron = renderAzureJobCron(args.retention.pruneSchedule, 'dump.retention.pruneSchedule');
  const jobs = args.databaseNames.map((database, index) => new app.Job(`${name}-prune-${index}`, {
    ...args.common,
    identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
    configuration: {
      triggerType: 'Schedule',
      scheduleTriggerConfig: { cronExpression: cron, parallelism: 1, replicaCompletionCount: 1 },
      replicaTimeout: 3600,
      replicaRetryLimit: 1,
      registries: args.imageRegistry ? [{ server: args.imageRegistry.server, identity: identity.id }] : undefined,
    },
    template: {
      containers: [{
        name: args.containerName,
        image: args.image,
        args: args.uri.apply((from) => runnerPruneArgv(args.retention, { from, database, rpoHours: args.rpoHours })),
        env: [
          { name: 'AZURE_CLIENT_ID', value: identity.clientId },
          // The exit status is the signal here (a halted or failed prune fails the execution); no CloudWatch.
          { name: 'PG_BACKUP_METRICS', value: 'off' },
        ],
        resources: { cpu: 0.25, memory: '0.5Gi' },
      }],
    },
  }, { parent, dependsOn: grants }));
  return { identity, jobs };
}
