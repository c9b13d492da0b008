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
exports.SECRETS_PER_POLICY = void 0;
exports.createFleetDumps = createFleetDumps;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const ec2 = __importStar(require("@pulumi/aws/ec2"));
const ecs = __importStar(require("@pulumi/aws/ecs"));
const iam = __importStar(require("@pulumi/aws/iam"));
const scheduler = __importStar(require("@pulumi/aws/scheduler"));
const vpc = __importStar(require("@pulumi/aws/vpc"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const blueprint_fleet_1 = require("./blueprint-fleet");
const metric_alarm_1 = require("./metric-alarm");
const policy_document_1 = require("./policy-document");
const require_postgres_backups_1 = require("./require-postgres-backups");
const scheduler_role_1 = require("./scheduler-role");
const task_failure_notification_1 = require("./task-failure-notification");
const blueprint_server_1 = require("../../core/blueprint-server");
const defaults_1 = require("../../core/defaults");
const runner_argv_1 = require("../../core/runner-argv");
const schedule_1 = require("../../core/schedule");
const pulumi_validation_1 = require("../pulumi-validation");
/**
 * The fleet's dumps: one task definition per PostgreSQL major holding every server's secret under its own variable;
 * per database a schedule that runs it with the database's own command, an RPO alarm and its runbook; per server an
 * ingress rule from the dump tasks (when its security group is known) and the cost estimate.
 */
function createFleetDumps(fleet, servers) {
    const { name, parent, props } = fleet;
    const child = { parent };
    const taskRole = new iam.Role(`${name}-dump-task-role`, {
        description: 'Fleet pg_dump tasks: write new dumps under the fleet prefix, nothing else',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-dump-task-policy`, { role: taskRole.id, policy: (0, policy_document_1.policyDocument)(fleet.backupBucket.writeStatements(fleet.prefix)) }, child);
    const executionRole = new iam.Role(`${name}-dump-execution-role`, {
        description: 'Starts the fleet pg_dump tasks: their logs and the servers\' secrets',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('ecs-tasks.amazonaws.com'),
    }, child);
    new iam.RolePolicy(`${name}-dump-execution-policy`, { role: executionRole.id, policy: (0, policy_document_1.policyDocument)(executionStatements(fleet, servers)) }, child);
    grantSecretsInChunks(fleet, executionRole, servers);
    const taskDefinitions = new Map();
    for (const major of fleet.majors) {
        const ofMajor = servers.filter((server) => server.major === major);
        taskDefinitions.set(major, new ecs.TaskDefinition(`${name}-dump-task-${major}`, {
            family: `${name}-pg-dump-${major}`,
            cpu: String(props.dumpCpu ?? 1024),
            memory: String(props.dumpMemoryLimitMiB ?? 2048),
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
            taskRoleArn: taskRole.arn,
            executionRoleArn: executionRole.arn,
            containerDefinitions: pulumi.jsonStringify([{
                    name: blueprint_fleet_1.BLUEPRINT_RUNNER_CONTAINER_NAME,
                    image: fleet.image(major),
                    essential: true,
                    // Every run overrides the command; run without one, the task only prints the usage.
                    command: ['--help'],
                    // The whole secret (user and password; the host too for an RDS-style one), each server under its own variable.
                    secrets: ofMajor.map((server) => ({ name: server.secretVariable, valueFrom: server.entry.database.secretArn })),
                    logConfiguration: {
                        logDriver: 'awslogs',
                        options: { 'awslogs-group': fleet.logGroupName, 'awslogs-region': fleet.environment.region, 'awslogs-stream-prefix': `dump-${major}` },
                    },
                    // pg_dump is stopped cleanly on SIGTERM; the runner then aborts the upload and writes no manifest.
                    stopTimeout: 30,
                }]),
        }, child));
    }
    const { partition, region, account } = fleet.environment;
    const schedulerRole = (0, scheduler_role_1.createSchedulerRole)(`${name}-dump`, parent, fleet.environment, [
        {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: [taskRole.arn, executionRole.arn],
            Condition: { StringLike: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
        { Effect: 'Allow', Action: 'ecs:RunTask', Resource: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn) },
        { Effect: 'Allow', Action: 'ecs:TagResource', Resource: pulumi.interpolate `arn:${partition}:ecs:${region}:${account}:task/${fleet.cluster.name}/*` },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: fleet.deadLetterQueueArn },
    ]);
    const securityGroup = new ec2.SecurityGroup(`${name}-dump-sg`, {
        vpcId: props.vpcId,
        description: 'Fleet pg_dump tasks: no inbound traffic; outbound to the databases and AWS APIs',
        egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
    }, child);
    const databases = [];
    const costEstimates = new Map();
    for (const server of servers) {
        const database = server.entry.database;
        const id = server.entry.id;
        if (database.securityGroupId !== undefined) {
            new vpc.SecurityGroupIngressRule(`${name}-${id}-ingress`, {
                securityGroupId: database.securityGroupId,
                referencedSecurityGroupId: securityGroup.id,
                ipProtocol: 'tcp',
                fromPort: database.port,
                toPort: database.port,
                description: 'pg_dump from the fleet backup tasks',
            }, child);
        }
        (0, require_postgres_backups_1.recordProtectedDatabase)(database.resource ?? server.entry.managedDatabase?.resource, 'logical-dump');
        const dump = (0, defaults_1.resolveLogicalDump)(server.policy.logicalDump);
        const dumpLocation = pulumi.interpolate `s3://${fleet.backupBucket.bucketName}/${fleet.prefix}/${id}`;
        const rendered = (0, schedule_1.renderEventBridgeSchedule)(dump.schedule, `databases[${server.index}].logicalDump.schedule`);
        const databaseUrl = database.runnerWiring().databaseUrl;
        for (const databaseName of server.databaseNames) {
            const resourceName = `${name}-${id}-${databaseName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;
            const command = pulumi.all([dumpLocation, databaseUrl]).apply(([to, url]) => [
                ...(0, runner_argv_1.runnerDumpArgv)(dump, { to, database: databaseName, noRolePasswords: database.managed, metricsNamespace: fleet.metricNamespace }),
                '--secret-env', server.secretVariable,
                '--metric-dimension', `${blueprint_fleet_1.BLUEPRINT_SERVER_DIMENSION}=${id}`,
                ...(url === undefined ? [] : ['--database-url', url]),
            ]);
            const schedule = new scheduler.Schedule(`${resourceName}-dump`, {
                description: `pg_dump of ${databaseName} on ${id} to ${fleet.prefix}/${id}/`,
                scheduleExpression: rendered.scheduleExpression,
                scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
                flexibleTimeWindow: { mode: 'OFF' },
                state: 'ENABLED',
                target: {
                    arn: fleet.cluster.arn,
                    roleArn: schedulerRole.arn,
                    deadLetterConfig: { arn: fleet.deadLetterQueueArn },
                    retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
                    ecsParameters: {
                        taskDefinitionArn: taskDefinitions.get(server.major).arn,
                        launchType: 'FARGATE',
                        propagateTags: 'TASK_DEFINITION',
                        networkConfiguration: { subnets: props.subnetIds, securityGroups: [securityGroup.id], assignPublicIp: false },
                    },
                    input: pulumi.jsonStringify({ containerOverrides: [{ name: blueprint_fleet_1.BLUEPRINT_RUNNER_CONTAINER_NAME, command }] }),
                },
            }, child);
            const rpoAlarm = (0, metric_alarm_1.createBackupAlarm)(`${resourceName}-rpo`, {
                description: `No successful pg_dump of ${databaseName} on ${id} within the RPO of ${server.rpoHours} hours`,
                metric: {
                    namespace: fleet.metricNamespace,
                    metricName: 'BackupSucceeded',
                    dimensions: { Database: databaseName, [blueprint_fleet_1.BLUEPRINT_SERVER_DIMENSION]: id },
                    statistic: 'Sum',
                    periodSeconds: server.rpoHours * 3600,
                },
                threshold: 1,
                comparisonOperator: 'LessThanThreshold',
                // A dump that stops silently publishes nothing: that must page too.
                treatMissingData: 'breaching',
                topicArn: fleet.notificationTopicArn,
            }, parent);
            const runbook = runbookOf(fleet, server, databaseName);
            databases.push({
                serverId: id,
                databaseName,
                label: `${id}/${databaseName}`,
                policy: server.policy,
                dumpLocation,
                schedule,
                rpoAlarm,
                rpoHours: server.rpoHours,
                runbook,
                restoreCommand: pulumi.interpolate `pg-backup restore --from ${dumpLocation} --database ${databaseName} --latest --target-url "$TARGET_URL"`,
            });
        }
        const estimate = (0, blueprint_server_1.estimateBlueprintServerCost)(id, server.policy, server.entry.estimate);
        if (estimate)
            costEstimates.set(id, estimate);
    }
    const taskFailedRule = (0, task_failure_notification_1.notifyWhenTasksFail)(`${name}-dump`, parent, {
        description: 'A fleet pg_dump task stopped with a non-zero exit code or failed to start',
        taskDefinitionArns: [...taskDefinitions.values()].map((taskDefinition) => taskDefinition.arn),
        topicArn: fleet.notificationTopicArn,
        subject: 'A fleet pg_dump task',
        namesStarter: true,
    });
    return { taskDefinitions, taskRole, executionRole, securityGroup, databases, costEstimates, taskFailedRule };
}
/**
 * Secrets per managed policy: an RDS-managed secret's ARN has about 105 characters, so 40 of them leave room under
 * IAM's 6,144 characters for longer regions and secret names.
 */
exports.SECRETS_PER_POLICY = 40;
/** The execution role's own statements: write the task logs, decrypt the secrets' keys. */
function executionStatements(fleet, servers) {
    const keys = servers.map((server) => server.entry.database.secretKmsKeyArn).filter((key) => key !== undefined);
    return [
        { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate `${fleet.logGroupArn}:*` },
        // Few distinct keys (the account's default or a handful of CMKs): one statement, de-duplicated by IAM.
        ...(keys.length > 0 ? [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: keys }] : []),
    ];
}
/**
 * Reading every server's secret, in managed policies of {@link SECRETS_PER_POLICY} secrets: a role's inline policies
 * share 10,240 characters, which a fleet of about a hundred secret ARNs would pass.
 */
function grantSecretsInChunks(fleet, role, servers) {
    for (let start = 0, chunk = 0; start < servers.length; start += exports.SECRETS_PER_POLICY, chunk++) {
        const policy = new iam.Policy(`${fleet.name}-dump-secrets-${chunk}`, {
            description: `Read the database secrets of fleet servers ${start + 1}-${Math.min(servers.length, start + exports.SECRETS_PER_POLICY)}`,
            policy: (0, policy_document_1.policyDocument)([{
                    Effect: 'Allow',
                    Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
                    Resource: servers.slice(start, start + exports.SECRETS_PER_POLICY).map((server) => server.entry.database.secretArn),
                }]),
        }, { parent: fleet.parent });
        new iam.RolePolicyAttachment(`${fleet.name}-dump-secrets-${chunk}`, { role: role.name, policyArn: policy.arn }, { parent: fleet.parent });
    }
}
/** One database's runbook once the bucket, region, topic and identifier are known; written to the runbook directory if asked. */
function runbookOf(fleet, server, databaseName) {
    const managed = server.entry.managedDatabase;
    return pulumi.all([fleet.backupBucket.bucketName, fleet.environment.region, fleet.notificationTopicArn, managed?.identifier])
        .apply(([bucket, region, topic, identifier]) => {
        const markdown = (0, blueprint_server_1.renderBlueprintRunbook)({
            serverIndex: server.index,
            databaseName,
            policy: server.policy,
            rpoHours: server.rpoHours,
            bucket,
            region,
            prefix: `${fleet.prefix}/${server.entry.id}`,
            managedDatabase: managed && identifier !== undefined
                ? { kind: managed.kind === 'instance' ? 'rds-instance' : 'aurora-cluster', identifier, region }
                : undefined,
            notificationTopic: topic,
            validation: pulumi_validation_1.PULUMI_VALIDATION_OPTIONS,
        });
        const directory = fleet.props.runbookDirectory;
        if (directory !== undefined) {
            const file = path.join(directory, server.entry.id, `${encodeURIComponent(databaseName)}.md`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, markdown);
        }
        return markdown;
    });
}
