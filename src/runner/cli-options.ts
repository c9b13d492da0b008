import * as os from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PolicyValidationError, Validator, formatIssue, type DumpCompression, type RowCountMode } from '../core';
import type { UploadTuning } from './backup-store';
import { CHECK_ARCHIVE_COMMAND_FLAGS, CHECK_ARCHIVE_USAGE } from './check-archive-command';
import { CHECK_COMMAND_FLAGS, CHECK_USAGE } from './check-command';
import { DRILL_PITR_COMMAND_FLAGS, DRILL_PITR_USAGE } from './drill-pitr-command';
import { DEFAULT_METRICS_NAMESPACE, parseDimensions, type MetricsSettings } from './embedded-metrics';
import { UsageError } from './runner-error';

/** The commands of `pg-backup`. */
export type CommandName = 'dump' | 'verify' | 'restore' | 'list' | 'check' | 'drill-pitr' | 'check-archive';

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

const COMMON_FLAGS = {
  'help': { type: 'boolean', short: 'h' },
  'database': { type: 'string' },
  'secret-env': { type: 'string' },
  's3-endpoint': { type: 'string' },
  'part-size-mb': { type: 'string' },
  'upload-concurrency': { type: 'string' },
  'scratch-dir': { type: 'string' },
  'progress-interval': { type: 'string' },
  'metrics': { type: 'string' },
  'metrics-namespace': { type: 'string' },
  'metric-dimension': { type: 'string', multiple: true },
  'log-level': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const COMMAND_FLAGS = {
  'dump': {
    'database-url': { type: 'string' },
    'to': { type: 'string' },
    'format': { type: 'string' },
    'jobs': { type: 'string', short: 'j' },
    'compress': { type: 'string', short: 'Z' },
    'table': { type: 'string', short: 't', multiple: true },
    'exclude-table': { type: 'string', short: 'T', multiple: true },
    'schema': { type: 'string', short: 'n', multiple: true },
    'exclude-schema': { type: 'string', short: 'N', multiple: true },
    'schema-only': { type: 'boolean', short: 's' },
    'data-only': { type: 'boolean', short: 'a' },
    'no-owner': { type: 'boolean', short: 'O' },
    'no-acl': { type: 'boolean', short: 'x' },
    'globals': { type: 'boolean' },
    'no-role-passwords': { type: 'boolean' },
    'row-counts': { type: 'string' },
    'lock-wait-timeout': { type: 'string' },
  },
  'verify': {
    'from': { type: 'string' },
    'backup': { type: 'string' },
    'latest': { type: 'boolean' },
    'target-url': { type: 'string' },
    'jobs': { type: 'string', short: 'j' },
    'check': { type: 'string', multiple: true },
    'amcheck': { type: 'boolean' },
    'keep': { type: 'boolean' },
  },
  'restore': {
    'from': { type: 'string' },
    'backup': { type: 'string' },
    'latest': { type: 'boolean' },
    'target-url': { type: 'string' },
    'jobs': { type: 'string', short: 'j' },
    'table': { type: 'string', short: 't', multiple: true },
    'clean': { type: 'boolean', short: 'c' },
    'create': { type: 'boolean', short: 'C' },
    'no-owner': { type: 'boolean', short: 'O' },
    'no-acl': { type: 'boolean', short: 'x' },
  },
  'list': {
    from: { type: 'string' },
  },
  'check': CHECK_COMMAND_FLAGS,
  'drill-pitr': DRILL_PITR_COMMAND_FLAGS,
  'check-archive': CHECK_ARCHIVE_COMMAND_FLAGS,
} as const satisfies Record<CommandName, ParseArgsConfig['options']>;

/** The parsed flags of a command: strings, string lists and booleans by flag name. */
export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/** A parsed command line. */
export interface ParsedCommandLine {
  /** The command. */
  readonly command: CommandName;
  /** Its flags, by long name. */
  readonly flags: ParsedFlags;
  /** `--help` was given. */
  readonly help: boolean;
}

/** The commands, for usage messages. */
export const COMMANDS: readonly CommandName[] = ['dump', 'verify', 'restore', 'list', 'check', 'drill-pitr', 'check-archive'];

/** Splits `pg-backup <command> [flags]` into the command and its flags; unknown flags are usage errors. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const [command, ...rest] = argv;
  if (!COMMANDS.includes(command as CommandName)) {
    throw new UsageError(`the command is ${JSON.stringify(command ?? '')}; allowed: ${COMMANDS.join(', ')}`);
  }
  const options = { ...COMMON_FLAGS, ...COMMAND_FLAGS[command as CommandName] };
  try {
    const { values } = parseArgs({ args: [...rest], options, allowPositionals: false, strict: true });
    return { command: command as CommandName, flags: values as ParsedFlags, help: values.help === true };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** Reads typed values out of parsed flags, collecting every problem through the core {@link Validator}. */
export class FlagReader {
  private readonly validator = new Validator();

  constructor(private readonly flags: ParsedFlags, private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** A string flag, else an environment variable. */
  public string(flag: string, envName?: string): string | undefined {
    const value = this.flags[flag];
    if (typeof value === 'string') return value;
    return envName ? this.env[envName] || undefined : undefined;
  }

  /** A string flag that must be present. */
  public required(flag: string): string {
    const value = this.string(flag);
    if (value === undefined || value === '') {
      this.validator.report({ path: `--${flag}`, value, allowed: 'a value (the flag is required)' });
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
    this.validator.nonEmptyStrings(`--${flag}`, values);
    return values;
  }

  /** A whole number within a range. */
  public integer(flag: string, min: number, max: number, fallback: number, envName?: string): number {
    const text = this.string(flag, envName);
    if (text === undefined) return fallback;
    const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
    return this.validator.integer(`--${flag}`, value, min, max) ? value : fallback;
  }

  /** A number of seconds within a range. */
  public seconds(flag: string, min: number, max: number, fallback: number, envName?: string): number {
    const text = this.string(flag, envName);
    if (text === undefined) return fallback;
    const value = parseDurationSeconds(text);
    if (value === undefined) {
      this.validator.report({ path: `--${flag}`, value: text, allowed: 'a duration such as 30s, 500ms, 5m or 1h (a bare number is seconds)' });
      return fallback;
    }
    return this.validator.number(`--${flag}`, value, min, max, 'seconds') ? value : fallback;
  }

  /** One of a fixed set. */
  public oneOf<T extends string>(flag: string, allowed: readonly T[], fallback: T, envName?: string): T {
    const value = this.string(flag, envName);
    if (value === undefined) return fallback;
    return this.validator.oneOf(`--${flag}`, value as T, allowed) ? (value as T) : fallback;
  }

  /** Records a problem found by the caller. */
  public report(flag: string, value: unknown, allowed: string, reason?: string): void {
    this.validator.report({ path: `--${flag}`, value, allowed, reason });
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

/** Parses `30s`, `500ms`, `5m`, `1h` or a bare number of seconds. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?\s*$/.exec(text);
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
    default:
      return value;
  }
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

/** Usage text of `pg-backup`. */
export const USAGE = `Usage:
  pg-backup dump    --database-url URL --to URI [--format custom|directory] [--jobs N]
                    [--compress 0..9|gzip:N|lz4:N|zstd:N] [--table T]... [--exclude-table T]...
                    [--schema S]... [--exclude-schema S]... [--schema-only|--data-only] [--no-owner]
                    [--no-acl] [--globals [--no-role-passwords]] [--row-counts exact|estimate|off]
                    [--lock-wait-timeout DUR] [--database NAME]
  pg-backup verify  --from URI [--backup ID|--latest] [--database NAME] --target-url URL [--jobs N]
                    [--check FILE.sql]... [--amcheck] [--keep]
  pg-backup restore --from URI [--backup ID|--latest] [--database NAME] --target-url URL [--jobs N]
                    [--table T]... [--clean] [--create] [--no-owner] [--no-acl]
  pg-backup list    --from URI [--database NAME]
${CHECK_USAGE}
${DRILL_PITR_USAGE}
${CHECK_ARCHIVE_USAGE}

URIs: s3://bucket/prefix, azblob://account/container/prefix, file:///path
Every command: [--secret-env VAR] [--s3-endpoint URL] [--part-size-mb N] [--upload-concurrency N]
  [--scratch-dir DIR] [--progress-interval DUR] [--metrics stderr|off] [--metrics-namespace NS]
  [--metric-dimension Name=Value]... [--log-level LEVEL]

stdout carries one JSON result line; logs and CloudWatch Embedded Metric Format lines go to stderr.
Exit status: 0 success, 1 failure, 2 usage error, 143 SIGTERM, 130 SIGINT.`;
