import { Command, CommanderError, Option } from 'commander';
import { DUMP_COMMAND_FLAGS, RESTORE_COMMAND_FLAGS, VERIFY_COMMAND_FLAGS, dumpCommand, restoreCommand, verifyCommand } from './backup-commands';
import { CHECK_ARCHIVE_COMMAND_FLAGS, checkArchiveCommand } from './check-archive-command';
import { CHECK_COMMAND_FLAGS, checkCommand } from './check-command';
import {
  COMMON_FLAGS, type CommandContext, type CommandReport, type FlagDefinition, type FlagReader, type ParsedFlags,
} from './cli-options';
import { DRILL_FLEXIBLE_PITR_COMMAND_FLAGS, drillFlexiblePitrCommand } from './drill-flexible-pitr-command';
import { DRILL_PITR_COMMAND_FLAGS, drillPitrCommand } from './drill-pitr-command';
import { LIST_COMMAND_FLAGS, listCommand } from './list-command';
import { PRUNE_COMMAND_FLAGS, pruneCommand } from './prune-command';
import { UsageError } from './runner-error';
import { runnerVersion } from './runner-version';
import { STATUS_COMMAND_FLAGS, statusCommand } from './status-command';

/** The commands of `pg-backup`. */
export type CommandName = 'dump' | 'verify' | 'restore' | 'list' | 'status' | 'prune' | 'check' | 'drill-pitr' | 'drill-flexible-pitr' | 'check-archive';

/** One command of `pg-backup`: its flags, its help and what runs it. */
export interface CommandDefinition {
  /** One line saying what the command does (the command list of `pg-backup --help`). */
  readonly summary: string;
  /** The flags a run needs at least, for the usage line, e.g. `--to URI`. */
  readonly synopsis: string;
  /**
   * Lines shown below the flags in the command's help.
   * @default - none
   */
  readonly notes?: readonly string[];
  /** The command's own flags (the flags of every command, {@link COMMON_FLAGS}, come on top). */
  readonly flags: readonly FlagDefinition[];
  /**
   * Prefix of the `…Succeeded`/`…Failed` metrics the CLI writes for a run; none for commands without them.
   * @default - no success/failure metrics
   */
  readonly metricPrefix?: string;
  /** Reads the flags and runs the command. */
  readonly run: (reader: FlagReader, context: CommandContext) => Promise<CommandReport>;
}

/** Every command of `pg-backup`, in the order help lists them. */
export const COMMAND_TABLE: Readonly<Record<CommandName, CommandDefinition>> = {
  'dump': {
    summary: 'stream pg_dump of one database to a backup location, then write its manifest and latest pointer',
    synopsis: '--to URI [--database-url URL]',
    flags: DUMP_COMMAND_FLAGS,
    metricPrefix: 'Backup',
    run: dumpCommand,
  },
  'verify': {
    summary: 'restore a backup into a scratch database, compare row counts and run SQL checks',
    synopsis: '--from URI --target-url URL',
    notes: ['With PG_BACKUP_TARGET_SECRET_ARN the target\'s user and password come from that Secrets Manager secret (over PGPASSWORD), over TLS: require, or verify-full with the CA bundle in PGSSLROOTCERT.'],
    flags: VERIFY_COMMAND_FLAGS,
    metricPrefix: 'Verify',
    run: verifyCommand,
  },
  'restore': {
    summary: 'restore a backup into a database',
    synopsis: '--from URI --target-url URL',
    notes: ['With PG_BACKUP_TARGET_SECRET_ARN the target\'s user and password come from that Secrets Manager secret (over PGPASSWORD), over TLS: require, or verify-full with the CA bundle in PGSSLROOTCERT.'],
    flags: RESTORE_COMMAND_FLAGS,
    metricPrefix: 'Restore',
    run: restoreCommand,
  },
  'list': {
    summary: 'list the complete backups under a location',
    synopsis: '--from URI',
    flags: LIST_COMMAND_FLAGS,
    metricPrefix: 'List',
    run: listCommand,
  },
  'status': {
    summary: 'per database: the newest complete backup, its age, size and rows, the RPO, broken and partial backups',
    synopsis: '--from URI [--rpo DUR]',
    notes: ['Exits 1 when a database\'s newest complete backup is older than --rpo (or it has none).'],
    flags: STATUS_COMMAND_FLAGS,
    metricPrefix: 'Status',
    run: statusCommand,
  },
  'prune': {
    summary: 'delete the backups grandfather-father-son retention lets go, never below the floor, never while dumps are failing',
    synopsis: '--from URI --rpo DUR [--replica URI]',
    notes: [
      'Keeps per database the first backup of the newest --daily days, --weekly ISO weeks, --monthly months and --yearly years (UTC),',
      'the newest --minimum-kept backups and the one latest names. Deletes nothing, and exits 1, when no backup finished within --rpo.',
      'A delete the store refuses (Object Lock, an immutability policy) is reported and the backup stays whole.',
      'Each --replica (an offsite copy, whose deletes replication does not bring) is pruned the same way by its own manifests and latest.',
    ],
    flags: PRUNE_COMMAND_FLAGS,
    metricPrefix: 'Prune',
    run: pruneCommand,
  },
  'check': {
    summary: 'check a live or restored database: row-count bounds, SQL checks, the recovery point of a point-in-time restore',
    synopsis: '[--target-url URL]',
    notes: ['Without --target-url the database comes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and PGSSLMODE.'],
    flags: CHECK_COMMAND_FLAGS,
    metricPrefix: 'Check',
    run: checkCommand,
  },
  'drill-pitr': {
    summary: 'recover a pgBackRest archive to a point in time in a scratch directory and check the result',
    synopsis: '--target-time TIME',
    notes: ['The server binaries come from PG_BIN_DIR.'],
    flags: DRILL_PITR_COMMAND_FLAGS,
    metricPrefix: 'PitrDrill',
    run: drillPitrCommand,
  },
  'drill-flexible-pitr': {
    summary: 'restore an Azure flexible server to a point in time as a scratch server, check it and delete it',
    synopsis: '--source-server-id ID',
    notes: [
      'Signs in to Azure Resource Manager with DefaultAzureCredential (a managed identity: AZURE_CLIENT_ID names it).',
      'The checks log in as --db-user with PGPASSWORD over TLS; the scratch server is deleted on every path, and a deletion that fails fails the drill.',
    ],
    flags: DRILL_FLEXIBLE_PITR_COMMAND_FLAGS,
    metricPrefix: 'FlexiblePitrDrill',
    run: drillFlexiblePitrCommand,
  },
  'check-archive': {
    summary: 'check the WAL archive of a self-hosted server (pg_stat_archiver, newest segment readable)',
    synopsis: '[--cluster NAME]',
    notes: ['Run it as the postgres OS user on the database host.'],
    flags: CHECK_ARCHIVE_COMMAND_FLAGS,
    // check-archive writes its own metrics on failure; a prefix here would count them twice.
    run: checkArchiveCommand,
  },
};

