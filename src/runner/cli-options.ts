import * as os from 'node:os';
import type { Logger } from 'pino';
import { PolicyValidationError, Validator, checkPolicy, formatIssue, type BackupPolicy, type DumpCompression, type PropPaths, type RowCountMode } from '../core';
import type { UploadTuning } from './backup-store';
import { DEFAULT_METRICS_NAMESPACE, parseDimensions, type MetricValue, type MetricsSettings } from './embedded-metrics';
import { UsageError } from './runner-error';
import { RUNNER_DATABASE_SECRET_ENV } from '../core/postgres/runner-connection';

/**
 * One flag of a command, as the command table declares it: what the parser accepts and what `--help` shows.
 * The value is read and checked by the command through {@link FlagReader}, so the help's default is the one applied.
 */
export interface FlagDefinition {
  /** Long name without the dashes, e.g. `database-url`. */
  readonly name: string;
  /**
   * One-letter alias without the dash, e.g. `j` (the pg_dump/pg_restore letter where there is one).
   * @default - none
   */
  readonly short?: string;
  /**
   * Placeholder of the value in help, e.g. `URI`; a flag without one is a switch.
   * @default - a switch
   */
  readonly value?: string;
  /**
   * The flag may be given more than once; every value is kept.
   * @default false
   */
  readonly repeatable?: boolean;
  /** One line saying what the flag does. */
  readonly description: string;
  /**
   * The default, as help shows it.
   * @default - none shown
   */
  readonly default?: string;
  /** An example of the flag with a value, e.g. `--jobs 4`. */
  readonly example: string;
}

/** What every command gets besides its own flags. */
export interface CommandContext {
  /** Flags every command shares. */
  readonly common: CommonOptions;
  /** The log. */
  readonly logger: Logger;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborts the run. */
  readonly signal: AbortSignal;
  /**
   * Whether stdout is a terminal (`list` and `status` then print a table unless `--output json`).
   * @default false
   */
  readonly stdoutIsTerminal?: boolean;
  /** The database the run is about, once known (named by failure metrics); a command sets it when it learns it. */
  database?: string;
}

/** What a command hands back: the database (metric dimension), the result line's fields, the metrics. */
export interface CommandReport {
  /** The metric dimension `Database`. */
  readonly database: string;
  /** Fields of the JSON result line. */
  readonly result: Record<string, unknown>;
  /** Metrics of the run. */
  readonly metrics: MetricValue[];
  /**
   * What a run that finished found wrong (e.g. `status`: a backup older than the RPO): the run exits 1, and the
   * result line, with every field, says `ok: false` and this as its error.
   * @default - nothing: the run succeeded
   */
  readonly failure?: string;
  /**
   * Text for a person, written to stdout before the result line (`--output table`).
   * @default - none
   */
  readonly table?: string;
}

/** Settings every command shares. */
export interface CommonOptions {
  /** Streaming upload tuning. */
  readonly tuning: UploadTuning;
  /** S3-compatible endpoint override (`--s3-endpoint`, else `AWS_ENDPOINT_URL_S3`). */
  readonly s3Endpoint?: string;
  /** Scratch directory (`--scratch-dir`, else `PG_BACKUP_SCRATCH_DIR`, else the OS temp directory). */
  readonly scratchDirectory: string;
  /** Milliseconds between progress lines. */
  readonly progressIntervalMs: number;
  /** Metrics settings. */
  readonly metrics: MetricsSettings;
  /** Log level. */
  readonly logLevel: string;
  /** Environment variable holding an RDS-style secret (`--secret-env`). */
  readonly secretEnv?: string;
  /** `--database`: the database name (dump: overrides the URL's; others: whose backups). */
  readonly database?: string;
}

/**
 * Defaults of the tuning flags: 8 MiB parts, 4 in flight, so about 32 MiB of dump is buffered. A dump
 * of a database over about 36 GB gets larger parts, to stay within S3's 10,000 parts.
 */
export const DEFAULT_PART_SIZE_MB = 8;
/** Parts in flight at once by default. */
export const DEFAULT_UPLOAD_CONCURRENCY = 4;
/** Seconds between progress lines by default. */
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 10;

