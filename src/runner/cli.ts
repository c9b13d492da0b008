#!/usr/bin/env -S node --initial-old-space-size=64
/**
 * The `pg-backup` program: wires signals and stdout to {@link runCli} and exits with its status.
 *
 * It starts V8's old generation at 64 MB (only node's command line can say so; NODE_OPTIONS refuses the flag). The
 * runner's live heap is about 10 MB, and V8 starts with an old-generation limit not much above that: a dump to S3 kept
 * hitting it, so V8 ran a full collection about every 15 MB uploaded (23–28 for 339 MB, against 2 with the flag), on the
 * one core pg_dump and zstd need; that was most of what a dump to S3 cost the client more than one to a local file.
 */
import { runCli } from './cli-main';
import { InterruptedError } from './runner-error';

const controller = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // The first signal aborts cleanly (children stopped, uploads aborted, no manifest); a second one does not wait.
    if (controller.signal.aborted) process.exit(new InterruptedError(signal).exitCode);
    controller.abort(new InterruptedError(signal));
  });
}

// A reader that stops early (`pg-backup dump --help | head`) closes stdout: the run goes on, its later writes are
// dropped, and it exits with its own status instead of an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

runCli(process.argv.slice(2), {
  signal: controller.signal,
  writeResult: (line) => process.stdout.write(`${line}\n`),
}).then((code) => {
  // Open sockets (S3 keep-alive, Azure pipelines) must not keep a finished run alive: exit once stdout is flushed.
  process.stdout.write('', () => process.exit(code));
}, (error: unknown) => {
  process.stderr.write(`pg-backup: ${String(error)}\n`);
  process.exit(1);
});
