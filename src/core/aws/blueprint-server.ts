import { checkMetricNamespace } from './alarm-plan';
import { checkFargateTaskSize } from './fargate-sizes';
import { BackupTier, BackupTierOptions, BackupTierOverrides, tierOptionPropPaths } from '../policy/backup-tier';
import { CostEstimate, DatabaseSizeInputs, estimateLabel, estimateMonthlyCost, ReplicationCostInputs } from '../policy/cost-estimate';
import { checkDatabaseNames } from '../policy/database-name';
import { defaultRpoHours, resolveImmutability } from '../policy/defaults';
import { BackupPolicy, BackupRetentionPolicy, ImmutabilityPolicy, LogicalDumpPolicy } from '../policy/policy';
import { ManagedDatabaseRunbookOptions, renderRestoreRunbook } from '../policy/runbook';
import { checkPolicy } from '../policy/validate-policy';
import { PolicyValidationError, PropPaths, Validator, ValidationOptions, propPath } from '../policy/validation';

/** What the storage-cost estimate of a blueprint's server is computed from: the size of its databases. */
export interface BlueprintCostEstimateInputs extends DatabaseSizeInputs {}

/** One server of a blueprint as its entry gives it, whatever the front end. */
export interface BlueprintServerEntry {
  /** Its position in the blueprint's `databases`, for error paths. */
  readonly index: number;
  /** Short id of the server in the fleet. */
  readonly id: string;
  /**
   * The databases on the server that are dumped and drilled.
   * @default ['postgres']
   */
  readonly databaseNames?: string[];
  /**
   * The server's own tier.
   * @default - the blueprint's tier
   */
  readonly tier?: BackupTier;
  /**
   * Changes to the tier for this server only.
   * @default - none
   */
  readonly overrides?: BackupTierOverrides;
  /** Whether the server is an RDS instance or Aurora cluster whose snapshots and AWS Backup plan the tier may set. */
  readonly managed: boolean;
}

/** The fleet-wide facts every server of a blueprint is planned against. */
export interface BlueprintFleetFacts {
  /** The tier of the servers that name none. */
  readonly tier: BackupTier;
  /** What the tiers need from the deployment (region, copy destinations). */
  readonly tierOptions: BackupTierOptions;
  /**
   * The blueprint's `tierOptions` as the user wrote them: a problem with a value a tier took from one names it.
   * @default - none given
   */
  readonly givenTierOptions?: BackupTierOptions;
  /** The shared bucket's Object Lock and vault lock: the blueprint tier's immutability. */
  readonly lock?: ImmutabilityPolicy;
  /** The longest RPO an alarm can watch, hours. */
  readonly maxRpoHours: number;
  /**
   * The blueprint's grandfather-father-son retention, for every server whose tier and overrides set none.
   * @default - none: a server's dumps are pruned only when its tier or overrides set `logicalDump.retention`
   */
  readonly retention?: BackupRetentionPolicy;
  /** How the front end tells unresolved values (tokens, outputs). */
  readonly validation?: ValidationOptions;
}

/** A server's plan: the policy its tier gives it in this blueprint, and what is dumped. */
export interface BlueprintServerPolicy {
  /** Its tier's policy with the overrides, the blueprint's immutability, and no managed sections for a self-managed server. */
  readonly policy: BackupPolicy;
  /** The databases on it that are protected. */
  readonly databaseNames: string[];
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** Whether its tier has a `pitr` section, which a blueprint does not apply (a self-hosted WAL archive is per host). */
  readonly pitrNotApplied: boolean;
  /** Where each part of its policy is in the blueprint's props, for every later check of it. */
  readonly propPaths: PropPaths;
}

/** The pattern of a server id: it names a key folder, a metric dimension and resource names. */
export const BLUEPRINT_SERVER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * Checks one server of a blueprint and works out its policy, the rules both front ends share: a unique id of the
 * allowed shape, database names, the tier with its overrides, immutability left to the blueprint's tier (the bucket
 * and vault are shared), a dump in every tier, core's policy rules for dumps and drills, and an RPO an alarm can
 * watch. Problems are reported to `validator` under `databases[i]`; the result is undefined when the tier gives no
 * usable policy. `ids` collects the ids seen so far.
 */
