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
exports.createDrillExecution = createDrillExecution;
exports.createDrillStateMachine = createDrillStateMachine;
exports.ecsDrillSubstitutions = ecsDrillSubstitutions;
exports.ecsDrillScopes = ecsDrillScopes;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const iam = __importStar(require("@pulumi/aws/iam"));
const scheduler = __importStar(require("@pulumi/aws/scheduler"));
const sfn = __importStar(require("@pulumi/aws/sfn"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const dead_letter_queue_1 = require("./dead-letter-queue");
const policy_document_1 = require("./policy-document");
const scheduler_role_1 = require("./scheduler-role");
const state_machine_permissions_1 = require("./state-machine-permissions");
const schedule_1 = require("../../core/schedule");
const state_machines_1 = require("../../core/state-machines");
/**
 * Creates, as children of `parent`, a restore drill's state machine: the drill role and its policy
 * (`<name>-drill-role`, `<name>-drill-policy`) and the state machine (`<name>-drill`) with its execution logs
 * (`<name>-execution-logs`). {@link createDrillStateMachine} adds one schedule; a fleet adds its own schedules.
 */
function createDrillExecution(name, parent, props) {
    const child = { parent };
    const { drill } = props;
    const definition = props.substitutions.apply((values) => (0, state_machines_1.renderDefinition)(drill.definition, values));
    const drillRole = new iam.Role(`${name}-drill-role`, {
        description: props.roleDescription,
        assumeRolePolicy: (0, policy_document_1.assumedByService)('states.amazonaws.com'),
    }, child);
    const topicKeyArn = props.notificationTopicKeyArn;
    new iam.RolePolicy(`${name}-drill-policy`, {
        role: drillRole.id,
        policy: (0, policy_document_1.policyDocument)([
            ...(0, state_machine_permissions_1.drillPermissionStatements)(drill.iamActions, props.scopes, props.owner),
            // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
            ...(topicKeyArn ? [{ Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: topicKeyArn }] : []),
            ...state_machine_permissions_1.STATE_MACHINE_OBSERVABILITY_STATEMENTS,
        ]),
    }, child);
    const executionLogs = new cloudwatch.LogGroup(`${name}-execution-logs`, { retentionInDays: props.logRetentionDays }, child);
    const stateMachine = new sfn.StateMachine(`${name}-drill`, {
        type: 'STANDARD',
        definition,
        roleArn: drillRole.arn,
        loggingConfiguration: { logDestination: pulumi.interpolate `${executionLogs.arn}:*`, level: 'ALL', includeExecutionData: true },
        tracingConfiguration: { enabled: true },
    }, child);
    return { definition, drillRole, stateMachine };
}
/**
 * Creates, as children of `parent`, what every scheduled restore drill has: the state machine of
 * {@link createDrillExecution}, and the schedule (`<name>-schedule`) with its role and dead-letter queue. The names
 * are the owner's, so its stacks keep their resources.
 */
function createDrillStateMachine(name, parent, props) {
    const child = { parent };
    const { definition, drillRole, stateMachine } = createDrillExecution(name, parent, props);
    const deadLetterQueue = (0, dead_letter_queue_1.createDeadLetterQueue)(name, parent);
    const schedulerRole = (0, scheduler_role_1.createSchedulerRole)(name, parent, props.environment, [
        { Effect: 'Allow', Action: 'states:StartExecution', Resource: stateMachine.arn },
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetterQueue.arn },
    ]);
    const rendered = (0, schedule_1.renderEventBridgeSchedule)(props.schedule, 'verification.schedule');
    const schedule = new scheduler.Schedule(`${name}-schedule`, {
        description: props.scheduleDescription,
        scheduleExpression: rendered.scheduleExpression,
        scheduleExpressionTimezone: rendered.scheduleExpressionTimezone,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
            arn: stateMachine.arn,
            roleArn: schedulerRole.arn,
            deadLetterConfig: { arn: deadLetterQueue.arn },
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        },
    }, child);
    return { definition, drillRole, stateMachine, deadLetterQueue, schedulerRole, schedule };
}
/** The placeholder values of a drill that runs one ECS task: its database, topic, cluster, task, container and network. */
function ecsDrillSubstitutions(props) {
    return pulumi.all([
        props.notificationTopicArn, props.clusterArn, props.taskDefinitionArn, pulumi.output(props.subnetIds), props.securityGroupId,
        pulumi.output(props.additional ?? {}),
    ]).apply(([topicArn, clusterArn, taskDefinitionArn, subnets, securityGroup, additional]) => ({
        [state_machines_1.DrillPlaceholder.DATABASE_NAME]: props.databaseName,
        [state_machines_1.DrillPlaceholder.NOTIFICATION_TOPIC_ARN]: topicArn,
        [state_machines_1.DrillPlaceholder.CLUSTER_ARN]: clusterArn,
        [state_machines_1.DrillPlaceholder.TASK_DEFINITION_ARN]: taskDefinitionArn,
        [state_machines_1.DrillPlaceholder.CONTAINER_NAME]: props.containerName,
        [state_machines_1.DrillPlaceholder.SUBNETS]: subnets.join(','),
        [state_machines_1.DrillPlaceholder.SECURITY_GROUPS]: securityGroup,
        ...additional,
    }));
}
/** The scopes of a drill that runs one ECS task, notifies a topic and publishes metrics: its own task, cluster, topic and namespace. */
function ecsDrillScopes(props) {
    const { partition, region, account } = props.environment;
    return {
        'ecs-task-definition': { Resource: props.taskDefinitionArn },
        'ecs-task': { Resource: pulumi.interpolate `arn:${partition}:ecs:${region}:${account}:task/${props.cluster.name}/*` },
        'ecs-cluster-condition': { Resource: '*', Condition: { ArnEquals: { 'ecs:cluster': props.cluster.arn } } },
        'ecs-task-roles': {
            Resource: [props.taskRoleArn, props.executionRoleArn],
            Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
        'sync-events-rule': { Resource: pulumi.interpolate `arn:${partition}:events:${region}:${account}:rule/StepFunctionsGetEventsForECSTaskRule` },
        'sns-topic': { Resource: props.notificationTopicArn },
        'cloudwatch-namespace-condition': { Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } } },
    };
}
