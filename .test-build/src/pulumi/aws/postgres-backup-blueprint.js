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
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.PostgresBackupBlueprint = exports.BLUEPRINT_SERVER_DIMENSION = exports.BLUEPRINT_RUNNER_CONTAINER_NAME = void 0;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const backup_bucket_1 = require("./backup-bucket");
const backup_notifications_1 = require("./backup-notifications");
const blueprint_fleet_1 = require("./blueprint-fleet");
const blueprint_fleet_backup_plans_1 = require("./blueprint-fleet-backup-plans");
const blueprint_fleet_drills_1 = require("./blueprint-fleet-drills");
const blueprint_fleet_dumps_1 = require("./blueprint-fleet-dumps");
const dead_letter_queue_1 = require("./dead-letter-queue");
const managed_postgres_database_1 = require("./managed-postgres-database");
const metric_alarm_1 = require("./metric-alarm");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const blueprint_server_1 = require("../../core/blueprint-server");
const defaults_1 = require("../../core/defaults");
const lifecycle_1 = require("../../core/lifecycle");
const validation_1 = require("../../core/validation");
const pulumi_validation_1 = require("../pulumi-validation");
__exportStar(require("./postgres-backup-blueprint-props"), exports);
var blueprint_fleet_2 = require("./blueprint-fleet");
Object.defineProperty(exports, "BLUEPRINT_RUNNER_CONTAINER_NAME", { enumerable: true, get: function () { return blueprint_fleet_2.BLUEPRINT_RUNNER_CONTAINER_NAME; } });
Object.defineProperty(exports, "BLUEPRINT_SERVER_DIMENSION", { enumerable: true, get: function () { return blueprint_fleet_2.BLUEPRINT_SERVER_DIMENSION; } });
/**
 * Backups for a fleet of PostgreSQL databases from one tier, on shared infrastructure, so that each database adds
 * about three resources — the same design as the CDK `PostgresBackupBlueprint`: one ECS cluster, one bucket (a prefix
 * per server), one dump task definition and one verify task definition per PostgreSQL major, one restore-drill state
 * machine that drills any database named in its input, one topic, one dashboard, one AWS Backup vault; per database a
 * dump schedule (the shared task with its own command) and an RPO alarm; per server a security-group ingress rule; per
 * group of databases sharing drill settings, one drill schedule; per 40 servers a managed policy reading their secrets
 * (a role's inline policies share 10,240 characters).
 *
 * Each database's restore runbook (from core) is an output (`runbooks`, and `databases[i].runbook`), written to
 * `runbookDirectory` when asked; the monthly storage-cost estimate of each server with sizes is in `costEstimates`
 * and logged.
 *
 * Where Pulumi differs from CDK: a component cannot change the RDS instances' own arguments, so their automated
 * backups come from `PostgresBackupBlueprint.managedSnapshotArgs(tier, …)` spread into each instance (the blueprint
 * warns about every setting a database lacks); the scratch server of the drills trusts its task's loopback instead of
 * a generated password, as `VerifyRestore` does.
 *
 * What the shared pieces cost in isolation: every dump task can read every server's secret (they are all in the one
 * task definition), and the bucket's Object Lock and the vault lock are the blueprint's tier's for every database.
 */
