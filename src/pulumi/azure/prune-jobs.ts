import type * as app from '@pulumi/azure-native/app';
import * as authorization from '@pulumi/azure-native/authorization';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as pulumi from '@pulumi/pulumi';
import { AZURE_BUILT_IN_ROLES } from './role-definitions';
import { storageRunnerJob } from './storage-runner-job';
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
  /** The dumps' container, the only scope (with the replicas' container) the prune identity may delete in. */
  readonly containerId: pulumi.Input<string>;
  /**
   * The offsite copy, pruned by the same runs with the same retention (`--replica`): its `azblob://` URI and container.
   * @default - no offsite copy
   */
  readonly replica?: { readonly uri: pulumi.Output<string>; readonly containerId: pulumi.Input<string> };
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
 * with an offsite copy, the same runs prune the replicas by their own manifests and `latest`. Its identity alone holds
 * the delete action, on the dumps' container and the replicas'.
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
    ...(args.replica === undefined ? [] : [
      args.assignRole('prune-replica-blob-data', identity.principalId, args.replica.containerId, AZURE_BUILT_IN_ROLES.storageBlobDataContributor,
        'pg-backup prune: the only identity that may delete the offsite replicas of the dumps, in this container only'),
    ]),
    ...(args.imageRegistry?.registryId === undefined ? [] : [
      args.assignRole('prune-image-pull', identity.principalId, args.imageRegistry.registryId, AZURE_BUILT_IN_ROLES.acrPull, 'pg-backup prune: pull the runner image'),
    ]),
  ];
  const cron = renderAzureJobCron(args.retention.pruneSchedule, 'dump.retention.pruneSchedule');
  const jobs = args.databaseNames.map((database, index) => storageRunnerJob(`${name}-prune-${index}`, {
    common: args.common,
    identity,
    cronExpression: cron,
    replicaTimeoutSeconds: 3600,
    image: args.image,
    containerName: args.containerName,
    imageRegistry: args.imageRegistry,
    // A halted or failed prune exits non-zero, which fails the execution.
    args: pulumi.all([args.uri, args.replica?.uri]).apply(([from, replica]) => runnerPruneArgv(args.retention, {
      from, database, rpoHours: args.rpoHours, ...(replica === undefined ? {} : { replicas: [replica] }),
    })),
  }, { parent, dependsOn: grants }));
  return { identity, jobs };
}