export function planBlueprintServer(
  validator: Validator, entry: BlueprintServerEntry, fleet: BlueprintFleetFacts, ids: Set<string>,
): BlueprintServerPolicy | undefined {
  const path = `databases[${entry.index}]`;
  if (validator.matches(`${path}.id`, entry.id, BLUEPRINT_SERVER_ID_PATTERN, '1-40 lowercase letters, digits and hyphens, not starting or ending with a hyphen')) {
    if (ids.has(entry.id)) validator.report({ path: `${path}.id`, value: entry.id, allowed: 'an id no other server of the blueprint has' });
    ids.add(entry.id);
  }
  const databaseNames = entry.databaseNames ?? ['postgres'];
  checkDatabaseNames(validator, `${path}.databaseNames`, databaseNames);
  if (entry.overrides?.immutability !== undefined) {
    validator.report({
      path: `${path}.overrides.immutability`,
      value: entry.overrides.immutability,
      allowed: 'undefined',
      reason: 'the bucket\'s Object Lock and the vault lock are shared: set immutability on the blueprint\'s tier',
    });
  }
  const tier = entry.tier ?? fleet.tier;
  const policy = blueprintTierPolicy(tier, entry.overrides, fleet.tierOptions, validator, path);
  if (!policy) return undefined;
  if (entry.tier && policy.immutability && JSON.stringify(resolveImmutability(policy.immutability)) !== JSON.stringify(fleet.lock)) {
    validator.report({
      path: `${path}.tier`,
      value: entry.tier.name,
      allowed: 'a tier with the immutability of the blueprint\'s tier, or none (tier.without(\'immutability\'))',
      reason: 'the bucket\'s Object Lock and the vault lock are shared',
    }, []);
  }
  const applied: BackupPolicy = {
    ...policy,
    immutability: fleet.lock,
    ...(entry.managed ? {} : { managedSnapshots: undefined, backupPlan: undefined, copies: undefined }),
  };
  if (!applied.logicalDump) {
    validator.report({ path: `${path}.tier`, value: tier.name, allowed: 'a tier with logicalDump', reason: 'the blueprint dumps every database' });
    return undefined;
  }
  const fleetRetention = applied.logicalDump.retention === undefined && fleet.retention !== undefined;
  const withRetention: BackupPolicy = {
    ...applied, logicalDump: withPrunedRetention(applied.logicalDump, policy.logicalDump, entry.overrides, fleet.retention),
  };
  const propPaths = {
    ...blueprintServerPropPaths(entry),
    ...tierOptionPropPaths(policy, fleet.givenTierOptions, 'tierOptions'),
    ...(fleetRetention ? { 'logicalDump.retention': 'retention' } : {}),
  };
  return checkServerDumpsAndDrills(validator, withRetention, fleet, propPaths, policy.pitr !== undefined, databaseNames);
}

/**
 * A server's dumps with grandfather-father-son retention: its tier's or overrides' own `retention`, else the
 * blueprint's. With a retention the prune task decides what is kept, and `retentionDays` is only the bucket lifecycle's
 * safety net: a `retentionDays` the tier wrote for dumps kept by age alone is dropped (the safety net's default, twice
 * the longest class, replaces it), unless the tier itself sets the retention or the server's overrides set
 * `retentionDays`, which are then checked against the classes.
 */
function withPrunedRetention(
  dump: LogicalDumpPolicy, tierDump: LogicalDumpPolicy | undefined, overrides: BackupTierOverrides | undefined,
  fleetRetention: BackupRetentionPolicy | undefined,
): LogicalDumpPolicy {
  const retention = dump.retention ?? fleetRetention;
  if (retention === undefined) return dump;
  const retentionOfTier = tierDump?.retention !== undefined && overrides?.logicalDump?.retention === undefined;
  const keepRetentionDays = retentionOfTier || overrides?.logicalDump?.retentionDays !== undefined;
  const { retentionDays: _byAge, ...pruned } = dump;
  return keepRetentionDays ? { ...dump, retention } : { ...pruned, retention };
}

