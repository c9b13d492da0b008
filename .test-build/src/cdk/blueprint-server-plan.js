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
exports.planServers = planServers;
exports.secretVariable = secretVariable;
exports.connectionOf = connectionOf;
exports.literalIdentifier = literalIdentifier;
exports.connectionPath = connectionPath;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const rds = __importStar(require("aws-cdk-lib/aws-rds"));
const constructs_1 = require("constructs");
const cdk_validation_1 = require("./cdk-validation");
const database_connection_1 = require("./database-connection");
const managed_postgres_database_1 = require("./managed-postgres-database");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const blueprint_server_1 = require("../core/blueprint-server");
const managed_backup_plan_1 = require("../core/managed-backup-plan");
/**
 * Checks every server of the blueprint and resolves its tier, overrides, PostgreSQL major and secret; problems are
 * reported to `validator` under `databases[i]`, and a server with problems is left out.
 */
function planServers(scope, props, tierOptions, lock, validator) {
    const ids = new Set();
    const plans = [];
    const fleet = { tier: props.tier, tierOptions, lock, maxRpoHours: scheduled_pg_dump_1.MAX_ALARM_RPO_HOURS, validation: cdk_validation_1.CDK_VALIDATION_OPTIONS };
    props.databases.forEach((entry, index) => {
        const path = `databases[${index}]`;
        const { connection, managed } = connectionOf(entry.database);
        const major = entry.postgresMajorVersion ?? connection.postgresMajorVersion;
        const planned = (0, blueprint_server_1.planBlueprintServer)(validator, { ...entry, index, managed: managed !== undefined }, fleet, ids);
        if (major === undefined) {
            validator.report({ path: `${path}.postgresMajorVersion`, value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
        }
        validator.integer(`${path}.postgresMajorVersion`, major, 10, 99);
        const wiring = connection.runnerWiring();
        const secret = wiring.secrets[database_connection_1.RUNNER_DATABASE_SECRET_ENV];
        if (wiring.databaseUrl !== undefined || secret === undefined) {
            validator.report({
                path: `${path}.database`,
                value: 'PostgresDatabase.fromSecret({ host })',
                allowed: 'a database whose secret holds its host (RDS-style JSON)',
                reason: 'the shared dump task takes each server\'s connection from its secret',
            });
        }
        if (!planned)
            return;
        const applied = planned.policy;
        if (managed && (applied.backupPlan || applied.managedSnapshots)) {
            const stack = aws_cdk_lib_1.Stack.of(scope);
            (0, managed_backup_plan_1.checkManagedBackupPlan)({
                policy: {
                    managedSnapshots: applied.managedSnapshots,
                    backupPlan: applied.backupPlan,
                    copies: applied.copies,
                    immutability: lock,
                    sourceRegion: applied.sourceRegion,
                },
                vaultLock: props.vaultLock,
                storageEncryption: managed.storageEncryption,
                sourceAccount: aws_cdk_lib_1.Token.isUnresolved(stack.account) ? undefined : stack.account,
            }, cdk_validation_1.CDK_VALIDATION_OPTIONS).forEach((issue) => validator.report({ ...issue, path: `${path}.${issue.path}` }, []));
        }
        if (planned.pitrNotApplied)
            aws_cdk_lib_1.Annotations.of(scope).addInfo((0, blueprint_server_1.pitrNotAppliedMessage)(entry.id, managed !== undefined));
        if (!secret || major === undefined)
            return;
        plans.push({
            index, entry, connection, managed, policy: applied, rpoHours: planned.rpoHours, major, databaseNames: planned.databaseNames, secret,
        });
    });
    return plans;
}
/** The dump task's environment variable that holds the server's secret. */
function secretVariable(server) {
    return `PG_BACKUP_SECRET_${server.index}`;
}
/** How to connect to an entry's server, and the RDS resource behind it, if any. */
function connectionOf(database) {
    if (database instanceof rds.DatabaseInstance) {
        return { connection: database_connection_1.PostgresDatabase.fromInstance(database), managed: managed_postgres_database_1.ManagedPostgresDatabase.fromInstance(database) };
    }
    if (database instanceof rds.DatabaseCluster) {
        return { connection: database_connection_1.PostgresDatabase.fromCluster(database), managed: managed_postgres_database_1.ManagedPostgresDatabase.fromCluster(database) };
    }
    const connections = database.connections;
    if (connections instanceof rds.DatabaseInstance)
        return { connection: database, managed: managed_postgres_database_1.ManagedPostgresDatabase.fromInstance(connections) };
    if (connections instanceof rds.DatabaseCluster)
        return { connection: database, managed: managed_postgres_database_1.ManagedPostgresDatabase.fromCluster(connections) };
    return { connection: database };
}
/** The identifier the database was given in this app, so runbooks can name it before deployment. */
function literalIdentifier(database) {
    const resource = database.resource;
    const identifier = resource instanceof rds.CfnDBInstance ? resource.dbInstanceIdentifier
        : resource instanceof rds.CfnDBCluster ? resource.dbClusterIdentifier : undefined;
    return identifier !== undefined && !aws_cdk_lib_1.Token.isUnresolved(identifier) ? identifier : undefined;
}
/** The construct path of the database the connection belongs to, for the protection metadata. */
function connectionPath(connection) {
    return constructs_1.Construct.isConstruct(connection.connections) ? connection.connections.node.path : undefined;
}
