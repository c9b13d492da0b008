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
exports.createFleetDrills = createFleetDrills;
const ec2 = __importStar(require("@pulumi/aws/ec2"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const iam = __importStar(require("@pulumi/aws/iam"));
const scheduler = __importStar(require("@pulumi/aws/scheduler"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const blueprint_fleet_1 = require("./blueprint-fleet");
const drill_state_machine_1 = require("./drill-state-machine");
const metric_alarm_1 = require("./metric-alarm");
const policy_document_1 = require("./policy-document");
const scheduler_role_1 = require("./scheduler-role");
const verify_restore_1 = require("./verify-restore");
const blueprint_drill_groups_1 = require("../../core/blueprint-drill-groups");
const schedule_1 = require("../../core/schedule");
const state_machines_1 = require("../../core/state-machines");
/**
 * The fleet's restore drills: one verify task definition per PostgreSQL major (a scratch server on the task's
 * loopback, the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, its alarm, and one schedule per group of
 * databases sharing drill settings.
 */
function createFleetDrills(fleet, servers) {
    const { name, parent, props } = fleet;
    const child = { parent };
    const groups = (0, blueprint_drill_groups_1.blueprintDrillGroups)(servers.map((server) => ({
        id: server.entry.id, policy: server.policy, major: server.major, databaseNames: server.databaseNames,
    })));
    if (groups.length === 0)
        return undefined;
    const cpu = props.drillCpu ?? 2048;
    const jobs = String(Math.max(1, Math.floor(cpu / 1024)));
    const taskRole = new iam.Role(`${name}-drill-task-role`, {
        description: 'Fleet restore drill tasks: read the dumps, nothing else',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-drill-task-policy`, { role: taskRole.id, policy: (0, policy_document_1.policyDocument)(fleet.backupBucket.readStatements(fleet.prefix)) }, child);
    const executionRole = new iam.Role(`${name}-drill-execution-role`, {
        description: 'Starts the fleet restore drill tasks: their logs',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-drill-execution-policy`, {
        role: executionRole.id,
        policy: (0, policy_document_1.policyDocument)([{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate `${fleet.logGroupArn}:*` }]),
    }, child);
    // Every group's checks, one file per group: the runner takes a file of several statements.
    const checkFiles = groups.map((group, index) => ({
        variable: `PG_BACKUP_CHECKS_${index}`, path: `${verify_restore_1.CHECKS_DIRECTORY}/group-${index}.sql`, sql: (0, blueprint_drill_groups_1.drillGroupCheckFile)(group.checks),
    }));
    const taskDefinitions = new Map();
    for (const major of fleet.majors) {
        const logging = (prefix) => ({
            logDriver: 'awslogs',
            options: { 'awslogs-group': fleet.logGroupName, 'awslogs-region': fleet.environment.region, 'awslogs-stream-prefix': `${prefix}-${major}` },
        });
        taskDefinitions.set(major, new ecs.TaskDefinition(`${name}-drill-task-${major}`, {
            family: `${name}-restore-drill-${major}`,
            cpu: String(cpu),
            memory: String(props.drillMemoryLimitMiB ?? 8192),
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            ephemeralStorage: { sizeInGib: props.drillEphemeralStorageGiB ?? 50 },
            taskRoleArn: taskRole.arn,
            executionRoleArn: executionRole.arn,
            volumes: [{ name: 'checks' }],
            containerDefinitions: pulumi.jsonStringify([
                (0, verify_restore_1.scratchPostgresContainer)(major, logging('scratch-postgres')),
                (0, verify_restore_1.checksWriterContainer)(major, checkFiles, logging('write-checks')),
                {
                    name: blueprint_fleet_1.BLUEPRINT_RUNNER_CONTAINER_NAME,
                    image: fleet.image(major),
                    essential: true,
                    // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
                    entryPoint: ['env'],
                    command: ['pg-backup', '--help'],
                    dependsOn: [{ containerName: verify_restore_1.SCRATCH_POSTGRES_CONTAINER_NAME, condition: 'HEALTHY' }, { containerName: verify_restore_1.CHECKS_CONTAINER_NAME, condition: 'SUCCESS' }],
                    mountPoints: [{ containerPath: verify_restore_1.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true }],
                    logConfiguration: logging('verify'),
                },
            ]),
        }, child));
    }
    const securityGroup = new ec2.SecurityGroup(`${name}-drill-sg`, {
        vpcId: props.vpcId,
        description: 'Fleet restore drill tasks: no inbound traffic; outbound to S3, ECR and CloudWatch Logs',
        egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
    }, child);
    const longestRtoSeconds = Math.max(...groups.map((group) => group.rtoSeconds), 60);
    const largestGroup = Math.max(...groups.map((group) => group.databases.length), 1);
    const maxConcurrency = props.maxConcurrentDrills ?? 2;
    const drill = (0, state_machines_1.fleetDumpRestoreDrill)({
        maxConcurrency,
        maxRestoreDurationSeconds: longestRtoSeconds,
        metricNamespace: fleet.metricNamespace,
        executionTimeoutSeconds: (0, state_machines_1.fleetDrillExecutionTimeoutSeconds)(largestGroup, maxConcurrency, longestRtoSeconds + 600),
    });
    const definitions = [...taskDefinitions.values()];
    const substitutions = pulumi.all([fleet.notificationTopicArn, fleet.cluster.arn, pulumi.output(props.subnetIds), securityGroup.id])
        .apply(([topicArn, clusterArn, subnets, securityGroupId]) => ({
        [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: topicArn,
        [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: clusterArn,
        [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: blueprint_fleet_1.BLUEPRINT_RUNNER_CONTAINER_NAME,
        [state_machines_1.DrillPlaceholder.SUBNETS]: subnets.join(','),
        [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: securityGroupId,
        [state_machines_1.DrillPlaceholder.TARGET_URL]: verify_restore_1.SCRATCH_TARGET_URL,
    }));
    const execution = (0, drill_state_machine_1.createDrillExecution)(name, parent, {
        drill: { definition: JSON.stringify(drill.definition), iamActions: drill.iamActions },
        substitutions,
        scopes: {
            ...(0, drill_state_machine_1.ecsDrillScopes)({
                environment: fleet.environment,
                taskDefinitionArn: definitions[0].arn,
                cluster: fleet.cluster,
                taskRoleArn: taskRole.arn,
                executionRoleArn: executionRole.arn,
                notificationTopicArn: fleet.notificationTopicArn,
                metricNamespace: fleet.metricNamespace,
            }),
            // Every major's verify task, picked per execution by its input.
            'ecs-task-definition': { Resource: definitions.map((taskDefinition) => taskDefinition.arn) },
        },
        notificationTopicKeyArn: fleet.notificationTopicKeyArn,
        logRetentionDays: fleet.logRetentionDays,
        owner: 'PostgresBackupBlueprint',
        roleDescription: 'Runs the fleet restore drill: its tasks, its metrics and its failure notifications, nothing else',
    });
    const schedulerRole = (0, scheduler_role_1.createSchedulerRole)(`${name}-drill`, parent, fleet.environment, [
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: execution.stateMachine.arn },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: fleet.deadLetterQueueArn },
    ]);
    const schedules = [];
    groups.forEach((group, groupIndex) => {
        const rendered = (0, schedule_1.renderEventBridgeSchedule)(group.schedule, 'verification.schedule');
        (0, blueprint_drill_groups_1.chunkDrillDatabases)(group.databases).forEach((databases, chunkIndex) => {
            const input = pulumi.all([fleet.backupBucket.bucketName, taskDefinitions.get(group.major).arn]).apply(([bucket, taskDefinitionArn]) => {
                const value = {
                    bucket,
                    prefix: fleet.prefix,
                    rtoSeconds: group.rtoSeconds,
                    taskDefinitionArn,
                    jobs,
                    checkFile: checkFiles[groupIndex].path,
                    databases,
                };
                return JSON.stringify(value);
            });
            schedules.push(new scheduler.Schedule(`${name}-drill-schedule-${groupIndex}-${chunkIndex}`, {
                description: `Restore drills of ${databases.length} database(s): ${databases.map((d) => `${d.id}/${d.name}`).join(', ')}`.slice(0, 512),
                scheduleExpression: rendered.scheduleExpression,
                scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
                flexibleTimeWindow: { mode: 'OFF' },
                state: 'ENABLED',
                target: {
                    arn: execution.stateMachine.arn,
                    roleArn: schedulerRole.arn,
                    input,
                    deadLetterConfig: { arn: fleet.deadLetterQueueArn },
                    retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
                },
            }, child));
        });
    });
    const failedDrillAlarm = (0, metric_alarm_1.createBackupAlarm)(`${name}-failed-drill`, {
        description: 'A fleet restore drill failed: each failed database was notified by name, and its drill metric is 1',
        metric: (0, metric_alarm_1.failedExecutionsExpression)(execution.stateMachine.arn),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        topicArn: fleet.notificationTopicArn,
    }, parent);
    return {
        taskDefinitions,
        stateMachine: execution.stateMachine,
        definition: execution.definition,
        drillRole: execution.drillRole,
        schedules,
        groups,
        failedDrillAlarm,
    };
}
