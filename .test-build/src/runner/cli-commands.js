"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.COMMANDS = exports.COMMAND_TABLE = void 0;
exports.commandHelp = commandHelp;
exports.programHelp = programHelp;
exports.readCommandLine = readCommandLine;
exports.parseCommandLine = parseCommandLine;
const commander_1 = require("commander");
const backup_commands_1 = require("./backup-commands");
const check_archive_command_1 = require("./check-archive-command");
const check_command_1 = require("./check-command");
const cli_options_1 = require("./cli-options");
const drill_pitr_command_1 = require("./drill-pitr-command");
const list_command_1 = require("./list-command");
const runner_error_1 = require("./runner-error");
const runner_version_1 = require("./runner-version");
const status_command_1 = require("./status-command");
/** Every command of `pg-backup`, in the order help lists them. */
exports.COMMAND_TABLE = {
    'dump': {
        summary: 'stream pg_dump of one database to a backup location, then write its manifest and latest pointer',
        synopsis: '--to URI [--database-url URL]',
        flags: backup_commands_1.DUMP_COMMAND_FLAGS,
        metricPrefix: 'Backup',
        run: backup_commands_1.dumpCommand,
    },
    'verify': {
        summary: 'restore a backup into a scratch database, compare row counts and run SQL checks',
        synopsis: '--from URI --target-url URL',
        flags: backup_commands_1.VERIFY_COMMAND_FLAGS,
        metricPrefix: 'Verify',
        run: backup_commands_1.verifyCommand,
    },
    'restore': {
        summary: 'restore a backup into a database',
        synopsis: '--from URI --target-url URL',
        flags: backup_commands_1.RESTORE_COMMAND_FLAGS,
        metricPrefix: 'Restore',
        run: backup_commands_1.restoreCommand,
    },
    'list': {
        summary: 'list the complete backups under a location',
        synopsis: '--from URI',
        flags: list_command_1.LIST_COMMAND_FLAGS,
        run: list_command_1.listCommand,
    },
    'status': {
        summary: 'per database: the newest complete backup, its age, size and rows, the RPO, broken and partial backups',
        synopsis: '--from URI [--rpo DUR]',
        notes: ['Exits 1 when a database\'s newest complete backup is older than --rpo (or it has none).'],
        flags: status_command_1.STATUS_COMMAND_FLAGS,
        run: status_command_1.statusCommand,
    },
    'check': {
        summary: 'check a live or restored database: row-count bounds and SQL checks',
        synopsis: '[--target-url URL]',
        notes: ['Without --target-url the database comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and PGSSLMODE.'],
        flags: check_command_1.CHECK_COMMAND_FLAGS,
        metricPrefix: 'Check',
        run: check_command_1.checkCommand,
    },
    'drill-pitr': {
        summary: 'recover a pgBackRest archive to a point in time in a scratch directory and check the result',
        synopsis: '--target-time TIME',
        notes: ['The server binaries come from PG_BIN_DIR.'],
        flags: drill_pitr_command_1.DRILL_PITR_COMMAND_FLAGS,
        metricPrefix: 'PitrDrill',
        run: drill_pitr_command_1.drillPitrCommand,
    },
    'check-archive': {
        summary: 'check the WAL archive of a self-hosted server (pg_stat_archiver, newest segment readable)',
        synopsis: '[--cluster NAME]',
        notes: ['Run it as the postgres OS user on the database host.'],
        flags: check_archive_command_1.CHECK_ARCHIVE_COMMAND_FLAGS,
        // check-archive writes its own metrics on failure; a prefix here would count them twice.
        run: check_archive_command_1.checkArchiveCommand,
    },
};
/** The commands, in the order help lists them. */
exports.COMMANDS = Object.keys(exports.COMMAND_TABLE);
function isCommand(name) {
    return name !== undefined && Object.prototype.hasOwnProperty.call(exports.COMMAND_TABLE, name);
}
function flagColumn(flag) {
    return `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
}
/** One line a flag: its spelling, what it does, whether it repeats, its default and an example. */
function flagLines(flags, width) {
    return flags.map((flag) => {
        const extras = [
            ...(flag.repeatable ? ['Repeatable.'] : []),
            ...(flag.default !== undefined ? [`Default: ${flag.default}.`] : []),
            `Example: ${flag.example}`,
        ];
        return `  ${flagColumn(flag).padEnd(width)}  ${flag.description}. ${extras.join(' ')}`;
    });
}
const OUTPUT_NOTES = [
    'stdout ends with one JSON result line; logs and CloudWatch Embedded Metric Format lines go to stderr.',
    'Exit status: 0 success, 1 failure, 2 usage error, 143 SIGTERM, 130 SIGINT.',
];
/** The help of one command: its usage line, every flag on one line with its default and an example. */
function commandHelp(name) {
    const command = exports.COMMAND_TABLE[name];
    const common = [...cli_options_1.COMMON_FLAGS, { name: 'help', short: 'h', description: 'show this help', example: `pg-backup ${name} --help` }];
    const width = Math.max(...[...command.flags, ...common].map((flag) => flagColumn(flag).length));
    return [
        `Usage: pg-backup ${name} ${command.synopsis} [flags]`,
        '',
        `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
        '',
        'Flags:',
        ...flagLines(command.flags, width),
        '',
        'Flags of every command:',
        ...flagLines(common, width),
        ...(command.notes ? ['', ...command.notes] : []),
        '',
        'URIs: s3://bucket/prefix, azblob://account/container/prefix, file:///absolute/path (or file://localhost/absolute/path).',
        ...OUTPUT_NOTES,
        '',
    ].join('\n');
}
/** The help of `pg-backup`: every command with its summary. */
function programHelp() {
    const width = Math.max(...exports.COMMANDS.map((name) => name.length), 'help [command]'.length);
    return [
        'Usage: pg-backup <command> [flags]',
        '',
        'Dumps, verifies and restores PostgreSQL backups in S3, Azure Blob Storage or a directory.',
        '',
        'Commands:',
        ...exports.COMMANDS.map((name) => `  ${name.padEnd(width)}  ${exports.COMMAND_TABLE[name].summary}`),
        `  ${'help [command]'.padEnd(width)}  show the help of pg-backup or of one command`,
        '',
        'Flags:',
        `  ${'-h, --help'.padEnd(width)}  show this help`,
        `  ${'-V, --version'.padEnd(width)}  show the version`,
        '',
        'Run `pg-backup <command> --help` for the flags of a command, each with its default and an example.',
        ...OUTPUT_NOTES,
        '',
    ].join('\n');
}
/** The parser of one command: its flags and the common ones, values collected as strings as given. */
function commandParser(program, name, onParsed) {
    const flags = [...exports.COMMAND_TABLE[name].flags, ...cli_options_1.COMMON_FLAGS];
    // A value that is itself one of the command's flags means the value was left out (`--to --format custom`).
    const flagWords = new Set(['--help', '-h', ...flags.flatMap((flag) => [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])])]);
    const command = program.command(name).description(exports.COMMAND_TABLE[name].summary).allowExcessArguments(false);
    for (const flag of flags) {
        const option = new commander_1.Option(`${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.value ? ` <${flag.value}>` : ''}`, flag.description);
        if (flag.value) {
            option.argParser((value, previous) => {
                if (flagWords.has(value))
                    throw new runner_error_1.UsageError(`${name}: --${flag.name} needs a value (e.g. ${flag.example}); it is followed by ${value}`);
                return flag.repeatable ? [...(previous ?? []), value] : value;
            });
        }
        command.addOption(option);
    }
    command.action((options) => {
        const parsed = {};
        for (const option of command.options) {
            const value = options[option.attributeName()];
            const long = option.long.replace(/^--/, '');
            // A `--no-x` switch of ours is a switch named `no-x`, not commander's negation of `x`.
            if (option.negate) {
                if (value === false)
                    parsed[long] = true;
            }
            else if (value !== undefined) {
                parsed[long] = value;
            }
        }
        onParsed(parsed);
    });
}
/** Turns commander's message into one naming the command and the flag as the user wrote it. */
function usageMessage(command, error) {
    const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
    const missing = /^option '(?:-\w, )?(--[\w-]+)[^']*' argument missing$/.exec(message);
    const flag = missing && [...cli_options_1.COMMON_FLAGS, ...(isCommand(command) ? exports.COMMAND_TABLE[command].flags : [])].find((candidate) => `--${candidate.name}` === missing[1]);
    const text = missing ? `${missing[1]} needs a value${flag ? ` (e.g. ${flag.example})` : ''}` : message;
    return command ? `${command}: ${text}` : text;
}
/**
 * Reads a `pg-backup` command line: a command and its flags, a request for help (`--help`, `-h`, `help [command]`,
 * `<command> --help`) or for the version (`--version`). Unknown commands and flags, missing values and stray
 * arguments are {@link UsageError}s naming them.
 */
