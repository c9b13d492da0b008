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
exports.BackupNotifications = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const kms = __importStar(require("aws-cdk-lib/aws-kms"));
const sns = __importStar(require("aws-cdk-lib/aws-sns"));
const constructs_1 = require("constructs");
/**
 * The one topic backup failures, missed RPOs and failed drills are sent to. A created topic is encrypted with
 * a key whose policy lets CloudWatch alarms and EventBridge rules publish (the AWS-managed SNS key cannot).
 */
class BackupNotifications extends constructs_1.Construct {
    /** The topic. */
    topic;
    /** The topic's key, when the topic was created here. */
    encryptionKey;
    constructor(scope, id, props = {}) {
        super(scope, id);
        if (props.topic) {
            this.topic = props.topic;
            return;
        }
        const key = new kms.Key(this, 'Key', {
            description: 'Encrypts the backup notification topic',
            enableKeyRotation: true,
            removalPolicy: aws_cdk_lib_1.RemovalPolicy.RETAIN,
        });
        for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
            key.addToResourcePolicy(new iam.PolicyStatement({
                sid: `Allow${service.split('.')[0]}ToPublish`,
                principals: [new iam.ServicePrincipal(service)],
                actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
                resources: ['*'],
            }));
        }
        this.encryptionKey = key;
        this.topic = new sns.Topic(this, 'Topic', {
            displayName: 'PostgreSQL backup alerts',
            masterKey: key,
            enforceSSL: true,
        });
    }
    /**
     * Lets an AWS service publish to the topic (e.g. `backup.amazonaws.com` for vault notifications): a topic-policy
     * statement, and, for a created topic, a key-policy statement for its key. A given topic's key (if it has one) is
     * its owner's to extend: the return value is false then, so the caller can say so.
     */
    allowServicePublish(servicePrincipal) {
        const principal = new iam.ServicePrincipal(servicePrincipal);
        this.topic.grantPublish(principal);
        if (!(this.encryptionKey instanceof kms.Key))
            return false;
        this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
            sid: `Allow${servicePrincipal.split('.')[0]}ToPublish`,
            principals: [principal],
            actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
            resources: ['*'],
        }));
        return true;
    }
    /** Lets `grantee` publish to the topic (and use its key). */
    grantPublish(grantee) {
        this.topic.grantPublish(grantee);
    }
}
exports.BackupNotifications = BackupNotifications;
