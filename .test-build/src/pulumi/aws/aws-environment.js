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
exports.awsEnvironment = awsEnvironment;
exports.formatArn = formatArn;
const getCallerIdentity_1 = require("@pulumi/aws/getCallerIdentity");
const getPartition_1 = require("@pulumi/aws/getPartition");
const getRegion_1 = require("@pulumi/aws/getRegion");
const pulumi = __importStar(require("@pulumi/pulumi"));
/**
 * Reads the partition, region and account of the provider `parent` uses (the default provider without one), to build
 * ARNs of resources it does not create.
 */
function awsEnvironment(parent) {
    const options = parent ? { parent } : {};
    return {
        partition: (0, getPartition_1.getPartitionOutput)({}, options).partition,
        region: (0, getRegion_1.getRegionOutput)({}, options).region,
        account: (0, getCallerIdentity_1.getCallerIdentityOutput)({}, options).accountId,
    };
}
/** An ARN of this environment: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
function formatArn(environment, service, resource, options = {}) {
    return pulumi.interpolate `arn:${environment.partition}:${service}:${options.global ? '' : environment.region}:${environment.account}:${resource}`;
}
