// Preloaded into a measured node program (`node --require` this file) by bench/support/measure.ts: when the program
// exits, writes the CPU seconds of its own process (all of its threads: JavaScript, the garbage collector's helpers,
// libuv's pool) to the file named by PG_BACKUP_BENCH_OWN_CPU_FILE. /usr/bin/time counts the programs it spawned too
// (pg_dump, zstd), which are the same whichever store the runner writes to; this is the runner's own part.
'use strict';
const file = process.env.PG_BACKUP_BENCH_OWN_CPU_FILE;
if (file) {
  process.once('exit', () => {
    const used = process.cpuUsage();
    require('node:fs').writeFileSync(file, String((used.user + used.system) / 1e6));
  });
}
