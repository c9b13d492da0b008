import * as app from '@pulumi/azure-native/app';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as pulumi from '@pulumi/pulumi';

/** What a scheduled runner job that needs only the dumps' storage (no database) runs, where, and as whom. */
export interface StorageRunnerJobArgs {
  /** Resource group, region, Container Apps environment and tags. */
  readonly common: {
    readonly resourceGroupName: pulumi.Input<string>;
    readonly location?: pulumi.Input<string>;
    readonly environmentId: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  };
  /** The job's own identity: the roles it holds on the storage are all it may do. */
  readonly identity: managedidentity.UserAssignedIdentity;
  /** When it runs: a UTC cron. */
  readonly cronExpression: pulumi.Input<string>;
  /** How long one execution may take. */
  readonly replicaTimeoutSeconds: number;
  /** The runner image and its container's name. */
  readonly image: pulumi.Input<string>;
  /** The name of the runner's container, as in the dump jobs. */
  readonly containerName: string;
  /** The registry the image is pulled from with the job's identity, if private. */
  readonly imageRegistry?: { readonly server: pulumi.Input<string> };
  /** The `pg-backup` command and its flags. */
  readonly args: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * A scheduled Container Apps Job running one `pg-backup` command against the dumps' storage as its own identity (the
 * RPO watch, the prune): a small replica, one execution at a time, one retry. Its exit status is the signal (a failed
 * execution raises the job's alert), so the runner's CloudWatch metric lines are turned off.
 */
export function storageRunnerJob(resourceName: string, args: StorageRunnerJobArgs, opts: pulumi.CustomResourceOptions): app.Job {
  return new app.Job(resourceName, {
    ...args.common,
    identity: { type: 'UserAssigned', userAssignedIdentities: [args.identity.id] },
    configuration: {
      triggerType: 'Schedule',
      scheduleTriggerConfig: { cronExpression: args.cronExpression, parallelism: 1, replicaCompletionCount: 1 },
      replicaTimeout: args.replicaTimeoutSeconds,
      replicaRetryLimit: 1,
      registries: args.imageRegistry ? [{ server: args.imageRegistry.server, identity: args.identity.id }] : undefined,
    },
    template: {
      containers: [{
        name: args.containerName,
        image: args.image,
        args: args.args,
        env: [
          { name: 'AZURE_CLIENT_ID', value: args.identity.clientId },
          { name: 'PG_BACKUP_METRICS', value: 'off' },
        ],
        resources: { cpu: 0.25, memory: '0.5Gi' },
      }],
    },
  }, opts);
}
