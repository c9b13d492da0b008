import { randomBytes, randomInt } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { Logger } from 'pino';
import { Validator, checkRestorePointInTime, parseUtcTime } from '../core';
import { type CheckRunOutcome, type RowCountBound, runChecks } from './check-command';
import { DatabaseConnection } from './database-connection';
import { type RecoveryPointResult, checkRecoveryPoint } from './recovery-point';
import { RunnerError, errorMessage } from './runner-error';

/** The point in time a drill restores to. */
export type FlexiblePitrTarget =
  /** An exact moment (UTC). */
  | { readonly kind: 'time'; readonly time: string }
  /** A fixed lag behind the drill's start, e.g. an hour ago. */
  | { readonly kind: 'lag'; readonly seconds: number }
  /** A random moment between the source server's earliest restore point and `seconds` before the drill's start. */
  | { readonly kind: 'random'; readonly seconds: number };

/** Network settings of the scratch server. */
export interface ScratchServerNetwork {
  /** Delegated subnet of the scratch server (private access). */
  readonly delegatedSubnetResourceId?: string;
  /** Private DNS zone the scratch server's name is registered in. */
  readonly privateDnsZoneArmResourceId?: string;
}

/** How the drill connects to the restored server and what it checks there. */
export interface FlexiblePitrChecks {
  /** Login role of the checks (the source server's administrator or a role restored with the data). */
  readonly user: string;
  /** Its password (a point-in-time restore keeps the source server's logins). */
  readonly password?: string;
  /** Database the checks run in. */
  readonly database: string;
  /** Port of the restored server. */
  readonly port: number;
  /** `verify-full` (TLS, certificate and host name verified) or `require` (TLS, certificate not verified). */
  readonly sslMode: 'verify-full' | 'require';
  /** Keeps trying to connect this long, milliseconds (a server just restored may not resolve at once). */
  readonly connectTimeoutMs: number;
  /** Row-count bounds. */
  readonly rowBounds: readonly RowCountBound[];
  /** Statements that must each return a single `true`. */
  readonly statements: readonly string[];
  /** SQL files whose every statement must return a single `true`. */
  readonly checkFiles: readonly string[];
  /**
   * A read-only query returning the newest commit time the data shows: the recovery point reached.
   * @default - the recovery point is not measured
   */
  readonly recoveryPointQuery?: string;
  /**
   * Fails the drill when that commit time is older than the target by more than this, seconds.
   * @default - no limit
   */
  readonly maxRecoveryPointGapSeconds?: number;
}

/** Everything a point-in-time drill of a flexible server needs. */
export interface FlexiblePitrDrillOptions {
  /** The ARM client of the subscription (its `servers` operations are the only ones called). */
  readonly servers: FlexibleServerOperations;
  /** Resource id of the flexible server whose backups are drilled. */
  readonly sourceServerId: string;
  /** Resource group the scratch server is created in. */
  readonly resourceGroupName: string;
  /** Name of the scratch server, unique to this drill. */
  readonly scratchServerName: string;
  /** The point in time to restore to. */
  readonly target: FlexiblePitrTarget;
  /**
   * Network settings of the scratch server.
   * @default - the source server's delegated subnet and private DNS zone
   */
  readonly network?: ScratchServerNetwork;
  /** Tags of the scratch server (so a leftover one can be found). */
  readonly tags: Readonly<Record<string, string>>;
  /** The longest the restore may take until the server is ready, seconds. */
  readonly readyTimeoutSeconds: number;
  /** The longest the scratch server's deletion may take, seconds. */
  readonly deleteTimeoutSeconds: number;
  /** The checks. */
  readonly checks: FlexiblePitrChecks;
  /** The log. */
  readonly logger: Logger;
  /** Aborts the drill (the scratch server is still deleted). */
  readonly signal: AbortSignal;
  /**
   * The drill's start.
   * @default - now
   */
  readonly now?: Date;
}

