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
exports.policyDocument = policyDocument;
exports.assumedByService = assumedByService;
exports.denyInsecureTransport = denyInsecureTransport;
const pulumi = __importStar(require("@pulumi/pulumi"));
/** A policy document (`Version` 2012-10-17) as the JSON text IAM, S3, SNS, SQS, KMS and AWS Backup take. */
function policyDocument(statements) {
    return pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements });
}
/** The trust policy of a role a service assumes, optionally only on behalf of one account and source. */
function assumedByService(service, conditions) {
    return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(conditions ? { Condition: conditions } : {}) }]);
}
/** The statement that denies every request to `resources` not made over TLS (the `enforceSSL` of aws-cdk-lib). */
function denyInsecureTransport(action, resources, principal = { AWS: '*' }) {
    return { Effect: 'Deny', Principal: principal, Action: action, Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
}
