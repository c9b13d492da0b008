import { ValidationOptions, Validator } from '../policy/validation';

/**
 * A `SelfHostedPitrArchive` as its front end finds it among the others of one app: its path, its cluster name, and the
 * account and region it deploys to (as the front end writes them: an environment-agnostic CDK stack's are the
 * deploy-time account and region, the same for every such stack).
 */
export interface ArchiveSite {
  /** The construct's path. */
  readonly path: string;
  /** The cluster name it resolved (`main` unless given). */
  readonly clusterName: string;
  /** The account it deploys to. */
  readonly account: string;
  /** The region it deploys to. */
  readonly region: string;
}

/**
 * Refuses `archive` when an archive of `others` deploys to the same account and region under the same cluster name. The
 * cluster name is the archive's identity there: it names its SSM parameters (`/postgres-backup/<cluster>/…`, which the
 * second archive fails to create at deploy), its State Manager associations and the host tag they run on (each would
 * back up the other's hosts), and the dimension of its archive metrics (one archive's heartbeat would keep the other's
 * alarm quiet).
 */
export function checkArchiveClusterNameFree(archive: ArchiveSite, others: readonly ArchiveSite[], validation: ValidationOptions = {}): void {
  const taken = others.find((other) => other.path !== archive.path && other.clusterName === archive.clusterName
    && other.account === archive.account && other.region === archive.region);
  if (taken === undefined) return;
  const validator = new Validator(validation);
  validator.report({
    path: 'clusterName',
    value: archive.clusterName,
    allowed: 'a cluster name no other SelfHostedPitrArchive of the same account and region uses',
    reason: `${taken.path} uses it; it names the archive's SSM parameters, State Manager associations, host tag and metrics, which two archives cannot share`,
  });
  validator.throwIfInvalid();
}
