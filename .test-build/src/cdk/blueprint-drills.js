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
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const schedulerTargets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const secretsmanager = __importStar(require("aws-cdk-lib/aws-secretsmanager"));
const sfn = __importStar(require("aws-cdk-lib/aws-stepfunctions"));
const blueprint_server_plan_1 = require("./blueprint-server-plan");
const postgres_backup_blueprint_props_1 = require("./postgres-backup-blueprint-props");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const verify_restore_1 = require("./verify-restore");
const blueprint_drill_groups_1 = require("../core/blueprint-drill-groups");
const schedule_1 = require("../core/schedule");
const state_machines_1 = require("../core/state-machines");
/**
 * The fleet's restore drills: one verify task definition per PostgreSQL major (a scratch server, the checks of every
 * drill group written to a volume, the runner), the one state machine from core's `fleetDumpRestoreDrill` that drills
 * any database named in its input, its alarm, and one schedule per group of databases sharing drill settings (split
 * to keep each schedule's input under 8 KB).
 */
function createFleetDrills(fleet, props, servers, drillSecurityGroup) {
    const cpu = props.drillCpu ?? 2048;
    const jobs = String(Math.max(1, Math.floor(cpu / 1024)));
    const groups = (0, blueprint_drill_groups_1.blueprintDrillGroups)(servers.map((server) => ({
        id: server.entry.id, policy: server.policy, major: server.major, databaseNames: server.databaseNames,
    })));
    const scratchPassword = new secretsmanager.Secret(fleet.scope, 'ScratchPassword', {
        description: 'Password of the throwaway PostgreSQL inside the fleet restore drill tasks',
        generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    });
    (0, reviewed_findings_1.acknowledgeScratchPassword)(scratchPassword);
    const taskRole = new iam.Role(fleet.scope, 'DrillTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const executionRole = new iam.Role(fleet.scope, 'DrillExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    fleet.backupBucket.grantReadBackups(taskRole, fleet.prefix);
    (0, reviewed_findings_1.acknowledgeWildcards)(taskRole, [(0, reviewed_findings_1.backupObjectsWildcard)(fleet.backupBucket.objectsUnder(fleet.prefix), 'read')]);
    (0, reviewed_findings_1.acknowledgeWildcards)(executionRole, [reviewed_findings_1.IMAGE_PULL_WILDCARD]);
    const taskDefinitions = new Map();
    // Every group's checks, one file per group: the runner takes a file of several statements.
    const checkFiles = Object.fromEntries(groups.map((group, index) => [`PG_BACKUP_CHECKS_${index}`, (0, blueprint_drill_groups_1.drillGroupCheckFile)(group.checks)]));
    for (const major of fleet.majors) {
        const taskDefinition = new ecs.FargateTaskDefinition(fleet.scope, `DrillTask${major}`, {
            cpu,
            memoryLimitMiB: props.drillMemoryLimitMiB ?? 8192,
            ephemeralStorageGiB: props.drillEphemeralStorageGiB ?? 50,
            taskRole,
            executionRole,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        const scratch = taskDefinition.addContainer('scratch-postgres', {
            image: (0, runner_image_1.postgresServerImage)(major),
            essential: false,
            command: ['postgres', '-c', 'listen_addresses=127.0.0.1'],
            secrets: { POSTGRES_PASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
            healthCheck: {
                command: ['CMD-SHELL', 'pg_isready -h 127.0.0.1 -U postgres'],
                interval: aws_cdk_lib_1.Duration.seconds(5),
                timeout: aws_cdk_lib_1.Duration.seconds(5),
                retries: 12,
                startPeriod: aws_cdk_lib_1.Duration.seconds(30),
            },
            logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `scratch-postgres-${major}` }),
        });
        taskDefinition.addVolume({ name: 'checks' });
        const writer = taskDefinition.addContainer('write-checks', {
            image: (0, runner_image_1.postgresServerImage)(major),
            essential: false,
            entryPoint: ['sh', '-c'],
            // printenv copies each group's checks byte for byte; no shell quoting of user SQL is involved.
            command: [Object.keys(checkFiles).map((name, index) => `printenv ${name} > ${verify_restore_1.CHECKS_DIRECTORY}/group-${index}.sql`).join(' && ')],
            environment: checkFiles,
            logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `write-checks-${major}` }),
        });
        writer.addMountPoints({ containerPath: verify_restore_1.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: false });
        const runner = taskDefinition.addContainer(postgres_backup_blueprint_props_1.BLUEPRINT_RUNNER_CONTAINER_NAME, {
            image: fleet.image(major),
            // The drill's command starts with the executable (`pg-backup verify …`), so the image's entrypoint is replaced.
            entryPoint: ['env'],
            command: ['pg-backup', '--help'],
            secrets: { PGPASSWORD: ecs.Secret.fromSecretsManager(scratchPassword) },
            logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `verify-${major}` }),
        });
        runner.addMountPoints({ containerPath: verify_restore_1.CHECKS_DIRECTORY, sourceVolume: 'checks', readOnly: true });
        runner.addContainerDependencies({ container: scratch, condition: ecs.ContainerDependencyCondition.HEALTHY }, { container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });
        (0, reviewed_findings_1.acknowledgePlainTaskEnvironment)(taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
        taskDefinitions.set(major, taskDefinition);
    }
    const longestRtoSeconds = Math.max(...groups.map((group) => group.rtoSeconds), 60);
    const largestGroup = Math.max(...groups.map((group) => group.databases.length), 1);
    const maxConcurrency = props.maxConcurrentDrills ?? 2;
    const drill = (0, state_machines_1.fleetDumpRestoreDrill)({
        maxConcurrency,
        maxRestoreDurationSeconds: longestRtoSeconds,
        metricNamespace: fleet.metricNamespace,
        executionTimeoutSeconds: (0, state_machines_1.fleetDrillExecutionTimeoutSeconds)(largestGroup, maxConcurrency, longestRtoSeconds + 600),
    });
    const selected = fleet.vpc.selectSubnets(fleet.subnets);
    const substitutions = {
        [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: fleet.notificationTopic.topicArn,
        [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: fleet.cluster.clusterArn,
        [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: postgres_backup_blueprint_props_1.BLUEPRINT_RUNNER_CONTAINER_NAME,
        [state_machines_1.DrillPlaceholder.SUBNETS]: aws_cdk_lib_1.Fn.join(',', selected.subnetIds),
        [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: drillSecurityGroup.securityGroupId,
        [state_machines_1.DrillPlaceholder.TARGET_URL]: verify_restore_1.SCRATCH_TARGET_URL,
    };
    const role = new iam.Role(fleet.scope, 'DrillRole', {
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
        description: 'Runs the fleet restore drill: its tasks, its metrics and its failure notifications, nothing else',
    });
    const definitions = [...taskDefinitions.values()];
    const scopes = new Map();
    for (const group of drill.iamActions) {
        const scope = drillPermissionScope(fleet, group.resource, definitions, taskRole, executionRole);
        scopes.set(group.resource, scope);
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...scope }));
    }
    (0, reviewed_findings_1.acknowledgeWildcards)(role, (0, reviewed_findings_1.drillRoleWildcards)(drill.iamActions, (kind) => scopes.get(kind)?.resources));
    fleet.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const stateMachine = new sfn.StateMachine(fleet.scope, 'Drill', {
        comment: 'Restore drills of the fleet: the latest pg_dump of each database given in the input',
        definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
        definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
        role,
        logs: {
            destination: new logs.LogGroup(fleet.scope, 'DrillExecutionLogs', {
                retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
                removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
            }),
            level: sfn.LogLevel.ALL,
            includeExecutionData: true,
        },
        tracingEnabled: true,
    });
    const failedExecutions = new cloudwatch.MathExpression({
        label: 'Failed, timed-out or aborted fleet drill executions',
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
            failed: stateMachine.metricFailed({ statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ statistic: 'Sum' }),
            aborted: stateMachine.metricAborted({ statistic: 'Sum' }),
        },
        period: aws_cdk_lib_1.Duration.minutes(5),
    });
    const action = new cloudwatchActions.SnsAction(fleet.notificationTopic);
    const drillAlarm = new cloudwatch.Alarm(fleet.scope, 'FailedDrillAlarm', {
        alarmDescription: 'A fleet restore drill failed: each failed database was notified by name, and its drill metric is 1',
        metric: failedExecutions,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    drillAlarm.addAlarmAction(action);
    drillAlarm.addOkAction(action);
    const schedules = [];
    groups.forEach((group, groupIndex) => {
        const rendered = (0, schedule_1.renderEventBridgeSchedule)(group.schedule, 'verification.schedule');
        (0, blueprint_drill_groups_1.chunkDrillDatabases)(group.databases).forEach((databases, chunkIndex) => {
            const input = {
                bucket: fleet.bucketName ?? fleet.bucket.bucketName,
                prefix: fleet.prefix,
                rtoSeconds: group.rtoSeconds,
                taskDefinitionArn: taskDefinitions.get(group.major).taskDefinitionArn,
                jobs,
                checkFile: `${verify_restore_1.CHECKS_DIRECTORY}/group-${groupIndex}.sql`,
                databases,
            };
            schedules.push(new scheduler.Schedule(fleet.scope, `DrillSchedule${groupIndex}-${chunkIndex}`, {
                description: `Restore drills of ${databases.length} database(s): ${databases.map((d) => `${d.id}/${d.name}`).join(', ')}`.slice(0, 512),
                schedule: scheduler.ScheduleExpression.expression(rendered.scheduleExpression, aws_cdk_lib_1.TimeZone.of(rendered.scheduleExpressionTimezone)),
                timeWindow: scheduler.TimeWindow.off(),
                target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
                    input: scheduler.ScheduleTargetInput.fromObject(input),
                    deadLetterQueue: fleet.deadLetterQueue,
                    retryAttempts: 3,
                    maxEventAge: aws_cdk_lib_1.Duration.hours(1),
                }),
            }));
            for (const database of databases) {
                const server = servers.find((candidate) => candidate.entry.id === database.id);
                fleet.scope.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                    kind: 'restore-drill',
                    database: (0, blueprint_server_plan_1.connectionPath)(server.connection),
                    databaseNames: [database.name],
                    schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
                    rtoMinutes: group.rtoSeconds / 60,
                    checks: group.checks.length,
                });
            }
        });
    });
    return { taskDefinitions, stateMachine, schedules };
}
/** The resources (and conditions) one group of the drill's IAM actions is limited to. */
function drillPermissionScope(fleet, kind, taskDefinitions, taskRole, executionRole) {
    const stack = aws_cdk_lib_1.Stack.of(fleet.scope);
    switch (kind) {
        case 'ecs-task-definition':
            return { resources: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn) };
        case 'ecs-task':
            return { resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${fleet.cluster.clusterName}/*` })] };
        case 'ecs-cluster-condition':
            return { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': fleet.cluster.clusterArn } } };
        case 'ecs-task-roles':
            return { resources: [taskRole.roleArn, executionRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } };
        case 'sync-events-rule':
            return { resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })] };
        case 'sns-topic':
            return { resources: [fleet.notificationTopic.topicArn] };
        case 'cloudwatch-namespace-condition':
            return { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': fleet.metricNamespace } } };
        default:
            throw new Error(`the fleet restore drill needs ${kind} permissions, which PostgresBackupBlueprint cannot scope`);
    }
}
