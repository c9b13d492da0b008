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
exports.DATABASE_PASSWORD_SECRET_NAME = void 0;
exports.runnerDatabaseUrl = runnerDatabaseUrl;
exports.keyVaultSecretNameOf = keyVaultSecretNameOf;
exports.keyVaultSecretScope = keyVaultSecretScope;
const pulumi = __importStar(require("@pulumi/pulumi"));
/** Name of the Container Apps secret that holds the database password. */
exports.DATABASE_PASSWORD_SECRET_NAME = 'database-password';
/**
 * The runner's `--database-url`: `postgresql://<user>@<host>:<port>/postgres?sslmode=…`. It has no password (that
 * comes in `PGPASSWORD`, never in the command line), and `--database` chooses the database to dump.
 */
function runnerDatabaseUrl(connection) {
    const port = connection.port ?? 5432;
    const sslMode = connection.sslMode ?? 'require';
    return pulumi.all([connection.user, connection.host]).apply(([user, host]) => `postgresql://${encodeURIComponent(user)}@${host}:${port}/postgres?sslmode=${sslMode}`);
}
/** `https://<vault>.vault.azure.net/secrets/<name>[/<version>]` → `<name>`. */
function keyVaultSecretNameOf(secretUri) {
    const match = /^https:\/\/[^/]+\/secrets\/([0-9A-Za-z-]{1,127})(\/[0-9a-f]{32})?\/?$/.exec(secretUri);
    if (!match)
        throw new Error(`password.secretUri is ${JSON.stringify(secretUri)}; allowed: https://<vault>.vault.azure.net/secrets/<name>`);
    return match[1];
}
/** The role-assignment scope of one Key Vault secret: `<vault id>/secrets/<name>`. */
function keyVaultSecretScope(secret) {
    return pulumi.all([secret.keyVaultId, secret.secretUri]).apply(([vaultId, uri]) => `${vaultId}/secrets/${keyVaultSecretNameOf(uri)}`);
}
