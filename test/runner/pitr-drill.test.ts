import * as fs from 'node:fs';
import * as path from 'node:path';
import { pgBackRestInfoArgv } from '../../src/core/postgres/pgbackrest-conf';
import {
  describeRecoveryFailure, nextWalSegment, summarizeRecoveryLog,
} from '../../src/runner/drill-pitr-command';
import { RunnerError, UsageError } from '../../src/runner/runner-error';
import { commitOrders, drillPitr, usePitrCluster } from '../integration/pitr-cluster';
import { cli } from './support/in-process-cli';

/** The error a drill fails with. */
async function drillFailure(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunnerError> {
  try {
    await drillPitr(args, env);
  } catch (error) {
    if (error instanceof RunnerError) return error;
    throw error;
  }
  throw new Error('the drill passed');
}

describe('reading a recovery log', () => {
  const recovered = `2026-11-24 13:00:45.122 UTC [2843] LOG:  starting point-in-time recovery to 2026-11-24 13:00:37.247215+00
2026-11-24 13:00:45.285 UTC [2843] LOG:  restored log file "000000010000000000000002" from archive
2026-11-24 13:00:45.483 UTC [2843] LOG:  restored log file "000000010000000000000003" from archive
2026-11-24 13:00:45.701 UTC [2843] LOG:  restored log file "000000010000000000000004" from archive
2026-11-24 13:00:45.742 UTC [2843] LOG:  recovery stopping before commit of transaction 725, time 2026-11-24 13:00:38.468469+00
2026-11-24 13:00:45.878 UTC [2843] LOG:  restored log file "000000010000000000000004" from archive
2026-11-24 13:00:46.035 UTC [2843] LOG:  archive recovery complete`;
  const missing = `2026-11-24 13:00:52.190 UTC [2944] LOG:  restored log file "000000010000000000000002" from archive
2026-11-24 13:00:52.202 UTC [2944] FATAL:  recovery ended before configured recovery target was reached
2026-11-24 13:00:52.204 UTC [2941] LOG:  startup process (PID 2944) exited with exit code 1`;

  test('a recovery that reached its target reports where it stopped and each segment it restored once', () => {
    expect(summarizeRecoveryLog(recovered)).toEqual({
      stoppedAt: { position: 'before', xid: '725', time: '2026-11-24 13:00:38.468469+00' },
      restoredSegments: ['000000010000000000000002', '000000010000000000000003', '000000010000000000000004'],
      fatal: [],
      archiveGetErrors: [],
    });
  });

  test('a recovery that ran out of WAL reports no stop point and the FATAL message', () => {
    expect(summarizeRecoveryLog(missing)).toEqual({
      restoredSegments: ['000000010000000000000002'],
      fatal: ['recovery ended before configured recovery target was reached'],
      archiveGetErrors: [],
    });
  });

  test('the failure names the target, the FATAL message and the first segment that was not there', () => {
    expect(describeRecoveryFailure('2026-11-24 13:00:37+00', summarizeRecoveryLog(missing))).toBe(
      'point-in-time recovery to 2026-11-24 13:00:37+00 failed: recovery ended before configured recovery target was reached; '
      + 'the last WAL segment restored from the archive was 000000010000000000000002, so 000000010000000000000003 is missing '
      + 'from the archive (or the archive holds no commit after the target time yet)',
    );
  });

  test('a restore_command that fails on its own is quoted in the failure, each message once', () => {
    const brokenCommand = `2026-12-05 06:53:56.898 UTC [5192] LOG:  database system was interrupted; last known up at 2026-12-05 06:53:50 UTC
ERROR: [031]: option 'spool-path' not valid without option 'archive-async'
2026-12-05 06:53:56.913 UTC [5192] LOG:  starting point-in-time recovery to 2026-12-05 06:53:55.156919+00
ERROR: [031]: option 'spool-path' not valid without option 'archive-async'
2026-12-05 06:53:56.925 UTC [5192] LOG:  invalid checkpoint record
2026-12-05 06:53:56.925 UTC [5192] FATAL:  could not locate required checkpoint record`;
    expect(describeRecoveryFailure('2026-12-05 06:53:55+00', summarizeRecoveryLog(brokenCommand))).toBe(
      'point-in-time recovery to 2026-12-05 06:53:55+00 failed: could not locate required checkpoint record; '
      + 'no WAL segment could be restored from the archive; '
      + "pgBackRest archive-get said: option 'spool-path' not valid without option 'archive-async'",
    );
  });

  test.each([
    ['000000010000000000000002', '000000010000000000000003'],
    ['00000001000000000000000F', '000000010000000000000010'],
    ['0000000200000003000000FF', '000000020000000400000000'],
  ])('the segment after %s is %s', (segment, next) => {
    expect(nextWalSegment(segment)).toBe(next);
  });
});

describe('pg-backup drill-pitr flags', () => {
  test.each([
    [['--target-time', 'yesterday'], '--target-time is "yesterday"; allowed: an ISO-8601 timestamp with seconds and a time zone'],
    [['--target-time', '2026-11-24T10:15:00'], '--target-time is "2026-11-24T10:15:00"; allowed: an ISO-8601 timestamp'],
    [[], '--target-time is undefined; allowed: a value (the flag is required)'],
    [['--target-time', '2026-11-24T10:15:00Z', '--server-setting', 'shared_buffers'], '--server-setting is "shared_buffers"; allowed: NAME=VALUE'],
    [['--target-time', '2026-11-24T10:15:00Z', '--archive-wait', 'soon'], '--archive-wait is "soon"; allowed: a duration'],
    [['--target-time', '2026-11-24T10:15:00Z', '--stanza', '../main'], '--stanza is "../main"; allowed: 1-64 letters'],
  ])('%j is a usage error naming the flag, the value and what is allowed', async (args, message) => {
    const error = await drillFailure(args);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(message);
  });
});

describe('a PITR drill over an archive with a missing WAL segment', () => {
  const cluster = usePitrCluster({ repository: (root) => ({ kind: 'posix', path: path.join(root, 'repo') }) });
  let targetTime = '';
  let removed = '';

  beforeAll(async () => {
    await cluster().createStanzaAndFullBackup();
    // Several segments between the backup and the target, each with a commit in it.
    for (const [from, to] of [[1, 50], [51, 100], [101, 150]]) {
      await commitOrders(cluster(), from, to);
      await cluster().waitForArchive();
    }
    targetTime = await cluster().serverNow();
    await commitOrders(cluster(), 151, 200);
    await cluster().waitForArchive();

    const infoArgv = pgBackRestInfoArgv({ stanza: cluster().stanza, configFile: cluster().configFile });
    const info = JSON.parse(await cluster().asServerUser(infoArgv)) as Array<{
      backup: Array<{ archive: { stop: string } }>;
    }>;
    // The first segment after the backup's own: recovery reaches consistency, then cannot go on to the target.
    removed = nextWalSegment(info[0].backup[0].archive.stop);
    const archive = path.join(cluster().root, 'repo', 'archive', cluster().stanza);
    const files = fs.readdirSync(archive, { recursive: true }).map(String).filter((file) => path.basename(file).startsWith(removed));
    expect(files).toHaveLength(1);
    fs.rmSync(path.join(archive, files[0]));
  });

  test('fails with exit status 1 and says which segment is missing and that the target was not reached', async () => {
    const error = await drillFailure([
      '--target-time', targetTime, '--pgbackrest-config', cluster().configFile, '--stanza', cluster().stanza,
    ], { PG_BIN_DIR: cluster().pg.binDir });

    expect(error).not.toBeInstanceOf(UsageError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain(`point-in-time recovery to ${targetTime} failed: recovery ended before configured recovery target was reached`);
    expect(error.message).toContain(`so ${removed} is missing from the archive`);
  });

  test('with --record-to the failed drill is stored under the stanza with its reason, and status shows it as the stanza\'s last drill', async () => {
    const results = `file://${cluster().root}/drill-results`;
    await drillFailure([
      '--target-time', targetTime, '--pgbackrest-config', cluster().configFile, '--stanza', cluster().stanza, '--database', 'postgres', '--record-to', results,
    ], { PG_BIN_DIR: cluster().pg.binDir });
    const status = await cli(['status', '--from', results, '--database', 'orders', '--drill-age', '1d'], {});
    const orders = status.results[0].databases[0];
    expect(orders.lastDrill).toMatchObject({ kind: 'pitr', succeeded: false, reason: expect.stringContaining(`so ${removed} is missing from the archive`) });
    expect(orders.lastGoodDrill).toBeUndefined();
    expect(status.exitCode).toBe(1);
  });
});
