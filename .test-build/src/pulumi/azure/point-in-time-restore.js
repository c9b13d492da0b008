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
exports.PointInTimeRestore = void 0;
exports.serverNameAndGroupOf = serverNameAndGroupOf;
const dbforpostgresql = __importStar(require("@pulumi/azure-native/dbforpostgresql"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const flexible_server_backup_1 = require("./flexible-server-backup");
const pulumi_validation_1 = require("../pulumi-validation");
const restore_window_1 = require("./restore-window");
const validation_1 = require("../../core/validation");
/**
 * A new Azure Database for PostgreSQL flexible server restored from another one at a point in time
 * (`createMode: PointInTimeRestore`), or from its geo-redundant copy in the paired region (`GeoRestore`). The
 * restore point is checked against the source server's backup window before anything is created: a time in the
 * future, before the retention reaches back, or not in UTC fails with the window that is allowed.
 */
class PointInTimeRestore extends pulumi.ComponentResource {
    /** The restored server. */
    server;
    /** Host name of the restored server. */
    host;
    /** The restore point used, once checked. */
    restorePointInTime;
    constructor(name, props, opts) {
        super('postgres-backup:azure:PointInTimeRestore', name, {}, opts);
        const geoRestore = props.geoRestore ?? false;
        const validator = new validation_1.Validator({ construct: name });
        validator.oneOf('geoRestore', geoRestore, [true, false]);
        validator.throwIfInvalid();
        if (props.sourceBackupRetentionDays !== undefined) {
            this.restorePointInTime = (0, pulumi_validation_1.validateWhenKnown)({ time: props.restorePointInTime, retention: props.sourceBackupRetentionDays }, (check, known) => {
                check.integer('sourceBackupRetentionDays', known.retention, 7, 35, 'days');
                (0, restore_window_1.checkRestorePointInTime)(check, 'restorePointInTime', known.time, { now: new Date(), backupRetentionDays: known.retention, geoRestore });
            }, name).apply((known) => known.time);
        }
        else {
            // The format is checked now; the window once the source server has been read.
            const formatted = (0, pulumi_validation_1.validateWhenKnown)(props.restorePointInTime, (check, time) => {
                (0, restore_window_1.checkRestorePointInTime)(check, 'restorePointInTime', time, { now: new Date(), geoRestore });
            }, name);
            const source = pulumi.output(props.sourceServerId).apply((id) => dbforpostgresql.getServerOutput(serverNameAndGroupOf(id), { parent: this }));
            this.restorePointInTime = pulumi.all([formatted, source]).apply(([time, server]) => {
                const check = new validation_1.Validator({ construct: name });
                (0, restore_window_1.checkRestorePointInTime)(check, 'restorePointInTime', time, {
                    now: new Date(),
                    backupRetentionDays: server.backup?.backupRetentionDays,
                    earliestRestoreDate: server.backup?.earliestRestoreDate,
                    geoRestore,
                });
                if (geoRestore && server.backup?.geoRedundantBackup !== 'Enabled') {
                    check.report({
                        path: 'geoRestore',
                        value: true,
                        allowed: `false: the source server ${server.name} has no geo-redundant backup`,
                        reason: 'a geo-restore reads the copy in the paired region, which only a server created with geo-redundant backup has',
                    });
                }
                check.throwIfInvalid();
                return time;
            });
        }
        const wantsBackupSettings = props.backupRetentionDays !== undefined || props.geoRedundantBackup !== undefined;
        const backup = wantsBackupSettings
            ? (0, flexible_server_backup_1.flexibleServerBackupArgs)({ backupRetentionDays: props.backupRetentionDays, geoRedundantBackup: props.geoRedundantBackup }).backup
            : undefined;
        this.server = new dbforpostgresql.Server(name, {
            resourceGroupName: props.resourceGroupName,
            serverName: props.serverName,
            location: props.location,
            createMode: geoRestore ? 'GeoRestore' : 'PointInTimeRestore',
            sourceServerResourceId: props.sourceServerId,
            pointInTimeUTC: this.restorePointInTime,
            backup,
            network: props.delegatedSubnetResourceId !== undefined
                ? { delegatedSubnetResourceId: props.delegatedSubnetResourceId, privateDnsZoneArmResourceId: props.privateDnsZoneArmResourceId }
                : undefined,
            tags: props.tags,
        }, { parent: this });
        this.host = this.server.fullyQualifiedDomainName;
        this.registerOutputs({ serverId: this.server.id, host: this.host, restorePointInTime: this.restorePointInTime });
    }
}
exports.PointInTimeRestore = PointInTimeRestore;
/** `/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/name` → its name and resource group. */
function serverNameAndGroupOf(serverId) {
    const match = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/i.exec(serverId);
    if (!match) {
        throw new Error(`sourceServerId is ${JSON.stringify(serverId)}; allowed: the id of a flexible server, `
            + '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>');
    }
    return { resourceGroupName: match[1], serverName: match[2] };
}
