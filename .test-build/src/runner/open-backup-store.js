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
exports.openBackupStore = openBackupStore;
/**
 * The store for a location. Each cloud's SDK is loaded only when its kind of location is used: loading
 * every SDK costs a scheduled run about a third of a second of start-up for nothing.
 */
async function openBackupStore(location, access, env = process.env) {
    switch (location.kind) {
        case 's3': {
            const { S3BackupStore } = await Promise.resolve().then(() => __importStar(require('./s3-backup-store')));
            return new S3BackupStore({
                bucket: location.bucket,
                endpoint: access.s3Endpoint ?? (env.AWS_ENDPOINT_URL_S3 || undefined),
                tuning: access.tuning,
            });
        }
        case 'azblob': {
            const { AzureBlobBackupStore } = await Promise.resolve().then(() => __importStar(require('./azure-blob-backup-store')));
            return new AzureBlobBackupStore({
                account: location.account,
                container: location.container,
                connectionString: access.azureConnectionString ?? (env.AZURE_STORAGE_CONNECTION_STRING || undefined),
                tuning: access.tuning,
            });
        }
        case 'file': {
            const { FileBackupStore } = await Promise.resolve().then(() => __importStar(require('./file-backup-store')));
            return new FileBackupStore(location.directory);
        }
    }
}
