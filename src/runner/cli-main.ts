import type { Logger } from 'pino';
import { COMMAND_TABLE, COMMANDS, programHelp, readCommandLine, type CommandName } from './cli-commands';
import { FlagReader, readCommonOptions, type CommandContext, type CommonOptions } from './cli-options';
import { serverGoneAdvice } from './database-client';
import { emitMetrics, type MetricValue } from './embedded-metrics';
import { InterruptedError, RunnerError, StoppedPartwayError, UsageError, errorMessage } from './runner-error';
import { createRunnerLogger } from './runner-logger';

/** Where a CLI run writes its result line. */
export interface CliIo {
  /** Writes the result line (stdout). */
  readonly writeResult: (line: string) => void;
  /**
   * Environment.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Aborts the run (the CLI entry wires SIGTERM and SIGINT to it).
   * @default - never aborted
   */
  readonly signal?: AbortSignal;
  /**
   * Writes text for a person to stdout, before the result line (help, the version).
   * @default - process.stdout
   */
  readonly writeText?: (text: string) => void;
  /**
   * Whether stdout is a terminal (`list` and `status` then print a table before the result line).
   * @default - process.stdout.isTTY
   */
  readonly stdoutIsTerminal?: boolean;
}

function metricFields(metrics: readonly MetricValue[]): Record<string, number> {
  return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}

/**
 * Runs `pg-backup` with the given arguments (without the program name) and returns the exit status.
 * It always writes exactly one JSON result line, on success and on failure alike.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const env = io.env ?? process.env;
  const signal = io.signal ?? new AbortController().signal;
  const writeText = io.writeText ?? ((text: string) => process.stdout.write(text));
  const commandGuess = COMMANDS.includes(argv[0] as CommandName) ? (argv[0] as CommandName) : undefined;
  let logger: Logger = createRunnerLogger(commandGuess ?? 'pg-backup', env.PG_BACKUP_LOG_LEVEL ?? 'info');
  let common: CommonOptions | undefined;
  let database = '';
  try {
    // A bare `pg-backup` is a usage error, but it should still tell the person what it can do.
    if (argv.length === 0) process.stderr.write(programHelp());
    const parsed = readCommandLine(argv);
    if (parsed.kind === 'help') {
      writeText(parsed.text);
      io.writeResult(JSON.stringify({ command: parsed.command ?? null, ok: true, help: true }));
      return 0;
    }
    if (parsed.kind === 'version') {
      writeText(parsed.text);
      io.writeResult(JSON.stringify({ command: null, ok: true, version: parsed.text.trim() }));
      return 0;
    }
    const reader = new FlagReader(parsed.flags, env, parsed.spelled);
    common = readCommonOptions(reader, env);
    logger = createRunnerLogger(parsed.command, common.logLevel);
    const stopping = logger;
    signal.addEventListener('abort', () => stopping.warn(`${errorMessage(signal.reason)}: stopping`), { once: true });
    const context: CommandContext = {
      common, logger, env, signal, database: common.database, stdoutIsTerminal: io.stdoutIsTerminal ?? process.stdout.isTTY === true,
    };
    // The command may learn its database on the way (dump reads it from the URL or secret); a failure names it too.
    const report = await COMMAND_TABLE[parsed.command].run(reader, context).finally(() => {
      database = context.database ?? '';
    });
    if (signal.aborted) throw signal.reason;
    emitMetrics(common.metrics, report.database, report.metrics, { command: parsed.command });
    if (report.table !== undefined) writeText(report.table);
    if (report.failure !== undefined) {
      logger.error(report.failure);
      const fields = { ...report.result, metrics: metricFields(report.metrics) };
      io.writeResult(JSON.stringify({ command: parsed.command, ok: false, exitCode: 1, error: report.failure, ...fields }));
      return 1;
    }
    io.writeResult(JSON.stringify({ command: parsed.command, ok: true, ...report.result, metrics: metricFields(report.metrics) }));
    return 0;
  } catch (caught) {
    // A dump that stored something before it stopped says what itself, interrupted or not.
    const error = signal.aborted && !(caught instanceof UsageError) && !(caught instanceof StoppedPartwayError) ? (signal.reason as unknown) : caught;
    const exitCode = error instanceof RunnerError ? error.exitCode : 1;
    // Any other failed dump leaves the store as it was: say so, since that is what an operator checks first.
    const leftAsItWas = commandGuess === 'dump' && !(error instanceof UsageError) && !(error instanceof StoppedPartwayError);
    const unchanged = leftAsItWas ? ' (no manifest was written and latest is unchanged)' : '';
    const serverGone = serverGoneAdvice(error);
    const message = `${errorMessage(error)}${serverGone ? ` (${serverGone})` : ''}${unchanged}`;
    if (!(error instanceof RunnerError) || error instanceof InterruptedError) {
      logger.error({ err: error instanceof InterruptedError ? undefined : error }, message);
    } else {
      logger.error(message);
    }
    const prefix = commandGuess ? COMMAND_TABLE[commandGuess].metricPrefix : undefined;
    const metrics: MetricValue[] = prefix && !(error instanceof UsageError)
      ? [{ name: `${prefix}Succeeded`, value: 0, unit: 'Count' }, { name: `${prefix}Failed`, value: 1, unit: 'Count' }]
      : [];
    if (common) emitMetrics(common.metrics, database || common.database || '', metrics, { command: commandGuess ?? 'pg-backup', error: message.slice(0, 500) });
    io.writeResult(JSON.stringify({ command: commandGuess ?? null, ok: false, exitCode, error: message, metrics: metricFields(metrics) }));
    return exitCode;
  }
}
