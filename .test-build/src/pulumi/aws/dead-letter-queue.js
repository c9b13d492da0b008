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
exports.DEAD_LETTER_RETENTION_SECONDS = void 0;
exports.createDeadLetterQueue = createDeadLetterQueue;
const sqs = __importStar(require("@pulumi/aws/sqs"));
const policy_document_1 = require("./policy-document");
/** How long a dead-lettered schedule event is kept: SQS's longest retention, 14 days. */
exports.DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600;
/**
 * The queue a schedule sends the events it could not deliver to: encrypted with SQS-managed keys, TLS only, kept
 * 14 days, so a run that never started leaves a trace and raises the dead-letter alarm.
 */
function createDeadLetterQueue(name, parent) {
    const queue = new sqs.Queue(`${name}-dead-letters`, {
        sqsManagedSseEnabled: true,
        messageRetentionSeconds: exports.DEAD_LETTER_RETENTION_SECONDS,
    }, { parent });
    new sqs.QueuePolicy(`${name}-dead-letters-policy`, {
        queueUrl: queue.url,
        policy: (0, policy_document_1.policyDocument)([(0, policy_document_1.denyInsecureTransport)('sqs:*', queue.arn)]),
    }, { parent });
    return queue;
}