/** The flags every command takes. */
export const COMMON_FLAGS: readonly FlagDefinition[] = [
  { name: 'secret-env', value: 'VAR', description: 'environment variable holding an RDS-style secret JSON (host, port, username, password, dbname)', default: RUNNER_DATABASE_SECRET_ENV, example: '--secret-env PG_BACKUP_SECRET_1' },
  { name: 's3-endpoint', value: 'URL', description: 'S3-compatible endpoint', default: 'AWS_ENDPOINT_URL_S3, else AWS', example: '--s3-endpoint http://127.0.0.1:4569' },
  { name: 'part-size-mb', value: 'N', description: 'upload part size in MiB, 5 to 5000 (env PG_BACKUP_PART_SIZE_MB)', default: String(DEFAULT_PART_SIZE_MB), example: '--part-size-mb 16' },
  { name: 'upload-concurrency', value: 'N', description: 'parts uploaded at once, 1 to 64 (env PG_BACKUP_UPLOAD_CONCURRENCY)', default: String(DEFAULT_UPLOAD_CONCURRENCY), example: '--upload-concurrency 8' },
  { name: 'scratch-dir', value: 'DIR', description: 'local scratch space for directory dumps and downloads (env PG_BACKUP_SCRATCH_DIR)', default: 'the OS temp directory', example: '--scratch-dir /mnt/scratch' },
  { name: 'progress-interval', value: 'DUR', description: 'time between progress lines, 0 (none) to 1h (env PG_BACKUP_PROGRESS_INTERVAL)', default: `${DEFAULT_PROGRESS_INTERVAL_SECONDS}s`, example: '--progress-interval 30s' },
  { name: 'metrics', value: 'stderr|off', description: 'where CloudWatch Embedded Metric Format lines go (env PG_BACKUP_METRICS)', default: 'stderr', example: '--metrics off' },
  { name: 'metrics-namespace', value: 'NS', description: 'metric namespace (env PG_BACKUP_METRICS_NAMESPACE)', default: DEFAULT_METRICS_NAMESPACE, example: '--metrics-namespace Team/Backups' },
  { name: 'metric-dimension', value: 'Name=Value', repeatable: true, description: 'extra metric dimension (env PG_BACKUP_METRIC_DIMENSIONS, comma-separated)', example: '--metric-dimension Environment=prod' },
  { name: 'log-level', value: 'LEVEL', description: 'fatal, error, warn, info, debug or trace (env PG_BACKUP_LOG_LEVEL)', default: 'info', example: '--log-level debug' },
];

/** The parsed flags of a command: strings, string lists and booleans by long flag name. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** Reads typed values out of parsed flags, collecting every problem through the core {@link Validator}. */
export class FlagReader {
  private readonly validator = new Validator();

  /**
   * @param spelled how the user wrote each flag given, by long name (`jobs` → `-j`), so a problem names it that way
   */
  constructor(
    private readonly flags: ParsedFlags,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly spelled: Readonly<Record<string, string>> = {},
  ) {}

  /** A flag as the user wrote it on the command line (`-j`), else its long form (`--jobs`). */
  public spelling(flag: string): string {
    return this.spelled[flag] ?? `--${flag}`;
  }

  /** A string flag, else an environment variable. */
  public string(flag: string, envName?: string): string | undefined {
    return this.given(flag, envName)?.text;
  }

  /**
   * The text of a flag as given and where it came from: `--flag` when on the command line, else the environment
   * variable's name, so a problem names what the user actually set.
   */
  private given(flag: string, envName?: string): { readonly text: string; readonly source: string } | undefined {
    const value = this.flags[flag];
    if (typeof value === 'string') return { text: value, source: this.spelling(flag) };
    const text = envName ? this.env[envName] || undefined : undefined;
    return text === undefined ? undefined : { text, source: envName! };
  }

  /** A string flag that must be present. */
  public required(flag: string): string {
    const value = this.string(flag);
    if (value === undefined || value === '') {
      this.validator.report({ path: this.spelling(flag), value, allowed: 'a value (the flag is required)' });
      return '';
    }
    return value;
  }

  /** A boolean flag. */
  public boolean(flag: string): boolean {
    return this.flags[flag] === true;
  }

  /** A repeatable flag. */
  public list(flag: string): string[] {
    const value = this.flags[flag];
    const values = Array.isArray(value) ? value : [];
    this.validator.nonEmptyStrings(this.spelling(flag), values);
    return values;
  }

  /** A whole number within a range. */
  public integer(flag: string, min: number, max: number, fallback: number, envName?: string): number {
    const given = this.given(flag, envName);
    if (given === undefined) return fallback;
    const value = /^\s*-?\d+\s*$/.test(given.text) ? Number(given.text) : Number.NaN;
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    this.validator.report({ path: given.source, value: Number.isNaN(value) ? given.text : value, allowed: `an integer from ${min} to ${max}` });
    return fallback;
  }

  /**
   * A duration within a range, in seconds. A problem quotes the text as given and the range in the units the flag
   * is written in (`--rpo is "0h"; allowed: a duration from 1s to 365d`), never the seconds it was turned into.
   */
  public seconds(flag: string, min: number, max: number, fallback: number, envName?: string): number {
    const given = this.given(flag, envName);
    if (given === undefined) return fallback;
    const value = parseDurationSeconds(given.text);
    if (value !== undefined && value >= min && value <= max) return value;
    this.validator.report({
      path: given.source,
      value: given.text,
      allowed: `a duration from ${formatDurationBound(min)} to ${formatDurationBound(max)}, such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)`,
    });
    return fallback;
  }

