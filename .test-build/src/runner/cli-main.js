"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runCli = runCli;
const cli_commands_1 = require("./cli-commands");
const cli_options_1 = require("./cli-options");
const dump_command_1 = require("./dump-command");
const embedded_metrics_1 = require("./embedded-metrics");
const runner_error_1 = require("./runner-error");
const runner_logger_1 = require("./runner-logger");
function metricFields(metrics) {
    return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}
/**
 * Runs `pg-backup` with the given arguments (without the program name) and returns the exit status.
 * It always writes exactly one JSON result line, on success and on failure alike.
 */
async function runCli(argv, io) {
    const env = io.env ?? process.env;
    const signal = io.signal ?? new AbortController().signal;
    const writeText = io.writeText ?? ((text) => process.stdout.write(text));
    const commandGuess = cli_commands_1.COMMANDS.includes(argv[0]) ? argv[0] : undefined;
    let logger = (0, runner_logger_1.createRunnerLogger)(commandGuess ?? 'pg-backup', env.PG_BACKUP_LOG_LEVEL ?? 'info');
    let common;
    let database = '';
    try {
        // A bare `pg-backup` is a usage error, but it should still tell the person what it can do.
        if (argv.length === 0)
            process.stderr.write((0, cli_commands_1.programHelp)());
        const parsed = (0, cli_commands_1.readCommandLine)(argv);
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
        const reader = new cli_options_1.FlagReader(parsed.flags, env);
        common = (0, cli_options_1.readCommonOptions)(reader, env);
        logger = (0, runner_logger_1.createRunnerLogger)(parsed.command, common.logLevel);
        const context = {
            common, logger, env, signal, database: common.database, stdoutIsTerminal: io.stdoutIsTerminal ?? process.stdout.isTTY === true,
        };
        // The command may learn its database on the way (dump reads it from the URL or secret); a failure names it too.
        const report = await cli_commands_1.COMMAND_TABLE[parsed.command].run(reader, context).finally(() => {
            database = context.database ?? '';
        });
        if (signal.aborted)
            throw signal.reason;
        (0, embedded_metrics_1.emitMetrics)(common.metrics, report.database, report.metrics, { command: parsed.command });
        if (report.table !== undefined)
            writeText(report.table);
        if (report.failure !== undefined) {
            logger.error(report.failure);
            const fields = { ...report.result, metrics: metricFields(report.metrics) };
            io.writeResult(JSON.stringify({ command: parsed.command, ok: false, exitCode: 1, error: report.failure, ...fields }));
            return 1;
        }
        io.writeResult(JSON.stringify({ command: parsed.command, ok: true, ...report.result, metrics: metricFields(report.metrics) }));
        return 0;
    }
    catch (caught) {
        // A complete backup whose latest could not be moved says so itself, interrupted or not.
        const error = signal.aborted && !(caught instanceof runner_error_1.UsageError) && !(caught instanceof dump_command_1.LatestNotMovedError) ? signal.reason : caught;
        const exitCode = error instanceof runner_error_1.RunnerError ? error.exitCode : 1;
        // A failed dump leaves the store as it was: say so, since that is what an operator checks first.
        const leftAsItWas = commandGuess === 'dump' && !(error instanceof runner_error_1.UsageError) && !(error instanceof dump_command_1.LatestNotMovedError);
        const unchanged = leftAsItWas ? ' (no manifest was written and latest is unchanged)' : '';
        const message = `${(0, runner_error_1.errorMessage)(error)}${unchanged}`;
        if (!(error instanceof runner_error_1.RunnerError) || error instanceof runner_error_1.InterruptedError) {
            logger.error({ err: error instanceof runner_error_1.InterruptedError ? undefined : error }, message);
        }
        else {
            logger.error(message);
        }
        const prefix = commandGuess ? cli_commands_1.COMMAND_TABLE[commandGuess].metricPrefix : undefined;
        const metrics = prefix && !(error instanceof runner_error_1.UsageError)
            ? [{ name: `${prefix}Succeeded`, value: 0, unit: 'Count' }, { name: `${prefix}Failed`, value: 1, unit: 'Count' }]
            : [];
        if (common)
            (0, embedded_metrics_1.emitMetrics)(common.metrics, database || common.database || '', metrics, { command: commandGuess ?? 'pg-backup', error: message.slice(0, 500) });
        io.writeResult(JSON.stringify({ command: commandGuess ?? null, ok: false, exitCode, error: message, metrics: metricFields(metrics) }));
        return exitCode;
    }
}
