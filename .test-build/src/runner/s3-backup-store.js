"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.S3BackupStore = void 0;
const client_s3_1 = require("@aws-sdk/client-s3");
const lib_storage_1 = require("@aws-sdk/lib-storage");
const backup_store_1 = require("./backup-store");
const runner_error_1 = require("./runner-error");
const store_unreachable_1 = require("./store-unreachable");
/** Most parts of one S3 multipart upload. */
const S3_MAX_PARTS = 10_000;
function statusOf(error) {
    return error?.$metadata?.httpStatusCode;
}
function isNotFound(error) {
    const name = error?.name;
    return name === 'NotFound' || name === 'NoSuchKey' || statusOf(error) === 404;
}
/** A conditional header that did not hold (412), or a concurrent conditional write of the same key (409). */
function isConditionFailed(error) {
    const name = error?.name;
    return name === 'PreconditionFailed' || name === 'ConditionalRequestConflict' || statusOf(error) === 412 || statusOf(error) === 409;
}
/** Backups in an S3 bucket, with the AWS SDK's default credential chain. */
class S3BackupStore {
    description;
    client;
    bucket;
    tuning;
    reach;
    constructor(options) {
        this.bucket = options.bucket;
        this.tuning = options.tuning;
        this.reach = new store_unreachable_1.StoreReachability(options.endpoint ?? 'AWS S3 (the SDK\'s regional endpoint)');
        this.description = `s3://${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
        const config = options.endpoint
            ? {
                endpoint: options.endpoint,
                forcePathStyle: true,
                // S3-compatible stores (s3rver among them) predate the SDK's default CRC checksums on every request.
                requestChecksumCalculation: 'WHEN_REQUIRED',
                responseChecksumValidation: 'WHEN_REQUIRED',
            }
            : {};
        this.client = new client_s3_1.S3Client(config);
    }
    describe(key) {
        return `s3://${this.bucket}/${key}`;
    }
    async exists(key) {
        return this.reach.request(`checking whether ${this.describe(key)} exists`, async () => {
            try {
                await this.client.send(new client_s3_1.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
                return true;
            }
            catch (error) {
                if (isNotFound(error))
                    return false;
                throw error;
            }
        });
    }
    async refuseExisting(key) {
        // AWS S3 enforces IfNoneMatch itself; S3-compatible stores such as s3rver ignore the header, so the
        // key is also checked first. Keys carry a random backup id, so the window between the two is moot.
        if (await this.exists(key)) {
            throw new backup_store_1.StoreConflictError(`${this.describe(key)} already exists; backup objects are never overwritten`);
        }
    }
    async putStream(key, body, options = {}) {
        await this.refuseExisting(key);
        const upload = new lib_storage_1.Upload({
            client: this.client,
            params: { Bucket: this.bucket, Key: key, Body: body, IfNoneMatch: '*' },
            partSize: (0, backup_store_1.partSizeFor)(this.tuning, S3_MAX_PARTS, options.expectedBytes),
            queueSize: options.concurrency ?? this.tuning.concurrency,
            leavePartsOnError: false,
        });
        const abort = () => void upload.abort().catch(() => undefined);
        options.signal?.addEventListener('abort', abort, { once: true });
        // A failed body does not always reach lib-storage's reader (it may be waiting on a part upload), so
        // the upload is aborted from here too; lib-storage then aborts the multipart upload on the server.
        // lib-storage then fails with its own `Upload aborted.`, so the body's error is kept to report instead.
        let bodyError;
        const bodyFailed = (error) => {
            bodyError = error;
            abort();
        };
        body.once('error', bodyFailed);
        try {
            await upload.done();
            this.reach.markAnswered();
        }
        catch (error) {
            await upload.abort().catch(() => undefined);
            if (options.signal?.aborted || error instanceof runner_error_1.RunnerError)
                throw error;
            const cause = bodyError ?? error;
            const explained = this.reach.explain(`uploading ${this.describe(key)}`, cause, '; the multipart upload was abandoned, so no partial object is left');
            if (explained instanceof runner_error_1.RunnerError)
                throw explained;
            throw new runner_error_1.RunnerError(`uploading ${this.describe(key)} failed (the multipart upload was aborted): ${(0, runner_error_1.errorMessage)(cause)}`, { cause });
        }
        finally {
            options.signal?.removeEventListener('abort', abort);
            body.off('error', bodyFailed);
        }
    }
    async putBytes(key, data, options = {}) {
        if (options.replacing === undefined)
            await this.refuseExisting(key);
        // One PUT: the object appears whole or not at all. AWS S3 enforces If-Match / If-None-Match itself;
        // stores that ignore them get the existence check above, and the caller's re-read-and-compare.
        await this.reach.request(`writing ${this.describe(key)}`, async () => {
            try {
                await this.client.send(new client_s3_1.PutObjectCommand({
                    Bucket: this.bucket,
                    Key: key,
                    Body: data,
                    ContentLength: data.length,
                    ContentType: 'application/json',
                    ...(options.replacing === undefined ? { IfNoneMatch: '*' } : { IfMatch: options.replacing }),
                }));
            }
            catch (error) {
                if (isConditionFailed(error)) {
                    throw new backup_store_1.StoreConflictError(`${this.describe(key)} ${options.replacing === undefined ? 'already exists' : 'changed since it was read'}`, { cause: error });
                }
                throw error;
            }
        }, ' (the object was not written)');
    }
    async getStream(key, signal) {
        return this.reach.request(`downloading ${this.describe(key)}`, async () => {
            try {
                const result = await this.client.send(new client_s3_1.GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
                return result.Body;
            }
            catch (error) {
                if (isNotFound(error))
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
                const result = await this.client.send(new client_s3_1.GetObjectCommand({ Bucket: this.bucket, Key: key }));
                return { data: Buffer.from(await result.Body.transformToByteArray()), version: result.ETag ?? '' };
            }
            catch (error) {
                if (isNotFound(error))
                    return undefined;
                throw error;
            }
        });
    }
    async *list(prefix) {
        let token;
        do {
            const page = await this.reach.request(`listing s3://${this.bucket}/${prefix}`, () => this.client.send(new client_s3_1.ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })));
            for (const object of page.Contents ?? [])
                if (object.Key)
                    yield object.Key;
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
    }
    close() {
        this.client.destroy();
    }
}
exports.S3BackupStore = S3BackupStore;
