"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StoreConflictError = void 0;
exports.partSizeFor = partSizeFor;
exports.joinKey = joinKey;
const runner_error_1 = require("./runner-error");
/** A conditional write lost: the key exists (create-only) or changed since it was read (replace). */
class StoreConflictError extends runner_error_1.RunnerError {
    constructor(message, options = {}) {
        super(message, options);
        this.name = 'StoreConflictError';
    }
}
exports.StoreConflictError = StoreConflictError;
/**
 * The part size for an object: the configured one, or more when the object could otherwise need more
 * than `maxParts` parts (rounded up to whole MiB, with a 10% margin).
 */
function partSizeFor(tuning, maxParts, expectedBytes) {
    if (expectedBytes === undefined)
        return tuning.partSizeBytes;
    const mib = 1024 * 1024;
    const needed = Math.ceil(expectedBytes / (maxParts * 0.9) / mib) * mib;
    return Math.max(tuning.partSizeBytes, needed);
}
/** Joins key segments with `/`, ignoring empty ones (an empty location prefix). */
function joinKey(...segments) {
    return segments.filter((segment) => segment !== '').join('/');
}
