"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DigestingStream = void 0;
const node_crypto_1 = require("node:crypto");
const node_stream_1 = require("node:stream");
/** How many leading bytes a {@link DigestingStream} keeps, enough for the archive magic (`PGDMP`). */
const HEAD_BYTES = 16;
/**
 * A pass-through stream that computes the SHA-256 and the size of what flows through it, and keeps
 * its first bytes, so an object is proven while it streams and never read twice.
 */
class DigestingStream extends node_stream_1.Transform {
    observer;
    hash = (0, node_crypto_1.createHash)('sha256');
    count = 0;
    headBytes = Buffer.alloc(0);
    digest;
    /** @param observer sees every chunk as it passes (e.g. to read the archive's table of contents on the side). */
    constructor(observer) {
        super();
        this.observer = observer;
    }
    /** Bytes seen so far. */
    get bytes() {
        return this.count;
    }
    /** The first bytes seen. */
    get head() {
        return this.headBytes;
    }
    /** The SHA-256 (lowercase hex), once the stream has ended. */
    get sha256() {
        if (this.digest === undefined)
            throw new Error('the digest is read before the stream ended');
        return this.digest;
    }
    _transform(chunk, _encoding, callback) {
        this.hash.update(chunk);
        this.count += chunk.length;
        if (this.headBytes.length < HEAD_BYTES)
            this.headBytes = Buffer.concat([this.headBytes, chunk.subarray(0, HEAD_BYTES - this.headBytes.length)]);
        this.observer?.(chunk);
        callback(null, chunk);
    }
    _flush(callback) {
        this.digest = this.hash.digest('hex');
        callback();
    }
}
exports.DigestingStream = DigestingStream;
