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
exports.notifyWhenTasksFail = notifyWhenTasksFail;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const pulumi = __importStar(require("@pulumi/pulumi"));
/**
 * A task that cannot start (image pull, secret, network) or dies before the runner reports publishes no metric; ECS
 * still reports it stopping, so an EventBridge rule (`<name>-task-failed`) sends that event to the topic with the
 * task's ARN and reason (`<name>-task-failed-notification`).
 */
function notifyWhenTasksFail(name, parent, props) {
    const rule = new cloudwatch.EventRule(`${name}-task-failed`, {
        description: props.description,
        eventPattern: pulumi.jsonStringify({
            'source': ['aws.ecs'],
            'detail-type': ['ECS Task State Change'],
            'detail': {
                lastStatus: ['STOPPED'],
                taskDefinitionArn: props.taskDefinitionArns,
                $or: [{ containers: { exitCode: [{ 'anything-but': 0 }] } }, { stopCode: ['TaskFailedToStart'] }],
            },
        }),
    }, { parent });
    new cloudwatch.EventTarget(`${name}-task-failed-notification`, {
        rule: rule.name,
        arn: props.topicArn,
        inputTransformer: {
            inputPaths: {
                'detail-taskArn': '$.detail.taskArn',
                ...(props.namesStarter ? { 'detail-startedBy': '$.detail.startedBy' } : {}),
                'detail-stopCode': '$.detail.stopCode',
                'detail-stoppedReason': '$.detail.stoppedReason',
            },
            inputTemplate: `"${props.subject} failed: <detail-taskArn>${props.namesStarter ? ' (started by <detail-startedBy>)' : ''} stopped `
                + '(<detail-stopCode>): <detail-stoppedReason>"',
        },
    }, { parent });
    return rule;
}
