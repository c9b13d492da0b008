/**
 * The containers of a restore drill on Azure Container Apps Jobs: the runner's `pg-backup verify` and a scratch
 * PostgreSQL beside it in the same replica, reachable on 127.0.0.1 only, its superuser behind a password made for
 * each drill.
 */
import { SCRATCH_POSTGRES_CONTAINER } from '../../core/aws/drill-task-containers';

/** Mount path of the volume the two containers share to say the drill is over. */
export const DRILL_SIGNAL_DIRECTORY = '/run/drill';
/** Mount path of the SQL check files. */
export const DRILL_CHECKS_DIRECTORY = '/checks';
/** Where the runner restores: the scratch server beside it, on loopback only (the password comes from {@link SCRATCH_PASSWORD_FILE}). */
export const SCRATCH_TARGET_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The user id the runner image runs as (`USER` of runner-image/Dockerfile): the one user besides root that may read the scratch password. */
export const RUNNER_IMAGE_UID = 10001;

/**
 * The scratch server's superuser password, made by the scratch container for each drill on the replica's own
 * volume: as long as the AWS drills' generated one ({@link SCRATCH_POSTGRES_CONTAINER}), readable by root (the server's
 * entrypoint reads it through `POSTGRES_PASSWORD_FILE`) and the runner's user only. A replica's containers share its
 * loopback, so a trusting server would let any process of the replica in as superuser; a password kept in the job
 * definition (an environment variable or a Container Apps secret) would be readable by whoever may read the job. This
 * one is in neither, nor in any log, and is gone with the replica.
 */
export const SCRATCH_PASSWORD_FILE = `${DRILL_SIGNAL_DIRECTORY}/scratch-password`;

/**
 * The runner container's shell: wait until the scratch server accepts connections (at most two minutes), run
 * `pg-backup` with the arguments that follow the script (never re-parsed by the shell), then tell the scratch
 * server to stop, whatever the outcome, and exit with the runner's status. A Container Apps Job execution ends
 * only when every container of its replica has exited, so without the signal the scratch server would hold the
 * execution open until its timeout and every drill would fail.
 */
export const DRILL_RUNNER_SCRIPT = [
  'i=0',
  'until "$PG_BIN_DIR/pg_isready" -q -h 127.0.0.1 -p 5432; do',
  '  i=$((i+1))',
  `  if [ "$i" -ge 120 ]; then echo "the scratch PostgreSQL did not start within 120 s" >&2; touch ${DRILL_SIGNAL_DIRECTORY}/done; exit 1; fi`,
  '  sleep 1',
  'done',
  // The server starts only once its password is written: the runner reads it here, into its own environment only.
  `PGPASSWORD="$(cat ${SCRATCH_PASSWORD_FILE})"`,
  'export PGPASSWORD',
  'pg-backup "$@"',
  'status=$?',
  `touch ${DRILL_SIGNAL_DIRECTORY}/done`,
  'exit $status',
].join('\n');

/**
 * The scratch server's shell: open the signal directory to the runner's non-root user, write a new random superuser
 * password into {@link SCRATCH_PASSWORD_FILE} (hex of /dev/urandom, so no quoting is involved; owned by the runner's
 * user, mode 0600, moved into place whole), start PostgreSQL through the image's own entrypoint with that password
 * (`POSTGRES_PASSWORD_FILE`, so password authentication is required, not trust), listening on loopback only, and stop
 * it cleanly once the runner is done (or exit with its status if it dies first).
 */
export const SCRATCH_POSTGRES_SCRIPT = [
  `chmod 1777 ${DRILL_SIGNAL_DIRECTORY}`,
  'umask 077',
  `od -An -N${SCRATCH_POSTGRES_CONTAINER.password.length / 2} -tx1 /dev/urandom | tr -d ' \\n' > ${SCRATCH_PASSWORD_FILE}.new`,
  `chown ${RUNNER_IMAGE_UID} ${SCRATCH_PASSWORD_FILE}.new`,
  `mv ${SCRATCH_PASSWORD_FILE}.new ${SCRATCH_PASSWORD_FILE}`,
  `${SCRATCH_POSTGRES_CONTAINER.password.serverVariable}_FILE=${SCRATCH_PASSWORD_FILE} docker-entrypoint.sh postgres -c listen_addresses=127.0.0.1 &`,
  'pid=$!',
  `while [ ! -e ${DRILL_SIGNAL_DIRECTORY}/done ]; do`,
  '  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; exit $?; fi',
  '  sleep 2',
  'done',
  'kill -INT "$pid"',
  'wait "$pid"',
  'exit 0',
].join('\n');

/** What a drill of one database needs to know. */
export interface RestoreDrillOptions {
  /** The dumps' location, `azblob://account/container/prefix`. */
  readonly from: string;
  /** The database whose latest dump is restored. */
  readonly database: string;
  /**
   * `pg_restore -j`.
   * @default 1
   */
  readonly jobs?: number;
  /**
   * Number of SQL check files mounted under {@link DRILL_CHECKS_DIRECTORY} as `check-<i>.sql`.
   * @default 0
   */
  readonly checkCount?: number;
  /**
   * The RTO, minutes (`pg-backup verify --rto`): a restore that passes its checks but takes longer is recorded as a
   * failed drill that says so.
   * @default - no objective
   */
  readonly rtoMinutes?: number;
}

/** The file name of the `index`-th check. */
export function drillCheckFileName(index: number): string {
  return `check-${index}.sql`;
}

/** `pg-backup verify …` for a drill: the latest dump of the database, into the scratch server, with the checks. */
export function restoreDrillArgv(options: RestoreDrillOptions): string[] {
  const argv = ['verify', '--from', options.from, '--database', options.database, '--latest', '--target-url', SCRATCH_TARGET_URL];
  if ((options.jobs ?? 1) > 1) argv.push('--jobs', String(options.jobs));
  for (let index = 0; index < (options.checkCount ?? 0); index++) argv.push('--check', `${DRILL_CHECKS_DIRECTORY}/${drillCheckFileName(index)}`);
  if (options.rtoMinutes !== undefined) argv.push('--rto', `${options.rtoMinutes}m`);
  return argv;
}

/** The runner container's command: `/bin/sh -c <script> pg-backup-drill <verify argv…>`. */
export function restoreDrillCommand(options: RestoreDrillOptions): string[] {
  // The word after the script becomes $0; the runner's arguments are "$@".
  return ['/bin/sh', '-c', DRILL_RUNNER_SCRIPT, 'pg-backup-drill', ...restoreDrillArgv(options)];
}

/** The `pg-backup` arguments inside a drill command (what follows `$0`), as the runner receives them. */
export function runnerArgvOfDrillCommand(command: readonly string[]): string[] {
  if (command[0] !== '/bin/sh' || command[1] !== '-c' || command[2] !== DRILL_RUNNER_SCRIPT) {
    throw new Error('not a restore-drill command');
  }
  return command.slice(4);
}
