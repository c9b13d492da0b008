import { CostEstimate, DatabaseSizeInputs, estimateFromSizes, estimateLabel } from '../policy/cost-estimate';
import { DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS } from '../policy/lifecycle';
import { LifecycleTransition } from '../policy/lifecycle-rules';
import { LogicalDumpPolicy } from '../policy/policy';
import { Validator } from '../policy/validation';

/** What the storage-cost estimate of an Azure `ScheduledPgDump` is computed from. */
export interface AzureDumpCostInputs {
  /** What the dumps are named by in the summary line (`the dumps of <label>, 120 GB compressed 3:1`). */
  readonly label: string;
  /** The dump policy as given (schedule, `retentionDays` or `retention`). */
  readonly dump: LogicalDumpPolicy;
  /** The sizes of the `estimate` prop. */
  readonly sizes: DatabaseSizeInputs;
  /** The lifecycle's tier transitions of the dumps. @default - dumps stay in the hot tier */
  readonly transitions?: LifecycleTransition[];
  /** The region of the dumps' storage account, when known. @default - unknown: a replica counts as in another region */
  readonly location?: string;
  /** The object replication of the dumps to a second storage account. @default - none */
  readonly replication?: { readonly location: string; readonly expirationDays?: number };
}

/**
 * What an Azure `ScheduledPgDump` stores a month and its cost, at Azure Blob Storage's list prices: the dumps (by their
 * lifecycle or the prune's classes and floor) and, with object replication, every new dump copied once into the
 * second account and kept there as the prune jobs keep the dumps (they prune the replicas too), or by its lifecycle
 * without `retention` — a second copy of the GB-months, in another region — plus the transfer across regions. Bad sizes are reported to `validator` under `estimate.…`.
 */
export function estimateAzureDumpCost(inputs: AzureDumpCostInputs, validator?: Validator): CostEstimate {
  const replication = inputs.replication;
  return estimateFromSizes(estimateLabel(`the dumps of ${inputs.label}`, inputs.sizes), {
    platform: 'azure',
    logicalDump: inputs.dump,
    ...(inputs.location !== undefined ? { sourceRegion: inputs.location } : {}),
  }, inputs.sizes, {
    ...(inputs.transitions ? { dumpTransitions: inputs.transitions } : {}),
    ...(replication ? {
      dumpReplication: {
        region: replication.location,
        // The prune jobs prune the replicas with the dumps' retention; a pruned replica stays a previous version as
        // long as a pruned dump does at the source.
        prunedWithSource: true,
        noncurrentVersionDays: DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS,
        ...(replication.expirationDays !== undefined ? { destinationExpirationDays: replication.expirationDays } : {}),
      },
    } : {}),
  }, validator);
}
