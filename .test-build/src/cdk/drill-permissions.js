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
exports.addDrillPermissions = addDrillPermissions;
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
/**
 * Adds one statement per action group core names for a state machine, each scoped to what the construct knows of
 * that kind of resource. A kind without a scope is an error: an action is never granted on `*` by omission.
 *
 * @param owner names the construct in the error, e.g. `SnapshotRestoreDrill`
 */
function addDrillPermissions(role, groups, scopes, owner) {
    for (const group of groups) {
        const scope = scopes[group.resource];
        if (scope === undefined)
            throw new Error(`${owner} needs ${group.resource} permissions (${group.actions.join(', ')}), which it cannot scope`);
        role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...group.actions], ...scope }));
    }
}
