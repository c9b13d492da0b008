import type { Logger } from 'pino';
import { Validator, validateRecoveryTargetOptions } from '../core';
import { parseBackupLocation } from './backup-location';
import {
  CHECK_FLAGS, DEFAULT_CONNECT_TIMEOUT_SECONDS, DRILL_RECORD_TO_ENV, RECORD_TO_FLAG, readRowBounds, readStatementsFromEnvironment,
  recordedChecks, drillRecorder,
} from './check-command';
import { refuseCheckStatement } from './check-files';
import type { CommonOptions, FlagDefinition, FlagReader } from './cli-options';
import { RTO_FLAG, readRtoObjective } from './drill-record';
import { RUNNER_METRICS, type MetricValue } from './embedded-metrics';
import {
  FlexiblePitrDrillError, SCRATCH_SERVER_PREFIX, type FlexiblePitrTarget, type ScratchServerNetwork, flexibleServerOperations,
  parseFlexibleServerId, runFlexiblePitrDrill, scratchServerName,
} from './flexible-server-pitr-drill';
import { RECOVERY_POINT_METRICS } from './recovery-point';
import { UsageError, errorMessage } from './runner-error';

/** Names of the metrics of `pg-backup drill-flexible-pitr` (dimension `Database`). */
export const DRILL_FLEXIBLE_PITR_METRICS = {
  /** 1 for each drill that restored to its target, passed its checks and deleted its scratch server. */
  drillSucceeded: 'FlexiblePitrDrillSucceeded',
  /** 1 for each failed drill (0 on success). */
  drillFailed: 'FlexiblePitrDrillFailed',
  /** Seconds from the create request to a ready scratch server. */
  restoreSeconds: 'FlexiblePitrRestoreSeconds',
  /** Wall time of the whole drill, deletion included, seconds. */
  drillDurationSeconds: 'FlexiblePitrDrillDurationSeconds',
} as const;

/** How long the restore may take by default until the scratch server is ready. */
export const DEFAULT_READY_TIMEOUT_SECONDS = 2 * 3600;
/** How long the scratch server's deletion may take by default. */
export const DEFAULT_DELETE_TIMEOUT_SECONDS = 3600;
/** The default lag of the target time behind the drill's start. */
export const DEFAULT_TARGET_LAG_SECONDS = 3600;
/** The default first part of a scratch server's name. */
export const DEFAULT_SCRATCH_SERVER_PREFIX = 'pgdrill';
/** The tag that marks a scratch server of a drill, with the source server's name as its value. */
export const SCRATCH_SERVER_TAG = 'pg-backup-drill-of';

/** The environment variable that may name the source server (`--source-server-id`). */
export const DRILL_SOURCE_SERVER_ENV = 'PG_BACKUP_DRILL_SOURCE_SERVER_ID';