/** The part of `@azure/arm-postgresql-flexible`'s `Servers` the drill calls: read the source, create and delete a server. */
export interface FlexibleServerOperations {
  /** Reads a server. */
  get(resourceGroupName: string, serverName: string, options?: { abortSignal?: AbortSignal }): Promise<FlexibleServer>;
  /** Creates a server; the poller follows the long-running operation to the created server. */
  beginCreateOrUpdate(resourceGroupName: string, serverName: string, parameters: FlexibleServer, options?: { abortSignal?: AbortSignal }): Promise<{
    /** Waits for the operation's end. */
    pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<FlexibleServer>;
  }>;
  /** Deletes a server and waits until it is gone. */
  beginDeleteAndWait(resourceGroupName: string, serverName: string, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The fields of a flexible server the drill reads or writes (a subset of the SDK's `Server`). */
export interface FlexibleServer {
  /** Resource id. */
  readonly id?: string;
  /** Region. */
  readonly location?: string;
  /** `Ready` once it serves connections. */
  readonly state?: string;
  /** Host name. */
  readonly fullyQualifiedDomainName?: string;
  /** How a new server is created: `PointInTimeRestore` for a drill. */
  readonly createMode?: string;
  /** The server restored. */
  readonly sourceServerResourceId?: string;
  /** The point in time restored to. */
  readonly pointInTimeUTC?: Date;
  /** Network settings. */
  readonly network?: ScratchServerNetwork & { readonly publicNetworkAccess?: string };
  /** Backup settings and the earliest restore point. */
  readonly backup?: { readonly backupRetentionDays?: number; readonly earliestRestoreDate?: Date | string };
  /** Tags. */
  readonly tags?: Record<string, string>;
}

/** What a drill found and did (a drill that fails throws a {@link FlexiblePitrDrillError} carrying the same). */
export interface FlexiblePitrDrillOutcome {
  /** The target time, UTC with seconds. */
  readonly targetTime: string;
  /** Resource id of the scratch server (deleted). */
  readonly scratchServerId: string;
  /** Its host name. */
  readonly host: string;
  /** Seconds from the create request to a ready server. */
  readonly restoreSeconds: number;
  /** Seconds from the create request to the database accepting the checks: the RTO. */
  readonly rtoSeconds: number;
  /** The recovery point the data shows, when measured. */
  readonly recoveryPoint?: RecoveryPointResult;
  /** The check run. */
  readonly checks: CheckRunOutcome;
  /** Wall time of the whole drill, deletion included, seconds. */
  readonly durationSeconds: number;
}

/** A failed drill: why, and what it got to before failing. */
export class FlexiblePitrDrillError extends RunnerError {
  constructor(
    message: string,
    /** The target time, once chosen. */
    public readonly targetTime: string | undefined,
    /** Resource id of the scratch server, once requested. */
    public readonly scratchServerId: string | undefined,
    /** Whether the scratch server is gone (`undefined`: none was requested). */
    public readonly scratchServerDeleted: boolean | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const SERVER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/i;

/** The subscription, resource group and name of a flexible server's resource id; `undefined` when it is not one. */
export function parseFlexibleServerId(id: string): { subscriptionId: string; resourceGroupName: string; serverName: string } | undefined {
  const match = SERVER_ID.exec(id);
  return match ? { subscriptionId: match[1], resourceGroupName: match[2], serverName: match[3] } : undefined;
}

/** The resource id of a server of the same subscription. */
function serverId(subscriptionId: string, resourceGroupName: string, serverName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.DBforPostgreSQL/flexibleServers/${serverName}`;
}

/** Allowed prefixes of scratch server names: the rest of the name is the drill's time and a random suffix. */
export const SCRATCH_SERVER_PREFIX = /^[a-z][a-z0-9-]{0,38}$/;

/**
 * A server name no other drill uses: `<prefix>-<UTC time to the second>-<4 random hex digits>`, lower case, at most
 * 63 characters as Azure allows.
 */
export function scratchServerName(prefix: string, now: Date): string {
  const time = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${prefix}-${time}-${randomBytes(2).toString('hex')}`;
}

/** A time the SDK read as a `Date` (or left as text) as ISO 8601. */
function isoTime(value: Date | string | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/** UTC with seconds, as ARM takes `pointInTimeUTC`. */
function utcSeconds(moment: Date): string {
  return `${moment.toISOString().slice(0, 19)}Z`;
}

/** Picks the target time: the given one, a fixed lag before `now`, or a random moment inside the source's window. */
export function chooseTargetTime(target: FlexiblePitrTarget, now: Date, source: FlexibleServer): string {
  if (target.kind === 'time') return utcSeconds(parseUtcTime(target.time) ?? new Date(target.time));
  const latest = now.getTime() - target.seconds * 1000;
  if (target.kind === 'lag') return utcSeconds(new Date(latest));
  const retentionDays = source.backup?.backupRetentionDays;
  const retentionStart = retentionDays !== undefined ? now.getTime() - retentionDays * 86_400_000 : undefined;
  const earliestRestore = source.backup?.earliestRestoreDate !== undefined ? new Date(source.backup.earliestRestoreDate).getTime() : undefined;
  const earliest = Math.max(...[retentionStart, earliestRestore].filter((value): value is number => value !== undefined && Number.isFinite(value)));
  if (!Number.isFinite(earliest)) {
    throw new RunnerError('the source server reports neither its earliest restore point nor its backup retention, so no random target can be chosen; give --target-time or --target-lag');
  }
  // Whole seconds: the window's first second may lie just after its exact start.
  const first = Math.ceil(earliest / 1000);
  const last = Math.floor(latest / 1000);
  if (last < first) {
    throw new RunnerError(`the source server's restore window (${new Date(earliest).toISOString()} to now) holds no time at least --target-lag before now (${new Date(latest).toISOString()})`);
  }
  return utcSeconds(new Date((last === first ? first : randomInt(first, last + 1)) * 1000));
}

/** An Azure SDK error in an operator's words: its code and message. */
function armErrorMessage(error: unknown): string {
  const rest = error as { code?: string; statusCode?: number; message?: string };
  const code = rest.code && rest.code !== 'RestError' ? `${rest.code}: ` : '';
  return `${code}${errorMessage(error)}${rest.statusCode !== undefined ? ` (HTTP ${rest.statusCode})` : ''}`;
}

/** A signal that aborts with `signal` or after `seconds`. */
function bounded(signal: AbortSignal, seconds: number): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(seconds * 1000)]);
}

/**
 * Restores a flexible server to a point in time as a new scratch server (`createMode: PointInTimeRestore`), waits
 * for it within a bound, connects over TLS and runs the checks of `pg-backup check` (row bounds, SQL checks, the
 * recovery point), then deletes the scratch server, on every path once its creation was requested. Throws a
 * {@link FlexiblePitrDrillError} saying what failed and whether the scratch server is gone.
 */
export async function runFlexiblePitrDrill(options: FlexiblePitrDrillOptions): Promise<FlexiblePitrDrillOutcome> {
  const { servers, logger, signal } = options;
  const now = options.now ?? new Date();
  const started = Date.now();
  const source = parseFlexibleServerId(options.sourceServerId);
  if (!source) throw new RunnerError(`${options.sourceServerId} is not the resource id of a flexible server`);
  const scratchId = serverId(source.subscriptionId, options.resourceGroupName, options.scratchServerName);

  let sourceServer: FlexibleServer;
  try {
    sourceServer = await servers.get(source.resourceGroupName, source.serverName, { abortSignal: signal });
  } catch (error) {
    throw new FlexiblePitrDrillError(`cannot read the source server ${options.sourceServerId}: ${armErrorMessage(error)}`, undefined, undefined, undefined, { cause: error });
  }
  const targetTime = chooseTargetTime(options.target, now, sourceServer);
  const window = new Validator();
  checkRestorePointInTime(window, 'target time', targetTime, {
    now,
    backupRetentionDays: sourceServer.backup?.backupRetentionDays,
    earliestRestoreDate: isoTime(sourceServer.backup?.earliestRestoreDate),
  });
  if (window.issues.length > 0) {
    const issue = window.issues[0];
    throw new FlexiblePitrDrillError(
      `the target time ${targetTime} is outside the source server's restore window: allowed ${issue.allowed}${issue.reason ? ` (${issue.reason})` : ''}`,
      targetTime, undefined, undefined,
    );
  }
  const network = options.network ?? {
    delegatedSubnetResourceId: sourceServer.network?.delegatedSubnetResourceId,
    privateDnsZoneArmResourceId: sourceServer.network?.privateDnsZoneArmResourceId,
  };
  const networkSettings = Object.fromEntries(Object.entries(network).filter(([, value]) => value !== undefined && value !== ''));
  const request: FlexibleServer = {
    location: sourceServer.location,
    createMode: 'PointInTimeRestore',
    sourceServerResourceId: options.sourceServerId,
    pointInTimeUTC: new Date(targetTime),
    ...(Object.keys(networkSettings).length > 0 ? { network: networkSettings } : {}),
    tags: { ...options.tags },
  };

  const restoreStarted = Date.now();
  let failure: FlexiblePitrDrillError | undefined;
  let outcome: FlexiblePitrDrillOutcome | undefined;
  logger.info({ source: options.sourceServerId, targetTime, scratchServer: scratchId, readyTimeoutSeconds: options.readyTimeoutSeconds }, 'restoring to a scratch server');
  try {
    const ready = bounded(signal, options.readyTimeoutSeconds);
    let restored: FlexibleServer;
    try {
      const poller = await servers.beginCreateOrUpdate(options.resourceGroupName, options.scratchServerName, request, { abortSignal: ready });
      restored = await poller.pollUntilDone({ abortSignal: ready });
    } catch (error) {
      const why = ready.aborted && !signal.aborted
        ? `was not ready within --ready-timeout ${options.readyTimeoutSeconds} s`
        : `was refused or failed: ${armErrorMessage(error)}`;
      throw new RunnerError(`the point-in-time restore of ${options.sourceServerId} to ${targetTime} as ${options.scratchServerName} ${why}`, { cause: error });
    }
    if (restored.state !== undefined && restored.state !== 'Ready') {
      throw new RunnerError(`the scratch server ${options.scratchServerName} finished restoring in state ${restored.state}, not Ready`);
    }
    if (!restored.fullyQualifiedDomainName) throw new RunnerError(`the scratch server ${options.scratchServerName} reports no host name`);
    const restoreSeconds = (Date.now() - restoreStarted) / 1000;
    logger.info({ restoreSeconds, host: restored.fullyQualifiedDomainName }, 'scratch server ready');

    const checks = await runChecks({
      target: checkTarget(restored.fullyQualifiedDomainName, options.checks),
      rowBounds: options.checks.rowBounds,
      // A restored server is a primary: a standby here would mean the restore did not finish.
      statements: ['SELECT NOT pg_is_in_recovery()', ...options.checks.statements],
      checkFiles: options.checks.checkFiles,
      connectTimeoutMs: options.checks.connectTimeoutMs,
      logger,
      signal,
      recoveryPointQuery: options.checks.recoveryPointQuery,
    });
    const rtoSeconds = (checks.connectedAt.getTime() - restoreStarted) / 1000;
    const recoveryPoint = options.checks.recoveryPointQuery === undefined
      ? undefined
      : checkRecoveryPoint(
        { targetTime, query: options.checks.recoveryPointQuery, maxGapSeconds: options.checks.maxRecoveryPointGapSeconds },
        checks.recoveryPoint,
      );
    if (recoveryPoint?.problem !== undefined) throw new RunnerError(`the restored server ${restored.fullyQualifiedDomainName}: ${recoveryPoint.problem}`);
    outcome = {
      targetTime,
      scratchServerId: scratchId,
      host: restored.fullyQualifiedDomainName,
      restoreSeconds,
      rtoSeconds,
      ...(recoveryPoint !== undefined ? { recoveryPoint } : {}),
      checks,
      durationSeconds: 0,
    };
  } catch (error) {
    failure = new FlexiblePitrDrillError(errorMessage(error), targetTime, scratchId, undefined, { cause: error });
  }

  // Deleted on every path: a refused restore may still have left a server behind, and a DELETE of none is harmless.
  let deleteProblem: string | undefined;
  try {
    logger.info({ scratchServer: scratchId }, 'deleting the scratch server');
    await servers.beginDeleteAndWait(options.resourceGroupName, options.scratchServerName, {
      abortSignal: AbortSignal.timeout(options.deleteTimeoutSeconds * 1000),
    });
  } catch (error) {
    deleteProblem = `the scratch server ${scratchId} could not be deleted (${armErrorMessage(error)}); delete it by hand`;
    logger.error({ scratchServer: scratchId, error: errorMessage(error) }, 'the scratch server could not be deleted');
  }
  const deleted = deleteProblem === undefined;
  if (failure !== undefined || !deleted) {
    const message = [failure?.message, deleteProblem].filter((part) => part !== undefined).join('; ');
    throw new FlexiblePitrDrillError(message, targetTime, scratchId, deleted, { cause: failure?.cause });
  }
  return { ...outcome!, durationSeconds: (Date.now() - started) / 1000 };
}

/** The restored server as the checks reach it: TLS always, the source's logins. */
function checkTarget(host: string, checks: FlexiblePitrChecks): DatabaseConnection {
  const url = new URL('postgres://localhost');
  url.hostname = host;
  url.port = String(checks.port);
  url.username = encodeURIComponent(checks.user);
  url.pathname = `/${encodeURIComponent(checks.database)}`;
  url.searchParams.set('sslmode', checks.sslMode);
  // libpq's meaning of require (encrypt, do not verify) rather than node-postgres's (verify).
  if (checks.sslMode === 'require') url.searchParams.set('uselibpqcompat', 'true');
  return new DatabaseConnection(url, checks.password);
}

/** The ARM operations of a subscription, authenticated with `credential`, at `endpoint` (another cloud, or a stand-in). */
export async function flexibleServerOperations(
  credential: TokenCredential, subscriptionId: string, endpoint?: string,
): Promise<FlexibleServerOperations> {
  // Loaded here, not at start-up: only this drill talks to ARM.
  const { PostgreSQLManagementFlexibleServerClient } = await import('@azure/arm-postgresql-flexible');
  // The pipeline's endpoint (and token scope) and the operations' host are two options of this SDK.
  const options = endpoint === undefined ? {} : { endpoint, $host: endpoint };
  const client = new PostgreSQLManagementFlexibleServerClient(credential, subscriptionId, options);
  return client.servers as unknown as FlexibleServerOperations;
}
