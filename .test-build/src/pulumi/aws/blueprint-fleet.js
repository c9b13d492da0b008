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
exports.BLUEPRINT_SERVER_DIMENSION = exports.BLUEPRINT_RUNNER_CONTAINER_NAME = void 0;
exports.planBlueprintServers = planBlueprintServers;
const pulumi = __importStar(require("@pulumi/pulumi"));
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const blueprint_server_1 = require("../../core/blueprint-server");
const managed_backup_plan_1 = require("../../core/managed-backup-plan");
const pulumi_validation_1 = require("../pulumi-validation");
/** Name of the runner container in the fleet's dump and verify task definitions. */
exports.BLUEPRINT_RUNNER_CONTAINER_NAME = 'runner';
/** The metric dimension, besides `Database`, that tells apart databases of the same name on different servers. */
exports.BLUEPRINT_SERVER_DIMENSION = 'Server';
/**
 * Checks every server of the blueprint and resolves its tier, overrides and PostgreSQL major; problems are reported to
 * `validator` under `databases[i]`, and a server with problems is left out.
 */
function planBlueprintServers(props, tierOptions, lock, validator, parent) {
    const ids = new Set();
    const fleet = { tier: props.tier, tierOptions, lock, maxRpoHours: scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS, validation: pulumi_validation_1.PULUMI_VALIDATION_OPTIONS };
    const plans = [];
    props.databases.forEach((entry, index) => {
        const path = `databases[${index}]`;
        const managed = entry.managedDatabase !== undefined;
        const planned = (0, blueprint_server_1.planBlueprintServer)(validator, { ...entry, index, managed }, fleet, ids);
        const major = entry.postgresMajorVersion ?? entry.database.postgresMajorVersion;
        if (major === undefined) {
            validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
        }
        validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
        if (!planned)
            return;
        const applied = planned.policy;
        if (managed && (applied.backupPlan || applied.managedSnapshots)) {
            // The storage key is known only at deploy time here: account copies are checked as for an unknown key.
            (0, managed_backup_plan_1.checkManagedBackupPlan)({
                policy: {
                    managedSnapshots: applied.managedSnapshots,
                    backupPlan: applied.backupPlan,
                    copies: applied.copies,
                    immutability: lock,
                    sourceRegion: applied.sourceRegion,
                },
                vaultLock: props.vaultLock,
                storageEncryption: 'unknown',
            }, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS).forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
        }
        if (planned.pitrNotApplied)
            void pulumi.log.info((0, blueprint_server_1.pitrNotAppliedMessage)(entry.id, managed), parent);
        if (major === undefined)
            return;
        plans.push({
            index, entry, policy: applied, rpoHours: planned.rpoHours, major, databaseNames: planned.databaseNames, secretVariable: `PG_BACKUP_SECRET_${index}`,
        });
    });
    return plans;
}
