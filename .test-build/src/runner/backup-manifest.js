"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseManifest = parseManifest;
exports.parseLatestPointer = parseLatestPointer;
const runner_error_1 = require("./runner-error");
const stream_compression_1 = require("./stream-compression");
function fail(source, why) {
    throw new runner_error_1.RunnerError(`${source} is not a valid backup manifest: ${why}`);
}
/** Reads and checks a manifest; `source` names the object in error messages. */
function parseManifest(data, source) {
    if (data.length === 0)
        fail(source, 'it is empty (0 bytes), the trace of a write that never finished');
    let parsed;
    try {
        parsed = JSON.parse(data.toString('utf8'));
    }
    catch (error) {
        fail(source, `not JSON (${error.message})`);
    }
    const manifest = parsed;
    if (typeof manifest !== 'object' || manifest === null)
        fail(source, 'not an object');
    if (manifest.manifestVersion !== 1)
        fail(source, `manifestVersion is ${JSON.stringify(manifest.manifestVersion)}; this runner reads version 1`);
    if (typeof manifest.backupId !== 'string' || typeof manifest.database !== 'string')
        fail(source, 'backupId and database must be strings');
    for (const field of ['startedAt', 'finishedAt', 'snapshotAt']) {
        const value = manifest[field];
        if ((value !== undefined || field !== 'snapshotAt') && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
            fail(source, `${field} is ${JSON.stringify(value)}, not a time`);
        }
    }
    if (manifest.format !== 'custom' && manifest.format !== 'directory')
        fail(source, `format is ${JSON.stringify(manifest.format)}`);
    if (!Array.isArray(manifest.objects) || !manifest.objects.some((object) => object?.role === 'dump'))
        fail(source, 'it lists no dump object');
    for (const object of manifest.objects) {
        if (typeof object.name !== 'string' || !Number.isSafeInteger(object.bytes) || !/^[0-9a-f]{64}$/.test(String(object.sha256))) {
            fail(source, `object ${JSON.stringify(object)} needs a name, a byte count and a SHA-256`);
        }
        if (object.compression !== undefined && !stream_compression_1.STREAM_COMPRESSION_METHODS.includes(object.compression)) {
            fail(source, `object ${object.name} is compressed with ${JSON.stringify(object.compression)}; this runner reads ${stream_compression_1.STREAM_COMPRESSION_METHODS.join(' and ')}`);
        }
    }
    const counts = manifest.rowCounts;
    if (!counts || !Array.isArray(counts.tables) || !['exact', 'estimate', 'off'].includes(counts.mode))
        fail(source, 'rowCounts is missing or malformed');
    for (const entry of counts.tables) {
        if (typeof entry.schema !== 'string' || typeof entry.table !== 'string' || !Number.isSafeInteger(entry.rows)) {
            fail(source, `row count ${JSON.stringify(entry)} needs a schema, a table and a whole number of rows`);
        }
    }
    return manifest;
}
/** Reads a `latest` pointer. */
function parseLatestPointer(data, source) {
    try {
        const pointer = JSON.parse(data.toString('utf8'));
        if (typeof pointer.backupId === 'string')
            return pointer;
    }
    catch {
        // Reported below with the object's name.
    }
    throw new runner_error_1.RunnerError(`${source} is not a valid latest pointer`);
}
