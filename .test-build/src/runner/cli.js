#!/usr/bin/env node
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The `pg-backup` program: wires signals and stdout to {@link runCli} and exits with its status.
 */
const cli_main_1 = require("./cli-main");
const runner_error_1 = require("./runner-error");
const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
        // The first signal aborts cleanly (children stopped, uploads aborted, no manifest); a second one does not wait.
        if (controller.signal.aborted)
            process.exit(new runner_error_1.InterruptedError(signal).exitCode);
        controller.abort(new runner_error_1.InterruptedError(signal));
    });
}
(0, cli_main_1.runCli)(process.argv.slice(2), {
    signal: controller.signal,
    writeResult: (line) => process.stdout.write(`${line}\n`),
}).then((code) => {
    // Open sockets (S3 keep-alive, Azure pipelines) must not keep a finished run alive: exit once stdout is flushed.
    process.stdout.write('', () => process.exit(code));
}, (error) => {
    process.stderr.write(`pg-backup: ${String(error)}\n`);
    process.exit(1);
});
