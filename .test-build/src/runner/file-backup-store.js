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
exports.FileBackupStore = void 0;
const node_crypto_1 = require("node:crypto");
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
const promises_1 = require("node:stream/promises");
const backup_store_1 = require("./backup-store");
const runner_error_1 = require("./runner-error");
/** Suffix of files being written; never listed, and never a backup object. */
const TEMPORARY_SUFFIX = '.tmp';
/** Suffix of the lock file held while a pointer is compared and replaced. */
const LOCK_SUFFIX = '.lock';
/**
 * A lock older than this was left by a run that died between taking and releasing it (the lock is
 * held for one small read and one small write), so it is broken.
 */
const STALE_LOCK_MS = 30_000;
/** Pause between attempts to take a lock another run holds. */
const LOCK_RETRY_MS = 20;
function versionOf(data) {
    return (0, node_crypto_1.createHash)('sha256').update(data).digest('hex');
}
function codeOf(error) {
    return error?.code;
}
/** Backups in a local or mounted directory; keys are relative paths below it. */
class FileBackupStore {
    description;
    root;
    constructor(directory) {
        this.root = directory;
        this.description = `file://${directory}`;
    }
    pathOf(key) {
        const resolved = path.resolve(this.root, ...key.split('/'));
        if (resolved !== this.root && !resolved.startsWith(this.root + path.sep)) {
            throw new runner_error_1.RunnerError(`the key ${JSON.stringify(key)} leaves ${this.root}`);
        }
        return resolved;
    }
    existsError(key, error) {
        if (codeOf(error) === 'EEXIST') {
            return new backup_store_1.StoreConflictError(`${this.pathOf(key)} already exists; backup objects are never overwritten`, { cause: error });
        }
        return error;
    }
    async putStream(key, body, options = {}) {
        const file = this.pathOf(key);
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        // `wx` refuses an existing file; `flush` makes the close wait for the data to reach the disk.
        const out = fs.createWriteStream(file, { flags: 'wx', flush: true });
        try {
            await (0, promises_1.pipeline)(body, out, { signal: options.signal });
        }
        catch (error) {
            if (error?.code !== 'EEXIST')
                await fs.promises.rm(file, { force: true });
            const exists = this.existsError(key, error);
            if (options.signal?.aborted || exists instanceof runner_error_1.RunnerError)
                throw exists;
            throw new runner_error_1.RunnerError(`writing ${file} failed (the partial file was removed): ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
        }
    }
    async putBytes(key, data, options = {}) {
        const file = this.pathOf(key);
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        // Written aside and flushed first, so a reader (and a full disk) never sees a torn object: the name
        // appears only through link (create-only, atomic, fails when the name exists) or rename (replace).
        const temporary = `${file}.${process.pid}.${(0, node_crypto_1.randomBytes)(4).toString('hex')}${TEMPORARY_SUFFIX}`;
        try {
            await fs.promises.writeFile(temporary, data, { flag: 'wx', flush: true });
            if (options.replacing === undefined) {
                try {
                    await fs.promises.link(temporary, file);
                }
                catch (error) {
                    throw this.existsError(key, error);
                }
            }
            else {
                await this.withLock(file, async () => {
                    const current = await fs.promises.readFile(file).catch((error) => {
                        if (codeOf(error) === 'ENOENT')
                            return undefined;
                        throw error;
                    });
                    if (current === undefined || versionOf(current) !== options.replacing) {
                        throw new backup_store_1.StoreConflictError(`${file} changed since it was read`);
                    }
                    await fs.promises.rename(temporary, file);
                });
            }
        }
        catch (error) {
            const left = await fs.promises.rm(temporary, { force: true }).then(() => undefined, (rmError) => `; the temporary file ${temporary} could not be removed (${(0, runner_error_1.errorMessage)(rmError)})`);
            if (error instanceof runner_error_1.RunnerError && left === undefined)
                throw error;
            throw new runner_error_1.RunnerError(`writing ${file} failed (${left ? 'nothing was written under its name' : 'nothing was left'})${left ?? ''}: ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
        }
        await fs.promises.rm(temporary, { force: true });
    }
    /**
     * Runs `critical` while holding `<file>.lock`, created exclusively: the compare and the replace of a
     * pointer are one step for every run using this directory (also over NFS, where O_EXCL holds).
     */
    async withLock(file, critical) {
        const lock = `${file}${LOCK_SUFFIX}`;
        for (;;) {
            try {
                await fs.promises.writeFile(lock, `${process.pid}\n`, { flag: 'wx' });
                break;
            }
            catch (error) {
                if (codeOf(error) !== 'EEXIST')
                    throw error;
            }
            const held = await fs.promises.stat(lock).catch(() => undefined);
            if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
                await fs.promises.rm(lock, { force: true });
            }
            else {
                await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
            }
        }
        try {
            return await critical();
        }
        finally {
            await fs.promises.rm(lock, { force: true });
        }
    }
    async getStream(key) {
        const file = this.pathOf(key);
        try {
            await fs.promises.access(file, fs.constants.R_OK);
        }
        catch {
            throw new runner_error_1.RunnerError(`${file} does not exist`);
        }
        return fs.createReadStream(file);
    }
    async getBytes(key) {
        try {
            return await fs.promises.readFile(this.pathOf(key));
        }
        catch (error) {
            if (codeOf(error) === 'ENOENT')
                return undefined;
            throw error;
        }
    }
    async getVersioned(key) {
        const data = await this.getBytes(key);
        return data === undefined ? undefined : { data, version: versionOf(data) };
    }
    async *list(prefix) {
        // Walk from the deepest directory the prefix names, then filter by the full prefix.
        const directoryPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
        const start = directoryPart ? this.pathOf(directoryPart) : this.root;
        const pending = [start];
        while (pending.length > 0) {
            const directory = pending.pop();
            let entries;
            try {
                entries = await fs.promises.readdir(directory, { withFileTypes: true });
            }
            catch (error) {
                if (codeOf(error) === 'ENOENT')
                    continue;
                throw error;
            }
            for (const entry of entries) {
                const full = path.join(directory, entry.name);
                if (entry.isDirectory()) {
                    pending.push(full);
                }
                else if (!entry.name.endsWith(TEMPORARY_SUFFIX) && !entry.name.endsWith(LOCK_SUFFIX)) {
                    const key = path.relative(this.root, full).split(path.sep).join('/');
                    if (key.startsWith(prefix))
                        yield key;
                }
            }
        }
    }
    close() {
        // Nothing is held open between calls.
    }
}
exports.FileBackupStore = FileBackupStore;