/** The flags of `pg-backup drill-flexible-pitr`. */
export const DRILL_FLEXIBLE_PITR_COMMAND_FLAGS: readonly FlagDefinition[] = [
  { name: 'source-server-id', value: 'ID', description: `resource id of the flexible server to restore (required; env ${DRILL_SOURCE_SERVER_ENV})`, example: '--source-server-id /subscriptions/<id>/resourceGroups/db/providers/Microsoft.DBforPostgreSQL/flexibleServers/orders' },
  { name: 'resource-group', value: 'NAME', description: 'resource group of the scratch server', default: 'the source server\'s', example: '--resource-group drills' },
  { name: 'target-time', value: 'TIME', description: 'restore to this time, ISO 8601 in UTC with seconds', default: 'now minus --target-lag', example: '--target-time 2026-11-24T02:00:00Z' },
  { name: 'target-lag', value: 'DUR', description: 'restore to this long before the drill starts (with --target-random: at least this long), 0 to 35d', default: `${DEFAULT_TARGET_LAG_SECONDS}s`, example: '--target-lag 1h' },
  { name: 'target-random', description: 'restore to a random time between the source server\'s earliest restore point and --target-lag ago', example: '--target-random' },
  { name: 'scratch-server-prefix', value: 'NAME', description: 'first part of the scratch server\'s name, followed by the time and a random suffix', default: DEFAULT_SCRATCH_SERVER_PREFIX, example: '--scratch-server-prefix orders-drill' },
  { name: 'subnet-id', value: 'ID', description: 'delegated subnet of the scratch server', default: 'the source server\'s', example: '--subnet-id /subscriptions/<id>/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/drills' },
  { name: 'private-dns-zone-id', value: 'ID', description: 'private DNS zone of the scratch server', default: 'the source server\'s', example: '--private-dns-zone-id /subscriptions/<id>/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/drills.postgres.database.azure.com' },
  { name: 'ready-timeout', value: 'DUR', description: 'give up when the scratch server is not ready within this time, 1s to 24h', default: `${DEFAULT_READY_TIMEOUT_SECONDS}s`, example: '--ready-timeout 3h' },
  { name: 'delete-timeout', value: 'DUR', description: 'give up waiting for the scratch server\'s deletion after this time, 1s to 24h', default: `${DEFAULT_DELETE_TIMEOUT_SECONDS}s`, example: '--delete-timeout 30m' },
  { name: 'db-user', value: 'ROLE', description: 'login role of the checks (PGPASSWORD holds its password)', default: 'PGUSER', example: '--db-user drill' },
  { name: 'database', value: 'NAME', description: 'the database the checks run in, and the drill result\'s database', default: 'postgres', example: '--database shop' },
  { name: 'sslmode', value: 'MODE', description: 'TLS of the checks\' connection: verify-full or require', default: 'verify-full', example: '--sslmode require' },
  { name: 'connect-timeout', value: 'DUR', description: 'keep trying to connect to the scratch server this long, 0 to 1h', default: `${DEFAULT_CONNECT_TIMEOUT_SECONDS}s`, example: '--connect-timeout 10m' },
  ...CHECK_FLAGS,
  { name: 'recovery-point-query', value: 'SQL', description: 'a read-only query returning the newest commit time the data shows: the recovery point reached; fails when it is after the target', example: "--recovery-point-query 'SELECT max(updated_at) FROM orders'" },
  { name: 'max-recovery-point-gap', value: 'DUR', description: 'fail when that commit time is older than the target by more than this, 0 to 7d', default: 'no limit', example: '--max-recovery-point-gap 15m' },
  RECORD_TO_FLAG,
  RTO_FLAG,
  { name: 'arm-endpoint', value: 'URL', description: 'Azure Resource Manager endpoint (another cloud)', default: 'https://management.azure.com', example: '--arm-endpoint https://management.chinacloudapi.cn' },
];

/** What `pg-backup drill-flexible-pitr` gets besides its flags (the CLI's command context). */
export interface DrillFlexiblePitrCommandContext {
  /** Flags every command shares. */
  readonly common: CommonOptions;
  /** The log. */
  readonly logger: Logger;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the run. */
  readonly signal: AbortSignal;
}

/** What `pg-backup drill-flexible-pitr` reports: the database (metric dimension), the result line's fields, the metrics. */
export interface DrillFlexiblePitrCommandReport {
  /** The metric dimension `Database`. */
  readonly database: string;
  /** Fields of the JSON result line. */
  readonly result: Record<string, unknown>;
  /** Metrics of the run. */
  readonly metrics: MetricValue[];
}

const MAX_GAP_SECONDS = 7 * 86_400;

function readTarget(reader: FlagReader): FlexiblePitrTarget {
  const time = reader.string('target-time');
  const lag = reader.seconds('target-lag', 0, 35 * 86_400, DEFAULT_TARGET_LAG_SECONDS);
  const random = reader.boolean('target-random');
  if (time !== undefined) {
    const validator = new Validator();
    validateRecoveryTargetOptions({ target: { kind: 'time', time } }, validator);
    validator.issues.forEach((issue) => reader.report('target-time', time, issue.allowed));
    if (random) reader.report('target-random', true, 'not with --target-time (a drill restores to one time)');
    if (reader.string('target-lag') !== undefined) reader.report('target-lag', reader.string('target-lag'), 'not with --target-time (a drill restores to one time)');
    return { kind: 'time', time };
  }
  return random ? { kind: 'random', seconds: lag } : { kind: 'lag', seconds: lag };
}

function readNetwork(reader: FlagReader): ScratchServerNetwork | undefined {
  const subnet = reader.string('subnet-id');
  const zone = reader.string('private-dns-zone-id');
  if (subnet !== undefined && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i.test(subnet)) {
    reader.report('subnet-id', subnet, 'the resource id of a subnet, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>');
  }
  if (zone !== undefined && !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/[^/]+$/i.test(zone)) {
    reader.report('private-dns-zone-id', zone, 'the resource id of a private DNS zone, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>');
  }
  if (subnet === undefined && zone === undefined) return undefined;
  return {
    ...(subnet !== undefined ? { delegatedSubnetResourceId: subnet } : {}),
    ...(zone !== undefined ? { privateDnsZoneArmResourceId: zone } : {}),
  };
}

