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
exports.VerifyRestore = exports.SCRATCH_TARGET_URL = exports.CHECKS_DIRECTORY = exports.CHECKS_CONTAINER_NAME = exports.SCRATCH_POSTGRES_CONTAINER_NAME = exports.VERIFY_CONTAINER_NAME = void 0;
const fs = __importStar(require("node:fs"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const secretsmanager = __importStar(require("aws-cdk-lib/aws-secretsmanager"));
const constructs_1 = require("constructs");
const backup_notifications_1 = require("./backup-notifications");
const cdk_validation_1 = require("./cdk-validation");
const drill_state_machine_1 = require("./drill-state-machine");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const database_name_1 = require("../core/database-name");
const defaults_1 = require("../core/defaults");
const fargate_sizes_1 = require("../core/fargate-sizes");
const state_machines_1 = require("../core/state-machines");
const validate_policy_1 = require("../core/validate-policy");
const validation_1 = require("../core/validation");
/** Name of the container running `pg-backup verify`. */
exports.VERIFY_CONTAINER_NAME = 'runner';
/** Name of the scratch PostgreSQL container the dump is restored into. */
exports.SCRATCH_POSTGRES_CONTAINER_NAME = 'scratch-postgres';
/** Name of the container that writes the SQL checks into the task's shared volume. */
exports.CHECKS_CONTAINER_NAME = 'write-checks';
/** Where the checks are mounted in the runner container. */
exports.CHECKS_DIRECTORY = '/checks';
/** The scratch server the dump is restored into, on the task's loopback. */
exports.SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition)
 * runs a Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the
 * same major (reachable only on the task's loopback), compares row counts, runs the checks and measures the
 * restore. Every failure or timeout stops the task, notifies the topic and fails the execution; failed
 * executions and a restore slower than the RTO alarm.
 */
class VerifyRestore extends constructs_1.Construct {
    /** The database the drill restores. */
    databaseName;
    /** The state machine. */
    stateMachine;
    /** The drill task definition. */
    taskDefinition;
    /** The cluster the drill runs in. */
    cluster;
    /** The security group of the drill task (no inbound rules). */
    securityGroup;
    /** The schedule that starts the drill. */
    schedule;
    /** The topic failed drills are sent to. */
    notificationTopic;
    /** The RTO, minutes. */
    maxRestoreDurationMinutes;
    /** CloudWatch namespace of the drill metrics. */
    metricNamespace;
    /** Alarms: failed executions, restore slower than the RTO. */
    alarms;
    constructor(scope, id, props) {
        super(scope, id);
        const source = props.source;
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        validator.include((0, validate_policy_1.checkPolicy)({ verification: props.verification ?? {} }, cdk_validation_1.CDK_VALIDATION_OPTIONS));
        const cpu = props.cpu ?? 2048;
        (0, fargate_sizes_1.checkFargateTaskSize)(validator, { cpu, memoryLimitMiB: props.memoryLimitMiB ?? 8192, ephemeralStorageGiB: props.ephemeralStorageGiB ?? 50 });
        validator.integer('jobs', props.jobs, 1, 64);
        const databaseName = props.databaseName ?? source.databaseNames[0];
        if (databaseName === undefined)
            validator.report({ path: 'databaseName', value: undefined, allowed: 'a database name (the source names none)' });
        (0, database_name_1.checkDatabaseName)(validator, 'databaseName', databaseName);
        const checkFiles = props.checkFiles ?? [];
        checkFiles.forEach((file, index) => {
            if (!fs.existsSync(file))
                validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
        });
        validator.throwIfInvalid();
        const verification = (0, defaults_1.resolveVerification)(props.verification ?? {});
        this.databaseName = databaseName;
        this.maxRestoreDurationMinutes = verification.maxRestoreDurationMinutes;
        this.metricNamespace = source.metricNamespace;
        const checks = [...verification.checks, ...checkFiles.map((file) => fs.readFileSync(file, 'utf8'))];
        const jobs = props.jobs ?? Math.max(1, Math.floor(cpu / 1024));
        this.notificationTopic = props.notificationTopic ?? source.notificationTopic ?? new backup_notifications_1.BackupNotifications(this, 'Notifications').topic;
        this.cluster = props.cluster ?? clusterOf(source) ?? new ecs.Cluster(this, 'Cluster', {
            vpc: props.vpc,
            containerInsightsV2: ecs.ContainerInsights.ENABLED,
        });
        const logGroup = new logs.LogGroup(this, 'Logs', {
            retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
        });
        // The scratch server's password never leaves the task: both containers read it from this secret.
        const scratchPassword = new secretsmanager.Secret(this, 'ScratchPassword', {
            description: 'Password of the throwaway PostgreSQL inside the restore drill task',
            generateSecretString: { excludePunctuation: true, passwordLength: 32 },
        });
        (0, reviewed_findings_1.acknowledgeScratchPassword)(scratchPassword);
        this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
            cpu,
            memoryLimitMiB: props.memoryLimitMiB ?? 8192,
            ephemeralStorageGiB: props.ephemeralStorageGiB ?? 50,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        const scratchServer = this.taskDefinition.addContainer(exports.SCRATCH_POSTGRES_CONTAINER_NAME, {
            image: (0, runner_image_1.postgresServerImage)(source.postgresMajorVersion),
            essential: false,
            // Listening on loopback only: the containers of this task share it, nothing else can connect.
            command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
            secrets: { POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
            healthCheck: {
                command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'],
                interval: aws_cdk_lib_1.Duration.seconds(5),
                timeout: aws_cdk_lib_1.Duration.seconds(5),
                retries: 12,
                startPeriod: aws_cdk_lib_1.Duration.seconds(30),
            },
            logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'scratch-postgres' }),
        });
        const dumpLocation = `s3://${source.bucket.bucketName}/${source.prefix}`;
        const checkPaths = checks.map((_, index) => `${exports.CHECKS_DIRECTORY}/check-${index}.sql`);
        const extraArgs = ['--database', this.databaseName, '--jobs', String(jobs), ...checkPaths.flatMap((path) => ['--check', path])];
        const drill = (0, state_machines_1.dumpRestoreDrill)({
            maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
            metricNamespace: this.metricNamespace,
            extraArgs,
        });
        const runner = this.taskDefinition.addContainer(exports.VERIFY_CONTAINER_NAME, {
            image: props.image ?? (0, runner_image_1.runnerImageFromPackage)({ postgresMajorVersion: source.postgresMajorVersion }),
            // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
            entryPoint: ['env'],
            command: ['pg-backup', 'verify', '--from', dumpLocation, '--latest', '--target-url', exports.SCRATCH_TARGET_URL, ...extraArgs],
            secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
            logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'verify' }),
        });
        runner.addContainerDependencies({ container: scratchServer, condition: ecs.ContainerDependencyCondition.HEALTHY });
        if (checks.length > 0)
            this.addCheckWriter(runner, checks, checkPaths, source.postgresMajorVersion, logGroup);
        source.grantRead(this.taskDefinition.taskRole);
        (0, reviewed_findings_1.acknowledgeWildcards)(this.taskDefinition.taskRole, [(0, reviewed_findings_1.backupObjectsWildcard)(source.bucket.arnForObjects(`${source.prefix}/*`), 'read')]);
        (0, reviewed_findings_1.acknowledgeImagePull)(this.taskDefinition);
        this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
            vpc: props.vpc,
            description: 'Restore drill task: no inbound traffic; outbound to S3, ECR, CloudWatch Logs and Secrets Manager',
            allowAllOutbound: true,
        });
        const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
        const substitutions = {
            [state_machines_1.DrillPlaceholder.DATABASE_NAME]: this.databaseName,
            [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: this.notificationTopic.topicArn,
            [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
            [state_machines_1.DrillPlaceholder.TASK_DEFINITION_ARN]: this.taskDefinition.taskDefinitionArn,
            [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: exports.VERIFY_CONTAINER_NAME,
            [state_machines_1.DrillPlaceholder.SUBNETS]: aws_cdk_lib_1.Fn.join(',', subnets.subnetIds),
            [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: this.securityGroup.securityGroupId,
            [state_machines_1.DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
            [state_machines_1.DrillPlaceholder.TARGET_URL]: exports.SCRATCH_TARGET_URL,
        };
        const drillStateMachine = (0, drill_state_machine_1.createDrillStateMachine)(this, {
            drill,
            substitutions,
            scopes: (0, drill_state_machine_1.ecsDrillScopes)(this, {
                taskDefinition: this.taskDefinition,
                cluster: this.cluster,
                notificationTopic: this.notificationTopic,
                metricNamespace: this.metricNamespace,
            }),
            notificationTopic: this.notificationTopic,
            schedule: verification.schedule,
            logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
            drillName: 'the dump restore drill',
            owner: 'VerifyRestore',
            roleDescription: 'Runs the restore drill: its task, its metrics and its failure notification, nothing else',
            comment: `Restore drill of the latest pg_dump of ${this.databaseName}`,
            scheduleDescription: `Restore drill of ${this.databaseName}`,
        });
        this.stateMachine = drillStateMachine.stateMachine;
        this.schedule = drillStateMachine.schedule;
        const rendered = drillStateMachine.renderedSchedule;
        this.alarms = this.createAlarms(drillStateMachine.deadLetterQueue);
        this.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
            kind: 'restore-drill',
            database: protectedDatabaseOf(source),
            databaseNames: [this.databaseName],
            schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
            rtoMinutes: this.maxRestoreDurationMinutes,
            checks: checks.length,
        });
    }
    /** Drill outcomes published by the state machine: `RestoreDrillSucceeded`, `RestoreDrillFailed`, `RestoreDurationSeconds`. */
    metric(metricName, props = {}) {
        return new cloudwatch.Metric({
            namespace: this.metricNamespace,
            metricName,
            dimensionsMap: { Database: this.databaseName, Drill: 'dump' },
            ...props,
        });
    }
    /** Successful drills (sum per day). */
    metricDrillSucceeded(props = {}) {
        return this.metric(state_machines_1.RestoreDrillMetric.SUCCEEDED, { statistic: 'Sum', period: aws_cdk_lib_1.Duration.days(1), ...props });
    }
    /** Failed drills (sum per day). */
    metricDrillFailed(props = {}) {
        return this.metric(state_machines_1.RestoreDrillMetric.FAILED, { statistic: 'Sum', period: aws_cdk_lib_1.Duration.days(1), ...props });
    }
    /** The measured restore time of successful drills, seconds (longest per day). */
    metricRestoreDuration(props = {}) {
        return this.metric(state_machines_1.RestoreDrillMetric.DURATION, { statistic: 'Maximum', period: aws_cdk_lib_1.Duration.days(1), ...props });
    }
    addCheckWriter(runner, checks, paths, postgresMajorVersion, logGroup) {
        this.taskDefinition.addVolume({ name: 'checks' });
        const environment = Object.fromEntries(checks.map((sql, index) => [`PG_BACKUP_CHECK_${index}`, sql]));
        // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
        const script = paths.map((path, index) => `printenv PG_BACKUP_CHECK_${index} > ${path}`).join(' && ');
        const writer = this.taskDefinition.addContainer(exports.CHECKS_CONTAINER_NAME, {
            image: (0, runner_image_1.postgresServerImage)(postgresMajorVersion),
            essential: false,
            entryPoint: ['sh', '-c'],
            command: [script],
            environment,
            logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'write-checks' }),
        });
        writer.addMountPoints({ containerPath: exports.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
        runner.addMountPoints({ containerPath: exports.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true });
        runner.addContainerDependencies({ container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });
        (0, reviewed_findings_1.acknowledgePlainTaskEnvironment)(this.taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
    }
    createAlarms(deadLetterQueue) {
        const action = new cloudwatchActions.SnsAction(this.notificationTopic);
        const failedExecutions = new cloudwatch.MathExpression({
            label: 'Failed, timed-out or aborted drill executions',
            expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
            usingMetrics: {
                failed: this.stateMachine.metricFailed({ statistic: 'Sum' }),
                timedOut: this.stateMachine.metricTimedOut({ statistic: 'Sum' }),
                aborted: this.stateMachine.metricAborted({ statistic: 'Sum' }),
            },
            period: aws_cdk_lib_1.Duration.minutes(5),
        });
        const alarms = [
            new cloudwatch.Alarm(this, 'FailedDrillAlarm', {
                alarmDescription: `A restore drill of ${this.databaseName} failed: the latest dump could not be restored and checked`,
                metric: failedExecutions,
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }),
            new cloudwatch.Alarm(this, 'RtoAlarm', {
                alarmDescription: `A restore of ${this.databaseName} took longer than the RTO of ${this.maxRestoreDurationMinutes} minutes`,
                metric: this.metricRestoreDuration({ period: aws_cdk_lib_1.Duration.hours(1) }),
                threshold: this.maxRestoreDurationMinutes * 60,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }),
            new cloudwatch.Alarm(this, 'ScheduleDeadLetterAlarm', {
                alarmDescription: `EventBridge Scheduler could not start the restore drill of ${this.databaseName}`,
                metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: aws_cdk_lib_1.Duration.minutes(5), statistic: 'Maximum' }),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }),
        ];
        alarms.forEach((alarm) => {
            alarm.addAlarmAction(action);
            alarm.addOkAction(action);
        });
        return alarms;
    }
}
exports.VerifyRestore = VerifyRestore;
/** The cluster of a source that runs its own tasks (a `ScheduledPgDump`), so the drill shares it. */
function clusterOf(source) {
    const candidate = source.cluster;
    return candidate !== undefined && typeof candidate.clusterArn === 'string' ? candidate : undefined;
}
/** The construct path of the database a source protects, as the source recorded it in its metadata. */
function protectedDatabaseOf(source) {
    if (!constructs_1.Construct.isConstruct(source))
        return undefined;
    const entry = source.node.metadata.find((candidate) => candidate.type === scheduled_pg_dump_1.PROTECTION_METADATA_TYPE);
    return entry?.data?.database;
}