function readCommandLine(argv) {
    const [first] = argv;
    if (first === undefined)
        throw new runner_error_1.UsageError(`no command given; allowed: ${exports.COMMANDS.join(', ')} (pg-backup --help lists them)`);
    if (!first.startsWith('-') && first !== 'help' && !isCommand(first)) {
        throw new runner_error_1.UsageError(`the command is ${JSON.stringify(first)}; allowed: ${exports.COMMANDS.join(', ')}`);
    }
    let output = '';
    let helpFor;
    let result;
    const program = new commander_1.Command('pg-backup')
        .exitOverride()
        .configureOutput({ writeOut: (text) => { output += text; }, writeErr: () => undefined, outputError: () => undefined })
        .configureHelp({
        formatHelp: (command) => {
            helpFor = isCommand(command.name()) ? command.name() : undefined;
            return helpFor ? commandHelp(helpFor) : programHelp();
        },
    })
        .showSuggestionAfterError(true)
        .version((0, runner_version_1.runnerVersion)(), '-V, --version')
        .helpCommand('help [command]', 'show the help of pg-backup or of one command');
    for (const name of exports.COMMANDS) {
        commandParser(program, name, (flags) => {
            result = { kind: 'command', command: name, flags };
        });
    }
    try {
        program.parse([...argv], { from: 'user' });
    }
    catch (error) {
        if (!(error instanceof commander_1.CommanderError))
            throw error;
        if (error.code === 'commander.version')
            return { kind: 'version', text: output };
        if (error.exitCode === 0)
            return { kind: 'help', command: helpFor, text: output };
        throw new runner_error_1.UsageError(usageMessage(isCommand(first) ? first : undefined, error));
    }
    if (!result)
        throw new runner_error_1.UsageError(`no command given; allowed: ${exports.COMMANDS.join(', ')}`);
    return result;
}
/** Reads a command line that runs a command; help and version requests are {@link UsageError}s here. */
function parseCommandLine(argv) {
    const line = readCommandLine(argv);
    if (line.kind !== 'command')
        throw new runner_error_1.UsageError(`${argv.join(' ')} asks for ${line.kind}, not a command run`);
    return { command: line.command, flags: line.flags };
}
