import { ToolProcess } from '../../src/runner/child-process';
import { postgresBinDir, postgresMajorVersion } from '../support/postgres';
import { runPgBackupInProcess } from './support/pg-backup-process';

describe('what an operator reads when a client tool fails', () => {
  test('a failure message keeps the tool\'s error lines and leaves its verbose progress out', async () => {
    const script = `
      for i in $(seq 1 200); do echo "pg_dump: finding the columns and types of table \\"public.t$i\\"" >&2; done
      echo 'pg_restore: dropping TABLE orders' >&2
      echo 'pg_restore: while PROCESSING TOC:' >&2
      echo 'pg_restore: error: could not execute query: ERROR:  role "shop_owner" does not exist' >&2
      echo 'Command was: ALTER TABLE public.orders OWNER TO shop_owner;' >&2
      echo 'pg_restore: finished item 42 TABLE orders' >&2
      exit 1`;
    const progress: string[] = [];
    const tool = new ToolProcess('/bin/sh', ['-c', script], { onStderrLine: (line) => progress.push(line) });
    const error = await tool.exited.then(() => undefined, (caught: Error) => caught);
    expect(error?.message).toBe('sh exited with status 1: pg_restore: while PROCESSING TOC: | '
      + 'pg_restore: error: could not execute query: ERROR:  role "shop_owner" does not exist | Command was: ALTER TABLE public.orders OWNER TO shop_owner;');
    // Every line still reaches the caller, which logs it.
    expect(progress).toHaveLength(205);
  });

  test('a tool that prints no error line still says what it printed last', async () => {
    const tool = new ToolProcess('/bin/sh', ['-c', 'echo "pg_dump: reading extensions" >&2; exit 3']);
    await expect(tool.exited).rejects.toThrow('sh exited with status 3: pg_dump: reading extensions');
  });

  // lz4 and zstd with a pg_dump before 16 used to be refused; the runner now streams that pg_dump's plain archive through the program.
  test.each(['zstd:3', 'lz4:5'])('--compress %s with a pg_dump before 16 is no usage error: the dump goes on to connect', async (compress) => {
    const binDir = postgresBinDir();
    if (postgresMajorVersion(binDir) >= 16) return;
    // No server listens on port 1: the run gets as far as the connection and fails there.
    const run = await runPgBackupInProcess(['dump', '--database-url', 'postgres://postgres@127.0.0.1:1/shop', '--to', 'file:///nonexistent/backups', '--compress', compress], { PG_BIN_DIR: binDir });
    expect(run).toMatchObject({ exitCode: 1, result: { ok: false, command: 'dump' } });
    expect(run.result.error).not.toMatch(/--compress/);
  });
});