class PostgresBackupBlueprint extends pulumi.ComponentResource {
    /**
     * The automated-backup arguments a tier gives an `aws.rds.Instance` (retention, windows, tags copied to snapshots,
     * a final snapshot): spread them into the instance, since a Pulumi component cannot set them afterwards.
     */
    static managedSnapshotArgs(tier, props, options = {}) {
        const snapshots = tier.policy(options).managedSnapshots;
        return (0, managed_postgres_database_1.managedSnapshotArgs)(snapshots ? (0, defaults_1.resolveManagedSnapshots)(snapshots) : {}, props);
    }
    /** The bucket of every dump. */
    backupBucket;
    /** Name of that bucket. */
    bucketName;
    /** The key prefix of the fleet. */
    prefix;
    /** ARN of the topic failures go to. */
    notificationTopicArn;
    /** The cluster the tasks run in. */
    cluster;
    /** Dump task definitions by PostgreSQL major. */
    dumpTaskDefinitions;
    /** Verify task definitions by PostgreSQL major (none when no tier drills). */
    verifyTaskDefinitions;
    /** The restore-drill state machine of the whole fleet, when a tier drills. */
    drillStateMachine;
    /** Its definition as deployed. */
    drillDefinition;
    /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
    drillSchedules;
    /** The AWS Backup vault, when a managed server's tier has a backup plan. */
    vault;
    /** The AWS Backup plans, one per distinct plan among the managed servers. */
    backupPlans;
    /** Fleet-wide alarms: a schedule that could not start a task or drill, a failed drill execution. */
    alarms;
    /** The dashboard. */
    dashboard;
    /** Every protected database. */
    databases;
    /** Each database's restore runbook (Markdown), by `<serverId>/<databaseName>`. */
    runbooks;
    /** Storage-cost estimates by server id (servers with sizes only). */
    costEstimates;
    /** The CloudWatch namespace of the metrics. */
    metricNamespace;
    constructor(name, props, opts) {
        super('postgres-backup:aws:PostgresBackupBlueprint', name, {}, opts);
        const region = props.tierOptions?.sourceRegion ?? new pulumi.Config('aws').get('region');
        const tierOptions = { sourceRegion: region, ...props.tierOptions };
        this.prefix = props.prefix ?? 'pg-dumps';
        this.metricNamespace = props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE;
        // Every prop is a plain value: the whole fleet is checked before any resource is registered.
        const validator = new validation_1.Validator({ ...pulumi_validation_1.PULUMI_VALIDATION_OPTIONS, construct: name });
        const basePolicy = (0, blueprint_server_1.blueprintTierPolicy)(props.tier, undefined, tierOptions, validator, 'tier');
        const lock = basePolicy?.immutability && (0, defaults_1.resolveImmutability)(basePolicy.immutability);
        const servers = (0, blueprint_fleet_1.planBlueprintServers)(props, tierOptions, lock, validator, this);
        (0, blueprint_server_1.checkBlueprintFleetSettings)(validator, { ...props, serverCount: props.databases.length });
        validator.integer('logRetentionDays', props.logRetentionDays, 1, 3653, 'days');
        validator.throwIfInvalid();
        const environment = (0, aws_environment_1.awsEnvironment)(this);
        const child = { parent: this };
        // One lifecycle rule per server: each keeps its dumps as long as its own tier says.
        const lifecycleRules = servers.flatMap((server) => (0, lifecycle_1.dumpBucketLifecycleRules)(server.policy.logicalDump, { prefix: `${this.prefix}/${server.entry.id}/`, id: `pg-dumps-${server.entry.id}` }));
        this.backupBucket = new backup_bucket_1.BackupBucket(`${name}-backups`, {
            bucketName: props.bucketName,
            lifecycleRules,
            objectLock: lock,
            serverAccessLogs: props.serverAccessLogs,
            breakGlassRoleArn: props.breakGlassRoleArn,
            retainOnDelete: props.retainOnDelete,
            environment,
        }, child);
        this.bucketName = this.backupBucket.bucketName;
        const notifications = new backup_notifications_1.BackupNotifications(`${name}-notifications`, {
            topicArn: props.notificationTopicArn,
            topicKeyArn: props.notificationTopicKeyArn,
            additionalPublishingServices: (0, blueprint_fleet_backup_plans_1.fleetHasBackupPlans)(servers) ? ['backup.amazonaws.com'] : [],
            retainOnDelete: props.retainOnDelete,
            environment,
        }, child);
        this.notificationTopicArn = notifications.topicArn;
        if (props.cluster) {
            this.cluster = props.cluster;
        }
        else {
            const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, child);
            this.cluster = { arn: cluster.arn, name: cluster.name };
        }
        const logRetentionDays = props.logRetentionDays ?? scheduled_pg_dump_1.DEFAULT_LOG_RETENTION_DAYS;
        const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetentionDays }, child);
        const deadLetterQueue = (0, dead_letter_queue_1.createDeadLetterQueue)(name, this);
        const image = props.image;
        const fleet = {
            parent: this,
            name,
            props,
            environment,
            backupBucket: this.backupBucket,
            prefix: this.prefix,
            notificationTopicArn: this.notificationTopicArn,
            notificationTopicKeyArn: notifications.topicKeyArn,
            cluster: this.cluster,
            logGroupName: logGroup.name,
            logGroupArn: logGroup.arn,
            deadLetterQueueArn: deadLetterQueue.arn,
            metricNamespace: this.metricNamespace,
            majors: [...new Set(servers.map((server) => server.major))].sort((a, b) => a - b),
            image: (major) => (typeof image === 'function' ? image(major) : image),
            logRetentionDays,
        };
        const dumps = (0, blueprint_fleet_dumps_1.createFleetDumps)(fleet, servers);
        this.dumpTaskDefinitions = dumps.taskDefinitions;
        this.databases = dumps.databases;
        this.costEstimates = dumps.costEstimates;
        this.runbooks = Object.fromEntries(dumps.databases.map((database) => [database.label, database.runbook]));
        for (const [serverId, estimate] of dumps.costEstimates) {
            void pulumi.log.info(`${serverId}: estimated backup storage ${estimate.totalMonthlyUsd.toFixed(2)} USD a month (${estimate.summary})`, this);
        }
        const alarms = [(0, metric_alarm_1.createBackupAlarm)(`${name}-schedule-dead-letters`, {
                description: 'EventBridge Scheduler could not start a fleet pg_dump task or restore drill; the event is in the dead-letter queue',
                metric: (0, metric_alarm_1.deadLetterMessages)(deadLetterQueue.name),
                threshold: 1,
                comparisonOperator: 'GreaterThanOrEqualToThreshold',
                treatMissingData: 'notBreaching',
                topicArn: this.notificationTopicArn,
            }, this)];
        const drills = (0, blueprint_fleet_drills_1.createFleetDrills)(fleet, servers);
        this.verifyTaskDefinitions = drills?.taskDefinitions ?? new Map();
        this.drillStateMachine = drills?.stateMachine;
        this.drillDefinition = drills?.definition;
        this.drillSchedules = drills?.schedules ?? [];
        if (drills)
            alarms.push(drills.failedDrillAlarm);
        this.alarms = alarms;
        const managedPlans = (0, blueprint_fleet_backup_plans_1.createFleetBackupPlans)(fleet, servers, basePolicy);
        this.vault = managedPlans.vault;
        this.backupPlans = managedPlans.plans;
        this.dashboard = this.createDashboard(name, environment.region);
        this.registerOutputs({
            bucketName: this.bucketName,
            notificationTopicArn: this.notificationTopicArn,
            drillStateMachineArn: this.drillStateMachine?.arn,
            dashboardName: this.dashboard.dashboardName,
            runbooks: this.runbooks,
            restoreCommands: Object.fromEntries(this.databases.map((database) => [database.label, database.restoreCommand])),
        });
    }
    /** The protected database `databaseName` of server `serverId`. */
    database(serverId, databaseName) {
        const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
        if (!found)
            throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
        return found;
    }
    createDashboard(name, region) {
        const search = (dimensions, metricName, filter, statistic, period) => [{
                expression: `SEARCH('{${this.metricNamespace},${dimensions}} MetricName="${metricName}"${filter}', '${statistic}', ${period})`,
                label: '',
                id: 'e1',
            }];
        const graph = (title, metrics, x, y) => ({
            type: 'metric', x, y, width: 12, height: 6, properties: { title, metrics, region, view: 'timeSeries', stat: 'Average', period: 300 },
        });
        const rpoAlarmArns = this.databases.map((database) => database.rpoAlarm.arn);
        const widgets = [
            graph('Dump failures by database', search(`${blueprint_fleet_1.BLUEPRINT_SERVER_DIMENSION},Database`, 'BackupFailed', '', 'Sum', 3600), 0, 0),
            graph('Dump size by database', search(`${blueprint_fleet_1.BLUEPRINT_SERVER_DIMENSION},Database`, 'BackupBytes', '', 'Maximum', 3600), 12, 0),
            graph('Restore drills failed by database', search('Database,Drill', 'RestoreDrillFailed', ' Drill="dump"', 'Sum', 86400), 0, 6),
            graph('Restore duration by database (seconds)', search('Database,Drill', 'RestoreDurationSeconds', ' Drill="dump"', 'Maximum', 86400), 12, 6),
        ];
        // An alarm status widget shows at most 100 alarms.
        for (let start = 0; start < rpoAlarmArns.length; start += 100) {
            widgets.push({
                type: 'alarm',
                x: 0,
                y: 12 + (start / 100) * 6,
                width: 24,
                height: 6,
                properties: { title: `RPO of each database (${start + 1}–${Math.min(rpoAlarmArns.length, start + 100)})`, alarms: rpoAlarmArns.slice(start, start + 100) },
            });
        }
        return new cloudwatch.Dashboard(`${name}-dashboard`, {
            dashboardName: `${name}-postgres-backups`,
            dashboardBody: pulumi.jsonStringify({ widgets }),
        }, { parent: this });
    }
}
exports.PostgresBackupBlueprint = PostgresBackupBlueprint;
