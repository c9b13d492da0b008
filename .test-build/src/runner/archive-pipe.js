"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ArchivePipe = void 0;
exports.explainMissingProgram = explainMissingProgram;
const archive_toc_1 = require("./archive-toc");
const child_process_1 = require("./child-process");
const runner_error_1 = require("./runner-error");
const stream_compression_1 = require("./stream-compression");
/**
 * A running pg_dump's custom-format archive on its way to the store: straight from pg_dump, or through a
 * compression program joined to pg_dump by an operating-system pipe (the uncompressed bytes never pass
 * through the runner). The archive's table of contents is read on the side from what is stored, through
 * the matching decompressor, so it also proves that the stored bytes hold a pg_dump archive.
 */
class ArchivePipe {
    /** What goes into the store. */
    output;
    /** Resolves when pg_dump (and the compression program) exited with 0; rejects with the error that explains the failure. */
    exited;
    /** The archive's table of contents. */
    toc;
    tocReader;
    constructor(dump, pgRestorePath, compression, signal) {
        if (!compression) {
            this.output = dump.stdout;
            this.exited = dump.exited;
        }
        else {
            const compressor = new child_process_1.ToolProcess(compression.method, (0, stream_compression_1.compressorArgv)(compression), { stdinFrom: dump.stdout, captureStdout: true, signal });
            this.output = compressor.stdout;
            this.exited = bothExited(dump.exited, compressor.exited.catch((error) => {
                throw explainMissingProgram(error, compression.method);
            }));
        }
        const decompressor = compression ? { program: compression.method, args: (0, stream_compression_1.decompressorArgv)(compression.method) } : undefined;
        this.tocReader = new archive_toc_1.StreamingTocReader(pgRestorePath, signal, decompressor);
        this.exited.then(() => this.tocReader.end(), () => this.tocReader.kill());
        this.toc = this.tocReader.toc;
    }
    /** Shows a chunk of the stored bytes to the table-of-contents reader. */
    observe(chunk) {
        this.tocReader.write(chunk);
    }
}
exports.ArchivePipe = ArchivePipe;
/**
 * Waits for pg_dump and the compression program. When the compressor failed, its error comes first:
 * pg_dump's "broken pipe" is only the consequence.
 */
async function bothExited(dump, compressor) {
    const [dumped, compressed] = await Promise.allSettled([dump, compressor]);
    if (compressed.status === 'rejected')
        throw compressed.reason;
    if (dumped.status === 'rejected')
        throw dumped.reason;
}
/** Says in plain words that a compression program is missing (it went away after the check before the dump). */
function explainMissingProgram(error, program) {
    if (!/ENOENT/.test((0, runner_error_1.errorMessage)(error)))
        return error;
    return new runner_error_1.RunnerError(`the ${program} program is not installed (install ${program}, or choose --compress gzip:6): ${(0, runner_error_1.errorMessage)(error)}`, { cause: error });
}
