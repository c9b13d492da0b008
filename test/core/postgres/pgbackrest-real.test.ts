import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  pgBackRestBackupArgv, pgBackRestCheckArgv, pgBackRestInfoArgv, pgBackRestStanzaCreateArgv, renderPgBackRestConf,
} from '../../../src/core/postgres/pgbackrest-conf';
import { renderArchiveSettings } from '../../../src/core/postgres/postgresql-conf';
import { usePostgres } from '../../support/postgres';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** pgBackRest must run as the cluster's OS user, like the archive_command the server runs. */
async function asServerUser(argv: string[]): Promise<string> {
  const [command, args] = isRoot ? ['runuser', ['-u', 'postgres', '--', ...argv]] : [argv[0], argv.slice(1)];
  const { stdout } = await run(command, args, { encoding: 'utf8', timeout: 60_000 });
  return stdout;
}

describe('the rendered archive block and pgbackrest.conf, run by the real pgBackRest', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-pgbackrest-'));
  const commandOptions = { stanza: 'orders', configFile: path.join(root, 'pgbackrest.conf') };
  const archive = renderArchiveSettings({
    repository: { kind: 'posix', path: path.join(root, 'repo') },
    pitr: { archiver: 'pgbackrest', archiveTimeoutSeconds: 60 },
    pgBackRest: commandOptions,
  });
  const pg = usePostgres({ settings: Object.fromEntries(archive.settings.map((s) => [s.name, s.value])) });

  beforeAll(() => {
    for (const dir of ['repo', 'spool', 'log', 'lock']) fs.mkdirSync(path.join(root, dir));
    const conf = renderPgBackRestConf({
      ...commandOptions,
      repository: { kind: 'posix', path: path.join(root, 'repo') },
      pgPath: pg().dataDir,
      pgPort: pg().port,
      pgSocketPath: pg().socketDir,
      spoolPath: path.join(root, 'spool'),
      logPath: path.join(root, 'log'),
      lockPath: path.join(root, 'lock'),
      logLevelConsole: 'warn',
    });
    fs.writeFileSync(commandOptions.configFile, conf.text, { mode: 0o600 });
    if (isRoot) execFileSync('chown', ['-R', 'postgres:', root]);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the server runs with the rendered archive_command', async () => {
    const [{ archive_command: command }] = await pg().query<{ archive_command: string }>('SHOW archive_command');
    expect(command).toBe(`pgbackrest --config=${commandOptions.configFile} --stanza=orders archive-push %p`);
  });

  test('stanza-create, check and a full backup succeed, and info lists exactly one full backup', async () => {
    await asServerUser(pgBackRestStanzaCreateArgv(commandOptions));
    // check forces a WAL switch and waits until archive_command has stored the segment.
    await asServerUser(pgBackRestCheckArgv(commandOptions));
    await asServerUser(pgBackRestBackupArgv(commandOptions, 'full'));

    const info = JSON.parse(await asServerUser(pgBackRestInfoArgv(commandOptions))) as Array<{
      name: string; status: { code: number }; backup: Array<{ type: string }>;
    }>;
    expect(info.map((stanza) => stanza.name)).toEqual(['orders']);
    expect(info[0].status.code).toBe(0);
    expect(info[0].backup.map((backup) => backup.type)).toEqual(['full']);
  });
});
