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
exports.createFleetDumps = createFleetDumps;
exports.dumpSucceededMetric = dumpSucceededMetric;
exports.notifyWhenDumpTaskFails = notifyWhenDumpTaskFails;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const eventsTargets = __importStar(require("aws-cdk-lib/aws-events-targets"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const rds = __importStar(require("aws-cdk-lib/aws-rds"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const schedulerTargets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const blueprint_server_plan_1 = require("./blueprint-server-plan");
const cdk_validation_1 = require("./cdk-validation");
const postgres_backup_blueprint_props_1 = require("./postgres-backup-blueprint-props");
const restore_runbook_artifacts_1 = require("./restore-runbook-artifacts");
const reviewed_findings_1 = require("./reviewed-findings");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const blueprint_server_1 = require("../core/blueprint-server");
const defaults_1 = require("../core/defaults");
const runner_argv_1 = require("../core/runner-argv");
const schedule_1 = require("../core/schedule");
/**
 * The fleet's dumps: one task definition per PostgreSQL major holding every server's secret under its own variable;
 * per database a schedule that runs it with the database's own command, an RPO alarm, its runbook and restore
 * output; per server an ingress rule from the dump tasks and the cost estimate.
 */
function createFleetDumps(fleet, props, servers, lock, dumpSecurityGroup) {
    // Dump task definitions: one per major, every server's secret under its own variable, the database picked per run.
    const dumpTaskRole = new iam.Role(fleet.scope, 'DumpTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    const dumpExecutionRole = new iam.Role(fleet.scope, 'DumpExecutionRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    fleet.backupBucket.grantWriteBackups(dumpTaskRole, fleet.prefix);
    (0, reviewed_findings_1.acknowledgeWildcards)(dumpTaskRole, [(0, reviewed_findings_1.backupObjectsWildcard)(fleet.backupBucket.objectsUnder(fleet.prefix), 'write')]);
    (0, reviewed_findings_1.acknowledgeWildcards)(dumpExecutionRole, [reviewed_findings_1.IMAGE_PULL_WILDCARD]);
    const dumpTaskDefinitions = new Map();
    for (const major of fleet.majors) {
        const taskDefinition = new ecs.FargateTaskDefinition(fleet.scope, `DumpTask${major}`, {
            cpu: props.dumpCpu ?? 1024,
            memoryLimitMiB: props.dumpMemoryLimitMiB ?? 2048,
            taskRole: dumpTaskRole,
            executionRole: dumpExecutionRole,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        const ofMajor = servers.filter((server) => server.major === major);
        taskDefinition.addContainer(postgres_backup_blueprint_props_1.BLUEPRINT_RUNNER_CONTAINER_NAME, {
            image: fleet.image(major),
            // Every run overrides the command; run without one, the task only prints the usage.
            command: ['--help'],
            secrets: Object.fromEntries(ofMajor.map((server) => [(0, blueprint_server_plan_1.secretVariable)(server), server.secret])),
            logging: ecs.LogDrivers.awsLogs({ logGroup: fleet.logGroup, streamPrefix: `dump-${major}` }),
            stopTimeout: aws_cdk_lib_1.Duration.seconds(30),
        });
        dumpTaskDefinitions.set(major, taskDefinition);
    }
    const allowed = new Set();
    for (const server of servers) {
        if (allowed.has(server.connection.connections))
            continue;
        allowed.add(server.connection.connections);
        server.connection.allowFrom(dumpSecurityGroup);
    }
    // The schedules' own role (not the one the target would share stack-wide), so its grants are reviewed here.
    const stack = aws_cdk_lib_1.Stack.of(fleet.scope);
    const scheduleRole = new iam.Role(fleet.scope, 'DumpScheduleRole', {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
            conditions: {
                StringEquals: {
                    'aws:SourceAccount': stack.account,
                    'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
                },
            },
        }),
        description: 'Starts the fleet\'s scheduled pg_dump tasks in its cluster and tags them',
    });
    (0, reviewed_findings_1.acknowledgeWildcards)(scheduleRole, [...dumpTaskDefinitions.values()].map((definition) => (0, reviewed_findings_1.scheduledTasksWildcard)(fleet.cluster, definition)));
    // Per database: the schedule and the RPO alarm.
    const alarmAction = new cloudwatchActions.SnsAction(fleet.notificationTopic);
    const artifacts = new restore_runbook_artifacts_1.RestoreRunbookArtifacts(fleet.scope, 'Runbooks');
    const protectedDatabases = [];
    const costEstimates = new Map();
    for (const server of servers) {
        const dump = server.policy.logicalDump && (0, defaults_1.resolveLogicalDump)(server.policy.logicalDump);
        if (!dump)
            continue;
        const dumpLocation = `s3://${fleet.bucketName ?? fleet.bucket.bucketName}/${fleet.prefix}/${server.entry.id}`;
        const rendered = (0, schedule_1.renderEventBridgeSchedule)(dump.schedule, `databases[${server.index}].logicalDump.schedule`);
        const rpoHours = server.rpoHours;
        for (const databaseName of server.databaseNames) {
            const constructId = `${server.entry.id}-${databaseName}`;
            const command = [
                ...(0, runner_argv_1.runnerDumpArgv)(dump, {
                    to: dumpLocation, database: databaseName, noRolePasswords: server.connection.managed, metricsNamespace: fleet.metricNamespace,
                }),
                '--secret-env', (0, blueprint_server_plan_1.secretVariable)(server),
                '--metric-dimension', `${postgres_backup_blueprint_props_1.BLUEPRINT_SERVER_DIMENSION}=${server.entry.id}`,
            ];
            const schedule = new scheduler.Schedule(fleet.scope, `DumpSchedule-${constructId}`, {
                description: `pg_dump of ${databaseName} on ${server.entry.id} to ${fleet.prefix}/${server.entry.id}/`,
                schedule: scheduler.ScheduleExpression.expression(rendered.scheduleExpression, aws_cdk_lib_1.TimeZone.of(rendered.scheduleExpressionTimezone)),
                timeWindow: scheduler.TimeWindow.off(),
                target: new schedulerTargets.EcsRunFargateTask(fleet.cluster, {
                    taskDefinition: dumpTaskDefinitions.get(server.major),
                    vpcSubnets: fleet.subnets,
                    securityGroups: [dumpSecurityGroup],
                    assignPublicIp: false,
                    propagateTags: true,
                    role: scheduleRole,
                    deadLetterQueue: fleet.deadLetterQueue,
                    retryAttempts: 3,
                    maxEventAge: aws_cdk_lib_1.Duration.hours(1),
                    input: scheduler.ScheduleTargetInput.fromObject({ containerOverrides: [{ name: postgres_backup_blueprint_props_1.BLUEPRINT_RUNNER_CONTAINER_NAME, command }] }),
                }),
            });
            const rpoAlarm = new cloudwatch.Alarm(fleet.scope, `RpoAlarm-${constructId}`, {
                alarmDescription: `No successful pg_dump of ${databaseName} on ${server.entry.id} within the RPO of ${rpoHours} hours`,
                metric: dumpSucceededMetric(fleet.metricNamespace, server.entry.id, databaseName, aws_cdk_lib_1.Duration.hours(rpoHours)),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                evaluationPeriods: 1,
                // A dump that stops silently publishes nothing: that must page too.
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            });
            rpoAlarm.addAlarmAction(alarmAction);
            rpoAlarm.addOkAction(alarmAction);
            const runbook = renderRunbook(fleet, server, databaseName, rpoHours, fleet.region);
            const runbookPath = artifacts.add(`${server.entry.id}/${encodeURIComponent(databaseName)}.md`, runbook);
            protectedDatabases.push({
                serverId: server.entry.id,
                databaseName,
                label: `${server.entry.id}/${databaseName}`,
                policy: server.policy,
                dumpLocation,
                schedule,
                rpoAlarm,
                rpoHours,
                runbook,
                runbookPath,
            });
            if (props.runbookOutputs ?? true) {
                new aws_cdk_lib_1.CfnOutput(fleet.scope, `Restore-${constructId}`, {
                    description: `Restore ${databaseName} on ${server.entry.id}; the whole runbook is ${runbookPath} in the cloud assembly`,
                    value: `pg-backup restore --from ${dumpLocation} --database ${databaseName} --latest --target-url "$TARGET_URL"`,
                });
            }
            fleet.scope.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                kind: 'logical-dump',
                database: (0, blueprint_server_plan_1.connectionPath)(server.connection),
                databaseNames: [databaseName],
                schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
                prefix: `${fleet.prefix}/${server.entry.id}/`,
                retentionDays: dump.retentionDays,
                objectLock: lock ? `${lock.mode} ${lock.days} days` : undefined,
                rpoHours,
                runbook: runbookPath,
            });
        }
        const estimate = estimateCost(server);
        if (estimate) {
            costEstimates.set(server.entry.id, estimate);
            fleet.scope.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                kind: 'cost-estimate',
                database: (0, blueprint_server_plan_1.connectionPath)(server.connection),
                databaseNames: server.databaseNames,
                monthlyCostUsd: Math.round(estimate.totalMonthlyUsd * 100) / 100,
                summary: estimate.summary,
            });
        }
    }
    return { taskDefinitions: dumpTaskDefinitions, databases: protectedDatabases, costEstimates, runbooks: artifacts };
}
/** Successful dumps of one database of a blueprint (sum per period). */
function dumpSucceededMetric(metricNamespace, serverId, databaseName, period) {
    return new cloudwatch.Metric({
        namespace: metricNamespace,
        metricName: 'BackupSucceeded',
        dimensionsMap: { Database: databaseName, [postgres_backup_blueprint_props_1.BLUEPRINT_SERVER_DIMENSION]: serverId },
        statistic: 'Sum',
        period,
    });
}
/**
 * A task that cannot start or dies before the runner reports publishes no metric; ECS still reports it stopping,
 * so one rule for every dump task definition pages with the task's ARN and reason.
 */
function notifyWhenDumpTaskFails(fleet, taskDefinitions) {
    const rule = new events.Rule(fleet.scope, 'DumpTaskFailedRule', {
        description: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
        eventPattern: {
            source: ['aws.ecs'],
            detailType: ['ECS Task State Change'],
            detail: {
                lastStatus: ['STOPPED'],
                taskDefinitionArn: taskDefinitions.map((taskDefinition) => taskDefinition.taskDefinitionArn),
                $or: [
                    { containers: { exitCode: [{ 'anything-but': 0 }] } },
                    { stopCode: ['TaskFailedToStart'] },
                ],
            },
        },
    });
    rule.addTarget(new eventsTargets.SnsTopic(fleet.notificationTopic, {
        message: events.RuleTargetInput.fromText(`A fleet pg_dump task failed: ${events.EventField.fromPath('$.detail.taskArn')} (started by `
            + `${events.EventField.fromPath('$.detail.startedBy')}) stopped (${events.EventField.fromPath('$.detail.stopCode')}): `
            + `${events.EventField.fromPath('$.detail.stoppedReason')}`),
    }));
}
function renderRunbook(fleet, server, databaseName, rpoHours, region) {
    const managed = server.managed;
    return (0, blueprint_server_1.renderBlueprintRunbook)({
        serverIndex: server.index,
        databaseName,
        policy: server.policy,
        rpoHours,
        bucket: fleet.bucketName ?? fleet.bucket.bucketName,
        region,
        prefix: `${fleet.prefix}/${server.entry.id}`,
        managedDatabase: managed && {
            kind: managed.kind === 'instance' ? 'rds-instance' : 'aurora-cluster',
            identifier: (0, blueprint_server_plan_1.literalIdentifier)(managed) ?? managed.identifier,
            region,
        },
        notificationTopic: fleet.notificationTopic.topicArn,
        validation: cdk_validation_1.CDK_VALIDATION_OPTIONS,
    });
}
function estimateCost(server) {
    const allocated = server.managed?.resource instanceof rds.CfnDBInstance ? server.managed.resource.allocatedStorage : undefined;
    const fromStorage = allocated !== undefined && !aws_cdk_lib_1.Token.isUnresolved(allocated) ? Number(allocated) : undefined;
    return (0, blueprint_server_1.estimateBlueprintServerCost)(server.entry.id, server.policy, server.entry.estimate, fromStorage);
}
