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
exports.SnapshotRestoreDrill = exports.CHECK_SQL_ENV_PREFIX = exports.CHECKS_RUNNER_CONTAINER_NAME = void 0;
const fs = __importStar(require("node:fs"));
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const ec2 = __importStar(require("aws-cdk-lib/aws-ec2"));
const ecs = __importStar(require("aws-cdk-lib/aws-ecs"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const rds = __importStar(require("aws-cdk-lib/aws-rds"));
const constructs_1 = require("constructs");
const backup_notifications_1 = require("./backup-notifications");
const cdk_validation_1 = require("./cdk-validation");
const drill_state_machine_1 = require("./drill-state-machine");
const restore_drill_alarms_1 = require("./restore-drill-alarms");
const reviewed_findings_1 = require("./reviewed-findings");
const runner_image_1 = require("./runner-image");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const defaults_1 = require("../core/defaults");
const sql_statements_1 = require("../core/sql-statements");
const state_machines_1 = require("../core/state-machines");
const validate_policy_1 = require("../core/validate-policy");
const validation_1 = require("../core/validation");
/** Name of the runner container of the checks task. */
exports.CHECKS_RUNNER_CONTAINER_NAME = 'runner';
/** Environment variables holding the SQL checks: `PG_BACKUP_CHECK_0`, `PG_BACKUP_CHECK_1`, … */
exports.CHECK_SQL_ENV_PREFIX = 'PG_BACKUP_CHECK_';
/**
 * Proves the managed database's snapshots restore: on a schedule, a Step Functions state machine (the core snapshot
 * drill) restores the newest snapshot into a scratch database (Aurora: a cluster and one instance) in isolated
 * subnets, small, private, tagged, behind its own security group; polls until it is available, within a bound; runs
 * `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks); and deletes it without a final
 * snapshot on every path that may have created it. The restore time (RTO) is a metric with an alarm; failures notify.
 */
class SnapshotRestoreDrill extends constructs_1.Construct {
    /** The state machine. */
    stateMachine;
    /** The checks task definition. */
    taskDefinition;
    /** The cluster the checks run in. */
    cluster;
    /** Security group of the checks task (no inbound rules). */
    taskSecurityGroup;
    /** Security group of the scratch database: inbound only from the checks task. */
    scratchSecurityGroup;
    /** The DB subnet group scratch databases are placed in. */
    subnetGroup;
    /** The schedule. */
    schedule;
    /** The topic failed drills are sent to. */
    notificationTopic;
    /** Alarms: failed drill, restore slower than the RTO, schedule dead letters. */
    alarms;
    /** The RTO, minutes. */
    maxRestoreDurationMinutes;
    /** Value of the `Database` metric dimension. */
    databaseName;
    /** Namespace of the drill metrics. */
    metricNamespace;
    /** The database whose snapshots are restored. */
    database;
    /** Prefix of scratch identifiers (the execution role may only create and delete those). */
    scratchIdentifierPrefix;
    constructor(scope, id, props) {
        super(scope, id);
        const database = props.database;
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        validator.include((0, validate_policy_1.checkPolicy)({ verification: props.verification ?? {} }, cdk_validation_1.CDK_VALIDATION_OPTIONS));
        if (database.secret === undefined) {
            validator.report({ path: 'database.secret', value: undefined, allowed: 'the database\'s secret with its master username and password (the restored snapshot keeps them; the checks log in with them)' });
        }
        const major = props.postgresMajorVersion ?? database.postgresMajorVersion;
        if (major === undefined)
            validator.report({ path: 'postgresMajorVersion', value: undefined, allowed: 'a PostgreSQL major version such as 16 (the database does not tell it)' });
        validator.integer('postgresMajorVersion', major, 10, 99);
        (props.checkFiles ?? []).forEach((file, index) => {
            if (!fs.existsSync(file))
                validator.report({ path: `checkFiles[${index}]`, value: file, allowed: 'the path of a readable SQL file' });
        });
        (props.rowCounts ?? []).forEach((bound, index) => {
            validator.matches(`rowCounts[${index}].table`, bound.table, /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'a table name, schema.table or table (letters, digits, _ and $)');
            validator.integer(`rowCounts[${index}].min`, bound.min, 0, Number.MAX_SAFE_INTEGER);
            validator.integer(`rowCounts[${index}].max`, bound.max, 0, Number.MAX_SAFE_INTEGER);
            if (bound.min === undefined && bound.max === undefined)
                validator.report({ path: `rowCounts[${index}]`, value: bound, allowed: 'a bound with min, max or both' });
            if (bound.min !== undefined && bound.max !== undefined && bound.min > bound.max) {
                validator.report({ path: `rowCounts[${index}].min`, value: bound.min, allowed: `at most rowCounts[${index}].max, ${bound.max}` });
            }
        });
        validator.throwIfInvalid();
        const verification = (0, defaults_1.resolveVerification)(props.verification ?? {});
        this.maxRestoreDurationMinutes = verification.maxRestoreDurationMinutes;
        this.databaseName = database.databaseName;
        this.metricNamespace = props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE;
        const checks = [...verification.checks, ...(props.checkFiles ?? []).flatMap((file) => (0, sql_statements_1.splitSqlStatements)(fs.readFileSync(file, 'utf8')))];
        const checkArgs = [
            ...(props.rowCounts ?? []).flatMap((bound) => [
                ...(bound.min !== undefined ? ['--min-rows', `${bound.table}=${bound.min}`] : []),
                ...(bound.max !== undefined ? ['--max-rows', `${bound.table}=${bound.max}`] : []),
            ]),
            ...checks.flatMap((_, index) => ['--sql-env', `${exports.CHECK_SQL_ENV_PREFIX}${index}`]),
        ];
        const scratchPrefix = props.scratchIdentifierPrefix ?? 'pg-drill';
        this.database = database;
        this.scratchIdentifierPrefix = scratchPrefix;
        // The drill validates its own options (prefix, class, poll interval) with core's messages.
        const drill = (0, state_machines_1.snapshotRestoreDrill)({
            source: database.kind,
            snapshotType: props.snapshotType,
            scratchInstanceClass: props.scratchInstanceClass,
            scratchIdentifierPrefix: props.scratchIdentifierPrefix,
            pollIntervalSeconds: props.pollIntervalSeconds,
            maxRestoreDurationSeconds: verification.maxRestoreDurationMinutes * 60,
            metricNamespace: this.metricNamespace,
            checksArgs: ['check', ...checkArgs],
        });
        this.notificationTopic = props.notificationTopic ?? new backup_notifications_1.BackupNotifications(this, 'Notifications').topic;
        this.cluster = props.cluster ?? new ecs.Cluster(this, 'Cluster', { vpc: props.vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
        const logRetention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
        const logGroup = new logs.LogGroup(this, 'Logs', { retention: logRetention, removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY });
        this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
            cpu: 256,
            memoryLimitMiB: 512,
            runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
        });
        this.taskDefinition.addContainer(exports.CHECKS_RUNNER_CONTAINER_NAME, {
            image: props.image ?? (0, runner_image_1.runnerImageFromPackage)({ postgresMajorVersion: major }),
            // The drill's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
            entryPoint: ['env'],
            command: ['pg-backup', 'check', ...checkArgs],
            environment: {
                PGDATABASE: this.databaseName,
                // RDS for PostgreSQL 15+ forces TLS; the endpoint of a scratch instance changes every drill.
                PGSSLMODE: 'require',
                ...Object.fromEntries(checks.map((sql, index) => [`${exports.CHECK_SQL_ENV_PREFIX}${index}`, sql])),
            },
            secrets: {
                PGUSER: ecs.Secret.fromSecretsManager(database.secret, 'username'),
                PGPASSWORD: ecs.Secret.fromSecretsManager(database.secret, 'password'),
            },
            logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'check' }),
        });
        (0, reviewed_findings_1.acknowledgeImagePull)(this.taskDefinition);
        (0, reviewed_findings_1.acknowledgePlainTaskEnvironment)(this.taskDefinition, 'the database name, PGSSLMODE and the SQL text of the checks');
        this.taskSecurityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
            vpc: props.vpc,
            description: 'Snapshot drill checks task: no inbound traffic; outbound to the scratch database and AWS APIs',
            allowAllOutbound: true,
        });
        this.scratchSecurityGroup = new ec2.SecurityGroup(this, 'ScratchSecurityGroup', {
            vpc: props.vpc,
            description: 'Scratch database of the snapshot drill: reachable only from the checks task',
            allowAllOutbound: false,
        });
        this.scratchSecurityGroup.addIngressRule(this.taskSecurityGroup, ec2.Port.tcp(database.port), 'pg-backup check of the restored snapshot');
        this.subnetGroup = new rds.SubnetGroup(this, 'ScratchSubnets', {
            vpc: props.vpc,
            vpcSubnets: props.scratchSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
            description: 'Isolated subnets of the snapshot drill\'s scratch databases',
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY,
        });
        const taskSubnets = props.vpc.selectSubnets(props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
        const substitutions = {
            [state_machines_1.DrillPlaceholder.DATABASE_NAME]: this.databaseName,
            [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: this.notificationTopic.topicArn,
            [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: this.cluster.clusterArn,
            [state_machines_1.DrillPlaceholder.TASK_DEFINITION_ARN]: this.taskDefinition.taskDefinitionArn,
            [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: exports.CHECKS_RUNNER_CONTAINER_NAME,
            [state_machines_1.DrillPlaceholder.SUBNETS]: aws_cdk_lib_1.Fn.join(',', taskSubnets.subnetIds),
            [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: this.taskSecurityGroup.securityGroupId,
            [state_machines_1.DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
            [state_machines_1.DrillPlaceholder.DB_SUBNET_GROUP_NAME]: this.subnetGroup.subnetGroupName,
            [state_machines_1.DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: this.scratchSecurityGroup.securityGroupId,
        };
        const drillStateMachine = (0, drill_state_machine_1.createDrillStateMachine)(this, {
            drill,
            substitutions,
            scopes: this.scopes(database, scratchPrefix),
            additionalStatements: this.snapshotKeyStatements(database),
            notificationTopic: this.notificationTopic,
            schedule: verification.schedule,
            logRetention,
            drillName: 'the snapshot restore drill',
            owner: 'SnapshotRestoreDrill',
            roleDescription: 'Runs the snapshot restore drill: restores into, polls and deletes scratch databases, runs the checks task, reports',
            comment: `Restore drill of the newest ${props.snapshotType ?? 'automated'} snapshot of ${database.kind === 'instance' ? 'an RDS instance' : 'an Aurora cluster'}`,
            scheduleDescription: `Snapshot restore drill of ${database.kind === 'instance' ? 'an RDS instance' : 'an Aurora cluster'}`,
        });
        this.stateMachine = drillStateMachine.stateMachine;
        this.schedule = drillStateMachine.schedule;
        const deadLetterQueue = drillStateMachine.deadLetterQueue;
        const rendered = drillStateMachine.renderedSchedule;
        this.alarms = (0, restore_drill_alarms_1.createRestoreDrillAlarms)(this, {
            stateMachine: this.stateMachine,
            restoreDuration: this.metricRestoreDuration({ period: aws_cdk_lib_1.Duration.hours(1) }),
            maxRestoreDurationMinutes: this.maxRestoreDurationMinutes,
            deadLetterQueue,
            topic: this.notificationTopic,
            subject: `snapshot restore drill of ${this.databaseName}`,
        });
        for (const path of database.protectedPaths()) {
            this.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
                kind: 'snapshot-drill',
                database: path,
                databaseNames: [this.databaseName],
                schedule: `${rendered.scheduleExpression} ${rendered.scheduleExpressionTimezone}`,
                rtoMinutes: this.maxRestoreDurationMinutes,
                checks: checks.length + (props.rowCounts ?? []).length,
            });
        }
    }
    /** Drill outcomes: `RestoreDrillSucceeded`, `RestoreDrillFailed`, `RestoreDurationSeconds` (dimension `Drill` = `snapshot`). */
    metric(metricName, props = {}) {
        return new cloudwatch.Metric({
            namespace: this.metricNamespace,
            metricName,
            dimensionsMap: { Database: this.databaseName, Drill: 'snapshot' },
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
    /** The measured time from the drill's start to a checked scratch database, seconds (longest per day). */
    metricRestoreDuration(props = {}) {
        return this.metric(state_machines_1.RestoreDrillMetric.DURATION, { statistic: 'Maximum', period: aws_cdk_lib_1.Duration.days(1), ...props });
    }
    scopes(database, prefix) {
        const stack = aws_cdk_lib_1.Stack.of(this);
        const rdsArn = (resource, resourceName) => stack.formatArn({ service: 'rds', resource, resourceName, arnFormat: aws_cdk_lib_1.ArnFormat.COLON_RESOURCE_NAME });
        const aurora = database.kind === 'aurora-cluster';
        return {
            ...(0, drill_state_machine_1.ecsDrillScopes)(this, {
                taskDefinition: this.taskDefinition,
                cluster: this.cluster,
                notificationTopic: this.notificationTopic,
                metricNamespace: this.metricNamespace,
            }),
            'rds-source': { resources: [database.arn(this)] },
            // Snapshot names are generated per backup (rds:<id>-<date>, awsbackup:job-<id>): they cannot be named in advance.
            'rds-snapshots': { resources: [rdsArn(aurora ? 'cluster-snapshot' : 'snapshot', '*')] },
            'rds-scratch-instances': { resources: [rdsArn('db', `${prefix}-*`)] },
            'rds-scratch-clusters': { resources: [rdsArn('cluster', `${prefix}-*`)] },
            'rds-subnet-group': { resources: [rdsArn('subgrp', this.subnetGroup.subnetGroupName)] },
        };
    }
    /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
    snapshotKeyStatements(database) {
        if (database.storageEncryptionKey) {
            return [new iam.PolicyStatement({
                    actions: ['kms:DescribeKey', 'kms:CreateGrant'],
                    resources: [database.storageEncryptionKey.keyArn],
                    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
                })];
        }
        if (database.storageEncryption === 'customer-managed-key' || database.storageEncryption === 'unknown') {
            aws_cdk_lib_1.Annotations.of(this).addWarningV2('postgres-backup:drill-snapshot-key', 'The database\'s storage key is not known here: if it is a customer managed key, give it as storageEncryptionKey, or '
                + `let the drill role use it (kms:DescribeKey and kms:CreateGrant with kms:GrantIsForAWSResource); otherwise "${state_machines_1.SnapshotRestoreDrillStateName.RESTORE_INSTANCE}" fails.`);
        }
        return [];
    }
}
exports.SnapshotRestoreDrill = SnapshotRestoreDrill;
