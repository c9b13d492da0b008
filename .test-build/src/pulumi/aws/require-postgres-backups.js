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
exports.RequirePostgresBackups = exports.UnprotectedPostgresDatabasesError = void 0;
exports.recordProtectedDatabase = recordProtectedDatabase;
const pulumi = __importStar(require("@pulumi/pulumi"));
const validation_1 = require("../../core/validation");
const BACKUP_PROTECTION_KINDS = ['logical-dump', 'managed-backup', 'wal-archive'];
/** The RDS resources of this program that a backup component protects, and how; weak, so the registry keeps nothing alive. */
const protections = new WeakMap();
/**
 * Records that a backup component of this library protects `resource`, an RDS instance or cluster of this program, for
 * {@link RequirePostgresBackups}. `ScheduledPgDump` records a logical dump, `ManagedPostgresBackupPlan` a managed
 * backup; a database given by secret, identifier or ARN has no resource here (`undefined`), and nothing is recorded.
 */
function recordProtectedDatabase(resource, kind) {
    // Callers from plain JavaScript are not held to the type, and a restore drill must never count as a backup.
    if (!BACKUP_PROTECTION_KINDS.includes(kind)) {
        throw new Error(`recordProtectedDatabase: kind is ${JSON.stringify(kind)}; allowed: one of: ${BACKUP_PROTECTION_KINDS.join(', ')}`);
    }
    if (resource === undefined)
        return;
    let kinds = protections.get(resource);
    if (kinds === undefined) {
        kinds = new Set();
        protections.set(resource, kinds);
    }
    kinds.add(kind);
}
/**
 * Thrown by {@link RequirePostgresBackups.check} at level `error`: one error naming every unprotected database, so
 * they are all fixed in one pass.
 */
class UnprotectedPostgresDatabasesError extends Error {
    /** The Pulumi resource names of the unprotected databases, in the order they were created. */
    databases;
    constructor(message, databases) {
        super(message);
        this.name = 'UnprotectedPostgresDatabasesError';
        this.databases = databases;
    }
}
exports.UnprotectedPostgresDatabasesError = UnprotectedPostgresDatabasesError;
const INSTANCE_TYPE = 'aws:rds/instance:Instance';
const CLUSTER_TYPE = 'aws:rds/cluster:Cluster';
const POSTGRES_ENGINES = ['postgres', 'aurora-postgresql'];
const BACKUP_COMPONENTS = 'no ScheduledPgDump, ManagedPostgresBackupPlan or PostgresBackupBlueprint protects';
/**
 * Proves that every PostgreSQL database of a Pulumi program is backed up: each RDS for PostgreSQL instance and
 * Aurora PostgreSQL cluster (`aws.rds.Instance` with engine `postgres`, `aws.rds.Cluster` with engine
 * `aurora-postgresql` or `postgres`) created after the guard that no `ScheduledPgDump`, `ManagedPostgresBackupPlan`
 * or `PostgresBackupBlueprint` of this library protects (through `PostgresDatabase.fromInstance/fromCluster` or
 * `ManagedPostgresDatabase.fromInstance/fromCluster`) is reported by {@link RequirePostgresBackups.check}: all of
 * them in one error, or a warning on each by option.
 *
 * ```ts
 * const guard = new RequirePostgresBackups();   // first, before the resources it is to see
 * const orders = new aws.rds.Instance('orders', { engine: 'postgres', ... });
 * new ScheduledPgDump('orders', { database: PostgresDatabase.fromInstance(orders), ... });
 * const scratch = new aws.rds.Instance('scratch', { engine: 'postgres', ... });
 * guard.acknowledge(scratch, 'rebuilt from fixtures by every test run');
 * export const unprotectedDatabases = guard.check();   // last
 * ```
 *
 * Aurora cluster instances (`aws.rds.ClusterInstance`) are covered by their cluster and never checked; read replicas
 * are skipped unless asked for; other engines are ignored; resources read with `get` are not this program's and are
 * not checked.
 *
 * How it differs from the CDK Aspect:
 * - Pulumi has no phase after the program is built in which an aspect could visit the tree, so the program calls
 *   {@link RequirePostgresBackups.check} after creating its resources. Resources created after that call, such as
 *   those created inside `apply` callbacks that run later, are not seen; neither are resources created before the
 *   guard, nor the children of components created before it (a component takes its transformations when it is
 *   created).
 * - The guard sees resources through `pulumi.runtime.registerStackTransformation`: a transformation the SDK runs in
 *   the program itself, synchronously, while each resource is constructed, with the resource object, type, name and
 *   inputs. The newer `registerResourceTransform` runs in the Pulumi engine, asynchronously, and is refused under
 *   `pulumi.runtime.setMocks` ("The Pulumi CLI does not support transforms"), so a guard built on it could not be
 *   unit tested, and its findings would not be complete when the program's last line runs. A stack transformation
 *   needs the stack resource, which `pulumi up` and `pulumi preview` always have; a unit test creates it with
 *   `pulumi.runtime.runInPulumiStack`. It does not see the children of multi-language components, which the engine
 *   constructs in another process.
 * - An engine given as an output or a promise, or not given (an instance restored from a snapshot; a read replica
 *   whose source is not an instance of this program), is not known while the program runs. Such a database is checked
 *   as if it were PostgreSQL, and the finding says so: skipping it would let an unprotected database pass. Acknowledge
 *   it when it is not PostgreSQL. A read replica whose `replicateSourceDb` is its source's `identifier`, `arn` or `id`
 *   (or the source's plain identifier) has the source's engine.
 * - A database that deliberately needs no backup is acknowledged with {@link RequirePostgresBackups.acknowledge},
 *   the counterpart of CDK's `Annotations.acknowledgeWarning`, at either level.
 */
