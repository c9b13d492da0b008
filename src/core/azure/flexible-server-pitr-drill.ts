import { checkDatabaseName } from '../policy/database-name';
import { DatabaseProtection } from '../policy/database-protection';
import type { ScheduleSpec } from '../policy/policy';
import { checkSchedule, checkUtcRenderable, renderAzureJobCron } from '../policy/schedule';
import { Validator } from '../policy/validation';
import { checkTableName } from '../postgres/table-name';

/**
 * Options of a scheduled point-in-time drill of an Azure Database for PostgreSQL flexible server: `pg-backup
 * drill-flexible-pitr` restores the server's own backups to a target time as a scratch server, checks it and deletes it.
 */
export interface FlexibleServerPitrDrillOptions {
  /**
   * The database the checks run in, and under which the drill's results are recorded (the dumps' database name).
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * When the drill runs; Container Apps evaluates it in UTC.
   * @default - every Sunday at 03:00 UTC
   */
  readonly schedule?: ScheduleSpec;
  /**
   * How long before the drill's start the target time lies, minutes (with `randomTarget`: at least this long).
   * @default 60
   */
  readonly targetLagMinutes?: number;
  /**
   * Restore to a random time between the source's earliest restore point and `targetLagMinutes` ago, so every part
   * of the retention window gets drilled in time.
   * @default false
   */
  readonly randomTarget?: boolean;
  /**
   * The longest the restore may take until the scratch server is ready, minutes: the drill's RTO bound.
   * @default 120
   */
  readonly readyTimeoutMinutes?: number;
  /**
   * SQL statements that must each return a single `true` on the restored database (read-only).
   * @default - none
   */
  readonly checks?: string[];
  /**
   * Fewest rows per table (`schema.table` or `table`, as SQL writes it: `"Sales Dept"."Order Lines"` keeps its case) the restored database must hold.
   * @default - none
   */
  readonly minRows?: Record<string, number>;
  /**
   * A read-only query returning the newest commit time the data shows (e.g. `SELECT max(updated_at) FROM orders`):
   * the recovery point reached, which must not be after the target.
   * @default - the recovery point is not measured
   */
  readonly recoveryPointQuery?: string;
  /**
   * Fail when that commit time is older than the target by more than this, minutes (needs `recoveryPointQuery`).
   * @default - no limit
   */
  readonly maxRecoveryPointGapMinutes?: number;
  /**
   * First part of the scratch servers' names (followed by the time and a random suffix).
   * @default 'pgdrill'
   */
  readonly scratchServerPrefix?: string;
  /**
   * Alert when no drill of the database succeeded within this many days: a job runs `pg-backup status --drill-age`
   * daily against the drill results (needs drill results beside the dumps).
   * @default - no drill-age alert
   */
  readonly maxDrillAgeDays?: number;
}

/** Where the runner of a drill restores, and where it records. */
export interface FlexibleServerPitrDrillTargets {
  /** Resource id of the source server. */
  readonly sourceServerId: string;
  /** Resource group the scratch servers are created in. */
  readonly scratchResourceGroupName: string;
  /** Login role of the checks. */
  readonly user: string;
  /** `sslmode` of the checks. */
  readonly sslMode: 'verify-full' | 'require';
  /** Delegated subnet of the scratch servers, if not the source's. */
  readonly subnetId?: string;
  /** Private DNS zone of the scratch servers, if not the source's. */
  readonly privateDnsZoneId?: string;
  /** The dumps' location, where the drill's results are recorded. */
  readonly recordTo?: string;
}

/** What a scheduled point-in-time drill of a flexible server is made of. */
export interface FlexibleServerPitrDrillPlan {
  /** The database checked and recorded. */
  readonly databaseName: string;
  /** The drill job's UTC cron. */
  readonly cron: string;
  /**
   * The replica's timeout, seconds: the restore's bound, the checks, and the deletion's own bound, so Container Apps
   * never stops the runner before it has deleted the scratch server.
   */
  readonly replicaTimeoutSeconds: number;
  /** The `pg-backup drill-flexible-pitr` arguments once the ids and locations are known. */
  readonly runnerArgs: (targets: FlexibleServerPitrDrillTargets) => string[];
  /** With `maxDrillAgeDays`: the daily drill-age watch (its cron, its `pg-backup status` arguments, its alert's description). */
  readonly drillAgeWatch?: { readonly cron: string; readonly runnerArgs: (from: string) => string[]; readonly alertDescription: string };
  /** The description of the alert on a failed drill. */
  readonly failedDrillAlertDescription: string;
  /** The drill as a protection of its server (the examples' summary lists it under the server). */
  readonly protection: DatabaseProtection;
}

/** The schedule of a drill when none is given: Sundays at 03:00 UTC. */
export const DEFAULT_FLEXIBLE_SERVER_PITR_DRILL_SCHEDULE: ScheduleSpec = { expression: '0 3 * * 0' };

