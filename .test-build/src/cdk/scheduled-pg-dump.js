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
exports.ScheduledPgDump = exports.MAX_ALARM_RPO_HOURS = exports.DEFAULT_METRIC_NAMESPACE = exports.DUMP_CONTAINER_NAME = exports.PROTECTION_METADATA_TYPE = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const eventsTargets = __importStar(require("aws-cdk-lib/aws-events-targets"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const schedulerTargets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const sqs = __importStar(require("aws-cdk-lib/aws-sqs"));
const constructs_1 = require("constructs");
const backup_bucket_1 = require("./backup-bucket");
const backup_notifications_1 = require("./backup-notifications");
const cdk_validation_1 = require("./cdk-validation");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const construct_prop_paths_1 = require("../core/construct-prop-paths");
const database_name_1 = require("../core/database-name");
const defaults_1 = require("../core/defaults");
const fargate_sizes_1 = require("../core/fargate-sizes");
const runner_argv_1 = require("../core/runner-argv");
const schedule_1 = require("../core/schedule");
const validate_policy_1 = require("../core/validate-policy");
const validation_1 = require("../core/validation");
/**
 * Construct metadata type under which the constructs of this module record what they protect (database,
 * schedule, retention…), so tools reading a cloud assembly can report it without parsing templates.
 */
exports.PROTECTION_METADATA_TYPE = 'postgres-backup-constructs:protection';
/** Name of the runner container in the dump task definition. */
exports.DUMP_CONTAINER_NAME = 'runner';
/** The namespace the runner publishes its metrics in unless told otherwise. */
exports.DEFAULT_METRIC_NAMESPACE = 'PostgresBackup';
/** The longest RPO a CloudWatch alarm can watch: its evaluation range is at most 7 days. */
exports.MAX_ALARM_RPO_HOURS = 168;
/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a
 * Fargate task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run
 * fails, when the task dies, and when no dump succeeded within the RPO.
 */
class ScheduledPgDump extends constructs_1.Construct {
    /** The bucket the dumps are written to. */
    bucket;
    /** The bucket construct, when the bucket was created here. */
    backupBucket;
    /** The key prefix of the dumps. */
    prefix;
    /** The databases dumped. */
    databaseNames;
    /** PostgreSQL major version of the server and of the runner's client tools. */
    postgresMajorVersion;
    /** CloudWatch namespace of the runner's metrics. */
    metricNamespace;
    /** The topic failures are sent to. */
    notificationTopic;
    /** The notifications construct (topic and its key). */
    notifications;
    /** The cluster the task runs in. */
    cluster;
    /** The dump task definition. */
    taskDefinition;
    /** The security group of the dump task. */
    securityGroup;
    /** The task's log group. */
    logGroup;
    /** One schedule per database. */
    schedules;
    /** Where schedule runs go that could not start the task. */
    deadLetterQueue;
    /** Alarms: failed run, RPO missed, per database; dead-lettered start. */
    alarms;
    /** The recovery-point objective the RPO alarm watches, hours. */
    rpoHours;
    /** The dump policy with every default filled in. */
    dumpPolicy;
    constructor(scope, id, props) {
        super(scope, id);
        const databaseNames = props.databaseNames ?? ['postgres'];
        const policy = {
            logicalDump: props.dump ?? {},
            alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
            immutability: props.objectLock,
        };
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        validator.include((0, validate_policy_1.checkPolicy)(policy, (0, cdk_validation_1.cdkValidationOptions)(this, construct_prop_paths_1.SCHEDULED_PG_DUMP_PROP_PATHS)));
        validator.integer('rpoHours', props.rpoHours, 1, exports.MAX_ALARM_RPO_HOURS, 'hours');
        (0, fargate_sizes_1.checkFargateTaskSize)(validator, {
            cpu: props.cpu ?? 1024,
            memoryLimitMiB: props.memoryLimitMiB ?? 2048,
            ephemeralStorageGiB: props.ephemeralStorageGiB,
        });
        (0, database_name_1.checkDatabaseNames)(validator, 'databaseNames', databaseNames);
        const major = props.postgresMajorVersion ?? props.database.postgresMajorVersion;
        if (major === undefined) {
            validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
        }
        validator.integer('postgresMajorVersion', major, 10, 99);
        validator.integer('retryAttempts', props.retryAttempts, 0, 185);
        validator.throwIfInvalid();
        const resolved = (0, defaults_1.resolveBackupPolicy)(policy, cdk_validation_1.CDK_VALIDATION_OPTIONS);
        const dump = resolved.logicalDump;
        this.dumpPolicy = dump;
        this.rpoHours = resolved.alarms.rpoHours;
        if (this.rpoHours > exports.MAX_ALARM_RPO_HOURS) {
            validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${exports.MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the dump schedule; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
            validator.throwIfInvalid();
        }
        this.databaseNames = [...databaseNames];
        this.postgresMajorVersion = major;
        this.metricNamespace = props.metricNamespace ?? exports.DEFAULT_METRIC_NAMESPACE;
        this.prefix = props.prefix ?? 'pg-dumps';
        this.backupBucket = new backup_bucket_1.BackupBucket(this, 'Backups', {
            bucket: props.bucket,
            encryptionKey: props.encryptionKey,
            prefix: this.prefix,
            dump,
            objectLock: props.objectLock,
            serverAccessLogs: props.serverAccessLogs,
            breakGlassRole: props.breakGlassRole,
            removalPolicy: props.removalPolicy,
        });
        this.bucket = this.backupBucket.bucket;
        this.notifications = new backup_notifications_1.BackupNotifications(this, 'Notifications', { topic: props.notificationTopic });
        this.notificationTopic = this.notifications.topic;
        this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', {
            vpc: props.vpc,
            containerInsightsV2: ecs.ContainerInsights.ENABLED,
        });
        this.logGroup = new logs.LogGroup(this, 'Logs', {
            retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
        });
        this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
            cpu: props.cpu ?? 1024,
            memoryLimitMiB: props.memoryLimitMiB ?? 2048,
            ephemeralStorageGiB: props.ephemeralStorageGiB,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        const wiring = props.database.runnerWiring();
        this.taskDefinition.addContainer(exports.DUMP_CONTAINER_NAME, {
            image: props.image ?? (0, runner_image_1.runnerImageFromPackage)({ postgresMajorVersion: this.postgresMajorVersion }),
            command: this.dumpCommand(databaseNames[0], props.database, wiring.databaseUrl),
            secrets: wiring.secrets,
            logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'dump' }),
            // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
            stopTimeout: aws_cdk_lib_1.Duration.seconds(30),
        });
        this.backupBucket.grantWriteBackups(this.taskDefinition.taskRole);
        (0, reviewed_findings_1.acknowledgeWildcards)(this.taskDefinition.taskRole, [(0, reviewed_findings_1.backupObjectsWildcard)(this.backupBucket.objectsUnder(), 'write')]);
        (0, reviewed_findings_1.acknowledgeImagePull)(this.taskDefinition);
        this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
            vpc: props.vpc,
            description: 'Scheduled pg_dump task: no inbound traffic; outbound to the database and AWS APIs',
            allowAllOutbound: true,
        });
        props.database.allowFrom(this.securityGroup);
        this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
            enforceSSL: true,
            encryption: sqs.QueueEncryption.SQS_MANAGED,
            retentionPeriod: aws_cdk_lib_1.Duration.days(14),
        });
        (0, reviewed_findings_1.acknowledgeScheduleDeadLetterQueue)(this.deadLetterQueue);
        // The schedules' own role (not the one the target would share stack-wide), so its grants are reviewed here.
        const scheduleRole = new iam.Role(this, 'ScheduleRole', {
            assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
                conditions: {
                    StringEquals: {
                        'aws:SourceAccount': aws_cdk_lib_1.Stack.of(this).account,
                        'aws:SourceArn': aws_cdk_lib_1.Stack.of(this).formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
                    },
                },
            }),
            description: 'Starts the scheduled pg_dump task in its cluster and tags it',
        });
        (0, reviewed_findings_1.acknowledgeWildcards)(scheduleRole, [(0, reviewed_findings_1.scheduledTasksWildcard)(this.cluster, this.taskDefinition)]);
        const eventBridgeSchedule = (0, schedule_1.renderEventBridgeSchedule)(dump.schedule, 'dump.schedule');
        this.schedules = databaseNames.map((database, index) => new scheduler.Schedule(this, `Schedule${index}`, {
            description: `pg_dump of ${database} to s3 ${this.prefix}/`,
            schedule: scheduler.ScheduleExpression.expression(eventBridgeSchedule.scheduleExpression, aws_cdk_lib_1.TimeZone.of(eventBridgeSchedule.scheduleExpressionTimezone)),
            timeWindow: scheduler.TimeWindow.off(),
            target: new schedulerTargets.EcsRunFargateTask(this.cluster, {
                taskDefinition: this.taskDefinition,
                vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
                securityGroups: [this.securityGroup],
                assignPublicIp: false,
                propagateTags: true,
                role: scheduleRole,
                deadLetterQueue: this.deadLetterQueue,
                retryAttempts: props.retryAttempts ?? 3,
                maxEventAge: props.maxEventAge ?? aws_cdk_lib_1.Duration.hours(1),
                input: scheduler.ScheduleTargetInput.fromObject({
                    containerOverrides: [{ name: exports.DUMP_CONTAINER_NAME, command: this.dumpCommand(database, props.database, wiring.databaseUrl) }],
                }),
            }),
        }));
        this.alarms = this.createAlarms();
        this.notifyWhenTaskFails();
        this.node.addMetadata(exports.PROTECTION_METADATA_TYPE, {
            kind: 'logical-dump',
            database: constructs_1.Construct.isConstruct(props.database.connections) ? props.database.connections.node.path : undefined,
            databaseNames: [...databaseNames],
            schedule: `${eventBridgeSchedule.scheduleExpression} ${eventBridgeSchedule.scheduleExpressionTimezone}`,
            prefix: `${this.prefix}/`,
            retentionDays: dump.retentionDays,
            objectLock: props.objectLock ? `${props.objectLock.mode ?? 'governance'} ${props.objectLock.days} days` : undefined,
            rpoHours: this.rpoHours,
        });
    }
    /** The container command for one database: `pg-backup dump …` (the image's entrypoint is `pg-backup`). */
    dumpCommand(database, connection, databaseUrl) {
        const argv = (0, runner_argv_1.runnerDumpArgv)(this.dumpPolicy, {
            to: `s3://${this.bucket.bucketName}/${this.prefix}`,
            database,
            noRolePasswords: connection.managed,
            metricsNamespace: this.metricNamespace,
        });
        return databaseUrl === undefined ? argv : [...argv, '--database-url', databaseUrl];
    }
    /**
     * A metric of the runner, for one database.
     * @param metricName `BackupSucceeded`, `BackupFailed`, `BackupBytes`, `BackupDurationSeconds` or `BackupRows`
     * @param database the database (default: the first one)
     */
    metric(metricName, database = this.databaseNames[0], props = {}) {
        return new cloudwatch.Metric({
            namespace: this.metricNamespace,
            metricName,
            dimensionsMap: { Database: database },
            ...props,
        });
    }
    /** Failed dumps (sum per period) of a database. */
    metricFailures(database, props = {}) {
        return this.metric('BackupFailed', database, { statistic: 'Sum', period: aws_cdk_lib_1.Duration.hours(1), ...props });
    }
    /** Successful dumps (sum per period) of a database. */
    metricSuccesses(database, props = {}) {
        return this.metric('BackupSucceeded', database, { statistic: 'Sum', period: aws_cdk_lib_1.Duration.hours(1), ...props });
    }
    /** Size of the dumps of a database, bytes (largest per period). */
    metricBytes(database, props = {}) {
        return this.metric('BackupBytes', database, { statistic: 'Maximum', period: aws_cdk_lib_1.Duration.hours(1), ...props });
    }
    /** How long the dumps of a database took, seconds (longest per period). */
    metricDuration(database, props = {}) {
        return this.metric('BackupDurationSeconds', database, { statistic: 'Maximum', period: aws_cdk_lib_1.Duration.hours(1), ...props });
    }
    /**
     * Hours since the last successful dump of a database, at hourly resolution, for graphs: each hour's
     * timestamp minus the timestamp of the latest hour with a success (carried forward with `FILL(…, REPEAT)`).
     * It has no value before the first success in the graph's range; the RPO alarm does not use it, it counts
     * successes over the RPO instead, so a dump that never ran alarms too.
     */
    metricBackupAge(database) {
        return new cloudwatch.MathExpression({
            label: `Hours since the last successful dump of ${database ?? this.databaseNames[0]}`,
            expression: '(EPOCH(FILL(ok, 0)) - FILL(IF(ok > 0, EPOCH(ok)), REPEAT)) / 3600',
            usingMetrics: { ok: this.metricSuccesses(database) },
            period: aws_cdk_lib_1.Duration.hours(1),
        });
    }
    /** Lets `grantee` read the dumps: objects under the prefix, listing that prefix, decrypting with the key. */
    grantRead(grantee) {
        this.backupBucket.grantReadBackups(grantee);
    }
    createAlarms() {
        const action = new cloudwatchActions.SnsAction(this.notificationTopic);
        const alarms = [];
        this.databaseNames.forEach((database, index) => {
            alarms.push(new cloudwatch.Alarm(this, `FailedDumpAlarm${index}`, {
                alarmDescription: `A pg_dump of ${database} failed; see the task logs`,
                metric: this.metricFailures(database, { period: aws_cdk_lib_1.Duration.minutes(5) }),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluationPeriods: 1,
                // No failure metric means no failed run; a run that never reports is caught by the RPO alarm.
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }));
            alarms.push(new cloudwatch.Alarm(this, `RpoAlarm${index}`, {
                alarmDescription: `No successful pg_dump of ${database} within the RPO of ${this.rpoHours} hours`,
                metric: this.metricSuccesses(database, { period: aws_cdk_lib_1.Duration.hours(this.rpoHours) }),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluationPeriods: 1,
                // A dump that stops silently publishes nothing: that must page too.
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            }));
        });
        alarms.push(new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
            alarmDescription: 'EventBridge Scheduler could not start a pg_dump task; the event is in the dead-letter queue',
            metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Maximum' }),
            threshold: 1,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }));
        alarms.forEach((alarm) => {
            alarm.addAlarmAction(action);
            alarm.addOkAction(action);
        });
        return alarms;
    }
    /**
     * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no
     * metric; ECS still reports it stopping, so that event pages directly.
     */
    notifyWhenTaskFails() {
        const rule = new events.Rule(this, 'TaskFailedRule', {
            description: 'A scheduled pg_dump task stopped with a non-zero exit code or failed to start',
            eventPattern: {
                source: ['aws.ecs'],
                detailType: ['ECS Task State Change'],
                detail: {
                    lastStatus: ['STOPPED'],
                    taskDefinitionArn: [this.taskDefinition.taskDefinitionArn],
                    $or: [
                        { containers: { exitCode: [{ 'anything-but': 0 }] } },
                        { stopCode: ['TaskFailedToStart'] },
                    ],
                },
            },
        });
        rule.addTarget(new eventsTargets.SnsTopic(this.notificationTopic, {
            message: events.RuleTargetInput.fromText(`A scheduled pg_dump task failed: ${events.EventField.fromPath('$.detail.taskArn')} `
                + `stopped (${events.EventField.fromPath('$.detail.stopCode')}): ${events.EventField.fromPath('$.detail.stoppedReason')}`),
        }));
    }
}
exports.ScheduledPgDump = ScheduledPgDump;
