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
exports.createDrillStateMachine = createDrillStateMachine;
exports.ecsDrillScopes = ecsDrillScopes;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const logs = __importStar(require("aws-cdk-lib/aws-logs"));
const scheduler = __importStar(require("aws-cdk-lib/aws-scheduler"));
const schedulerTargets = __importStar(require("aws-cdk-lib/aws-scheduler-targets"));
const sqs = __importStar(require("aws-cdk-lib/aws-sqs"));
const sfn = __importStar(require("aws-cdk-lib/aws-stepfunctions"));
const drill_permissions_1 = require("./drill-permissions");
const reviewed_findings_1 = require("./reviewed-findings");
const schedule_1 = require("../core/schedule");
/**
 * Creates, in `scope`, what every scheduled restore drill has: the role (`DrillRole`), the state machine (`Drill`)
 * with its execution logs (`ExecutionLogs`), and the schedule (`Schedule`) with its dead-letter queue
 * (`DeadLetterQueue`). The ids are the owner's, so its templates keep their logical ids.
 */
function createDrillStateMachine(scope, props) {
    const { drill, substitutions } = props;
    const missing = drill.placeholders.filter((name) => substitutions[name] === undefined);
    if (missing.length > 0)
        throw new Error(`${props.drillName} needs values for ${missing.join(', ')}, which ${props.owner} does not know`);
    const role = new iam.Role(scope, 'DrillRole', {
        assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
        description: props.roleDescription,
    });
    (0, drill_permissions_1.addDrillPermissions)(role, drill.iamActions, props.scopes, props.owner);
    (0, reviewed_findings_1.acknowledgeWildcards)(role, (0, reviewed_findings_1.drillRoleWildcards)(drill.iamActions, (kind) => props.scopes[kind]?.resources));
    // sns:Publish comes from the drill's own action list; an encrypted topic also needs its key.
    props.notificationTopic.masterKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    (props.additionalStatements ?? []).forEach((statement) => role.addToPrincipalPolicy(statement));
    const stateMachine = new sfn.StateMachine(scope, 'Drill', {
        comment: props.comment,
        definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(drill.definition)),
        definitionSubstitutions: Object.fromEntries(drill.placeholders.map((name) => [name, substitutions[name]])),
        role,
        logs: {
            destination: new logs.LogGroup(scope, 'ExecutionLogs', { retention: props.logRetention, removalPolicy: aws_cdk_lib_1.RemovalPolicy.DESTROY }),
            level: sfn.LogLevel.ALL,
            includeExecutionData: true,
        },
        tracingEnabled: true,
    });
    const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
        enforceSSL: true,
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        retentionPeriod: aws_cdk_lib_1.Duration.days(14),
    });
    (0, reviewed_findings_1.acknowledgeScheduleDeadLetterQueue)(deadLetterQueue);
    const renderedSchedule = (0, schedule_1.renderEventBridgeSchedule)(props.schedule, 'verification.schedule');
    const schedule = new scheduler.Schedule(scope, 'Schedule', {
        description: props.scheduleDescription,
        schedule: scheduler.ScheduleExpression.expression(renderedSchedule.scheduleExpression, aws_cdk_lib_1.TimeZone.of(renderedSchedule.scheduleExpressionTimezone)),
        timeWindow: scheduler.TimeWindow.off(),
        target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, {
            deadLetterQueue,
            retryAttempts: 3,
            maxEventAge: aws_cdk_lib_1.Duration.hours(1),
        }),
    });
    return { role, stateMachine, deadLetterQueue, schedule, renderedSchedule };
}
/** The scopes of a drill that runs one ECS task, notifies a topic and publishes metrics: its own task, cluster, topic and namespace. */
function ecsDrillScopes(scope, props) {
    const stack = aws_cdk_lib_1.Stack.of(scope);
    return {
        'ecs-task-definition': { resources: [props.taskDefinition.taskDefinitionArn] },
        'ecs-task': { resources: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.cluster.clusterName}/*` })] },
        'ecs-cluster-condition': { resources: ['*'], conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } } },
        'ecs-task-roles': {
            resources: [props.taskDefinition.taskRole.roleArn, props.taskDefinition.obtainExecutionRole().roleArn],
            conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        },
        'sync-events-rule': { resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForECSTaskRule' })] },
        'sns-topic': { resources: [props.notificationTopic.topicArn] },
        'cloudwatch-namespace-condition': { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } } },
    };
}
