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
exports.createSchedulerRole = createSchedulerRole;
const iam = __importStar(require("@pulumi/aws/iam"));
const aws_environment_1 = require("./aws-environment");
const policy_document_1 = require("./policy-document");
/**
 * The role EventBridge Scheduler starts a target with: assumable by the scheduler only for schedules of this account's
 * default group (the confused-deputy conditions), allowed `statements` and nothing else.
 */
function createSchedulerRole(name, parent, environment, statements) {
    const role = new iam.Role(`${name}-scheduler-role`, {
        description: 'Lets EventBridge Scheduler start the backup target of one schedule, nothing else',
        assumeRolePolicy: (0, policy_document_1.assumedByService)('scheduler.amazonaws.com', {
            StringEquals: {
                'aws:SourceAccount': environment.account,
                'aws:SourceArn': (0, aws_environment_1.formatArn)(environment, 'scheduler', 'schedule-group/default'),
            },
        }),
    }, { parent });
    new iam.RolePolicy(`${name}-scheduler-policy`, { role: role.id, policy: (0, policy_document_1.policyDocument)(statements) }, { parent });
    return role;
}
