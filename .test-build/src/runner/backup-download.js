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
exports.downloadArchive = downloadArchive;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:stream/promises");
const archive_pipe_1 = require("./archive-pipe");
const backup_layout_1 = require("./backup-layout");
const child_process_1 = require("./child-process");
const content_digest_1 = require("./content-digest");
const runner_error_1 = require("./runner-error");
const stream_compression_1 = require("./stream-compression");
/** Files of a directory-format backup downloaded at the same time. */
const PARALLEL_FILES = 4;
async function downloadObject(store, key, object, file, signal, onDigest) {
    const digest = new content_digest_1.DigestingStream();
    onDigest(digest);
    const source = await store.getStream(key, signal);
    if (object.compression) {
        // Decompressed while it downloads: the program writes the archive itself, the runner only passes on (and hashes) the stored bytes.
        const method = object.compression;
        const decompressor = new child_process_1.ToolProcess(method, (0, stream_compression_1.decompressorArgv)(method, file), { pipeStdin: true, signal });
        const decompressed = decompressor.exited.catch((error) => {
            throw new runner_error_1.RunnerError(`${key} does not decompress with ${method}: ${(0, runner_error_1.errorMessage)((0, archive_pipe_1.explainMissingProgram)(error, method))}`, { cause: error });
        });
        decompressor.stdin.on('error', () => undefined);
        try {
            await Promise.all([(0, promises_1.pipeline)(source, digest, decompressor.stdin, { signal }).catch(async (error) => {
                    // A decompressor that stopped reading explains the broken pipe better than the pipe does.
                    await decompressed;
                    throw error;
                }), decompressed]);
        }
        catch (error) {
            // A damaged object also fails to decompress; what the manifest proves (size, sha256) names the cause better.
            if (!signal?.aborted)
                checkAgainstManifest(key, object, digest);
            throw error;
        }
    }
    else {
        await (0, promises_1.pipeline)(source, digest, fs.createWriteStream(file), { signal });
    }
    checkAgainstManifest(key, object, digest);
}
/** Throws when the stored bytes differ from what the manifest records. */
function checkAgainstManifest(key, object, digest) {
    // Size first: a short object is a truncated upload or a damaged store, which says more than a digest mismatch.
    if (digest.bytes !== object.bytes) {
        throw new runner_error_1.RunnerError(`${key} is truncated or damaged: ${digest.bytes} bytes where the manifest records ${object.bytes}`);
    }
    if (digest.sha256 !== object.sha256) {
        throw new runner_error_1.RunnerError(`${key} does not match its manifest: sha256 ${digest.sha256}, expected ${object.sha256}`);
    }
}
/**
 * Downloads the dump objects of a backup into `directory`, checking each object's size and SHA-256
 * against the manifest as it streams, and decompressing the objects the runner compressed. pg_restore
 * gets a seekable local file, which `-j` needs.
 */
async function downloadArchive(store, layout, manifest, directory, signal, onDigest = () => undefined) {
    const dumps = manifest.objects.filter((object) => object.role === 'dump');
    for (const method of new Set(dumps.map((object) => object.compression)))
        if (method)
            await (0, stream_compression_1.requireCompressionProgram)(method);
    const keyOf = (object) => layout.objectKey(manifest.database, manifest.backupId, object.name);
    const bytes = dumps.reduce((sum, object) => sum + object.bytes, 0);
    if (manifest.format === 'custom') {
        const object = dumps.find((candidate) => candidate.name === backup_layout_1.CUSTOM_DUMP_NAME || candidate.compression) ?? dumps[0];
        const file = path.join(directory, backup_layout_1.CUSTOM_DUMP_NAME);
        await downloadObject(store, keyOf(object), object, file, signal, onDigest);
        return { archivePath: file, bytes };
    }
    const archivePath = path.join(directory, backup_layout_1.DIRECTORY_DUMP_NAME);
    await fs.promises.mkdir(archivePath, { recursive: true });
    const queue = [...dumps];
    const worker = async () => {
        for (let object = queue.shift(); object !== undefined; object = queue.shift()) {
            const name = object.name.slice(backup_layout_1.DIRECTORY_DUMP_NAME.length + 1);
            if (!object.name.startsWith(`${backup_layout_1.DIRECTORY_DUMP_NAME}/`) || name.includes('/') || name.startsWith('.')) {
                throw new runner_error_1.RunnerError(`the manifest names an unexpected dump object ${JSON.stringify(object.name)}`);
            }
            const local = object.compression ? (0, stream_compression_1.decompressedName)(name, object.compression) : name;
            await downloadObject(store, keyOf(object), object, path.join(archivePath, local), signal, onDigest);
        }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, dumps.length) }, () => worker()));
    return { archivePath, bytes };
}
