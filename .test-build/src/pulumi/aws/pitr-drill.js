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
exports.PitrDrill = exports.PITR_DRILL_CONTAINER_NAME = void 0;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const ec2 = __importStar(require("@pulumi/aws/ec2"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const iam = __importStar(require("@pulumi/aws/iam"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const drill_state_machine_1 = require("./drill-state-machine");
const policy_document_1 = require("./policy-document");
const restore_drill_alarms_1 = require("./restore-drill-alarms");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const state_machines_1 = require("../../core/state-machines");
/** Name of the container running `pg-backup drill-pitr`. */
exports.PITR_DRILL_CONTAINER_NAME = 'drill-pitr';
/**
 * The scheduled point-in-time recovery drill, as the CDK `PitrDrill`: a Step Functions state machine (core's PITR drill
 * definition) runs a Fargate task in which `pg-backup drill-pitr` restores the base backup pgBackRest picks for the
 * target time (the execution's start, or the input's `targetTime`) into the task's scratch storage, replays WAL to it,
 * starts PostgreSQL, runs the checks and reports the restore duration. Every failure stops the task, notifies and fails
 * the execution; failed executions, a restore slower than the RTO and a schedule that could not start the drill alarm.
 */
class PitrDrill extends pulumi.ComponentResource {
    /** Core's drill: definition with placeholders, their names, the IAM actions. */
    drill;
    /** The definition with every placeholder filled, as deployed. */
    definition;
    /** The state machine. */
    stateMachine;
    /** The role the state machine runs as. */
    drillRole;
    /** The task definition. */
    taskDefinition;
    /** The role of the drill task: read the archive, nothing else. */
    taskRole;
    /** The role ECS starts the task with. */
    executionRole;
    /** The cluster the drill runs in. */
    cluster;
    /** The task's security group (no inbound rules). */
    securityGroup;
    /** The schedule. */
    schedule;
    /** The role the schedule starts the drill with. */
    schedulerRole;
    /** Alarms: failed executions, restore slower than the RTO, schedule dead letters. */
    alarms;
    databaseName;
    metricNamespace;
    notificationTopicArn;
    constructor(name, props, opts) {
        super('postgres-backup:aws:PitrDrill', name, {}, opts);
        const verification = props.verification;
        this.databaseName = props.databaseName;
        this.metricNamespace = props.metricNamespace;
        this.notificationTopicArn = props.notificationTopicArn;
        const environment = props.environment ?? (0, aws_environment_1.awsEnvironment)(this);
        const child = { parent: this };
        const logRetention = props.logRetentionDays ?? scheduled_pg_dump_1.DEFAULT_LOG_RETENTION_DAYS;
        if (props.cluster) {
            this.cluster = props.cluster;
        }
        else {
            const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, child);
            this.cluster = { arn: cluster.arn, name: cluster.name };
        }
        const logGroup = new cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: logRetention }, child);
        // Checks travel in the environment (quotes survive it untouched) and are named by --sql-env.
        const checkEnvironment = verification.checks.map((sql, index) => ({ name: `PG_BACKUP_PITR_CHECK_${index}`, value: sql }));
        const extraArgs = [
            '--stanza', props.stanza,
            '--aws-credentials',
            '--archive-wait', `${props.archiveWaitSeconds}s`,
            '--recovery-timeout', `${verification.maxRestoreDurationMinutes * 60}s`,
            ...checkEnvironment.flatMap(({ name: variable }) => ['--sql-env', variable]),
        ];
        this.drill = (0, state_machines_1.pitrRestoreDrill)({
            maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
            metricNamespace: props.metricNamespace,
            extraArgs,
        });
        this.taskRole = new iam.Role(`${name}-task-role`, {
            description: 'PITR drill task: read the WAL archive and base backups, nothing else',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-task-policy`, { role: this.taskRole.id, policy: (0, policy_document_1.policyDocument)(props.restoreStatements) }, child);
        this.executionRole = new iam.Role(`${name}-execution-role`, {
            description: 'Starts the PITR drill task: its logs',
            assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
        }, child);
        new iam.RolePolicy(`${name}-execution-policy`, {
            role: this.executionRole.id,
            policy: (0, policy_document_1.policyDocument)([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate `${logGroup.arn}:*` }]),
        }, child);
        const container = {
            name: exports.PITR_DRILL_CONTAINER_NAME,
            image: props.image,
            essential: true,
            // The drill's command starts with the executable (`pg-backup drill-pitr …`), so the image's entrypoint is replaced.
            entryPoint: ['env'],
            // The state machine overrides the target time with the execution's; this one only makes the task runnable by hand.
            command: ['pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z', ...extraArgs],
            environment: [
                { name: 'PG_BACKUP_PGBACKREST_CONF', value: props.pgBackRestConf },
                { name: 'PG_BACKUP_SCRATCH_DIR', value: '/tmp' },
                ...checkEnvironment,
            ],
            logConfiguration: {
                logDriver: 'awslogs',
                options: { 'awslogs-group': logGroup.name, 'awslogs-region': environment.region, 'awslogs-stream-prefix': 'drill-pitr' },
            },
        };
        this.taskDefinition = new ecs.TaskDefinition(`${name}-task`, {
            family: `${name}-pitr-drill`,
            cpu: String(props.cpu ?? 2048),
            memory: String(props.memoryLimitMiB ?? 8192),
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            ephemeralStorage: { sizeInGib: props.ephemeralStorageGiB ?? 100 },
            taskRoleArn: this.taskRole.arn,
            executionRoleArn: this.executionRole.arn,
            containerDefinitions: pulumi.jsonStringify([container]),
        }, child);
        this.securityGroup = new ec2.SecurityGroup(`${name}-task-sg`, {
            vpcId: props.vpcId,
            description: 'PITR drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
            egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
        }, child);
        const drillStateMachine = (0, drill_state_machine_1.createDrillStateMachine)(name, this, {
            drill: this.drill,
            substitutions: (0, drill_state_machine_1.ecsDrillSubstitutions)({
                databaseName: this.databaseName,
                notificationTopicArn: props.notificationTopicArn,
                clusterArn: this.cluster.arn,
                taskDefinitionArn: this.taskDefinition.arn,
                containerName: exports.PITR_DRILL_CONTAINER_NAME,
                subnetIds: props.subnetIds,
                securityGroupId: this.securityGroup.id,
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
            notificationTopicKeyArn: props.notificationTopicKeyArn,
            schedule: verification.schedule,
            logRetentionDays: logRetention,
            environment,
            owner: 'PitrDrill',
            roleDescription: 'Runs the PITR drill: its task, its metrics and its failure notification, nothing else',
            scheduleDescription: `Point-in-time recovery drill of ${this.databaseName}`,
        });
        this.definition = drillStateMachine.definition;
        this.drillRole = drillStateMachine.drillRole;
        this.stateMachine = drillStateMachine.stateMachine;
        this.schedulerRole = drillStateMachine.schedulerRole;
        this.schedule = drillStateMachine.schedule;
        const deadLetterQueue = drillStateMachine.deadLetterQueue;
        this.alarms = (0, restore_drill_alarms_1.createRestoreDrillAlarms)(name, {
            stateMachineArn: this.stateMachine.arn,
            metricNamespace: this.metricNamespace,
            databaseName: this.databaseName,
            drillKind: 'pitr',
            maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
            deadLetterQueueName: deadLetterQueue.name,
            topicArn: props.notificationTopicArn,
            subject: `point-in-time recovery drill of ${this.databaseName}`,
        }, this);
        this.registerOutputs({
            stateMachineArn: this.stateMachine.arn,
            taskDefinitionArn: this.taskDefinition.arn,
            scheduleArn: this.schedule.arn,
            alarmArns: this.alarms.map((alarm) => alarm.arn),
        });
    }
}
exports.PitrDrill = PitrDrill;