  /** One of a fixed set. */
  public oneOf<T extends string>(flag: string, allowed: readonly T[], fallback: T, envName?: string): T {
    const given = this.given(flag, envName);
    if (given === undefined) return fallback;
    return this.validator.oneOf(given.source, given.text as T, allowed) ? (given.text as T) : fallback;
  }

  /**
   * Checks a policy built from the flags with core's own rules, each problem named by the flag that gave it
   * (`flagPaths` maps policy paths to `--flag`), so what core refuses is a usage error before any work starts.
   */
  public checkPolicy(policy: BackupPolicy, flagPaths: PropPaths): void {
    // A problem a flag's own reader already reported (its range, its form) is not reported twice.
    const known = new Set(this.validator.issues.map((issue) => issue.path));
    const typed = Object.fromEntries(Object.entries(flagPaths).map(([prop, flag]) => [prop, flag.startsWith('--') ? this.spelling(flag.slice(2)) : flag]));
    this.validator.include(checkPolicy(policy, { propPaths: typed }).filter((issue) => !known.has(issue.path)));
  }

  /** Records a problem found by the caller. */
  public report(flag: string, value: unknown, allowed: string, reason?: string): void {
    this.validator.report({ path: this.spelling(flag), value, allowed, reason });
  }

  /** Throws a {@link UsageError} listing every problem found so far. */
  public throwIfInvalid(command: string): void {
    try {
      this.validator.throwIfInvalid();
    } catch (error) {
      if (!(error instanceof PolicyValidationError)) throw error;
      throw new UsageError(`${command}: ${error.issues.map(formatIssue).join('; ')}`);
    }
  }
}

/** Parses `30s`, `500ms`, `5m`, `1h`, `2d` or a bare number of seconds. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  switch (match[2]) {
    case 'ms':
      return value / 1000;
    case 'm':
    case 'min':
      return value * 60;
    case 'h':
      return value * 3600;
    case 'd':
      return value * 86_400;
    default:
      return value;
  }
}

/**
 * A bound of a duration flag in the largest unit {@link parseDurationSeconds} reads that writes it whole, as help
 * writes it: `365d`, `7d`, `24h` (a day is said in hours, as for timeouts), `1h`, `1ms`.
 */
export function formatDurationBound(seconds: number): string {
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['m', 60], ['s', 1]];
  for (const [unit, size] of units) {
    if (seconds >= size && Number.isInteger(seconds / size) && !(unit === 'd' && seconds === size)) return `${seconds / size}${unit}`;
  }
  return seconds === 0 ? '0s' : `${Math.round(seconds * 1000)}ms`;
}

/** Parses `--compress`: a level 0-9 stays a number, the method forms stay strings (checked by core). */
export function parseCompression(text: string | undefined): DumpCompression | undefined {
  if (text === undefined) return undefined;
  return /^\d$/.test(text) ? Number(text) : text;
}

/** The row-count modes. */
export const ROW_COUNT_MODES: readonly RowCountMode[] = ['exact', 'estimate', 'off'];

/** Reads the flags every command shares. */
export function readCommonOptions(reader: FlagReader, env: NodeJS.ProcessEnv = process.env): CommonOptions {
  const partSizeMb = reader.integer('part-size-mb', 5, 5000, DEFAULT_PART_SIZE_MB, 'PG_BACKUP_PART_SIZE_MB');
  const concurrency = reader.integer('upload-concurrency', 1, 64, DEFAULT_UPLOAD_CONCURRENCY, 'PG_BACKUP_UPLOAD_CONCURRENCY');
  const progressSeconds = reader.seconds('progress-interval', 0, 3600, DEFAULT_PROGRESS_INTERVAL_SECONDS, 'PG_BACKUP_PROGRESS_INTERVAL');
  const dimensionEntries = [
    ...(env.PG_BACKUP_METRIC_DIMENSIONS ? env.PG_BACKUP_METRIC_DIMENSIONS.split(',').filter((entry) => entry.trim() !== '') : []),
    ...reader.list('metric-dimension'),
  ];
  let dimensions: Record<string, string> = {};
  try {
    dimensions = parseDimensions(dimensionEntries);
  } catch (error) {
    reader.report('metric-dimension', dimensionEntries, 'Name=Value entries', (error as Error).message);
  }
  return {
    tuning: { partSizeBytes: partSizeMb * 1024 * 1024, concurrency },
    s3Endpoint: reader.string('s3-endpoint'),
    scratchDirectory: reader.string('scratch-dir', 'PG_BACKUP_SCRATCH_DIR') ?? os.tmpdir(),
    progressIntervalMs: Math.round(progressSeconds * 1000),
    metrics: {
      namespace: reader.string('metrics-namespace', 'PG_BACKUP_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE,
      dimensions,
      destination: reader.oneOf('metrics', ['stderr', 'off'] as const, 'stderr', 'PG_BACKUP_METRICS'),
    },
    logLevel: reader.oneOf('log-level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const, 'info', 'PG_BACKUP_LOG_LEVEL'),
    secretEnv: reader.string('secret-env'),
    database: reader.string('database'),
  };
}