/**
 * `pg-backup drill-flexible-pitr`: restores an Azure Database for PostgreSQL flexible server to a point in time as a
 * scratch server, checks it and deletes it ({@link runFlexiblePitrDrill}); authenticates to Azure Resource Manager
 * with `DefaultAzureCredential` (the job's managed identity, named by `AZURE_CLIENT_ID`). Throws a `RunnerError` when
 * the restore, the checks or the deletion fail (exit 1) and a `UsageError` on bad flags (exit 2); the CLI prints the
 * one JSON result line either way.
 */
export async function drillFlexiblePitrCommand(
  reader: FlagReader, context: DrillFlexiblePitrCommandContext,
): Promise<DrillFlexiblePitrCommandReport> {
  const { common, logger, env, signal } = context;
  const sourceServerId = reader.string('source-server-id', DRILL_SOURCE_SERVER_ENV) ?? '';
  const source = parseFlexibleServerId(sourceServerId);
  if (!source) {
    reader.report('source-server-id', sourceServerId || undefined,
      'the resource id of a flexible server, /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>');
  }
  const resourceGroup = reader.string('resource-group');
  if (resourceGroup !== undefined && !/^[-\w.()]{1,89}[-\w()]$/.test(resourceGroup)) {
    reader.report('resource-group', resourceGroup, '1-90 letters, digits, "-", "_", ".", "(" and ")", not ending in "."');
  }
  const target = readTarget(reader);
  const prefix = reader.string('scratch-server-prefix') ?? DEFAULT_SCRATCH_SERVER_PREFIX;
  if (!SCRATCH_SERVER_PREFIX.test(prefix)) reader.report('scratch-server-prefix', prefix, '1-39 lower-case letters, digits and "-", starting with a letter');
  const network = readNetwork(reader);
  const readyTimeoutSeconds = reader.seconds('ready-timeout', 1, 86_400, DEFAULT_READY_TIMEOUT_SECONDS);
  const deleteTimeoutSeconds = reader.seconds('delete-timeout', 1, 86_400, DEFAULT_DELETE_TIMEOUT_SECONDS);
  const user = reader.string('db-user', 'PGUSER');
  if (user === undefined) reader.report('db-user', undefined, 'the login role of the checks (or set PGUSER)');
  const sslMode = reader.oneOf('sslmode', ['verify-full', 'require'] as const, 'verify-full');
  const connectTimeoutSeconds = reader.seconds('connect-timeout', 0, 3600, DEFAULT_CONNECT_TIMEOUT_SECONDS);
  const rowBounds = readRowBounds(reader);
  const statements = [...reader.list('sql'), ...readStatementsFromEnvironment(reader, env)];
  const checkFiles = reader.list('check');
  const recoveryPointQuery = reader.string('recovery-point-query');
  if (recoveryPointQuery !== undefined) {
    const refused = refuseCheckStatement(recoveryPointQuery);
    if (refused) reader.report('recovery-point-query', recoveryPointQuery, 'one query (SELECT, WITH, VALUES or TABLE) returning a single timestamp', refused);
  }
  const maxGap = reader.string('max-recovery-point-gap');
  const maxRecoveryPointGapSeconds = maxGap === undefined ? undefined : reader.seconds('max-recovery-point-gap', 0, MAX_GAP_SECONDS, 0);
  if (maxGap !== undefined && recoveryPointQuery === undefined) {
    reader.report('recovery-point-query', undefined, 'a query returning the newest commit time (--max-recovery-point-gap bounds its distance to the target)');
  }
  const armEndpoint = reader.string('arm-endpoint');
  if (armEndpoint !== undefined && !/^https:\/\/[^/\s]+\/?$/.test(armEndpoint)) reader.report('arm-endpoint', armEndpoint, 'an https:// URL of a Resource Manager endpoint, e.g. https://management.azure.com');
  const recordTo = reader.string('record-to', DRILL_RECORD_TO_ENV);
  const rtoObjectiveSeconds = readRtoObjective(reader);
  reader.throwIfInvalid('drill-flexible-pitr');
  const port = Number(env.PGPORT || 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new UsageError(`drill-flexible-pitr: PGPORT is ${JSON.stringify(env.PGPORT)}; allowed: a port number`);
  // A location that does not parse is a usage error naming --record-to, before anything is restored.
  const recordLocation = recordTo === undefined ? undefined : parseBackupLocation(recordTo, '--record-to');
  const database = common.database ?? 'postgres';
  const startedAt = new Date();
  const record = drillRecorder(recordLocation, 'point-in-time', database, { common, env, logger }, rtoObjectiveSeconds);

  const { DefaultAzureCredential } = await import('@azure/identity');
  const servers = await flexibleServerOperations(new DefaultAzureCredential(), source!.subscriptionId, armEndpoint?.replace(/\/$/, ''));
  const scratchServer = scratchServerName(prefix, startedAt);
  let outcome;
  try {
    outcome = await runFlexiblePitrDrill({
      servers,
      sourceServerId,
      resourceGroupName: resourceGroup ?? source!.resourceGroupName,
      scratchServerName: scratchServer,
      target,
      ...(network !== undefined ? { network } : {}),
      tags: { [SCRATCH_SERVER_TAG]: source!.serverName },
      readyTimeoutSeconds,
      deleteTimeoutSeconds,
      checks: {
        user: user!,
        password: env.PGPASSWORD,
        database,
        port,
        sslMode,
        connectTimeoutMs: connectTimeoutSeconds * 1000,
        rowBounds,
        statements,
        checkFiles,
        ...(recoveryPointQuery !== undefined ? { recoveryPointQuery } : {}),
        ...(maxRecoveryPointGapSeconds !== undefined ? { maxRecoveryPointGapSeconds } : {}),
      },
      logger,
      signal,
      now: startedAt,
    });
  } catch (error) {
    // A drill that fails is a result too: stored beside the backups, so status shows it with its reason.
    const drill = error instanceof FlexiblePitrDrillError ? error : undefined;
    await record({
      succeeded: false,
      reason: errorMessage(error),
      restored: {
        ...(drill?.targetTime !== undefined ? { targetTime: drill.targetTime } : {}),
        ...(drill?.scratchServerId !== undefined ? { resource: drill.scratchServerId } : {}),
      },
      checks: [],
    });
    throw error;
  }
  const drillResult = await record({
    succeeded: true,
    restored: { targetTime: outcome.targetTime, resource: outcome.scratchServerId },
    rtoSeconds: Math.round(outcome.rtoSeconds),
    ...(typeof outcome.recoveryPoint?.observed === 'string' ? { recoveryPoint: outcome.recoveryPoint.observed } : {}),
    ...recordedChecks(outcome.checks.rowCounts, outcome.checks.checks),
  });
  return {
    database,
    metrics: [
      { name: DRILL_FLEXIBLE_PITR_METRICS.drillSucceeded, value: 1, unit: 'Count' },
      { name: DRILL_FLEXIBLE_PITR_METRICS.drillFailed, value: 0, unit: 'Count' },
      { name: DRILL_FLEXIBLE_PITR_METRICS.restoreSeconds, value: outcome.restoreSeconds, unit: 'Seconds' },
      { name: DRILL_FLEXIBLE_PITR_METRICS.drillDurationSeconds, value: outcome.durationSeconds, unit: 'Seconds' },
      { name: RUNNER_METRICS.drillSucceeded, value: 1, unit: 'Count' },
      { name: RUNNER_METRICS.drillRtoSeconds, value: outcome.rtoSeconds, unit: 'Seconds' },
      ...(outcome.recoveryPoint?.gapSeconds !== undefined
        ? [{ name: RECOVERY_POINT_METRICS.gapSeconds, value: outcome.recoveryPoint.gapSeconds, unit: 'Seconds' as const }]
        : []),
    ],
    result: {
      sourceServerId,
      scratchServer: outcome.scratchServerId,
      scratchServerDeleted: true,
      targetTime: outcome.targetTime,
      host: outcome.host,
      restoreSeconds: outcome.restoreSeconds,
      rtoSeconds: outcome.rtoSeconds,
      ...(outcome.recoveryPoint !== undefined ? { recoveryPoint: outcome.recoveryPoint } : {}),
      rowCounts: outcome.checks.rowCounts,
      checks: outcome.checks.checks.map(({ file, statement, passed }) => ({ file, statement, passed })),
      durationSeconds: outcome.durationSeconds,
      ...(drillResult !== undefined ? { drillResult } : {}),
    },
  };
}
