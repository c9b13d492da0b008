"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StreamingTocReader = void 0;
exports.parseArchiveToc = parseArchiveToc;
const child_process_1 = require("./child-process");
/** Parses `pg_restore --list` output (`3353; 0 16389 TABLE DATA public t postgres`); comment lines are skipped. */
function parseArchiveToc(listing) {
    const entries = [];
    for (const line of listing.split('\n')) {
        const match = /^(\d+); (\d+) (\d+) (.+)$/.exec(line);
        if (match)
            entries.push({ dumpId: Number(match[1]), oid: Number(match[3]), text: match[4] });
    }
    return {
        entries,
        tableDataOids: entries.filter((entry) => entry.text.startsWith('TABLE DATA ')).map((entry) => entry.oid),
        tableOids: entries.filter((entry) => entry.text.startsWith('TABLE ') && !entry.text.startsWith('TABLE DATA ')).map((entry) => entry.oid),
    };
}
/** Most bytes queued for `pg_restore --list` before giving up on it: the TOC sits at the start of an archive. */
const MAX_QUEUED_BYTES = 64 * 1024 * 1024;
/**
 * Reads the table of contents of a custom-format archive while it streams past: the TOC is at the
 * start of an archive, so `pg_restore --list` reads it from stdin and exits, and the rest of the
 * stream is no longer fed to it. A compressed archive goes through its decompressor on the way.
 */
class StreamingTocReader {
    /** The TOC, once pg_restore has read it. */
    toc;
    tool;
    input;
    open = true;
    constructor(pgRestore, signal, decompressor) {
        const feeder = decompressor
            ? new child_process_1.ToolProcess(decompressor.program, decompressor.args, { pipeStdin: true, captureStdout: true, signal })
            : undefined;
        this.tool = new child_process_1.ToolProcess(pgRestore, ['--list'], { captureStdout: true, signal, ...(feeder ? { stdinFrom: feeder.stdout } : { pipeStdin: true }) });
        this.input = feeder ?? this.tool;
        const chunks = [];
        this.tool.stdout.on('data', (chunk) => chunks.push(chunk));
        // pg_restore closes its stdin after the TOC; the write errors that follow (EPIPE) are expected,
        // and so is the decompressor's death by that broken pipe.
        this.input.stdin.on('error', () => {
            this.open = false;
        });
        this.toc = this.tool.exited.then(() => {
            this.open = false;
            feeder?.kill();
            return parseArchiveToc(Buffer.concat(chunks).toString('utf8'));
        }, (error) => {
            this.open = false;
            feeder?.kill();
            throw error;
        });
        this.toc.catch(() => undefined);
    }
    /** Passes a chunk of the archive on, until pg_restore has what it needs. */
    write(chunk) {
        if (!this.open)
            return;
        if (this.input.stdin.writableLength > MAX_QUEUED_BYTES) {
            this.end();
            return;
        }
        this.input.stdin.write(chunk);
    }
    /** The archive has ended. */
    end() {
        if (!this.open)
            return;
        this.open = false;
        this.input.stdin.end();
    }
    /** Stops pg_restore (the dump failed). */
    kill() {
        this.open = false;
        this.input.stdin.destroy();
        this.input.kill();
        this.tool.kill();
    }
}
exports.StreamingTocReader = StreamingTocReader;
