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
exports.ManagedPostgresDatabase = void 0;
exports.managedSnapshotArgs = managedSnapshotArgs;
exports.managedClusterSnapshotArgs = managedClusterSnapshotArgs;
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
/**
 * A managed PostgreSQL database whose backups a {@link ManagedPostgresBackupPlan} sets up: an RDS for PostgreSQL
 * instance, an Aurora PostgreSQL cluster, or one imported by identifier or ARN.
 */
class ManagedPostgresDatabase {
    /** An RDS for PostgreSQL instance of this program. */
    static fromInstance(instance, options = {}) {
        return new ManagedPostgresDatabase({
            kind: 'instance',
            resource: instance,
            identifier: instance.identifier,
            arnOf: () => instance.arn,
            storageEncryption: encryptionOf(instance.storageEncrypted, options),
            settings: pulumi.all([
                instance.backupRetentionPeriod, instance.backupWindow, instance.maintenanceWindow, instance.copyTagsToSnapshot,
                instance.deleteAutomatedBackups, instance.skipFinalSnapshot,
            ]).apply(([retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal]) => settingsOf(retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal)),
        });
    }
    /** An Aurora PostgreSQL cluster of this program; its instances are covered by the cluster's backups. */
    static fromCluster(cluster, options = {}) {
        return new ManagedPostgresDatabase({
            kind: 'aurora-cluster',
            resource: cluster,
            identifier: cluster.clusterIdentifier,
            arnOf: () => cluster.arn,
            storageEncryption: encryptionOf(cluster.storageEncrypted, options),
            settings: pulumi.all([
                cluster.backupRetentionPeriod, cluster.preferredBackupWindow, cluster.preferredMaintenanceWindow, cluster.copyTagsToSnapshot,
                cluster.deleteAutomatedBackups, cluster.skipFinalSnapshot,
            ]).apply(([retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal]) => settingsOf(retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal)),
        });
    }
    /** A database this program does not define, by identifier, in the provider's account and region. */
    static fromIdentifier(props) {
        return new ManagedPostgresDatabase({
            kind: props.kind,
            identifier: pulumi.output(props.identifier),
            arnOf: (environment) => (0, aws_environment_1.formatArn)(environment, 'rds', `${props.kind === 'instance' ? 'db' : 'cluster'}:${props.identifier}`),
            storageEncryption: pulumi.output(props.storageEncryption ?? 'unknown'),
        });
    }
    /** A database this program does not define, by ARN (`arn:aws:rds:<region>:<account>:db:<id>` or `…:cluster:<id>`). */
    static fromArn(arn, props = {}) {
        const parts = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:(db|cluster):([A-Za-z][A-Za-z0-9-]*)$/.exec(arn);
        if (!parts) {
            throw new Error(`ManagedPostgresDatabase.fromArn: ${JSON.stringify(arn)} is not the ARN of an RDS DB instance (…:db:<id>) or Aurora cluster (…:cluster:<id>)`);
        }
        return new ManagedPostgresDatabase({
            kind: parts[1] === 'db' ? 'instance' : 'aurora-cluster',
            identifier: pulumi.output(parts[2]),
            arnOf: () => pulumi.output(arn),
            storageEncryption: pulumi.output(props.storageEncryption ?? 'unknown'),
        });
    }
    /** Instance or Aurora cluster. */
    kind;
    /** DB instance or cluster identifier. */
    identifier;
    /** How its storage is encrypted, once known. */
    storageEncryption;
    /** Its automated-backup settings, for a database of this program. */
    settings;
    /** AWS Backup's resource type for it: `RDS` for an instance, `Aurora` for a cluster. */
    backupResourceType;
    /** The RDS resource of this program, when made from one (`fromInstance`, `fromCluster`). */
    resource;
    arnOf;
    constructor(spec) {
        this.kind = spec.kind;
        this.identifier = spec.identifier;
        this.storageEncryption = spec.storageEncryption;
        this.settings = spec.settings;
        this.backupResourceType = spec.kind === 'instance' ? 'RDS' : 'Aurora';
        this.arnOf = spec.arnOf;
        this.resource = spec.resource;
    }
    /** Whether the database is defined in this program, so its settings are read back and checked. */
    get managedHere() {
        return this.settings !== undefined;
    }
    /** Its ARN (in `environment` for an imported identifier). */
    arn(environment) {
        return this.arnOf(environment);
    }
}
exports.ManagedPostgresDatabase = ManagedPostgresDatabase;
function encryptionOf(storageEncrypted, options) {
    if (options.storageEncryption !== undefined)
        return pulumi.output(options.storageEncryption);
    return storageEncrypted.apply((encrypted) => (encrypted === false ? 'none' : 'unknown'));
}
function settingsOf(retention, backupWindow, maintenanceWindow, copyTags, deleteAutomated, skipFinal) {
    return {
        backupRetentionDays: retention,
        preferredBackupWindow: backupWindow || undefined,
        preferredMaintenanceWindow: maintenanceWindow || undefined,
        copyTagsToSnapshot: copyTags,
        finalSnapshot: deleteAutomated === false && skipFinal === false,
    };
}
/**
 * The automated-backup arguments of an `aws.rds.Instance` for a snapshot policy (retention, windows, tags copied to
 * snapshots, a final snapshot and automated backups kept on deletion). In Pulumi a component cannot change another
 * resource's arguments after the fact as CDK does, so spread these into the instance; `ManagedPostgresBackupPlan`
 * then checks that the instance has them. For an `aws.rds.Cluster`, the windows are `preferredBackupWindow` and
 * `preferredMaintenanceWindow`: use {@link managedClusterSnapshotArgs}.
 */
function managedSnapshotArgs(snapshots, props) {
    const finalSnapshot = snapshots.finalSnapshot ?? true;
    return {
        backupRetentionPeriod: snapshots.backupRetentionDays ?? 7,
        ...(snapshots.preferredBackupWindow !== undefined ? { backupWindow: snapshots.preferredBackupWindow } : {}),
        ...(snapshots.preferredMaintenanceWindow !== undefined ? { maintenanceWindow: snapshots.preferredMaintenanceWindow } : {}),
        copyTagsToSnapshot: snapshots.copyTagsToSnapshot ?? true,
        deleteAutomatedBackups: !finalSnapshot,
        skipFinalSnapshot: !finalSnapshot,
        ...(finalSnapshot ? { finalSnapshotIdentifier: props.finalSnapshotIdentifier } : {}),
    };
}
/** {@link managedSnapshotArgs} for an `aws.rds.Cluster` (Aurora PostgreSQL). */
function managedClusterSnapshotArgs(snapshots, props) {
    const { backupWindow, maintenanceWindow, ...rest } = managedSnapshotArgs(snapshots, props);
    return {
        ...rest,
        ...(backupWindow !== undefined ? { preferredBackupWindow: backupWindow } : {}),
        ...(maintenanceWindow !== undefined ? { preferredMaintenanceWindow: maintenanceWindow } : {}),
    };
}
