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
exports.ScheduledPgDump = exports.DEFAULT_LOG_RETENTION_DAYS = exports.MAX_ALARM_RPO_HOURS = exports.DEFAULT_METRIC_NAMESPACE = exports.DUMP_CONTAINER_NAME = void 0;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const ec2 = __importStar(require("@pulumi/aws/ec2"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const iam = __importStar(require("@pulumi/aws/iam"));
const scheduler = __importStar(require("@pulumi/aws/scheduler"));
const vpc = __importStar(require("@pulumi/aws/vpc"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const backup_bucket_1 = require("./backup-bucket");
const backup_notifications_1 = require("./backup-notifications");
const dead_letter_queue_1 = require("./dead-letter-queue");
const metric_alarm_1 = require("./metric-alarm");
const policy_document_1 = require("./policy-document");
const require_postgres_backups_1 = require("./require-postgres-backups");
const scheduler_role_1 = require("./scheduler-role");
const task_failure_notification_1 = require("./task-failure-notification");
const construct_prop_paths_1 = require("../../core/construct-prop-paths");
const database_name_1 = require("../../core/database-name");
const defaults_1 = require("../../core/defaults");
const fargate_sizes_1 = require("../../core/fargate-sizes");
const lifecycle_1 = require("../../core/lifecycle");
const runner_argv_1 = require("../../core/runner-argv");
const schedule_1 = require("../../core/schedule");
const validate_policy_1 = require("../../core/validate-policy");
const validation_1 = require("../../core/validation");
const pulumi_validation_1 = require("../pulumi-validation");
/** Name of the runner container in the dump task definition. */
exports.DUMP_CONTAINER_NAME = 'runner';
/** The namespace the runner publishes its metrics in unless told otherwise. */
exports.DEFAULT_METRIC_NAMESPACE = 'PostgresBackup';
/** The longest RPO a CloudWatch alarm can watch: its evaluation range is at most 7 days. */
exports.MAX_ALARM_RPO_HOURS = 168;
/** Days task logs are kept unless told otherwise (CDK's `RetentionDays.THREE_MONTHS`). */
exports.DEFAULT_LOG_RETENTION_DAYS = 90;
/**
 * `pg_dump` of one or more databases on a schedule: EventBridge Scheduler starts the `pg-backup` runner as a Fargate
 * task in private subnets, which streams each dump into a locked-down bucket; alarms page when a run fails, when the
 * task dies, and when no dump succeeded within the RPO. The same resources, policies, lifecycle and alarms as the CDK
 * `ScheduledPgDump`.
 */
class ScheduledPgDump extends pulumi.ComponentResource {
    /** The bucket component. */
    backupBucket;
    /** Name of the bucket the dumps are written to. */
    bucketName;
    /** ARN of that bucket. */
    bucketArn;
    /** The key prefix of the dumps. */
    prefix;
    /** Where the dumps are: `s3://<bucket>/<prefix>`. */
    dumpLocation;
    /** The databases dumped. */
    databaseNames;
    /** PostgreSQL major version of the server. */
    postgresMajorVersion;
    /** CloudWatch namespace of the runner's metrics. */
    metricNamespace;
    /** ARN of the topic failures are sent to. */
    notificationTopicArn;
    /** ARN of that topic's key, when known. */
    notificationTopicKeyArn;
    /** The cluster the task runs in. */
    cluster;
    /** The dump task definition. */
    taskDefinition;
    /** The role of the dump task: write under the prefix, nothing else. */
    taskRole;
    /** The role ECS starts the task with: pull logs and the database secret. */
    executionRole;
    /** The security group of the dump task. */
    securityGroup;
    /** One schedule per database. */
    schedules;
    /** The role the schedules start the task with. */
    schedulerRole;
    /** Where schedule runs go that could not start the task. */
    deadLetterQueue;
    /** Alarms: failed run and RPO missed, per database; dead-lettered start. */
    alarms;
    /** The rule that notifies a task that stopped with a non-zero exit or failed to start. */
    taskFailedRule;
    /** The recovery-point objective the RPO alarm watches, hours. */
    rpoHours;
    /** The dump policy with every default filled in. */
    dumpPolicy;
    /** The lifecycle rules of a created bucket. */
    lifecycleRules;
    constructor(name, props, opts) {
        super('postgres-backup:aws:ScheduledPgDump', name, {}, opts);
        const databaseNames = props.databaseNames ?? ['postgres'];
        const major = props.postgresMajorVersion ?? props.database.postgresMajorVersion;
        const policyProps = {
            databaseNames: props.databaseNames,
            dump: props.dump,
            rpoHours: props.rpoHours,
            objectLock: props.objectLock,
            cpu: props.cpu,
            memoryLimitMiB: props.memoryLimitMiB,
            ephemeralStorageGiB: props.ephemeralStorageGiB,
            retryAttempts: props.retryAttempts,
            prefix: props.prefix,
            postgresMajorVersion: major,
        };
        // The names, schedule and retention decide which resources exist, so they are checked before any is registered.
        (0, pulumi_validation_1.validateWhenKnown)(policyProps, checkDumpProps, name);
        const policy = dumpBackupPolicy(policyProps);
        const resolved = (0, defaults_1.resolveBackupPolicy)(policy, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS);
        const dump = resolved.logicalDump;
        this.dumpPolicy = dump;
        this.rpoHours = resolved.alarms.rpoHours;
        if (this.rpoHours > exports.MAX_ALARM_RPO_HOURS) {
            const validator = new validation_1.Validator({ construct: name });
            validator.report({ path: 'rpoHours', value: this.rpoHours, allowed: `an integer from 1 to ${exports.MAX_ALARM_RPO_HOURS} hours`, reason: 'derived from the dump schedule; a CloudWatch alarm looks back at most 7 days, so set rpoHours' });
            validator.throwIfInvalid();
        }
        this.databaseNames = [...databaseNames];
        this.postgresMajorVersion = major;
        this.metricNamespace = props.metricNamespace ?? exports.DEFAULT_METRIC_NAMESPACE;
        this.prefix = props.prefix ?? 'pg-dumps';
        const environment = (0, aws_environment_1.awsEnvironment)(this);
        const child = { parent: this };
        this.lifecycleRules = (0, lifecycle_1.dumpBucketLifecycleRules)(dump, { prefix: `${this.prefix}/`, path: 'lifecycleRules' });
        this.backupBucket = new backup_bucket_1.BackupBucket(`${name}-backups`, {
            bucket: props.bucket,
            encryptionKeyArn: props.encryptionKeyArn,
            lifecycleRules: [...this.lifecycleRules],
            objectLock: props.objectLock,
            serverAccessLogs: props.serverAccessLogs,
            breakGlassRoleArn: props.breakGlassRoleArn,
            retainOnDelete: props.retainOnDelete,
            environment,
        }, child);
        this.bucketName = this.backupBucket.bucketName;
        this.bucketArn = this.backupBucket.bucketArn;
        this.dumpLocation = pulumi.interpolate `s3://${this.bucketName}/${this.prefix}`;
        const notifications = new backup_notifications_1.BackupNotifications(`${name}-notifications`, {
            topicArn: props.notificationTopicArn,
            topicKeyArn: props.notificationTopicKeyArn,
            retainOnDelete: props.retainOnDelete,
            environment,
        }, child);
        this.notificationTopicArn = notifications.topicArn;
        this.notificationTopicKeyArn = notifications.topicKeyArn;
        if (props.cluster) {
            this.cluster = props.cluster;
        }
        else {
            const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, child);
            this.cluster = { arn: cluster.arn, name: cluster.name };
        }
        const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: props.logRetentionDays ?? exports.DEFAULT_LOG_RETENTION_DAYS }, child);
        this.taskRole = new iam.Role(`${name}-task-role`, {
            description: 'pg_dump task: write new dumps under its prefix, nothing else',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-task-policy`, { role: this.taskRole.id, policy: (0, policy_document_1.policyDocument)(this.backupBucket.writeStatements(this.prefix)) }, child);
        const wiring = props.database.runnerWiring();
        this.executionRole = new iam.Role(`${name}-execution-role`, {
            description: 'Starts the pg_dump task: its logs and the database secret',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-execution-policy`, {
            role: this.executionRole.id,
            policy: (0, policy_document_1.policyDocument)(executionStatements(logGroup, props.database)),
        }, child);
        const command = (database) => pulumi.all([this.dumpLocation, wiring.databaseUrl]).apply(([to, url]) => {
            const argv = (0, runner_argv_1.runnerDumpArgv)(dump, { to, database, noRolePasswords: props.database.managed, metricsNamespace: this.metricNamespace });
            return url === undefined ? argv : [...argv, '--database-url', url];
        });
        const cpu = props.cpu ?? 1024;
        const memory = props.memoryLimitMiB ?? 2048;
        this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
            family: `${name}-pg-dump`,
            cpu: String(cpu),
            memory: String(memory),
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            ephemeralStorage: props.ephemeralStorageGiB === undefined ? undefined : { sizeInGib: props.ephemeralStorageGiB },
            taskRoleArn: this.taskRole.arn,
            executionRoleArn: this.executionRole.arn,
            containerDefinitions: pulumi.jsonStringify([{
                    name: exports.DUMP_CONTAINER_NAME,
                    image: props.image,
                    essential: true,
                    command: command(databaseNames[0]),
                    secrets: Object.entries(wiring.secrets).map(([secretName, valueFrom]) => ({ name: secretName, valueFrom })),
                    logConfiguration: {
                        logDriver: 'awslogs',
                        options: { 'awslogs-group': logGroup.name, 'awslogs-region': environment.region, 'awslogs-stream-prefix': 'dump' },
                    },
                    // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
                    stopTimeout: 30,
                }]),
        }, child);
        this.securityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
            vpcId: props.vpcId,
            description: 'Scheduled pg_dump task: no inbound traffic; outbound to the database and AWS APIs',
            egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
        }, child);
        if (props.database.securityGroupId !== undefined) {
            new vpc.SecurityGroupIngressRule(`${name}-database-ingress`, {
                securityGroupId: props.database.securityGroupId,
                referencedSecurityGroupId: this.securityGroup.id,
                ipProtocol: 'tcp',
                fromPort: props.database.port,
                toPort: props.database.port,
                description: 'pg_dump from the scheduled backup task',
            }, child);
        }
        this.deadLetterQueue = (0, dead_letter_queue_1.createDeadLetterQueue)(name, this);
        this.schedulerRole = (0, scheduler_role_1.createSchedulerRole)(name, this, environment, [
            {
                Effect: 'Allow',
                Action: 'iam:PassRole',
                Resource: [this.taskRole.arn, this.executionRole.arn],
                Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
            },
            { Effect: 'Allow', Action: 'ecs:RunTask', Resource: this.taskDefinition.arn },
            { Effect: 'Allow', Action: 'ecs:TagResource', Resource: pulumi.interpolate `arn:${environment.partition}:ecs:${environment.region}:${environment.account}:task/${this.cluster.name}/*` },
            { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.deadLetterQueue.arn },
        ]);
        const rendered = (0, schedule_1.renderEventBridgeSchedule)(dump.schedule, 'dump.schedule');
        this.schedules = databaseNames.map((database, index) => new scheduler.Schedule(`${name}-schedule-${index}`, {
            description: `pg_dump of ${database} to s3 ${this.prefix}/`,
            scheduleExpression: rendered.scheduleExpression,
            scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
            flexibleTimeWindow: { mode: 'OFF' },
            state: 'ENABLED',
            target: {
                arn: this.cluster.arn,
                roleArn: this.schedulerRole.arn,
                deadLetterConfig: { arn: this.deadLetterQueue.arn },
                retryPolicy: { maximumRetryAttempts: props.retryAttempts ?? 3, maximumEventAgeInSeconds: props.maxEventAgeSeconds ?? 3600 },
                ecsParameters: {
                    taskDefinitionArn: this.taskDefinition.arn,
                    launchType: 'FARGATE',
                    propagateTags: 'TASK_DEFINITION',
                    networkConfiguration: { subnets: props.subnetIds, securityGroups: [this.securityGroup.id], assignPublicIp: false },
                },
                input: pulumi.jsonStringify({ containerOverrides: [{ name: exports.DUMP_CONTAINER_NAME, command: command(database) }] }),
            },
        }, child));
        this.alarms = this.createAlarms(name);
        this.taskFailedRule = (0, task_failure_notification_1.notifyWhenTasksFail)(name, this, {
            description: 'A scheduled pg_dump task stopped with a non-zero exit code or failed to start',
            taskDefinitionArns: [this.taskDefinition.arn],
            topicArn: this.notificationTopicArn,
            subject: 'A scheduled pg_dump task',
        });
        (0, require_postgres_backups_1.recordProtectedDatabase)(props.database.resource, 'logical-dump');
        this.registerOutputs({
            bucketName: this.bucketName,
            dumpLocation: this.dumpLocation,
            notificationTopicArn: this.notificationTopicArn,
            clusterArn: this.cluster.arn,
            taskDefinitionArn: this.taskDefinition.arn,
            scheduleArns: this.schedules.map((schedule) => schedule.arn),
            alarmArns: this.alarms.map((alarm) => alarm.arn),
        });
    }
    /** The IAM statements that let a role read the dumps: objects under the prefix, listing that prefix, decrypting with the key. */
    readStatements() {
        return this.backupBucket.readStatements(this.prefix);
    }
    createAlarms(name) {
        const topicArn = this.notificationTopicArn;
        const runnerMetric = (metricName, database, statistic, periodSeconds) => ({
            namespace: this.metricNamespace, metricName, dimensions: { Database: database }, statistic, periodSeconds,
        });
        const alarms = [];
        this.databaseNames.forEach((database, index) => {
            alarms.push((0, metric_alarm_1.createBackupAlarm)(`${name}-failed-dump-${index}`, {
                description: `A pg_dump of ${database} failed; see the task logs`,
                metric: runnerMetric('BackupFailed', database, 'Sum', 300),
                threshold: 1,
                comparisonOperator: 'GreaterThanOrEqualToThreshold',
                // No failure metric means no failed run; a run that never reports is caught by the RPO alarm.
                treatMissingData: 'notBreaching',
                topicArn,
            }, this));
            alarms.push((0, metric_alarm_1.createBackupAlarm)(`${name}-rpo-${index}`, {
                description: `No successful pg_dump of ${database} within the RPO of ${this.rpoHours} hours`,
                metric: runnerMetric('BackupSucceeded', database, 'Sum', this.rpoHours * 3600),
                threshold: 1,
                comparisonOperator: 'LessThanThreshold',
                // A dump that stops silently publishes nothing: that must page too.
                treatMissingData: 'breaching',
                topicArn,
            }, this));
        });
        alarms.push((0, metric_alarm_1.createBackupAlarm)(`${name}-schedule-dead-letters`, {
            description: 'EventBridge Scheduler could not start a pg_dump task; the event is in the dead-letter queue',
            metric: (0, metric_alarm_1.deadLetterMessages)(this.deadLetterQueue.name),
            threshold: 1,
            comparisonOperator: 'GreaterThanOrEqualToThreshold',
            treatMissingData: 'notBreaching',
            topicArn,
        }, this));
        return alarms;
    }
}
exports.ScheduledPgDump = ScheduledPgDump;
/** The task execution role's statements: write its log streams, read the database secret (and decrypt it). */
function executionStatements(logGroup, database) {
    return [
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate `${logGroup.arn}:*` },
        { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: database.secretArn },
        ...(database.secretKmsKeyArn ? [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: database.secretKmsKeyArn }] : []),
    ];
}
function dumpBackupPolicy(props) {
    return {
        logicalDump: props.dump ?? {},
        alarms: props.rpoHours !== undefined ? { rpoHours: props.rpoHours } : undefined,
        immutability: props.objectLock,
    };
}
/**
 * Checks the props as the CDK construct does, with the same messages: core's policy rules, the RPO an alarm can watch,
 * the Fargate task size, the database names and major version, the retry count, the prefix and the dump lifecycle.
 */
