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
exports.RequirePostgresBackups = exports.BACKUP_PROTECTION_KINDS = exports.UNPROTECTED_DATABASE_ANNOTATION_ID = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const rds = __importStar(require("aws-cdk-lib/aws-rds"));
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
/** The id of the annotation {@link RequirePostgresBackups} adds, for `Annotations.acknowledgeWarning`. */
exports.UNPROTECTED_DATABASE_ANNOTATION_ID = 'postgres-backup:unprotected-database';
/** The protection kinds that count as backups: restore drills alone protect nothing. */
exports.BACKUP_PROTECTION_KINDS = ['logical-dump', 'managed-backup', 'wal-archive'];
/**
 * An Aspect that proves every PostgreSQL database of an app is backed up: each RDS for PostgreSQL instance and
 * Aurora PostgreSQL cluster in its scope that no backup construct of this library covers (a `ScheduledPgDump`, a
 * `ManagedPostgresBackupPlan`, a `PostgresBackupBlueprint`, a `SelfHostedPitrArchive`, which record what they protect
 * as construct metadata) gets an error annotation naming its construct path, or a warning by option.
 *
 * ```ts
 * Aspects.of(app).add(new RequirePostgresBackups());
 * ```
 *
 * Instances of an Aurora cluster are covered by the cluster; read replicas are skipped unless asked for; other
 * engines are ignored.
 */
class RequirePostgresBackups {
    level;
    includeReadReplicas;
    protectedPaths = new WeakMap();
    constructor(props = {}) {
        this.level = props.level ?? 'error';
        this.includeReadReplicas = props.includeReadReplicas ?? false;
    }
    visit(node) {
        const database = postgresDatabaseOf(node, this.includeReadReplicas);
        if (database === undefined)
            return;
        const path = database.node.path;
        if (this.protectedIn(node.node.root).has(path))
            return;
        const message = `The PostgreSQL database ${path} has no backups: no ScheduledPgDump, ManagedPostgresBackupPlan, `
            + 'PostgresBackupBlueprint or SelfHostedPitrArchive protects it. Protect it, or acknowledge this '
            + `(${exports.UNPROTECTED_DATABASE_ANNOTATION_ID}) with the reason it needs none.`;
        if (this.level === 'error') {
            aws_cdk_lib_1.Annotations.of(database).addError(message);
        }
        else {
            aws_cdk_lib_1.Annotations.of(database).addWarningV2(exports.UNPROTECTED_DATABASE_ANNOTATION_ID, message);
        }
    }
    /** The construct paths that backup constructs anywhere in the app record as protected. */
    protectedIn(root) {
        // Aspects run after the app is built, so the metadata is complete; it is read once per app.
        let paths = this.protectedPaths.get(root);
        if (paths === undefined) {
            paths = new Set();
            for (const construct of root.node.findAll()) {
                for (const entry of construct.node.metadata) {
                    if (entry.type !== scheduled_pg_dump_1.PROTECTION_METADATA_TYPE)
                        continue;
                    const data = entry.data;
                    if (data.database !== undefined && exports.BACKUP_PROTECTION_KINDS.includes(data.kind ?? ''))
                        paths.add(data.database);
                }
            }
            this.protectedPaths.set(root, paths);
        }
        return paths;
    }
}
exports.RequirePostgresBackups = RequirePostgresBackups;
/**
 * The construct that stands for a PostgreSQL database, when `node` is one: an L2 instance or cluster (its default
 * child is the CloudFormation resource), or a bare `CfnDBInstance` / `CfnDBCluster`.
 */
function postgresDatabaseOf(node, includeReadReplicas) {
    const resource = node instanceof rds.CfnDBInstance || node instanceof rds.CfnDBCluster ? node : undefined;
    if (resource === undefined)
        return undefined;
    const engine = resource.engine;
    if (engine === undefined || aws_cdk_lib_1.Token.isUnresolved(engine) || !['postgres', 'aurora-postgresql'].includes(engine.toLowerCase()))
        return undefined;
    if (resource instanceof rds.CfnDBInstance) {
        // An instance of a cluster is backed up with the cluster.
        if (resource.dbClusterIdentifier !== undefined)
            return undefined;
        if (resource.sourceDbInstanceIdentifier !== undefined && !includeReadReplicas)
            return undefined;
    }
    const parent = resource.node.scope;
    return parent !== undefined && parent.node.defaultChild === resource && !(parent instanceof aws_cdk_lib_1.Stack) ? parent : resource;
}