/** Checks a server's dumps and drills by core's policy rules and works out its RPO, every problem named by `propPaths`. */
function checkServerDumpsAndDrills(
  validator: Validator, applied: BackupPolicy, fleet: BlueprintFleetFacts, propPaths: PropPaths, pitrNotApplied: boolean, databaseNames: string[],
): BlueprintServerPolicy | undefined {
  let rpoHours: number;
  try {
    rpoHours = blueprintDumpRpoHours(applied);
  } catch (error) {
    // The RPO follows the dump schedule, so a schedule that cannot be read fails here first: named as the user wrote it.
    if (!(error instanceof PolicyValidationError)) throw error;
    validator.include(error.issues.map((issue) => ({ ...issue, path: propPath(issue.path, propPaths) })));
    return undefined;
  }
  const dumpsAndDrills: BackupPolicy = {
    logicalDump: applied.logicalDump, verification: applied.verification, immutability: fleet.lock, alarms: { rpoHours },
  };
  validator.include(checkPolicy(dumpsAndDrills, { ...fleet.validation, propPaths }));
  if (rpoHours > fleet.maxRpoHours) {
    validator.include([{ path: propPath('alarms.rpoHours', propPaths), value: rpoHours, allowed: `an integer from 1 to ${fleet.maxRpoHours} hours`, reason: 'a CloudWatch alarm looks back at most 7 days' }]);
  }
  return { policy: applied, databaseNames, rpoHours, pitrNotApplied, propPaths };
}

/**
 * Where a server's policy is in a blueprint's props: a value the server's `overrides` set is there
 * (`databases[1].overrides.logicalDump.retentionDays`, `databases[1].overrides.copies`), any other comes from its tier
 * (`databases[1].tier.…`, or the blueprint's `tier.…` when the server names none); the lock is always the blueprint
 * tier's.
 */
export function blueprintServerPropPaths(entry: Pick<BlueprintServerEntry, 'index' | 'tier' | 'overrides'>): PropPaths {
  const path = `databases[${entry.index}]`;
  const tierPath = entry.tier ? `${path}.tier` : 'tier';
  const paths: Record<string, string> = { immutability: 'tier.immutability' };
  for (const section of ['logicalDump', 'verification', 'alarms', 'managedSnapshots', 'backupPlan'] as const) {
    paths[section] = `${tierPath}.${section}`;
    for (const field of Object.keys(entry.overrides?.[section] ?? {})) paths[`${section}.${field}`] = `${path}.overrides.${section}.${field}`;
  }
  // A list replaces the tier's whole.
  paths.copies = entry.overrides?.copies === undefined ? `${tierPath}.copies` : `${path}.overrides.copies`;
  return paths;
}

/** The fleet-wide props of a blueprint that every front end checks alike. */
export interface BlueprintFleetSettings {
  /** How many servers the blueprint is given. */
  readonly serverCount: number;
  /**
   * CloudWatch namespace of the fleet's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Key prefix of the fleet's dumps.
   * @default 'pg-dumps'
   */
  readonly prefix?: string;
  /**
   * Name of the shared bucket.
   * @default - generated
   */
  readonly bucketName?: string;
  /**
   * Databases drilled at the same time.
   * @default 2
   */
  readonly maxConcurrentDrills?: number;
  /**
   * CPU units of the dump task.
   * @default 1024
   */
  readonly dumpCpu?: number;
  /**
   * Memory of the dump task, MiB.
   * @default 2048
   */
  readonly dumpMemoryLimitMiB?: number;
  /**
   * CPU units of the drill task.
   * @default 2048
   */
  readonly drillCpu?: number;
  /**
   * Memory of the drill task, MiB.
   * @default 8192
   */
  readonly drillMemoryLimitMiB?: number;
  /**
   * Ephemeral storage of the drill task, GiB.
   * @default 50
   */
  readonly drillEphemeralStorageGiB?: number;
}