/** The minutes the runner gives the deletion of a scratch server before the drill fails (its `--delete-timeout`). */
export const FLEXIBLE_SERVER_DRILL_DELETE_TIMEOUT_MINUTES = 60;

/** Minutes the replica gets beyond the restore and delete bounds: connecting (its own 5 minutes) and the checks. */
const CHECKS_ALLOWANCE_MINUTES = 60;

/** When the drill-age watch runs: daily at 06:41 UTC. */
const DRILL_AGE_WATCH_CRON = '41 6 * * *';

/**
 * The ARM actions the drill's identity needs in the scratch servers' resource group: create (a point-in-time restore is
 * a create), read and delete flexible servers. The group must not be the source server's: these actions there would
 * let the drill delete the server it drills.
 */
export const FLEXIBLE_SERVER_DRILL_SCRATCH_ACTIONS: readonly string[] = [
  'Microsoft.DBforPostgreSQL/flexibleServers/read',
  'Microsoft.DBforPostgreSQL/flexibleServers/write',
  'Microsoft.DBforPostgreSQL/flexibleServers/delete',
];

/** The ARM actions that read the status of the drill's long-running create and delete (subscription-level operation resources). */
export const FLEXIBLE_SERVER_DRILL_OPERATION_ACTIONS: readonly string[] = [
  'Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read',
  'Microsoft.DBforPostgreSQL/locations/operationResults/read',
];

/** The ARM actions that place a scratch server into a delegated subnet and register it in a private DNS zone. */
export const FLEXIBLE_SERVER_DRILL_NETWORK_ACTIONS: readonly string[] = [
  'Microsoft.Network/virtualNetworks/subnets/join/action',
  'Microsoft.Network/privateDnsZones/join/action',
];

const SCRATCH_PREFIX = /^[a-z][a-z0-9-]{0,38}$/;
const SERVER_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/[^/]+$/i;

/**
 * Checks the options (every problem at once, each named by its option): the schedule (convertible to one UTC cron),
 * the lag (0 to 35 days), the bounds, checks, prefix and drill age.
 */
export function checkFlexibleServerPitrDrillOptions(validator: Validator, options: FlexibleServerPitrDrillOptions): void {
  if (options.databaseName !== undefined) checkDatabaseName(validator, 'databaseName', options.databaseName);
  if (checkSchedule(validator, 'schedule', options.schedule)) checkUtcRenderable(validator, 'schedule', options.schedule, 'Azure Container Apps Jobs');
  validator.integer('targetLagMinutes', options.targetLagMinutes, 0, 35 * 24 * 60, 'minutes');
  validator.oneOf('randomTarget', options.randomTarget, [true, false]);
  validator.integer('readyTimeoutMinutes', options.readyTimeoutMinutes, 10, 22 * 60, 'minutes');
  validator.nonEmptyStrings('checks', options.checks);
  for (const [table, rows] of validator.isUnresolved(options.minRows) ? [] : Object.entries(options.minRows ?? {})) {
    checkTableName(validator, `minRows[${JSON.stringify(table)}]`, table);
    validator.integer(`minRows[${JSON.stringify(table)}]`, rows, 0, Number.MAX_SAFE_INTEGER);
  }
  if (options.recoveryPointQuery !== undefined && !validator.isUnresolved(options.recoveryPointQuery) && options.recoveryPointQuery.trim() === '') {
    validator.report({ path: 'recoveryPointQuery', value: options.recoveryPointQuery, allowed: 'a query returning one timestamp' });
  }
  validator.integer('maxRecoveryPointGapMinutes', options.maxRecoveryPointGapMinutes, 0, 7 * 24 * 60, 'minutes');
  if (options.maxRecoveryPointGapMinutes !== undefined && options.recoveryPointQuery === undefined) {
    validator.report({
      path: 'maxRecoveryPointGapMinutes',
      value: options.maxRecoveryPointGapMinutes,
      allowed: 'only with recoveryPointQuery',
      reason: 'the gap is measured from the newest commit time that query returns',
    });
  }
  validator.matches('scratchServerPrefix', options.scratchServerPrefix, SCRATCH_PREFIX, '1-39 lower-case letters, digits and "-", starting with a letter');
  validator.integer('maxDrillAgeDays', options.maxDrillAgeDays, 1, 365, 'days');
}

/**
 * Checks where the drill restores: the scratch servers' resource group must differ from the source server's, since the
 * drill's identity may delete every flexible server in it. Unresolved values are skipped.
 */
