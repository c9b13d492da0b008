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
exports.STREAM_COMPRESSION_METHODS = void 0;
exports.compressorArgv = compressorArgv;
exports.decompressorArgv = decompressorArgv;
exports.compressedName = compressedName;
exports.decompressedName = decompressedName;
exports.startsWithFrame = startsWithFrame;
exports.requireCompressionProgram = requireCompressionProgram;
const fs = __importStar(require("node:fs"));
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const runner_error_1 = require("./runner-error");
/** The compression methods a manifest may record for an object. */
exports.STREAM_COMPRESSION_METHODS = ['zstd', 'lz4'];
/** What each program's output starts with (its frame magic), to check a stored object before trusting it. */
const MAGIC = {
    zstd: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
    lz4: Buffer.from([0x04, 0x22, 0x4d, 0x18]),
};
/** The file-name suffix of each method, as the programs themselves name their output. */
const SUFFIX = { zstd: '.zst', lz4: '.lz4' };
/**
 * The argv (without the program name) that compresses stdin to stdout. zstd runs one worker a vCPU the
 * task may use (`-T`), so a task with more than one vCPU compresses in parallel; zstd needs `--ultra`
 * above level 19.
 */
function compressorArgv(compression, vcpus = os.availableParallelism()) {
    const argv = [`-${compression.level}`, '-q', '-c'];
    if (compression.method === 'zstd') {
        if (compression.level > 19)
            argv.unshift('--ultra');
        if (vcpus > 1)
            argv.push(`-T${vcpus}`);
    }
    return argv;
}
/** The argv (without the program name) that decompresses stdin to stdout, or into `file` (the program writes it, not the runner). */
function decompressorArgv(method, file) {
    if (file === undefined)
        return ['-d', '-q', '-c'];
    return method === 'zstd' ? ['-d', '-q', '-f', '-o', file] : ['-d', '-q', '-f', 'stdin', file];
}
/** The object name of `name` compressed with `method` (`dump.pgdump` → `dump.pgdump.zst`). */
function compressedName(name, method) {
    return `${name}${SUFFIX[method]}`;
}
/** `name` without the suffix of `method`, for the file pg_restore reads. */
function decompressedName(name, method) {
    const suffix = SUFFIX[method];
    return name.endsWith(suffix) ? name.slice(0, -suffix.length) : name;
}
/** Whether `head` starts with the frame magic of `method`. */
function startsWithFrame(head, method) {
    const magic = MAGIC[method];
    return head.length >= magic.length && head.subarray(0, magic.length).equals(magic);
}
/**
 * Fails, before anything starts, when the compression program is not on the PATH: the message says
 * why the runner needs it and what to do.
 */
async function requireCompressionProgram(method) {
    for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
        try {
            await fs.promises.access(path.join(directory, method), fs.constants.X_OK);
            return;
        }
        catch {
            // Not in this directory.
        }
    }
    throw new runner_error_1.RunnerError(`the ${method} program is not installed: pg_dump before 16 cannot compress with ${method} itself, so the runner streams the ` +
        `archive through ${method} (and back for verify and restore); install ${method} (the runner image has it) or choose --compress gzip:6`);
}