/**
 * Checks a blueprint's fleet-wide props: the dump and drill task sizes Fargate offers (named as the props `dumpCpu`,
 * `drillMemoryLimitMiB`…), the metric namespace, the prefix and bucket name,
 * the drills run at once, and at least one server.
 */
export function checkBlueprintFleetSettings(validator: Validator, settings: BlueprintFleetSettings): void {
  checkFargateTaskSize(validator, { cpu: settings.dumpCpu ?? 1024, memoryLimitMiB: settings.dumpMemoryLimitMiB ?? 2048 }, {
    cpu: 'dumpCpu', memoryLimitMiB: 'dumpMemoryLimitMiB', ephemeralStorageGiB: 'dumpEphemeralStorageGiB',
  });
  checkFargateTaskSize(validator, {
    cpu: settings.drillCpu ?? 2048,
    memoryLimitMiB: settings.drillMemoryLimitMiB ?? 8192,
    ephemeralStorageGiB: settings.drillEphemeralStorageGiB ?? 50,
  }, { cpu: 'drillCpu', memoryLimitMiB: 'drillMemoryLimitMiB', ephemeralStorageGiB: 'drillEphemeralStorageGiB' });
  checkMetricNamespace(validator, 'metricNamespace', settings.metricNamespace);
  validator.matches('prefix', settings.prefix, /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/,
    'lowercase letters, digits and hyphens, segments separated by "/", without a leading or trailing "/"');
  validator.matches('bucketName', settings.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    '3-63 lowercase letters, digits, dots and hyphens (a DNS-valid bucket name)');
  validator.integer('maxConcurrentDrills', settings.maxConcurrentDrills, 1, 40);
  if (settings.serverCount === 0) validator.report({ path: 'databases', value: [], allowed: 'at least one database' });
}

/** The issue paths of {@link BackupTier.policy} that name one of its {@link BackupTierOptions}. */
const TIER_OPTION_PATHS: readonly string[] = ['copyRegion', 'copyRegionVaultArn', 'copyAccount', 'copyAccountVaultArn'];

/**
 * A tier's policy for one server, with its overrides; problems are reported under `path`, a missing copy destination
 * under `tierOptions`.
 */
export function blueprintTierPolicy(
  tier: BackupTier, overrides: BackupTierOverrides | undefined, options: BackupTierOptions, validator: Validator, path: string,
): BackupPolicy | undefined {
  try {
    return (overrides ? tier.with(overrides) : tier).policy(options);
  } catch (error) {
    if (!(error instanceof PolicyValidationError)) throw error;
    // A copy destination the tier lacks is set in the blueprint's tierOptions, not in the tier.
    error.issues.forEach((issue) => validator.report({
      ...issue, path: TIER_OPTION_PATHS.includes(issue.path) ? `tierOptions.${issue.path}` : `${path}.${issue.path}`,
    }, []));
    return undefined;
  }
}

/**
 * The RPO of a server's dumps: the policy's, unless it is shorter than the dumps can meet (a tier's RPO may rest on
 * hourly snapshots, which the dump alarm does not watch); then the dump cadence's own default.
 */
export function blueprintDumpRpoHours(policy: BackupPolicy): number {
  const cadence = defaultRpoHours({ logicalDump: policy.logicalDump });
  return Math.max(policy.alarms?.rpoHours ?? cadence, cadence);
}

/** The info a front end shows for a server whose tier has a `pitr` section. */
export function pitrNotAppliedMessage(serverId: string, managed: boolean): string {
  return `${serverId}: the tier's pitr section (a self-hosted WAL archive) is not applied by the blueprint; `
    + (managed ? 'point-in-time recovery comes from the database\'s automated and continuous backups.' : 'protect the server with a SelfHostedPitrArchive for it.');
}

