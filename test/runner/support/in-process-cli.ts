import { runCli } from '../../../src/runner/cli-main';

/** What one in-process run of the CLI printed. */
export interface CliRun {
  readonly exitCode: number;
  /** Everything on stdout, result line included. */
  readonly stdout: string;
  /** The result lines (each must be JSON). */
  readonly results: Record<string, any>[];
}

/**
 * Runs the CLI in this process (the same `runCli` the program runs), capturing stdout: text for a person and the
 * result line. Metrics are off and logs only fatal, unless `env` says otherwise.
 */
export async function cli(argv: string[], env: NodeJS.ProcessEnv = {}, terminal: { stdout?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  const results: Record<string, any>[] = [];
  const exitCode = await runCli(argv, {
    env: { PG_BACKUP_METRICS: 'off', PG_BACKUP_LOG_LEVEL: 'fatal', ...env },
    stdoutIsTerminal: terminal.stdout ?? false,
    writeText: (text) => {
      stdout += text;
    },
    writeResult: (line) => {
      stdout += `${line}\n`;
      results.push(JSON.parse(line));
    },
  });
  return { exitCode, stdout, results };
}
