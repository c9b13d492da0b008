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
exports.PostgresBackupBlueprint = void 0;
const crypto = __importStar(require("node:crypto"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const sqs = __importStar(require("aws-cdk-lib/aws-sqs"));
const constructs_1 = require("constructs");
const backup_bucket_1 = require("./backup-bucket");
const backup_notifications_1 = require("./backup-notifications");
const blueprint_backup_plans_1 = require("./blueprint-backup-plans");
const blueprint_drills_1 = require("./blueprint-drills");
const blueprint_dumps_1 = require("./blueprint-dumps");
const blueprint_server_plan_1 = require("./blueprint-server-plan");
const cdk_validation_1 = require("./cdk-validation");
const postgres_backup_blueprint_props_1 = require("./postgres-backup-blueprint-props");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const blueprint_server_1 = require("../core/blueprint-server");
const defaults_1 = require("../core/defaults");
const lifecycle_1 = require("../core/lifecycle");
const lifecycle_s3_1 = require("../core/lifecycle-s3");
const validation_1 = require("../core/validation");
__exportStar(require("./postgres-backup-blueprint-props"), exports);
/**
 * Backups for a fleet of PostgreSQL databases from one tier, on shared infrastructure, so that each database adds at
 * most three resources: one ECS cluster, one bucket (a prefix per server), one dump task definition and one verify task
 * definition per PostgreSQL major, one restore-drill state machine that drills any database named in its input, one
 * topic, one dashboard, one AWS Backup vault; per database a dump schedule (the shared task with its own command) and
 * an RPO alarm; per server a security-group ingress rule; per group of databases sharing a drill schedule, one drill
 * schedule.
 *
 * Each database gets its restore runbook (from core) as a file in the cloud assembly and a stack output with its
 * restore command, and the monthly storage-cost estimate of each server is recorded for the synth report.
 *
 * What the shared pieces cost in isolation: every dump task can read every server's secret (they are all in the one
 * task definition), and the bucket's Object Lock and the vault lock are the blueprint's tier's for every database.
 */
class PostgresBackupBlueprint extends constructs_1.Construct {
    /** The bucket of every dump. */
    bucket;
    /** The bucket construct. */
    backupBucket;
    /** The bucket's name, when known at synth time. */
    bucketName;
    /** The key prefix of the fleet. */
    prefix;
    /** The topic failures go to. */
    notificationTopic;
    /** The cluster the tasks run in. */
    cluster;
    /** Dump task definitions by PostgreSQL major. */
    dumpTaskDefinitions;
    /** Verify task definitions by PostgreSQL major. */
    verifyTaskDefinitions;
    /** The restore-drill state machine of the whole fleet. */
    drillStateMachine;
    /** The drill schedules, one per group of databases sharing schedule, RTO, checks and major. */
    drillSchedules;
    /** The AWS Backup vault, when a server is a managed database whose tier has a backup plan. */
    vault;
    /** The AWS Backup plans, one per distinct plan among the managed servers. */
    backupPlans;
    /** The dashboard. */
    dashboard;
    /** Every protected database. */
    databases;
    /** Storage-cost estimates by server id (servers with sizes only). */
    costEstimates;
    /** The runbook files. */
    runbooks;
    /** The CloudWatch namespace of the metrics. */
    metricNamespace;
    constructor(scope, id, props) {
        super(scope, id);
        const stack = aws_cdk_lib_1.Stack.of(this);
        const region = aws_cdk_lib_1.Token.isUnresolved(stack.region) ? undefined : stack.region;
        const tierOptions = { sourceRegion: region, ...props.tierOptions };
        this.prefix = props.prefix ?? 'pg-dumps';
        this.metricNamespace = props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE;
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        const basePolicy = (0, blueprint_server_1.blueprintTierPolicy)(props.tier, undefined, tierOptions, validator, 'tier');
        const lock = basePolicy?.immutability && (0, defaults_1.resolveImmutability)(basePolicy.immutability);
        const servers = (0, blueprint_server_plan_1.planServers)(this, props, tierOptions, lock, validator);
        (0, blueprint_server_1.checkBlueprintFleetSettings)(validator, { ...props, serverCount: props.databases.length });
        this.bucketName = props.bucketName ?? defaultBucketName(this);
        validator.throwIfInvalid();
        // Shared pieces.
        this.backupBucket = new backup_bucket_1.BackupBucket(this, 'Backups', {
            prefix: this.prefix,
            dump: basePolicy?.logicalDump ?? {},
            objectLock: lock,
            serverAccessLogs: props.serverAccessLogs,
            breakGlassRole: props.breakGlassRole,
            removalPolicy: props.removalPolicy,
        });
        this.bucket = this.backupBucket.bucket;
        const cfnBucket = this.bucket.node.defaultChild;
        if (this.bucketName !== undefined)
            cfnBucket.bucketName = this.bucketName;
        // One lifecycle rule per server: each keeps its dumps as long as its own tier says.
        const lifecycleRules = servers.filter((server) => server.policy.logicalDump).flatMap((server) => (0, lifecycle_1.dumpBucketLifecycleRules)(server.policy.logicalDump, { prefix: `${this.prefix}/${server.entry.id}/`, id: `pg-dumps-${server.entry.id}` }));
        cfnBucket.addPropertyOverride('LifecycleConfiguration', (0, lifecycle_s3_1.renderS3LifecycleConfiguration)(lifecycleRules));
        const notifications = new backup_notifications_1.BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
        this.notificationTopic = notifications.topic;
        this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
        const logGroup = new logs.LogGroup(this, 'Logs', {
            retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
        });
        const dumpSecurityGroup = new ec2.SecurityGroup(this, 'DumpSecurityGroup', {
            vpc: props.vpc,
            description: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
            allowAllOutbound: true,
        });
        const drillSecurityGroup = new ec2.SecurityGroup(this, 'DrillSecurityGroup', {
            vpc: props.vpc,
            description: 'Fleet restore drill tasks: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
            allowAllOutbound: true,
        });
        const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
            enforceSSL: true,
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            retentionPeriod: aws_cdk_lib_1.Duration.days(14),
        });
        (0, reviewed_findings_1.acknowledgeScheduleDeadLetterQueue)(deadLetterQueue);
        const subnets = props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
        const majors = [...new Set(servers.map((server) => server.major))].sort();
        const image = (major) => props.image ?? (0, runner_image_1.runnerImageFromPackage)({ postgresMajorVersion: major });
        const fleet = {
            scope: this,
            vpc: props.vpc,
            subnets,
            backupBucket: this.backupBucket,
            bucket: this.bucket,
            bucketName: this.bucketName,
            prefix: this.prefix,
            region: region ?? stack.region,
            notificationTopic: this.notificationTopic,
            cluster: this.cluster,
            logGroup,
            deadLetterQueue,
            metricNamespace: this.metricNamespace,
            majors,
            image,
        };
        const dumps = (0, blueprint_dumps_1.createFleetDumps)(fleet, props, servers, lock, dumpSecurityGroup);
        this.dumpTaskDefinitions = dumps.taskDefinitions;
        this.runbooks = dumps.runbooks;
        this.databases = dumps.databases;
        this.costEstimates = dumps.costEstimates;
        new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
            alarmDescription: 'EventBridge Scheduler could not start a fleet pg_dump task or restore drill; the event is in the dead-letter queue',
            metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Maximum' }),
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }).addAlarmAction(new cloudwatchActions.SnsAction(this.notificationTopic));
        (0, blueprint_dumps_1.notifyWhenDumpTaskFails)(fleet, [...dumps.taskDefinitions.values()]);
        const drill = (0, blueprint_drills_1.createFleetDrills)(fleet, props, servers, drillSecurityGroup);
        this.verifyTaskDefinitions = drill.taskDefinitions;
        this.drillStateMachine = drill.stateMachine;
        this.drillSchedules = drill.schedules;
        const managedPlans = (0, blueprint_backup_plans_1.createFleetBackupPlans)(this, props, servers, basePolicy, notifications);
        this.vault = managedPlans.vault;
        this.backupPlans = managedPlans.plans;
        this.dashboard = this.createDashboard(dumps.databases);
    }
    /** Successful dumps of one database (sum per period). */
    metricDumpSucceeded(serverId, databaseName, period = aws_cdk_lib_1.Duration.hours(1)) {
        return (0, blueprint_dumps_1.dumpSucceededMetric)(this.metricNamespace, serverId, databaseName, period);
    }
    /** The protected database `databaseName` of server `serverId`. */
    database(serverId, databaseName) {
        const found = this.databases.find((candidate) => candidate.serverId === serverId && candidate.databaseName === databaseName);
        if (!found)
            throw new Error(`the blueprint protects no database ${databaseName} on ${serverId}`);
        return found;
    }
    createDashboard(databases) {
        const dashboard = new cloudwatch.Dashboard(this, 'Dashboard');
        const search = (metricName, statistic, label) => new cloudwatch.MathExpression({
            expression: `SEARCH('{${this.metricNamespace},${postgres_backup_blueprint_props_1.BLUEPRINT_SERVER_DIMENSION},Database} MetricName="${metricName}"', '${statistic}', 3600)`,
            label,
            usingMetrics: {},
            period: aws_cdk_lib_1.Duration.hours(1),
        });
        const drills = (metricName, statistic) => new cloudwatch.MathExpression({
            expression: `SEARCH('{${this.metricNamespace},Database,Drill} MetricName="${metricName}" Drill="dump"', '${statistic}', 86400)`,
            usingMetrics: {},
            period: aws_cdk_lib_1.Duration.days(1),
        });
        dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Dump failures by database', left: [search('BackupFailed', 'Sum', '')], width: 12 }), new cloudwatch.GraphWidget({ title: 'Dump size by database', left: [search('BackupBytes', 'Maximum', '')], width: 12 }), new cloudwatch.GraphWidget({ title: 'Restore drills failed by database', left: [drills('RestoreDrillFailed', 'Sum')], width: 12 }), new cloudwatch.GraphWidget({ title: 'Restore duration by database (seconds)', left: [drills('RestoreDurationSeconds', 'Maximum')], width: 12 }));
        // An alarm status widget shows at most 100 alarms.
        for (let start = 0; start < databases.length; start += 100) {
            dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({
                title: `RPO of each database (${start + 1}–${Math.min(databases.length, start + 100)})`,
                alarms: databases.slice(start, start + 100).map((database) => database.rpoAlarm),
                width: 24,
            }));
        }
        return dashboard;
    }
}
exports.PostgresBackupBlueprint = PostgresBackupBlueprint;
function defaultBucketName(scope) {
    const stack = aws_cdk_lib_1.Stack.of(scope);
    if (aws_cdk_lib_1.Token.isUnresolved(stack.account) || aws_cdk_lib_1.Token.isUnresolved(stack.region))
        return undefined;
    const hash = crypto.createHash('sha256').update(scope.node.path).digest('hex').slice(0, 8);
    return `pg-backups-${stack.account}-${stack.region}-${hash}`;
}