/** What {@link renderBlueprintRunbook} writes one database's runbook from. */
export interface BlueprintRunbookOptions {
  /** The server's position in the blueprint's `databases`, for error paths. */
  readonly serverIndex: number;
  /** The database. */
  readonly databaseName: string;
  /** The server's policy in the blueprint. */
  readonly policy: BackupPolicy;
  /** The RPO of its dumps, hours. */
  readonly rpoHours: number;
  /** The bucket of every dump. */
  readonly bucket: string;
  /** The region of the bucket and the database. */
  readonly region: string;
  /** Where the server's dumps are in the bucket: `<prefix>/<id>`. */
  readonly prefix: string;
  /**
   * The RDS instance or Aurora cluster, when the server is one.
   * @default - no snapshot section
   */
  readonly managedDatabase?: ManagedDatabaseRunbookOptions;
  /** The topic failures go to. */
  readonly notificationTopic: string;
  /** How the front end tells unresolved values. */
  readonly validation?: ValidationOptions;
  /**
   * The age public keys the dumps are encrypted to: the runbook then shows where the identity goes and the decrypt step.
   * @default - not encrypted
   */
  readonly encryptedTo?: readonly string[];
}

/**
 * The restore runbook of one database of a blueprint (core's runbook): its dumps in the shared bucket, its snapshots
 * when the server is managed; the WAL-archive section is left out, since the blueprint does not apply `pitr`.
 */
export function renderBlueprintRunbook(options: BlueprintRunbookOptions): string {
  const { pitr: _selfHosted, ...policy } = options.policy;
  const validator = new Validator(options.validation);
  const markdown = renderRestoreRunbook({
    databaseName: options.databaseName,
    policy: {
      ...policy,
      ...(options.managedDatabase ? {} : { managedSnapshots: undefined, backupPlan: undefined }),
      alarms: { ...policy.alarms, rpoHours: options.rpoHours },
    },
    dumps: {
      location: { kind: 's3', bucket: options.bucket, region: options.region, prefix: options.prefix },
      ...(options.encryptedTo ? { encryptedTo: options.encryptedTo } : {}),
    },
    managedDatabase: options.managedDatabase,
    notificationTopic: options.notificationTopic,
    validator,
  });
  if (validator.issues.length > 0) {
    throw new PolicyValidationError(validator.issues.map((issue) => ({ ...issue, path: `databases[${options.serverIndex}].runbook.${issue.path}` })));
  }
  return markdown;
}

/**
 * The monthly storage-cost estimate of a blueprint's server (dumps, their offsite replicas, snapshots, AWS Backup,
 * copies), or undefined when its size is not known.
 */
export function estimateBlueprintServerCost(
  server: { readonly id: string; readonly databaseNames: readonly string[] }, policy: BackupPolicy, inputs: BlueprintCostEstimateInputs | undefined,
  allocatedStorageGb?: number, dumpReplication?: ReplicationCostInputs,
): CostEstimate | undefined {
  const size = inputs?.databaseSizeGb ?? allocatedStorageGb;
  if (size === undefined || !Number.isFinite(size)) return undefined;
  const { pitr: _selfHosted, verification: _drills, alarms: _alarms, immutability: _lock, ...stored } = policy;
  // The estimate is the server's: its databases' dumps together are about its size (each dumped on its own).
  const what = `server ${server.id} (${server.databaseNames.length === 1 ? 'database' : 'databases'} ${server.databaseNames.join(', ')})`;
  return estimateMonthlyCost({
    policy: stored,
    databaseSizeGb: size,
    dailyChangeGb: inputs?.dailyChangeGb ?? size * 0.05,
    compressionRatio: inputs?.compressionRatio,
    ...(dumpReplication ? { dumpReplication } : {}),
    label: estimateLabel(what, { databaseSizeGb: size, compressionRatio: inputs?.compressionRatio },
      inputs?.databaseSizeGb === undefined ? 'of allocated storage' : undefined),
  });
}
