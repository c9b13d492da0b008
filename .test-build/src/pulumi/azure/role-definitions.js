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
exports.AZURE_BUILT_IN_ROLES = void 0;
exports.subscriptionIdOf = subscriptionIdOf;
exports.roleDefinitionIdFor = roleDefinitionIdFor;
const pulumi = __importStar(require("@pulumi/pulumi"));
/**
 * Built-in Azure role definitions the components assign, by their fixed GUIDs (the same in every tenant),
 * each scoped as narrowly as the role allows.
 */
exports.AZURE_BUILT_IN_ROLES = {
    /** Read, write, list and delete blobs: the dump job's identity, on its one container. */
    storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
    /** Read secret contents: the dump job's identity, on the one database secret. */
    keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
    /** Pull images: the dump job's identity, on the runner image's registry. */
    acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
    /** Read resources: the backup vault's identity, on the server's resource group (Azure Backup's documented requirement). */
    reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
    /** "PostgreSQL Flexible Server Long Term Retention Backup Role": the backup vault's identity, on the server. */
    postgresFlexibleServerLongTermRetentionBackup: 'c088a766-074b-43ba-90d4-1fb21feae531',
};
/** The subscription id in an Azure resource id (`/subscriptions/<id>/…`). */
function subscriptionIdOf(resourceId) {
    const match = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
    if (!match)
        throw new Error(`${JSON.stringify(resourceId)} is not an Azure resource id (/subscriptions/<id>/…)`);
    return match[1];
}
/**
 * The full id of a built-in role definition in the subscription of `scope`, as `roleDefinitionId` of a
 * role assignment expects it.
 */
function roleDefinitionIdFor(scope, roleGuid) {
    return pulumi.output(scope).apply((id) => `/subscriptions/${subscriptionIdOf(id)}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`);
}
