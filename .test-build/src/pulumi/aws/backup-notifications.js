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
exports.BackupNotifications = exports.DEFAULT_PUBLISHING_SERVICES = void 0;
const kms = __importStar(require("@pulumi/aws/kms"));
const sns = __importStar(require("@pulumi/aws/sns"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const policy_document_1 = require("./policy-document");
/** The services that publish to a created topic whatever else is asked: CloudWatch alarms and EventBridge rules. */
exports.DEFAULT_PUBLISHING_SERVICES = ['cloudwatch.amazonaws.com', 'events.amazonaws.com'];
/**
 * The one topic backup failures, missed RPOs and failed drills are sent to. A created topic is encrypted with a key
 * whose policy lets CloudWatch alarms, EventBridge rules and the named services use it (the AWS managed SNS key
 * cannot be shared), and its policy accepts only TLS.
 */
class BackupNotifications extends pulumi.ComponentResource {
    /** ARN of the topic. */
    topicArn;
    /** ARN of its key, when known. */
    topicKeyArn;
    /** The topic, when created here. */
    topic;
    /** Whether the topic was created here (so its policies name every publishing service). */
    created;
    constructor(name, props = {}, opts) {
        super('postgres-backup:aws:BackupNotifications', name, {}, opts);
        if (props.topicArn !== undefined) {
            this.created = false;
            this.topicArn = pulumi.output(props.topicArn);
            this.topicKeyArn = props.topicKeyArn === undefined ? undefined : pulumi.output(props.topicKeyArn);
            this.registerOutputs({ topicArn: this.topicArn });
            return;
        }
        this.created = true;
        const environment = props.environment ?? (0, aws_environment_1.awsEnvironment)(this);
        const services = [...new Set([...exports.DEFAULT_PUBLISHING_SERVICES, ...(props.additionalPublishingServices ?? [])])];
        const key = new kms.Key(`${name}-key`, {
            description: 'Encrypts the backup notification topic',
            enableKeyRotation: true,
            policy: (0, policy_document_1.policyDocument)([
                { Effect: 'Allow', Principal: { AWS: (0, aws_environment_1.formatArn)(environment, 'iam', 'root', { global: true }) }, Action: 'kms:*', Resource: '*' },
                ...services.map((service) => ({
                    Sid: `Allow${service.split('.')[0]}ToPublish`,
                    Effect: 'Allow',
                    Principal: { Service: service },
                    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                    Resource: '*',
                })),
            ]),
        }, { parent: this, retainOnDelete: props.retainOnDelete ?? true });
        this.topic = new sns.Topic(`${name}-topic`, { displayName: 'PostgreSQL backup alerts', kmsMasterKeyId: key.arn }, { parent: this });
        new sns.TopicPolicy(`${name}-topic-policy`, {
            arn: this.topic.arn,
            policy: (0, policy_document_1.policyDocument)([
                { Sid: 'AllowPublishThroughSSLOnly', ...(0, policy_document_1.denyInsecureTransport)('sns:Publish', this.topic.arn, '*') },
                // CloudWatch alarms of the same account need no topic policy; EventBridge and AWS Backup do.
                ...services.filter((service) => service !== 'cloudwatch.amazonaws.com').map((service, index) => ({
                    Sid: String(index + 1),
                    Effect: 'Allow',
                    Principal: { Service: service },
                    Action: 'sns:Publish',
                    Resource: this.topic.arn,
                })),
            ]),
        }, { parent: this });
        this.topicArn = this.topic.arn;
        this.topicKeyArn = key.arn;
        this.registerOutputs({ topicArn: this.topicArn, topicKeyArn: this.topicKeyArn });
    }
}
exports.BackupNotifications = BackupNotifications;
