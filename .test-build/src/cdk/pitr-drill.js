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
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const constructs_1 = require("constructs");
const drill_state_machine_1 = require("./drill-state-machine");
const restore_drill_alarms_1 = require("./restore-drill-alarms");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const state_machines_1 = require("../core/state-machines");
/** Name of the container running `pg-backup drill-pitr`. */
exports.PITR_DRILL_CONTAINER_NAME = 'drill-pitr';
/**
 * The scheduled point-in-time recovery drill: a Step Functions state machine (core's PITR drill definition) runs a
 * Fargate task in which `pg-backup drill-pitr` restores the base backup pgBackRest picks for the target time (the
 * execution's start, or the input's `targetTime`) into the task's scratch storage, replays WAL to it, starts
 * PostgreSQL, runs the checks and reports the restore duration. Every failure stops the task, notifies and fails the
 * execution; failed executions, a restore slower than the RTO and a schedule that could not start the drill alarm.
 */
class PitrDrill extends constructs_1.Construct {
    /** The state machine. */
    stateMachine;
    /** The task definition. */
    taskDefinition;
    /** The cluster. */
    cluster;
    /** The task's security group (no inbound rules). */
    securityGroup;
    /** The schedule. */
    schedule;
    /** Alarms: failed executions, restore slower than the RTO, schedule dead letters. */
    alarms;
    props;
    constructor(scope, id, props) {
        super(scope, id);
        this.props = props;
        const verification = props.verification;
        this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
        const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS, removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY });
        this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
            cpu: props.cpu ?? 2048,
            memoryLimitMiB: props.memoryLimitMiB ?? 8192,
            ephemeralStorageGiB: props.ephemeralStorageGiB ?? 100,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        // Checks travel in the environment (quotes survive it untouched) and are named by --sql-env.
        const checkEnvironment = Object.fromEntries(verification.checks.map((sql, index) => [`PG_BACKUP_PITR_CHECK_${index}`, sql]));
        const extraArgs = [
            '--stanza', props.stanza,
            '--aws-credentials',
            '--archive-wait', `${props.archiveWaitSeconds}s`,
            '--recovery-timeout', `${verification.maxRestoreDurationMinutes * 60}s`,
            ...Object.keys(checkEnvironment).flatMap((name) => ['--sql-env', name]),
        ];
        const drill = (0, state_machines_1.pitrRestoreDrill)({
            maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
            metricNamespace: props.metricNamespace,
            extraArgs,
        });
        this.taskDefinition.addContainer(exports.PITR_DRILL_CONTAINER_NAME, {
            image: props.image ?? (0, runner_image_1.runnerImageFromPackage)({ postgresMajorVersion: props.postgresMajorVersion }),
            // The drill's command starts with the executable (`pg-backup drill-pitr …`), so the image's entrypoint is replaced.
            entryPoint: ['env'],
            command: ['pg-backup', 'drill-pitr', '--target-time', '2026-01-01T00:00:00Z', ...extraArgs],
            environment: { PG_BACKUP_PGBACKREST_CONF: props.pgBackRestConf, PG_BACKUP_SCRATCH_DIR: '/tmp', ...checkEnvironment },
            logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'drill-pitr' }),
        });
        props.grantRestore(this.taskDefinition.taskRole);
        (0, reviewed_findings_1.acknowledgeImagePull)(this.taskDefinition);
        (0, reviewed_findings_1.acknowledgePlainTaskEnvironment)(this.taskDefinition, 'pgbackrest.conf (bucket, region, key ARN; no credentials: the task role\'s '
            + 'are fetched at run time), a scratch directory and the SQL text of the drill checks');
        this.securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
            vpc: props.vpc,
            description: 'PITR drill task: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
            allowAllOutbound: true,
        });
        const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
        const substitutions = {
            [state_machines_1.DrillPlaceholder.DATABASE_NAME]: props.databaseName,
            [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: props.notificationTopic.topicArn,
            [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
            [state_machines_1.DrillPlaceholder.TASK_DEFINITION_ARN]: this.taskDefinition.taskDefinitionArn,
            [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: exports.PITR_DRILL_CONTAINER_NAME,
            [state_machines_1.DrillPlaceholder.SUBNETS]: aws_cdk_lib_1.Fn.join(',', subnets.subnetIds),
            [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: this.securityGroup.securityGroupId,
        };
        const drillStateMachine = (0, drill_state_machine_1.createDrillStateMachine)(this, {
            drill,
            substitutions,
            scopes: (0, drill_state_machine_1.ecsDrillScopes)(this, {
                taskDefinition: this.taskDefinition,
                cluster: this.cluster,
                notificationTopic: props.notificationTopic,
                metricNamespace: props.metricNamespace,
            }),
            notificationTopic: props.notificationTopic,
            schedule: verification.schedule,
            logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
            drillName: 'the PITR drill',
            owner: 'PitrDrill',
            roleDescription: 'Runs the PITR drill: its task, its metrics and its failure notification, nothing else',
            comment: `Point-in-time recovery drill of ${props.databaseName}`,
            scheduleDescription: `Point-in-time recovery drill of ${props.databaseName}`,
        });
        this.stateMachine = drillStateMachine.stateMachine;
        this.schedule = drillStateMachine.schedule;
        const deadLetterQueue = drillStateMachine.deadLetterQueue;
        this.alarms = (0, restore_drill_alarms_1.createRestoreDrillAlarms)(this, {
            stateMachine: this.stateMachine,
            restoreDuration: this.metricRestoreDuration({ period: aws_cdk_lib_1.Duration.hours(1) }),
            maxRestoreDurationMinutes: verification.maxRestoreDurationMinutes,
            deadLetterQueue,
            topic: props.notificationTopic,
            subject: `point-in-time recovery drill of ${props.databaseName}`,
        });
    }
    /** The drill's restore time, seconds (longest per day): published by the state machine with `Drill` = `pitr`. */
    metricRestoreDuration(props = {}) {
        return new cloudwatch.Metric({
            namespace: this.props.metricNamespace,
            metricName: state_machines_1.RestoreDrillMetric.DURATION,
            dimensionsMap: { Database: this.props.databaseName, Drill: 'pitr' },
            statistic: 'Maximum',
            period: aws_cdk_lib_1.Duration.days(1),
            ...props,
        });
    }
}
exports.PitrDrill = PitrDrill;
