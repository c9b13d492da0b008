"use strict";
/**
 * The containers of a restore drill on Azure Container Apps Jobs: the runner's `pg-backup verify` and a scratch
 * PostgreSQL beside it in the same replica, reachable on 127.0.0.1 only.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.SCRATCH_POSTGRES_SCRIPT = exports.DRILL_RUNNER_SCRIPT = exports.SCRATCH_TARGET_URL = exports.DRILL_CHECKS_DIRECTORY = exports.DRILL_SIGNAL_DIRECTORY = void 0;
exports.drillCheckFileName = drillCheckFileName;
exports.restoreDrillArgv = restoreDrillArgv;
exports.restoreDrillCommand = restoreDrillCommand;
exports.runnerArgvOfDrillCommand = runnerArgvOfDrillCommand;
/** Mount path of the volume the two containers share to say the drill is over. */
exports.DRILL_SIGNAL_DIRECTORY = '/run/drill';
/** Mount path of the SQL check files. */
exports.DRILL_CHECKS_DIRECTORY = '/checks';
/** Where the runner restores: the scratch server beside it, trusted on loopback only. */
exports.SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/**
 * The runner container's shell: wait until the scratch server accepts connections (at most two minutes), run
 * `pg-backup` with the arguments that follow the script (never re-parsed by the shell), then tell the scratch
 * server to stop, whatever the outcome, and exit with the runner's status. A Container Apps Job execution ends
 * only when every container of its replica has exited, so without the signal the scratch server would hold the
 * execution open until its timeout and every drill would fail.
 */
exports.DRILL_RUNNER_SCRIPT = [
    'i=0',
    'until "$PG_BIN_DIR/pg_isready" -q -h 127.0.0.1 -p 5432; do',
    '  i=$((i+1))',
    `  if [ "$i" -ge 120 ]; then echo "the scratch PostgreSQL did not start within 120 s" >&2; touch ${exports.DRILL_SIGNAL_DIRECTORY}/done; exit 1; fi`,
    '  sleep 1',
    'done',
    'pg-backup "$@"',
    'status=$?',
    `touch ${exports.DRILL_SIGNAL_DIRECTORY}/done`,
    'exit $status',
].join('\n');
/**
 * The scratch server's shell: open the signal directory to the runner's non-root user, start PostgreSQL through
 * the image's own entrypoint, listening on loopback only, and stop it cleanly once the runner is done (or exit with
 * its status if it dies first).
 */
exports.SCRATCH_POSTGRES_SCRIPT = [
    `chmod 1777 ${exports.DRILL_SIGNAL_DIRECTORY}`,
    'docker-entrypoint.sh postgres -c listen_addresses=127.0.0.1 &',
    'pid=$!',
    `while [ ! -e ${exports.DRILL_SIGNAL_DIRECTORY}/done ]; do`,
    '  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi',
    '  sleep 2',
    'done',
    'kill -INT "$pid"',
    'wait "$pid"',
    'exit 0',
].join('\n');
/** The file name of the `index`-th check. */
function drillCheckFileName(index) {
    return `check-${index}.sql`;
}
/** `pg-backup verify …` for a drill: the latest dump of the database, into the scratch server, with the checks. */
function restoreDrillArgv(options) {
    const argv = ['verify', '--from', options.from, '--database', options.database, '--latest', '--target-url', exports.SCRATCH_TARGET_URL];
    if ((options.jobs ?? 1) > 1)
        argv.push('--jobs', String(options.jobs));
    for (let index = 0; index < (options.checkCount ?? 0); index++)
        argv.push('--check', `${exports.DRILL_CHECKS_DIRECTORY}/${drillCheckFileName(index)}`);
    return argv;
}
/** The runner container's command: `/bin/sh -c <script> pg-backup-drill <verify argv…>`. */
function restoreDrillCommand(options) {
    // The word after the script becomes $0; the runner's arguments are "$@".
    return ['/bin/sh', '-c', exports.DRILL_RUNNER_SCRIPT, 'pg-backup-drill', ...restoreDrillArgv(options)];
}
/** The `pg-backup` arguments inside a drill command (what follows `$0`), as the runner receives them. */
function runnerArgvOfDrillCommand(command) {
    if (command[0] !== '/bin/sh' || command[1] !== '-c' || command[2] !== exports.DRILL_RUNNER_SCRIPT) {
        throw new Error('not a restore-drill command');
    }
    return command.slice(4);
}
