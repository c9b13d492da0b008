"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ToolProcess = void 0;
exports.isProgressLine = isProgressLine;
exports.runTool = runTool;
const node_child_process_1 = require("node:child_process");
const database_connection_1 = require("./database-connection");
const runner_error_1 = require("./runner-error");
/**
 * Credentials of the runner itself that the client tools never need: they are left out of the
 * children's environment, which other users of the host can read under /proc.
 */
const RUNNER_ONLY_ENV = [database_connection_1.DEFAULT_SECRET_ENV, 'AZURE_STORAGE_CONNECTION_STRING', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
/** How many of a child's last stderr lines are kept for the error message. */
const STDERR_TAIL_LINES = 20;
/**
 * A spawned PostgreSQL client program whose exit status is always checked: `exited` resolves only
 * on exit status 0 and rejects with the program's own last words otherwise, so a failure inside a
 * pipe cannot pass unnoticed.
 */
class ToolProcess {
    /** The child's stdout when `captureStdout` was asked for. */
    stdout;
    /** The child's stdin when `pipeStdin` was asked for. */
    stdin;
    /** Resolves when the program exits with status 0; rejects with a {@link RunnerError} otherwise. */
    exited;
    child;
    tail = [];
    progressTail = [];
    constructor(program, args, options = {}) {
        const name = program.split('/').pop() ?? program;
        this.child = (0, node_child_process_1.spawn)(program, args, {
            env: { ...withoutRunnerCredentials(process.env), ...options.env },
            stdio: [options.stdinFrom ?? (options.pipeStdin ? 'pipe' : 'ignore'), options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
        });
        // The child holds its own copy of the pipe now; the runner's end would only keep the writer from seeing a closed reader.
        options.stdinFrom?.destroy();
        this.stdout = this.child.stdout ?? undefined;
        this.stdin = this.child.stdin ?? undefined;
        let partial = '';
        this.child.stderr.setEncoding('utf8');
        this.child.stderr.on('data', (chunk) => {
            const lines = (partial + chunk).split('\n');
            partial = lines.pop() ?? '';
            for (const line of lines)
                this.line(line, options.onStderrLine);
        });
        const onAbort = () => this.kill();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        this.exited = new Promise((resolve, reject) => {
            this.child.once('error', (error) => {
                reject(new runner_error_1.RunnerError(`cannot start ${program}: ${error.message}`, { cause: error }));
            });
            this.child.once('close', (code, signal) => {
                options.signal?.removeEventListener('abort', onAbort);
                if (partial)
                    this.line(partial, options.onStderrLine);
                if (code === 0) {
                    resolve();
                    return;
                }
                const status = signal ? `was killed by ${signal}` : `exited with status ${code}`;
                const said = this.stderrTail.length > 0 ? `: ${this.stderrTail.join(' | ')}` : '';
                reject(new runner_error_1.RunnerError(`${name} ${status}${said}`));
            });
        });
        // The caller observes `exited` when it is ready; a rejection before then is not unhandled.
        this.exited.catch(() => undefined);
    }
    /** The process id. */
    get pid() {
        return this.child.pid;
    }
    /** The last stderr lines that look like errors (or, when there are none, the last progress lines). */
    get stderrTail() {
        return this.tail.length > 0 ? this.tail : this.progressTail;
    }
    /** Asks the program to stop (SIGTERM); it still exits through `exited`. */
    kill() {
        if (this.child.exitCode === null && this.child.signalCode === null)
            this.child.kill('SIGTERM');
    }
    line(line, onLine) {
        if (line.trim() === '')
            return;
        onLine?.(line);
        // The client tools print progress as `pg_dump: <message>` and problems as `pg_dump: error: …` (also warning,
        // detail, hint); only problems, and lines that continue them (`Command was: …`), make the failure message.
        const progress = isProgressLine(line);
        const kept = progress ? this.progressTail : this.tail;
        kept.push(line.trim());
        if (kept.length > STDERR_TAIL_LINES)
            kept.shift();
    }
}
exports.ToolProcess = ToolProcess;
/** Whether a client tool's stderr line is a progress message (`pg_restore: creating TABLE …`) rather than a problem. */
function isProgressLine(line) {
    const match = /^(pg_dump|pg_dumpall|pg_restore|psql|pgbackrest|pg_ctl): (\w+)/.exec(line.trim());
    return match !== null && !/^(error|warning|detail|hint|fatal|while|from|FATAL|ERROR|WARNING|DETAIL|HINT)$/.test(match[2]);
}
function withoutRunnerCredentials(env) {
    const copy = { ...env };
    for (const name of RUNNER_ONLY_ENV)
        delete copy[name];
    return copy;
}
/** Runs a client program to its end and returns its stdout (for short outputs such as `pg_restore --list`). */
async function runTool(program, args, options = {}) {
    const tool = new ToolProcess(program, args, { ...options, captureStdout: true });
    const chunks = [];
    tool.stdout.on('data', (chunk) => chunks.push(chunk));
    await tool.exited;
    return Buffer.concat(chunks).toString('utf8');
}
