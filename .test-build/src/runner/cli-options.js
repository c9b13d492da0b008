"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.ROW_COUNT_MODES = exports.FlagReader = exports.COMMON_FLAGS = exports.DEFAULT_PROGRESS_INTERVAL_SECONDS = exports.DEFAULT_UPLOAD_CONCURRENCY = exports.DEFAULT_PART_SIZE_MB = void 0;
exports.parseDurationSeconds = parseDurationSeconds;
exports.parseCompression = parseCompression;
exports.readCommonOptions = readCommonOptions;
const os = __importStar(require("node:os"));
const core_1 = require("../core");
const embedded_metrics_1 = require("./embedded-metrics");
const runner_error_1 = require("./runner-error");
/**
 * Defaults of the tuning flags: 8 MiB parts, 4 in flight, so about 32 MiB of dump is buffered. A dump
 * of a database over about 36 GB gets larger parts, to stay within S3's 10,000 parts.
 */
exports.DEFAULT_PART_SIZE_MB = 8;
/** Parts in flight at once by default. */
exports.DEFAULT_UPLOAD_CONCURRENCY = 4;
/** Seconds between progress lines by default. */
exports.DEFAULT_PROGRESS_INTERVAL_SECONDS = 10;
/** The flags every command takes. */
exports.COMMON_FLAGS = [
    { name: 'secret-env', value: 'VAR', description: 'environment variable holding an RDS-style secret JSON (host, port, username, password, dbname)', default: 'PG_BACKUP_DATABASE_SECRET', example: '--secret-env PG_BACKUP_SECRET_1' },
    { name: 's3-endpoint', value: 'URL', description: 'S3-compatible endpoint', default: 'AWS_ENDPOINT_URL_S3, else AWS', example: '--s3-endpoint http://127.0.0.1:4569' },
    { name: 'part-size-mb', value: 'N', description: 'upload part size in MiB, 5 to 5000 (env PG_BACKUP_PART_SIZE_MB)', default: String(exports.DEFAULT_PART_SIZE_MB), example: '--part-size-mb 16' },
    { name: 'upload-concurrency', value: 'N', description: 'parts uploaded at once, 1 to 64 (env PG_BACKUP_UPLOAD_CONCURRENCY)', default: String(exports.DEFAULT_UPLOAD_CONCURRENCY), example: '--upload-concurrency 8' },
    { name: 'scratch-dir', value: 'DIR', description: 'local scratch space for directory dumps and downloads (env PG_BACKUP_SCRATCH_DIR)', default: 'the OS temp directory', example: '--scratch-dir /mnt/scratch' },
    { name: 'progress-interval', value: 'DUR', description: 'time between progress lines, 0 for none (env PG_BACKUP_PROGRESS_INTERVAL)', default: `${exports.DEFAULT_PROGRESS_INTERVAL_SECONDS}s`, example: '--progress-interval 30s' },
    { name: 'metrics', value: 'stderr|off', description: 'where CloudWatch Embedded Metric Format lines go (env PG_BACKUP_METRICS)', default: 'stderr', example: '--metrics off' },
    { name: 'metrics-namespace', value: 'NS', description: 'metric namespace (env PG_BACKUP_METRICS_NAMESPACE)', default: embedded_metrics_1.DEFAULT_METRICS_NAMESPACE, example: '--metrics-namespace Team/Backups' },
    { name: 'metric-dimension', value: 'Name=Value', repeatable: true, description: 'extra metric dimension (env PG_BACKUP_METRIC_DIMENSIONS, comma-separated)', example: '--metric-dimension Environment=prod' },
    { name: 'log-level', value: 'LEVEL', description: 'fatal, error, warn, info, debug or trace (env PG_BACKUP_LOG_LEVEL)', default: 'info', example: '--log-level debug' },
];
/** Reads typed values out of parsed flags, collecting every problem through the core {@link Validator}. */
class FlagReader {
    flags;
    env;
    validator = new core_1.Validator();
    constructor(flags, env = process.env) {
        this.flags = flags;
        this.env = env;
    }
    /** A string flag, else an environment variable. */
    string(flag, envName) {
        const value = this.flags[flag];
        if (typeof value === 'string')
            return value;
        return envName ? this.env[envName] || undefined : undefined;
    }
    /** A string flag that must be present. */
    required(flag) {
        const value = this.string(flag);
        if (value === undefined || value === '') {
            this.validator.report({ path: `--${flag}`, value, allowed: 'a value (the flag is required)' });
            return '';
        }
        return value;
    }
    /** A boolean flag. */
    boolean(flag) {
        return this.flags[flag] === true;
    }
    /** A repeatable flag. */
    list(flag) {
        const value = this.flags[flag];
        const values = Array.isArray(value) ? value : [];
        this.validator.nonEmptyStrings(`--${flag}`, values);
        return values;
    }
    /** A whole number within a range. */
    integer(flag, min, max, fallback, envName) {
        const text = this.string(flag, envName);
        if (text === undefined)
            return fallback;
        const value = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
        return this.validator.integer(`--${flag}`, value, min, max) ? value : fallback;
    }
    /** A number of seconds within a range. */
    seconds(flag, min, max, fallback, envName) {
        const text = this.string(flag, envName);
        if (text === undefined)
            return fallback;
        const value = parseDurationSeconds(text);
        if (value === undefined) {
            this.validator.report({ path: `--${flag}`, value: text, allowed: 'a duration such as 30s, 500ms, 5m, 1h or 2d (a bare number is seconds)' });
            return fallback;
        }
        return this.validator.number(`--${flag}`, value, min, max, 'seconds') ? value : fallback;
    }
    /** One of a fixed set. */
    oneOf(flag, allowed, fallback, envName) {
        const value = this.string(flag, envName);
        if (value === undefined)
            return fallback;
        return this.validator.oneOf(`--${flag}`, value, allowed) ? value : fallback;
    }
    /** Records a problem found by the caller. */
    report(flag, value, allowed, reason) {
        this.validator.report({ path: `--${flag}`, value, allowed, reason });
    }
    /** Throws a {@link UsageError} listing every problem found so far. */
    throwIfInvalid(command) {
        try {
            this.validator.throwIfInvalid();
        }
        catch (error) {
            if (!(error instanceof core_1.PolicyValidationError))
                throw error;
            throw new runner_error_1.UsageError(`${command}: ${error.issues.map(core_1.formatIssue).join('; ')}`);
        }
    }
}
exports.FlagReader = FlagReader;
/** Parses `30s`, `500ms`, `5m`, `1h`, `2d` or a bare number of seconds. */
function parseDurationSeconds(text) {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/.exec(text);
    if (!match)
        return undefined;
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
/** Parses `--compress`: a level 0-9 stays a number, the method forms stay strings (checked by core). */
function parseCompression(text) {
    if (text === undefined)
        return undefined;
    return /^\d$/.test(text) ? Number(text) : text;
}
/** The row-count modes. */
exports.ROW_COUNT_MODES = ['exact', 'estimate', 'off'];
/** Reads the flags every command shares. */
function readCommonOptions(reader, env = process.env) {
    const partSizeMb = reader.integer('part-size-mb', 5, 5000, exports.DEFAULT_PART_SIZE_MB, 'PG_BACKUP_PART_SIZE_MB');
    const concurrency = reader.integer('upload-concurrency', 1, 64, exports.DEFAULT_UPLOAD_CONCURRENCY, 'PG_BACKUP_UPLOAD_CONCURRENCY');
    const progressSeconds = reader.seconds('progress-interval', 0, 3600, exports.DEFAULT_PROGRESS_INTERVAL_SECONDS, 'PG_BACKUP_PROGRESS_INTERVAL');
    const dimensionEntries = [
        ...(env.PG_BACKUP_METRIC_DIMENSIONS ? env.PG_BACKUP_METRIC_DIMENSIONS.split(',').filter((entry) => entry.trim() !== '') : []),
        ...reader.list('metric-dimension'),
    ];
    let dimensions = {};
    try {
        dimensions = (0, embedded_metrics_1.parseDimensions)(dimensionEntries);
    }
    catch (error) {
        reader.report('metric-dimension', dimensionEntries, 'Name=Value entries', error.message);
    }
    return {
        tuning: { partSizeBytes: partSizeMb * 1024 * 1024, concurrency },
        s3Endpoint: reader.string('s3-endpoint'),
        scratchDirectory: reader.string('scratch-dir', 'PG_BACKUP_SCRATCH_DIR') ?? os.tmpdir(),
        progressIntervalMs: Math.round(progressSeconds * 1000),
        metrics: {
            namespace: reader.string('metrics-namespace', 'PG_BACKUP_METRICS_NAMESPACE') ?? embedded_metrics_1.DEFAULT_METRICS_NAMESPACE,
            dimensions,
            destination: reader.oneOf('metrics', ['stderr', 'off'], 'stderr', 'PG_BACKUP_METRICS'),
        },
        logLevel: reader.oneOf('log-level', ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], 'info', 'PG_BACKUP_LOG_LEVEL'),
        secretEnv: reader.string('secret-env'),
        database: reader.string('database'),
    };
}