class RequirePostgresBackups {
    /** The level findings are reported at. */
    level;
    /** Whether read replicas are checked too. */
    includeReadReplicas;
    candidates = [];
    acknowledged = new Map();
    constructor(props = {}) {
        const validator = new validation_1.Validator();
        validator.oneOf('RequirePostgresBackups.level', props.level, ['error', 'warning']);
        validator.throwIfInvalid();
        this.level = props.level ?? 'error';
        this.includeReadReplicas = props.includeReadReplicas ?? false;
        try {
            pulumi.runtime.registerStackTransformation((args) => {
                this.observe(args);
                // The guard only looks: the resource is created as the program wrote it.
                return undefined;
            });
        }
        catch (error) {
            throw new Error('RequirePostgresBackups must be created inside a Pulumi program, where the stack resource exists '
                + `(in a unit test under pulumi.runtime.setMocks, inside pulumi.runtime.runInPulumiStack): ${error.message}`);
        }
    }
    /**
     * Accepts that `database` has no backups, for `reason` (why it needs none: scratch data, rebuilt from a source,
     * backed up outside this library…), so {@link RequirePostgresBackups.check} passes it at either level.
     */
    acknowledge(database, reason) {
        const validator = new validation_1.Validator();
        if (typeof reason !== 'string' || reason.trim() === '') {
            validator.report({
                path: 'RequirePostgresBackups.acknowledge.reason', value: reason, allowed: 'a non-empty reason why the database needs no backups',
            });
        }
        validator.throwIfInvalid();
        this.acknowledged.set(database, reason);
    }
    /**
     * Reports every PostgreSQL database created since the guard that no backup component protects and that is not
     * acknowledged: at level `error` it throws one {@link UnprotectedPostgresDatabasesError} naming them all; at level
     * `warning` it logs a warning on each. Call it after the program has created its resources.
     *
     * @returns the Pulumi resource names of the unprotected databases (empty when all are protected), e.g. to export
     *   as a stack output at level `warning`
     */
    check() {
        const unprotected = this.candidates
            .map((candidate) => ({ candidate, engine: this.engineOf(candidate, new Set()) }))
            .filter(({ candidate, engine }) => engine !== 'other' && this.isChecked(candidate) && !this.isCovered(candidate));
        const names = unprotected.map(({ candidate }) => candidate.name);
        if (unprotected.length === 0)
            return names;
        const advice = 'acknowledge it with RequirePostgresBackups.acknowledge(database, reason) giving the reason it needs none.';
        if (this.level === 'warning') {
            for (const { candidate, engine } of unprotected) {
                const message = `The PostgreSQL database ${describe(candidate, engine)} has no backups: ${BACKUP_COMPONENTS} it. Protect it, or ${advice}`;
                void pulumi.log.warn(message, candidate.resource);
            }
            return names;
        }
        const one = unprotected.length === 1;
        const list = unprotected.map(({ candidate, engine }) => `  - ${describe(candidate, engine)}\n`).join('');
        throw new UnprotectedPostgresDatabasesError(`${one ? 'One PostgreSQL database has' : `${unprotected.length} PostgreSQL databases have`} no backups: `
            + `${BACKUP_COMPONENTS} ${one ? 'it' : 'them'}:\n${list}Protect each, or ${advice}`, names);
    }
    observe(args) {
        if (args.type !== INSTANCE_TYPE && args.type !== CLUSTER_TYPE)
            return;
        // `get` reads a database another program manages; an `import` adopts one, which this program then manages.
        if (args.opts.id !== undefined)
            return;
        this.candidates.push({
            resource: args.resource,
            name: args.name,
            type: args.type,
            engine: args.props.engine,
            identifier: args.props.identifier,
            replicateSourceDb: args.type === INSTANCE_TYPE ? args.props.replicateSourceDb : undefined,
        });
    }
    isChecked(candidate) {
        return this.includeReadReplicas || !isSet(candidate.replicateSourceDb);
    }
    isCovered(candidate) {
        return protections.has(candidate.resource) || this.acknowledged.has(candidate.resource);
    }
    engineOf(candidate, visited) {
        const engine = candidate.engine;
        if (typeof engine === 'string' && engine !== '')
            return POSTGRES_ENGINES.includes(engine.toLowerCase()) ? 'postgres' : 'other';
        if (isSet(engine))
            return 'unknown';
        // A read replica is created with its source's engine.
        visited.add(candidate);
        const source = isSet(candidate.replicateSourceDb) ? this.sourceOf(candidate.replicateSourceDb) : undefined;
        return source === undefined || visited.has(source) ? 'unknown' : this.engineOf(source, visited);
    }
    sourceOf(replicateSourceDb) {
        return this.candidates.find((candidate) => {
            if (candidate.type !== INSTANCE_TYPE)
                return false;
            if (typeof replicateSourceDb === 'string')
                return candidate.identifier === replicateSourceDb;
            const attributes = candidate.resource;
            return ['identifier', 'arn', 'id'].some((attribute) => attributes[attribute] === replicateSourceDb);
        });
    }
}
exports.RequirePostgresBackups = RequirePostgresBackups;
/** Whether an optional input was given: an output or a promise counts, whatever it turns out to hold. */
function isSet(value) {
    return value !== undefined && value !== null && value !== '';
}
function describe(candidate, engine) {
    const note = engine === 'unknown' ? '; its engine is not known while the program runs, so it is checked as PostgreSQL' : '';
    return `${candidate.name} (${candidate.type}${note})`;
}