/** The commands, in the order help lists them. */
export const COMMANDS = Object.keys(COMMAND_TABLE) as readonly CommandName[];

/** What a command line asks for: a command to run, help, or the version. */
export type CommandLine =
  | { readonly kind: 'command'; readonly command: CommandName; readonly flags: ParsedFlags; readonly spelled: Readonly<Record<string, string>> }
  | { readonly kind: 'help'; readonly command?: CommandName; readonly text: string }
  | { readonly kind: 'version'; readonly text: string };

/** A command line that runs a command. */
export interface ParsedCommandLine {
  /** The command. */
  readonly command: CommandName;
  /** Its flags, by long name. */
  readonly flags: ParsedFlags;
}

function isCommand(name: string | undefined): name is CommandName {
  return name !== undefined && Object.prototype.hasOwnProperty.call(COMMAND_TABLE, name);
}

function flagColumn(flag: FlagDefinition): string {
  return `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.value ? ` ${flag.value}` : ''}`;
}

/** One line a flag: its spelling, what it does, whether it repeats, its default and an example. */
function flagLines(flags: readonly FlagDefinition[], width: number): string[] {
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
export function commandHelp(name: CommandName): string {
  const command = COMMAND_TABLE[name];
  const common = [...COMMON_FLAGS, { name: 'help', short: 'h', description: 'show this help', example: `pg-backup ${name} --help` }];
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
export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((name) => name.length), 'help [command]'.length);
  return [
    'Usage: pg-backup <command> [flags]',
    '',
    'Dumps, verifies and restores PostgreSQL backups in S3, Azure Blob Storage or a directory.',
    '',
    'Commands:',
    ...COMMANDS.map((name) => `  ${name.padEnd(width)}  ${COMMAND_TABLE[name].summary}`),
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

/**
 * How the user wrote each flag of a command line, by long name: `-j` when the short letter was typed (alone, with its
 * value attached as in `-j0`, or among switches as in `-sO`), else `--jobs`; the last spelling wins, as the last value does.
 */
export function flagSpellings(argv: readonly string[], flags: readonly FlagDefinition[]): Record<string, string> {
  const spelled: Record<string, string> = {};
  const byShort = new Map(flags.filter((flag) => flag.short).map((flag) => [flag.short!, flag]));
  const byName = new Map(flags.map((flag) => [flag.name, flag]));
  for (let index = 0; index < argv.length; index += 1) {
    const word = argv[index];
    if (word === '--') break;
    const long = /^--([^=]+)(=.*)?$/.exec(word);
    if (long) {
      const flag = byName.get(long[1]);
      if (!flag) continue;
      spelled[flag.name] = `--${flag.name}`;
      if (flag.value && long[2] === undefined) index += 1;
      continue;
    }
    if (!/^-[^-]/.test(word)) continue;
    // A cluster of short flags: switches, then at most one flag that takes the rest of the word (or the next) as value.
    for (let at = 1; at < word.length; at += 1) {
      const flag = byShort.get(word[at]);
      if (!flag) break;
      spelled[flag.name] = `-${flag.short}`;
      if (flag.value) {
        if (at === word.length - 1) index += 1;
        break;
      }
    }
  }
  return spelled;
}

/** The parser of one command: its flags and the common ones, values collected as strings as given. */
function commandParser(program: Command, name: CommandName, spelled: Readonly<Record<string, string>>, onParsed: (flags: ParsedFlags) => void): void {
  const flags = [...COMMAND_TABLE[name].flags, ...COMMON_FLAGS];
  // A value that is itself one of the command's flags means the value was left out (`--to --format custom`).
  const flagWords = new Set(['--help', '-h', ...flags.flatMap((flag) => [`--${flag.name}`, ...(flag.short ? [`-${flag.short}`] : [])])]);
  const command = program.command(name).description(COMMAND_TABLE[name].summary).allowExcessArguments(false);
  for (const flag of flags) {
    const option = new Option(`${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${flag.value ? ` <${flag.value}>` : ''}`, flag.description);
    if (flag.value) {
      option.argParser((value: string, previous: unknown) => {
        if (flagWords.has(value)) throw new UsageError(`${name}: ${spelled[flag.name] ?? `--${flag.name}`} needs a value (e.g. ${flag.example}); it is followed by ${value}`);
        return flag.repeatable ? [...(previous as string[] | undefined ?? []), value] : value;
      });
    }
    command.addOption(option);
  }
  command.action((options: Record<string, unknown>) => {
    const parsed: ParsedFlags = {};
    for (const option of command.options) {
      const value = options[option.attributeName()];
      const long = option.long!.replace(/^--/, '');
      // A `--no-x` switch of ours is a switch named `no-x`, not commander's negation of `x`.
      if (option.negate) {
        if (value === false) parsed[long] = true;
      } else if (value !== undefined) {
        parsed[long] = value as string | boolean | string[];
      }
    }
    onParsed(parsed);
  });
}

/** Turns commander's message into one naming the command and the flag as the user wrote it. */
function usageMessage(command: string | undefined, error: CommanderError, spelled: Readonly<Record<string, string>>): string {
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  const missing = /^option '(?:-\w, )?(--[\w-]+)[^']*' argument missing$/.exec(message);
  const flag = missing && [...COMMON_FLAGS, ...(isCommand(command) ? COMMAND_TABLE[command].flags : [])].find((candidate) => `--${candidate.name}` === missing[1]);
  const typed = flag ? spelled[flag.name] ?? missing[1] : missing?.[1];
  const text = missing ? `${typed} needs a value${flag ? ` (e.g. ${flag.example})` : ''}` : message;
  return command ? `${command}: ${text}` : text;
}

/**
 * Reads a `pg-backup` command line: a command and its flags, a request for help (`--help`, `-h`, `help [command]`,
 * `<command> --help`) or for the version (`--version`). Unknown commands and flags, missing values and stray
 * arguments are {@link UsageError}s naming them.
 */
export function readCommandLine(argv: readonly string[]): CommandLine {
  const [first] = argv;
  if (first === undefined) throw new UsageError(`no command given; allowed: ${COMMANDS.join(', ')} (pg-backup --help lists them)`);
  if (!first.startsWith('-') && first !== 'help' && !isCommand(first)) {
    throw new UsageError(`the command is ${JSON.stringify(first)}; allowed: ${COMMANDS.join(', ')}`);
  }
  let output = '';
  let helpFor: CommandName | undefined;
  let result: CommandLine | undefined;
  const program = new Command('pg-backup')
    .exitOverride()
    .configureOutput({ writeOut: (text) => { output += text; }, writeErr: () => undefined, outputError: () => undefined })
    .configureHelp({
      formatHelp: (command) => {
        helpFor = isCommand(command.name()) ? command.name() as CommandName : undefined;
        return helpFor ? commandHelp(helpFor) : programHelp();
      },
    })
    .showSuggestionAfterError(true)
    .version(runnerVersion(), '-V, --version')
    .helpCommand('help [command]', 'show the help of pg-backup or of one command');
  const spelled = isCommand(first) ? flagSpellings(argv.slice(1), [...COMMAND_TABLE[first].flags, ...COMMON_FLAGS]) : {};
  for (const name of COMMANDS) {
    commandParser(program, name, name === first ? spelled : {}, (flags) => {
      result = { kind: 'command', command: name, flags, spelled };
    });
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.version') return { kind: 'version', text: output };
    if (error.exitCode === 0) return { kind: 'help', command: helpFor, text: output };
    throw new UsageError(usageMessage(isCommand(first) ? first : undefined, error, spelled));
  }
  if (!result) throw new UsageError(`no command given; allowed: ${COMMANDS.join(', ')}`);
  return result;
}

/** Reads a command line that runs a command; help and version requests are {@link UsageError}s here. */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const line = readCommandLine(argv);
  if (line.kind !== 'command') throw new UsageError(`${argv.join(' ')} asks for ${line.kind}, not a command run`);
  return { command: line.command, flags: line.flags };
}
