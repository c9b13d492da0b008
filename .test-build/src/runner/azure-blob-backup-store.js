"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AzureBlobBackupStore = void 0;
const identity_1 = require("@azure/identity");
const storage_blob_1 = require("@azure/storage-blob");
const backup_store_1 = require("./backup-store");
const runner_error_1 = require("./runner-error");
const store_unreachable_1 = require("./store-unreachable");
/** Most blocks of one block blob. */
const AZURE_MAX_BLOCKS = 50_000;
function statusOf(error) {
    return error?.statusCode;
}
/** Backups in an Azure Blob Storage container. */
class AzureBlobBackupStore {
    description;
    container;
    tuning;
    reach;
    constructor(options) {
        this.tuning = options.tuning;
        const service = options.connectionString
            ? storage_blob_1.BlobServiceClient.fromConnectionString(options.connectionString)
            : new storage_blob_1.BlobServiceClient(`https://${options.account}.blob.core.windows.net`, new identity_1.DefaultAzureCredential());
        this.container = service.getContainerClient(options.container);
        this.description = `azblob://${options.account}/${options.container}`;
        this.reach = new store_unreachable_1.StoreReachability(service.url.replace(/\/$/, ''));
    }
    describe(key) {
        return `${this.description}/${key}`;
    }
    conflict(key, error, replacing) {
        const status = statusOf(error);
        if (status === 409 || status === 412) {
            const what = replacing === undefined ? 'already exists; backup objects are never overwritten' : 'changed since it was read';
            return new backup_store_1.StoreConflictError(`${this.describe(key)} ${what}`, { cause: error });
        }
        return error;
    }
    async putStream(key, body, options = {}) {
        const blob = this.container.getBlockBlobClient(key);
        // Blocks are staged first and only a final commit makes the blob exist, so a failed or aborted
        // upload leaves no blob; the service drops uncommitted blocks after a week.
        try {
            const blockSize = (0, backup_store_1.partSizeFor)(this.tuning, AZURE_MAX_BLOCKS, options.expectedBytes);
            await blob.uploadStream(body, blockSize, options.concurrency ?? this.tuning.concurrency, {
                abortSignal: options.signal,
                conditions: { ifNoneMatch: '*' },
                blobHTTPHeaders: { blobContentType: 'application/octet-stream' },
            });
        }
        catch (error) {
            const conflict = this.conflict(key, error);
            if (options.signal?.aborted || conflict instanceof runner_error_1.RunnerError)
                throw conflict;
            const explained = this.reach.explain(`uploading ${this.describe(key)}`, error, '; no block was committed, so no partial blob is left');
            if (explained instanceof runner_error_1.RunnerError)
                throw explained;
            throw new runner_error_1.RunnerError(`uploading ${this.describe(key)} failed (no block was committed): ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
        }
        this.reach.markAnswered();
    }
    async putBytes(key, data, options = {}) {
        // One Put Blob: the blob appears whole or not at all, and Blob Storage enforces the ETag conditions.
        await this.reach.request(`writing ${this.describe(key)}`, async () => {
            try {
                await this.container.getBlockBlobClient(key).upload(data, data.length, {
                    conditions: options.replacing === undefined ? { ifNoneMatch: '*' } : { ifMatch: options.replacing },
                    blobHTTPHeaders: { blobContentType: 'application/json' },
                });
            }
            catch (error) {
                throw this.conflict(key, error, options.replacing);
            }
        }, ' (the blob was not written)');
    }
    async getStream(key, signal) {
        return this.reach.request(`downloading ${this.describe(key)}`, async () => {
            try {
                const response = await this.container.getBlobClient(key).download(0, undefined, { abortSignal: signal });
                return response.readableStreamBody;
            }
            catch (error) {
                if (statusOf(error) === 404)
                    throw new runner_error_1.RunnerError(`${this.describe(key)} does not exist`);
                throw error;
            }
        });
    }
    async getBytes(key) {
        return (await this.getVersioned(key))?.data;
    }
    async getVersioned(key) {
        return this.reach.request(`reading ${this.describe(key)}`, async () => {
            try {
                const response = await this.container.getBlobClient(key).download();
                const chunks = [];
                for await (const chunk of response.readableStreamBody)
                    chunks.push(chunk);
                return { data: Buffer.concat(chunks), version: response.etag ?? '' };
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return undefined;
                throw error;
            }
        });
    }
    async *list(prefix) {
        const pages = this.container.listBlobsFlat({ prefix }).byPage();
        for (;;) {
            const page = await this.reach.request(`listing ${this.describe(prefix)}`, () => pages.next());
            if (page.done)
                return;
            for (const blob of page.value.segment.blobItems)
                yield blob.name;
        }
    }
    close() {
        // The Azure SDK's HTTP agent holds no sockets open between requests that would keep the process alive.
    }
}
exports.AzureBlobBackupStore = AzureBlobBackupStore;