export function checkFlexibleServerPitrDrillPlacement(
  validator: Validator, placement: { sourceServerId: string; scratchResourceGroupName: string; hasDrillResults: boolean; maxDrillAgeDays?: number },
): void {
  const { sourceServerId, scratchResourceGroupName } = placement;
  if (!validator.isUnresolved(sourceServerId)) {
    const match = SERVER_ID.exec(sourceServerId);
    if (!match) {
      validator.report({
        path: 'sourceServerId',
        value: sourceServerId,
        allowed: 'the id of a flexible server, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>',
      });
    } else if (!validator.isUnresolved(scratchResourceGroupName) && match[1].toLowerCase() === scratchResourceGroupName.toLowerCase()) {
      validator.report({
        path: 'scratchResourceGroupName',
        value: scratchResourceGroupName,
        allowed: `a resource group other than the source server's (${match[1]})`,
        reason: 'the drill may delete every flexible server in its scratch resource group, which must not include the server it drills',
      });
    }
  }
  if (placement.maxDrillAgeDays !== undefined && !placement.hasDrillResults) {
    validator.report({
      path: 'maxDrillAgeDays',
      value: placement.maxDrillAgeDays,
      allowed: 'only with drillResults',
      reason: 'the drill-age watch reads the drill results stored beside the dumps',
    });
  }
}

/** Plans a scheduled point-in-time drill of a flexible server from checked options (throws on bad ones, naming them). */
export function planFlexibleServerPitrDrill(options: FlexibleServerPitrDrillOptions, construct?: string): FlexibleServerPitrDrillPlan {
  const validator = new Validator({ construct });
  checkFlexibleServerPitrDrillOptions(validator, options);
  validator.throwIfInvalid();
  const databaseName = options.databaseName ?? 'postgres';
  const readyTimeoutMinutes = options.readyTimeoutMinutes ?? 120;
  const lagMinutes = options.targetLagMinutes ?? 60;
  const flags = [
    '--target-lag', `${lagMinutes}m`,
    ...(options.randomTarget ? ['--target-random'] : []),
    '--ready-timeout', `${readyTimeoutMinutes}m`,
    // Its RTO: a restore that passes its checks but takes longer is recorded as a failed drill that says so.
    '--rto', `${readyTimeoutMinutes}m`,
    '--delete-timeout', `${FLEXIBLE_SERVER_DRILL_DELETE_TIMEOUT_MINUTES}m`,
    '--scratch-server-prefix', options.scratchServerPrefix ?? 'pgdrill',
    '--database', databaseName,
    ...Object.entries(options.minRows ?? {}).flatMap(([table, rows]) => ['--min-rows', `${table}=${rows}`]),
    ...(options.checks ?? []).flatMap((statement) => ['--sql', statement]),
    ...(options.recoveryPointQuery !== undefined ? ['--recovery-point-query', options.recoveryPointQuery] : []),
    ...(options.maxRecoveryPointGapMinutes !== undefined ? ['--max-recovery-point-gap', `${options.maxRecoveryPointGapMinutes}m`] : []),
  ];
  const cron = renderAzureJobCron(options.schedule ?? DEFAULT_FLEXIBLE_SERVER_PITR_DRILL_SCHEDULE, 'schedule');
  return {
    protection: {
      kind: 'point-in-time-drill',
      databaseNames: [databaseName],
      schedule: `${cron} UTC`,
      targetLagMinutes: lagMinutes,
      ...(options.randomTarget ? { summary: `a random time between the earliest restore point and ${lagMinutes} min before it starts` } : {}),
      rtoMinutes: readyTimeoutMinutes,
      checks: (options.checks ?? []).length + Object.keys(options.minRows ?? {}).length,
    },
    databaseName,
    cron,
    replicaTimeoutSeconds: (readyTimeoutMinutes + FLEXIBLE_SERVER_DRILL_DELETE_TIMEOUT_MINUTES + CHECKS_ALLOWANCE_MINUTES) * 60,
    runnerArgs: (targets) => [
      'drill-flexible-pitr',
      '--source-server-id', targets.sourceServerId,
      '--resource-group', targets.scratchResourceGroupName,
      '--db-user', targets.user,
      '--sslmode', targets.sslMode,
      ...(targets.subnetId !== undefined ? ['--subnet-id', targets.subnetId] : []),
      ...(targets.privateDnsZoneId !== undefined ? ['--private-dns-zone-id', targets.privateDnsZoneId] : []),
      ...flags,
      ...(targets.recordTo !== undefined ? ['--record-to', targets.recordTo] : []),
    ],
    ...(options.maxDrillAgeDays !== undefined
      ? {
        drillAgeWatch: {
          cron: DRILL_AGE_WATCH_CRON,
          runnerArgs: (from: string) => ['status', '--from', from, '--database', databaseName, '--drill-age', `${options.maxDrillAgeDays}d`],
          alertDescription: `No successful drill of ${databaseName} within ${options.maxDrillAgeDays} days (or the watch could not read the drill results); see the watch job's execution logs`,
        },
      }
      : {}),
    failedDrillAlertDescription: `A point-in-time drill of ${databaseName}'s flexible server failed (restore refused or not ready, checks failed, or the scratch server could not be deleted); see the job's execution logs`,
  };
}
