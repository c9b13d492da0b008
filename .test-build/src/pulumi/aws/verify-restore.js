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
exports.scratchPostgresContainer = scratchPostgresContainer;
exports.checksWriterContainer = checksWriterContainer;
const fs = __importStar(require("node:fs"));
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const ec2 = __importStar(require("@pulumi/aws/ec2"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const iam = __importStar(require("@pulumi/aws/iam"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const backup_notifications_1 = require("./backup-notifications");
const drill_state_machine_1 = require("./drill-state-machine");
const policy_document_1 = require("./policy-document");
const restore_drill_alarms_1 = require("./restore-drill-alarms");
const runner_image_1 = require("./runner-image");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const database_name_1 = require("../../core/database-name");
const defaults_1 = require("../../core/defaults");
const fargate_sizes_1 = require("../../core/fargate-sizes");
const state_machines_1 = require("../../core/state-machines");
const validate_policy_1 = require("../../core/validate-policy");
const pulumi_validation_1 = require("../pulumi-validation");
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
 * The scratch PostgreSQL container of a restore drill task: the server's major, listening only on the task's loopback
 * and trusting it, healthy once `pg_isready` answers.
 */
function scratchPostgresContainer(postgresMajorVersion, logConfiguration) {
    return {
        name: exports.SCRATCH_POSTGRES_CONTAINER_NAME,
        image: (0, runner_image_1.postgresServerImage)(postgresMajorVersion),
        essential: false,
        // Listening on loopback only: the containers of this task share it, nothing else can connect.
        command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
        environment: [{ name: 'POSTGRES_HOST_AUTH_METHOD', value: 'trust' }],
        healthCheck: { command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'], interval: 5, timeout: 5, retries: 12, startPeriod: 30 },
        logConfiguration,
    };
}
/** The container of a restore drill task that writes the SQL check files into the shared `checks` volume, then exits. */
function checksWriterContainer(postgresMajorVersion, files, logConfiguration) {
    return {
        name: exports.CHECKS_CONTAINER_NAME,
        image: (0, runner_image_1.postgresServerImage)(postgresMajorVersion),
        essential: false,
        entryPoint: ['sh', '-c'],
        // printenv copies each check byte for byte; no shell quoting of user SQL is involved.
        command: [files.map((file) => `printenv ${file.variable} > ${file.path}`).join(' && ')],
        environment: files.map((file) => ({ name: file.variable, value: file.sql })),
        mountPoints: [{ containerPath: exports.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false }],
        logConfiguration,
    };
}
/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition) runs a
 * Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the same major
 * (listening only on the task's loopback), compares row counts, runs the checks and measures the restore. Every failure
 * or timeout stops the task, notifies the topic and fails the execution; failed executions and a restore slower than
 * the RTO alarm.
 *
 * Unlike the CDK construct, the scratch server trusts connections on the task's loopback instead of reading a generated
 * password from Secrets Manager: only the task's own containers can reach it either way, and no password ends up in
 * the Pulumi state.
 */
class VerifyRestore extends pulumi.ComponentResource {
    /** The database the drill restores. */
    databaseName;
    /** The state machine. */
    stateMachine;
    /** The state machine's definition as deployed (core's definition with every placeholder filled). */
    definition;
    /** The core drill: definition with placeholders, and the IAM actions its role is granted. */
    drill;
    /** The role the state machine runs as. */
    drillRole;
    /** The drill task definition. */
    taskDefinition;
    /** The role of the drill task: read the dumps, nothing else. */
    taskRole;
    /** The role ECS starts the task with. */
    executionRole;
    /** The cluster the drill runs in. */
    cluster;
    /** The security group of the drill task (no inbound rules). */
    securityGroup;
    /** The schedule that starts the drill. */
    schedule;
    /** The role the schedule starts the drill with. */
    schedulerRole;
    /** ARN of the topic failed drills are sent to. */
    notificationTopicArn;
    /** The RTO, minutes. */
    maxRestoreDurationMinutes;
    /** CloudWatch namespace of the drill metrics. */
    metricNamespace;
    /** Alarms: failed executions, restore slower than the RTO, a drill the schedule could not start. */
    alarms;
    constructor(name, props, opts) {
        super('postgres-backup:aws:VerifyRestore', name, {}, opts);
        const source = props.source;
        const databaseName = props.databaseName ?? source.databaseNames[0];
        (0, pulumi_validation_1.validateWhenKnown)({
            verification: props.verification,
            cpu: props.cpu,
            memoryLimitMiB: props.memoryLimitMiB,
            ephemeralStorageGiB: props.ephemeralStorageGiB,
            jobs: props.jobs,
            checkFiles: props.checkFiles,
            databaseName,
        }, checkDrillProps, name);
        const verification = (0, defaults_1.resolveVerification)(props.verification ?? {});
        const cpu = props.cpu ?? 2048;
        this.databaseName = databaseName;
        this.maxRestoreDurationMinutes = verification.maxRestoreDurationMinutes;
        this.metricNamespace = source.metricNamespace;
        const checks = [...verification.checks, ...(props.checkFiles ?? []).map((file) => fs.readFileSync(file, 'utf8'))];
        const jobs = props.jobs ?? Math.max(1, Math.floor(cpu / 1024));
        const environment = (0, aws_environment_1.awsEnvironment)(this);
        const child = { parent: this };
        const givenTopic = props.notificationTopicArn ?? source.notificationTopicArn;
        const notifications = new backup_notifications_1.BackupNotifications(`${name}-notifications`, {
            topicArn: givenTopic,
            topicKeyArn: props.notificationTopicArn !== undefined ? props.notificationTopicKeyArn : source.notificationTopicKeyArn,
            environment,
        }, child);
        this.notificationTopicArn = notifications.topicArn;
        if (props.cluster ?? source.cluster) {
            this.cluster = (props.cluster ?? source.cluster);
        }
        else {
            const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, child);
            this.cluster = { arn: cluster.arn, name: cluster.name };
        }
        const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: props.logRetentionDays ?? scheduled_pg_dump_1.DEFAULT_LOG_RETENTION_DAYS }, child);
        const dumpLocation = pulumi.interpolate `s3://${source.bucketName}/${source.prefix}`;
        const checkPaths = checks.map((_, index) => `${exports.CHECKS_DIRECTORY}/check-${index}.sql`);
        const extraArgs = ['--database', this.databaseName, '--jobs', String(jobs), ...checkPaths.flatMap((path) => ['--check', path])];
        this.drill = (0, state_machines_1.dumpRestoreDrill)({
            maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
            metricNamespace: this.metricNamespace,
            extraArgs,
        });
        this.taskRole = new iam.Role(`${name}-task-role`, {
            description: 'Restore drill task: read the dumps, nothing else',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-task-policy`, { role: this.taskRole.id, policy: (0, policy_document_1.policyDocument)(source.readStatements()) }, child);
        this.executionRole = new iam.Role(`${name}-execution-role`, {
            description: 'Starts the restore drill task: its logs',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-execution-policy`, {
            role: this.executionRole.id,
            policy: (0, policy_document_1.policyDocument)([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate `${logGroup.arn}:*` }]),
        }, child);
        const logging = (prefix) => ({
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroup.name, 'awslogs-region': environment.region, 'awslogs-stream-prefix': prefix },
        });
        const major = source.postgresMajorVersion;
        const containers = [
            scratchPostgresContainer(major, logging('scratch-postgres')),
            {
                name: exports.VERIFY_CONTAINER_NAME,
                image: props.image,
                essential: true,
                // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
                entryPoint: ['env'],
                command: dumpLocation.apply((from) => ['pg-backup', 'verify', '--from', from, '--latest', '--target-url', exports.SCRATCH_TARGET_URL, ...extraArgs]),
                dependsOn: [
                    { containerName: exports.SCRATCH_POSTGRES_CONTAINER_NAME, condition: 'HEALTHY' },
                    ...(checks.length > 0 ? [{ containerName: exports.CHECKS_CONTAINER_NAME, condition: 'SUCCESS' }] : []),
                ],
                mountPoints: checks.length > 0 ? [{ containerPath: exports.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true }] : [],
                logConfiguration: logging('verify'),
            },
        ];
        if (checks.length > 0) {
            const files = checks.map((sql, index) => ({ variable: `PG_BACKUP_CHECK_${index}`, path: checkPaths[index], sql }));
            containers.push(checksWriterContainer(major, files, logging('write-checks')));
        }
        this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
            family: `${name}-restore-drill`,
            cpu: String(cpu),
            memory: String(props.memoryLimitMiB ?? 8192),
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            ephemeralStorage: { sizeInGib: props.ephemeralStorageGiB ?? 50 },
            taskRoleArn: this.taskRole.arn,
            executionRoleArn: this.executionRole.arn,
            volumes: checks.length > 0 ? [{ name: 'checks' }] : undefined,
            containerDefinitions: pulumi.jsonStringify(containers),
        }, child);
        this.securityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
            vpcId: props.vpcId,
            description: 'Restore drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
            egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
        }, child);
        const drillStateMachine = (0, drill_state_machine_1.createDrillStateMachine)(name, this, {
            drill: this.drill,
            substitutions: (0, drill_state_machine_1.ecsDrillSubstitutions)({
                databaseName: this.databaseName,
                notificationTopicArn: this.notificationTopicArn,
                clusterArn: this.cluster.arn,
                taskDefinitionArn: this.taskDefinition.arn,
                containerName: exports.VERIFY_CONTAINER_NAME,
                subnetIds: props.subnetIds,
                securityGroupId: this.securityGroup.id,
                additional: { [state_machines_1.DrillPlaceholder.DUMP_LOCATION]: dumpLocation, [state_machines_1.DrillPlaceholder.TARGET_URL]: exports.SCRATCH_TARGET_URL },
            }),
            scopes: (0, drill_state_machine_1.ecsDrillScopes)({
                environment,
                taskDefinitionArn: this.taskDefinition.arn,
                cluster: this.cluster,
                taskRoleArn: this.taskRole.arn,
                executionRoleArn: this.executionRole.arn,
                notificationTopicArn: this.notificationTopicArn,
                metricNamespace: this.metricNamespace,
            }),
            notificationTopicKeyArn: notifications.topicKeyArn,
            schedule: verification.schedule,
            logRetentionDays: props.logRetentionDays ?? scheduled_pg_dump_1.DEFAULT_LOG_RETENTION_DAYS,
            environment,
            owner: 'VerifyRestore',
            roleDescription: 'Runs the restore drill: its task, its metrics and its failure notification, nothing else',
            scheduleDescription: `Restore drill of ${this.databaseName}`,
        });
        this.definition = drillStateMachine.definition;
        this.drillRole = drillStateMachine.drillRole;
        this.stateMachine = drillStateMachine.stateMachine;
        this.schedulerRole = drillStateMachine.schedulerRole;
        this.schedule = drillStateMachine.schedule;
        this.alarms = (0, restore_drill_alarms_1.createRestoreDrillAlarms)(name, {
            stateMachineArn: this.stateMachine.arn,
            metricNamespace: this.metricNamespace,
            databaseName: this.databaseName,
            drillKind: 'dump',
            maxRestoreDurationMinutes: this.maxRestoreDurationMinutes,
            deadLetterQueueName: drillStateMachine.deadLetterQueue.name,
            topicArn: this.notificationTopicArn,
            subject: `restore drill of ${this.databaseName}`,
            failedDescription: `A restore drill of ${this.databaseName} failed: the latest dump could not be restored and checked`,
            slowRestoreDescription: `A restore of ${this.databaseName} took longer than the RTO of ${this.maxRestoreDurationMinutes} minutes`,
        }, this);
        this.registerOutputs({
            stateMachineArn: this.stateMachine.arn,
            notificationTopicArn: this.notificationTopicArn,
            taskDefinitionArn: this.taskDefinition.arn,
            scheduleArn: this.schedule.arn,
            alarmArns: this.alarms.map((alarm) => alarm.arn),
        });
    }
}
exports.VerifyRestore = VerifyRestore;
/** Checks the props as the CDK construct does, with the same messages. */
function checkDrillProps(validator, props) {
    validator.include((0, validate_policy_1.checkPolicy)({ verification: props.verification ?? {} }, validator.optionsFor()));
    (0, fargate_sizes_1.checkFargateTaskSize)(validator, {
        cpu: props.cpu ?? 2048, memoryLimitMiB: props.memoryLimitMiB ?? 8192, ephemeralStorageGiB: props.ephemeralStorageGiB ?? 50,
    });
    validator.integer('jobs', props.jobs, 1, 64);
    if (props.databaseName === undefined)
        validator.report({ path: 'databaseName', value: undefined, allowed: 'a database name (the source names none)' });
    (0, database_name_1.checkDatabaseName)(validator, 'databaseName', props.databaseName);
    (props.checkFiles ?? []).forEach((file, index) => {
        if (!validator.isUnresolved(file) && !fs.existsSync(file))
            validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
    });
}
