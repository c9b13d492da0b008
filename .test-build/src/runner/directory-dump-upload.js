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
exports.DirectoryDumpUpload = void 0;
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const archive_pipe_1 = require("./archive-pipe");
const child_process_1 = require("./child-process");
const content_digest_1 = require("./content-digest");
const runner_error_1 = require("./runner-error");
const stream_compression_1 = require("./stream-compression");
/** Milliseconds between two looks at the dump directory when nothing happens in it. */
const POLL_MS = 200;
/** Milliseconds until the second look at a file found closed once. */
const CONFIRM_MS = 10;
/** The table of contents: written once, early, and kept locally for `pg_restore --list` until the dump ends. */
const TOC_NAME = 'toc.dat';
/**
 * Uploads the files of a directory-format dump while pg_dump is still writing it: a file goes as soon as
 * no pg_dump process (the leader or a `-j` worker) holds it open any more, and is deleted locally once
 * stored, so the scratch disk holds only the files being written and those in flight, not the dump.
 * Open files are read from /proc, which is what a Linux task has; a file is taken only after two looks
 * in a row found it closed, so a file pg_dump has just created and not yet opened is never taken.
 */
class DirectoryDumpUpload {
    options;
    /** The most bytes the dump directory held at any look. */
    peakScratchBytes = 0;
    uploaded = [];
    started = new Set();
    closedOnce = new Set();
    queue = [];
    inFlight = new Set();
    failure;
    timer;
    watcher;
    looking = false;
    stopped = false;
    pausedPids = [];
    pendingBytes = 0;
    lastLook = 0;
    pgDumpPid;
    constructor(options) {
        this.options = options;
    }
    /**
     * Starts looking for finished files of the pg_dump with this process id, in the (empty, existing) dump
     * directory: on a timer, and at once when a file appears, since a pg_dump process starts a new file
     * only after closing its previous one.
     */
    start(pgDumpPid) {
        this.pgDumpPid = pgDumpPid;
        const look = async () => {
            if (this.looking || this.stopped)
                return;
            this.looking = true;
            clearTimeout(this.timer);
            let confirm = false;
            try {
                confirm = await this.look(pgDumpPid === undefined ? undefined : openFilesOf(pgDumpPid));
            }
            catch (error) {
                this.fail(error);
            }
            this.looking = false;
            if (!this.stopped)
                this.timer = setTimeout(() => void look(), confirm ? CONFIRM_MS : POLL_MS);
        };
        // Writes are seen too (at most every CONFIRM_MS), so the budget is checked while a file grows.
        this.watcher = fs.watch(this.options.directory, (event) => {
            if (event === 'rename' || Date.now() - this.lastLook >= CONFIRM_MS)
                void look();
        });
        this.options.abort.signal.addEventListener('abort', () => this.resume(), { once: true });
        this.watcher.on('error', () => undefined);
        this.timer = setTimeout(() => void look(), POLL_MS);
    }
    /**
     * pg_dump has exited with 0: uploads every file still there (toc.dat last, so a store never holds a
     * table of contents without its data) and returns them all.
     */
    async finish() {
        this.stop();
        await this.look(new Set(), true);
        await this.drain();
        const names = fs.readdirSync(this.options.directory);
        if (!names.includes(TOC_NAME))
            throw new runner_error_1.RunnerError(`the directory-format dump has no ${TOC_NAME} (files: ${names.join(', ') || 'none'})`);
        await this.upload(TOC_NAME);
        if (this.failure)
            throw this.failure;
        return this.uploaded.sort((a, b) => a.name.localeCompare(b.name));
    }
    /** Stops looking (the dump failed); uploads in flight end with the abort. */
    stop() {
        this.stopped = true;
        clearTimeout(this.timer);
        this.watcher?.close();
        this.resume();
    }
    /** Lets a paused pg_dump go on. */
    resume() {
        for (const pid of this.pausedPids) {
            try {
                process.kill(pid, 'SIGCONT');
            }
            catch {
                // It has exited.
            }
        }
        this.pausedPids = [];
    }
    /** Pauses pg_dump and its workers while the directory is over budget and finished files wait to be stored. */
    throttle(pgDumpPid, directoryBytes) {
        const over = directoryBytes > this.options.scratchBudgetBytes && this.pendingBytes > 0;
        if (over && this.pausedPids.length === 0 && pgDumpPid !== undefined && !this.stopped) {
            this.pausedPids = processTree(pgDumpPid);
            for (const pid of this.pausedPids) {
                try {
                    process.kill(pid, 'SIGSTOP');
                }
                catch {
                    // It has exited.
                }
            }
        }
        else if (!over && this.pausedPids.length > 0) {
            this.resume();
        }
    }
    fail(error) {
        this.failure ??= error;
        this.stop();
        this.options.abort.fail(error);
    }
    /** Queues the files found closed twice in a row; returns whether some file was found closed for the first time. */
    async look(openFiles, final = false) {
        const directory = this.options.directory;
        let names;
        try {
            names = await fs.promises.readdir(directory);
        }
        catch (error) {
            if (error.code === 'ENOENT')
                return false;
            throw error;
        }
        let bytes = 0;
        let closedFirst = false;
        for (const name of names) {
            const size = await fs.promises.stat(path.join(directory, name)).then((stat) => stat.size, () => 0);
            bytes += size;
            if (name === TOC_NAME || this.started.has(name))
                continue;
            // Without /proc (not Linux) nothing is known to be closed before pg_dump exits: the dump is then staged whole.
            const closed = openFiles !== undefined && !openFiles.has(path.join(directory, name));
            if (final || (closed && this.closedOnce.has(name))) {
                this.started.add(name);
                this.queue.push(name);
                this.pendingBytes += size;
            }
            else if (closed) {
                this.closedOnce.add(name);
                closedFirst = true;
            }
            else {
                this.closedOnce.delete(name);
            }
        }
        this.peakScratchBytes = Math.max(this.peakScratchBytes, bytes);
        this.lastLook = Date.now();
        this.pump();
        if (!final)
            this.throttle(this.pgDumpPid, bytes);
        return closedFirst;
    }
    pump() {
        while (this.inFlight.size < this.options.parallelFiles && this.queue.length > 0 && !this.failure) {
            const name = this.queue.shift();
            const file = path.join(this.options.directory, name);
            const job = this.upload(name).then(async () => {
                const size = (await fs.promises.stat(file)).size;
                await fs.promises.rm(file, { force: true });
                this.pendingBytes -= size;
                if (!this.stopped)
                    this.throttle(this.pgDumpPid, this.peakScratchBytes > 0 ? directorySize(this.options.directory) : 0);
            }, (error) => this.fail(error)).finally(() => {
                this.inFlight.delete(job);
                this.pump();
            });
            this.inFlight.add(job);
        }
    }
    async drain() {
        while (this.inFlight.size > 0 || (this.queue.length > 0 && !this.failure)) {
            this.pump();
            await Promise.race(this.inFlight);
        }
    }
    async upload(file) {
        const { abort, compression } = this.options;
        abort.throwIfFailed();
        const source = path.join(this.options.directory, file);
        const digest = new content_digest_1.DigestingStream();
        this.options.onDigest(digest);
        // Data files are compressed by the program reading the file itself; the small TOC stays as pg_dump wrote it, as pg_dump 16 keeps it.
        const method = compression && file !== TOC_NAME ? compression.method : undefined;
        let body;
        let done;
        if (method) {
            const compressor = new child_process_1.ToolProcess(method, [...(0, stream_compression_1.compressorArgv)(compression), source], { captureStdout: true, signal: abort.signal });
            body = compressor.stdout;
            done = compressor.exited.catch((error) => {
                throw (0, archive_pipe_1.explainMissingProgram)(error, method);
            });
        }
        else {
            body = fs.createReadStream(source);
            done = new Promise((resolve, reject) => body.once('end', resolve).once('error', reject));
        }
        body.pipe(digest, { end: false });
        const ended = done.then(() => digest.end());
        ended.catch((error) => digest.destroy(error));
        const name = method ? (0, stream_compression_1.compressedName)(file, method) : file;
        // Several files at once, one part in flight each, keeps memory at `parallelFiles` parts.
        await abort.all([ended, this.options.store.putStream(this.options.keyOf(name), digest, { signal: abort.signal, concurrency: 1 })]);
        this.uploaded.push({ file, name, bytes: digest.bytes, sha256: digest.sha256, head: digest.head, ...(method ? { compression: method } : {}) });
    }
}
exports.DirectoryDumpUpload = DirectoryDumpUpload;
/** Bytes in the files of a directory now. */
function directorySize(directory) {
    let bytes = 0;
    for (const name of fs.readdirSync(directory)) {
        try {
            bytes += fs.statSync(path.join(directory, name)).size;
        }
        catch {
            // Deleted between the listing and the look.
        }
    }
    return bytes;
}
/** A process and its descendants (pg_dump's `-j` workers are its children). */
function processTree(pid) {
    const pids = [];
    const pending = [pid];
    while (pending.length > 0) {
        const current = pending.pop();
        pids.push(current);
        try {
            for (const child of fs.readFileSync(`/proc/${current}/task/${current}/children`, 'utf8').trim().split(/\s+/)) {
                if (child)
                    pending.push(Number(child));
            }
        }
        catch {
            // The process has exited, or there is no /proc.
        }
    }
    return pids;
}
/** Paths held open by a process and its descendants; `undefined` without /proc. */
function openFilesOf(pid) {
    if (!fs.existsSync('/proc/self/fd'))
        return undefined;
    const open = new Set();
    for (const current of processTree(pid)) {
        let fds;
        try {
            fds = fs.readdirSync(`/proc/${current}/fd`);
        }
        catch {
            continue;
        }
        for (const fd of fds) {
            try {
                open.add(fs.readlinkSync(`/proc/${current}/fd/${fd}`));
            }
            catch {
                // Closed between the listing and the look.
            }
        }
    }
    return open;
}