function checkDumpProps(validator, props) {
    validator.include((0, validate_policy_1.checkPolicy)(dumpBackupPolicy(props), validator.optionsFor(construct_prop_paths_1.SCHEDULED_PG_DUMP_PROP_PATHS)));
    validator.integer('rpoHours', props.rpoHours, 1, exports.MAX_ALARM_RPO_HOURS, 'hours');
    (0, fargate_sizes_1.checkFargateTaskSize)(validator, {
        cpu: props.cpu ?? 1024, memoryLimitMiB: props.memoryLimitMiB ?? 2048, ephemeralStorageGiB: props.ephemeralStorageGiB,
    });
    const names = props.databaseNames ?? ['postgres'];
    (0, database_name_1.checkDatabaseNames)(validator, 'databaseNames', names);
    if (props.postgresMajorVersion === undefined) {
        validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
    }
    validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
    validator.integer('retryAttempts', props.retryAttempts, 0, 185);
    const prefix = props.prefix ?? 'pg-dumps';
    validator.matches('prefix', prefix, /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/, 'an S3 key prefix of safe characters, segments separated by "/", without a leading or trailing "/"');
    // As in CDK, the bucket's lifecycle is checked once the policy itself is valid, so no problem is reported twice.
    if (validator.issues.length === 0 && !validator.isUnresolved(props.dump))
        (0, lifecycle_1.dumpBucketLifecycleRules)(props.dump ?? {}, { prefix: `${prefix}/`, validator, path: 'lifecycleRules' });
}
