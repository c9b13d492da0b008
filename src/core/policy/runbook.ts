/**
 * The restore runbook of one database: Markdown for the person restoring at 3 a.m., with every command
 * filled in for this deployment (bucket, prefix, region, stanza, instance) so nothing has to be looked up.
 */
import * as path from 'node:path';
import { describeDumpRetention } from './backup-retention';
import {
  DEFAULT_ARCHIVE_TIMEOUT_SECONDS,
  DEFAULT_LOGICAL_DUMP_SCHEDULE,
  DEFAULT_MANAGED_BACKUP_RETENTION_DAYS,
  DEFAULT_MAX_RESTORE_DURATION_MINUTES,
  DEFAULT_PITR_WINDOW_DAYS,
  DEFAULT_RETAIN_FULL,
  defaultRpoHours,
} from './defaults';
import { AGE_IDENTITY_FILE_ENV } from './dump-encryption';
import { PLAIN_BASE_BACKUP_FOLDER } from './lifecycle';
import { Archiver, BackupPolicy } from './policy';
import { ValidationOptions, Validator } from './validation';
import { ArchiveRepository, repositoryKey, repositoryPrefix, validateArchiveRepository } from '../postgres/archive-repository';
import { barmanCloudBackupArgv, barmanCloudRestoreArgv, BarmanCloudCommandOptions } from '../postgres/barman-cloud';
import {
  PgBackRestCommandOptions,
  pgBackRestBackupArgv,
  pgBackRestInfoArgv,
  pgBackRestRestoreArgv,
} from '../postgres/pgbackrest-conf';
import { shellJoin, shellQuote } from '../postgres/shell-quote';
import { walArchiverCommands } from '../postgres/wal-archiver';
import { WalGCommandOptions, walGBackupFetchArgv, walGBackupPushArgv } from '../postgres/wal-g';

/** Names of the objects of one logical backup, as the runner writes them. */
export interface DumpObjectNames {
  /** The pointer object in the database's folder: JSON whose `backupId` is the newest complete backup. */
  readonly latest: string;
  /** The archive of a custom-format (`-Fc`) dump, inside a backup's folder. */
  readonly customDump: string;
  /** The folder of a directory-format (`-Fd`) dump, inside a backup's folder. */
  readonly directoryDump: string;
  /** The `pg_dumpall --globals-only` script, inside a backup's folder. */
  readonly globals: string;
  /** The manifest (sizes, sha256, row counts), inside a backup's folder. */
  readonly manifest: string;
}

/** The object names the runner writes (its backup layout): `<prefix>/<database>/<backupId>/…` and `<prefix>/<database>/latest`. */
export const DEFAULT_DUMP_OBJECT_NAMES: DumpObjectNames = {
  latest: 'latest',
  customDump: 'dump.pgdump',
  directoryDump: 'dump',
  globals: 'globals.sql',
  manifest: 'manifest.json',
};

/** Where this database's logical dumps are. */
export interface DumpRunbookOptions {
  /** The location the runner dumps to (its `--to` URI); the database's folder is below its prefix. */
  readonly location: ArchiveRepository;
  /**
   * `pg_restore -j`: parallel restore jobs.
   * @default 4
   */
  readonly restoreJobs?: number;
  /**
   * Object names inside the prefix.
   * @default DEFAULT_DUMP_OBJECT_NAMES
   */
  readonly objectNames?: Partial<DumpObjectNames>;
  /**
   * The age public keys the dumps are encrypted to: the runbook then shows where the identity goes and the decrypt step.
   * @default - not encrypted
   */
  readonly encryptedTo?: readonly string[];
}

/** Where this database's WAL archive is, how the archiver is configured, and how its host is laid out. */
export interface PitrRunbookOptions {
  /** The repository of WAL and base backups. */
  readonly repository: ArchiveRepository;
  /**
   * pgBackRest's stanza and configuration file, as deployed.
   * @default - stanza `main`, `/etc/pgbackrest/pgbackrest.conf`
   */
  readonly pgBackRest?: PgBackRestCommandOptions;
  /**
   * WAL-G's configuration file, as deployed.
   * @default - `/etc/wal-g/wal-g.env`
   */
  readonly walG?: WalGCommandOptions;
  /**
   * barman-cloud's server name, as deployed.
   * @default - server `main`
   */
  readonly barmanCloud?: BarmanCloudCommandOptions;
  /**
   * PostgreSQL data directory on the host.
   * @default '/var/lib/postgresql/15/main'
   */
  readonly dataDirectory?: string;
  /**
   * systemd unit of the server.
   * @default 'postgresql'
   */
  readonly serviceName?: string;
  /**
   * Operating-system user that owns the data directory.
   * @default 'postgres'
   */
  readonly osUser?: string;
}

/** An RDS instance or Aurora cluster whose snapshots and automated backups can be restored. */
export interface RdsRunbookOptions {
  /** Discriminator. */
  readonly kind: 'rds-instance' | 'aurora-cluster';
  /** DB instance identifier (`rds-instance`) or DB cluster identifier (`aurora-cluster`). */
  readonly identifier: string;
  /** Region. */
  readonly region: string;
  /**
   * DB subnet group of the restored database.
   * @default - the default subnet group
   */
  readonly subnetGroupName?: string;
  /**
   * Security groups of the restored database.
   * @default - the default security group
   */
  readonly securityGroupIds?: string[];
  /**
   * Instance class of the writer created in a restored Aurora cluster.
   * @default 'db.r6g.large'
   */
  readonly instanceClass?: string;
  /**
   * AWS Backup vault holding the plan's recovery points.
   * @default - AWS Backup is not described
   */
  readonly backupVaultName?: string;
}

/** An Azure Database for PostgreSQL flexible server. */
export interface AzureFlexibleServerRunbookOptions {
  /** Discriminator. */
  readonly kind: 'azure-flexible-server';
  /** Resource group of the server. */
  readonly resourceGroup: string;
  /** Server name. */
  readonly serverName: string;
}

/** A managed database. */
export type ManagedDatabaseRunbookOptions = RdsRunbookOptions | AzureFlexibleServerRunbookOptions;

/** Everything {@link renderRestoreRunbook} needs to know about one database. */
export interface RestoreRunbookOptions {
  /** The PostgreSQL database name. */
  readonly databaseName: string;
  /** The backup policy of the database. */
  readonly policy: BackupPolicy;
  /**
   * Where the logical dumps are; required when the policy has `logicalDump`.
   * @default - no dump section
   */
  readonly dumps?: DumpRunbookOptions;
  /**
   * Where the WAL archive is; required when the policy has `pitr`.
   * @default - no point-in-time recovery section
   */
  readonly pitr?: PitrRunbookOptions;
  /**
   * The managed database; required when the policy has `managedSnapshots` or `backupPlan`.
   * @default - no snapshot section
   */
  readonly managedDatabase?: ManagedDatabaseRunbookOptions;
  /**
   * Where backup alarms are sent (SNS topic ARN, action group id).
   * @default - `policy.alarms.notificationTarget`, else the section is left out
   */
  readonly notificationTopic?: string;
  /**
   * Where problems are reported.
   * @default - a new validator; a `PolicyValidationError` listing every problem is thrown
   */
  readonly validator?: Validator;
}

const DEFAULT_RESTORE_JOBS = 4;
const DEFAULT_DATA_DIRECTORY = '/var/lib/postgresql/15/main';
const DEFAULT_AURORA_INSTANCE_CLASS = 'db.r6g.large';
// Stand-ins rendered through the archivers' own argv builders, then swapped for the shell variable the reader sets.
const TARGET_TIME_STANDIN = '2000-01-01 00:00:00+00';
const BACKUP_ID_STANDIN = 'BACKUPIDSTANDIN';
const WALG_BACKUP_STANDIN = 'LATEST';
const ARCHIVER_NAMES: Record<Archiver, string> = {
  'pgbackrest': 'pgBackRest',
  'wal-g': 'WAL-G',
  'barman-cloud': 'barman-cloud',
  'archive-command': 'archive_command and pg_basebackup',
};

/**
 * Renders the restore runbook of one database as Markdown: what is protected and where, how to find the
 * latest backup, how to restore it (with the runner and by hand), point-in-time recovery to a target time
 * with the chosen archiver, snapshot and point-in-time restore of the managed database, how to verify the
 * result (row counts, the policy's SQL checks), who is paged, and the RPO and RTO. Only the sections the
 * options describe are rendered; a part of the policy whose location is missing is reported.
 */
export function renderRestoreRunbook(options: RestoreRunbookOptions): string {
  const validator = options.validator ?? new Validator();
  validateRunbookOptions(options, validator);
  if (!options.validator) validator.throwIfInvalid();
  if (validator.issues.length > 0) return '';

  const sections: string[][] = [
    header(options),
    atAGlance(options),
    choosePath(options),
  ];
  if (options.dumps) sections.push(dumpSection(options, options.dumps));
  if (options.pitr) sections.push(pitrSection(options, options.pitr));
  if (options.managedDatabase) sections.push(managedSection(options.managedDatabase));
  sections.push(verifySection(options));
  const topic = options.notificationTopic ?? options.policy.alarms?.notificationTarget;
  if (topic) sections.push(pagedSection(topic));
  return sections.map((lines) => lines.join('\n')).join('\n\n') + '\n';
}

function validateRunbookOptions(options: RestoreRunbookOptions, validator: Validator): void {
  const { policy } = options;
  validator.matches('databaseName', options.databaseName, /^[^\s/][^\n\r]{0,62}$/, 'a database name of 1 to 63 characters, not starting with "/" or a space');
  if (policy.logicalDump && !options.dumps) {
    validator.report({ path: 'dumps', value: undefined, allowed: 'the location of the dumps', reason: 'the policy has logicalDump' }, []);
  }
  if (policy.pitr && !options.pitr) {
    validator.report({ path: 'pitr', value: undefined, allowed: 'the location of the WAL archive', reason: 'the policy has pitr' }, []);
  }
  if ((policy.managedSnapshots || policy.backupPlan) && !options.managedDatabase) {
    validator.report({
      path: 'managedDatabase', value: undefined, allowed: 'the managed database', reason: 'the policy has managedSnapshots or backupPlan',
    }, []);
  }
  if (options.dumps) {
    validateArchiveRepository(options.dumps.location, validator, 'dumps.location');
    validator.integer('dumps.restoreJobs', options.dumps.restoreJobs, 1, 64);
  }
  if (options.pitr) {
    validateArchiveRepository(options.pitr.repository, validator, 'pitr.repository');
    if (options.pitr.repository.kind === 'posix' && options.policy.pitr?.archiver === 'barman-cloud') {
      validator.report({
        path: 'pitr.repository.kind', value: 'posix', allowed: 'one of: s3, azure', reason: 'barman-cloud stores only in object storage',
      });
    }
  }
  const managed = options.managedDatabase;
  if (managed?.kind === 'rds-instance' || managed?.kind === 'aurora-cluster') {
    validator.matches('managedDatabase.identifier', managed.identifier, /^[A-Za-z][A-Za-z0-9-]{0,62}$/,
      'an RDS identifier: a letter, then letters, digits and hyphens, at most 63');
    validator.matches('managedDatabase.region', managed.region, /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region name such as eu-west-1');
  } else if (managed?.kind === 'azure-flexible-server') {
    validator.matches('managedDatabase.resourceGroup', managed.resourceGroup, /^[-\w._()]{1,90}$/, 'a resource group name');
    validator.matches('managedDatabase.serverName', managed.serverName, /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/,
      'a flexible server name: 3 to 63 lowercase letters, digits and hyphens');
  }
}

/** The URI the runner takes for a location: `s3://bucket/prefix`, `azblob://account/container/prefix` or `file:///path`. */
export function runnerUri(location: ArchiveRepository): string {
  const prefix = repositoryPrefix(location);
  switch (location.kind) {
    case 's3': return `s3://${joinKey(location.bucket, prefix)}`;
    case 'azure': return `azblob://${joinKey(location.account, location.container, prefix)}`;
    case 'posix': return `file://${location.path}`;
  }
}

function joinKey(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

function s3Flags(location: Extract<ArchiveRepository, { kind: 's3' }>): string {
  return [`--region ${location.region}`, ...(location.endpoint ? [`--endpoint-url ${shellQuote(location.endpoint)}`] : [])].join(' ');
}

function describeLocation(location: ArchiveRepository): string {
  switch (location.kind) {
    case 's3': {
      const key = location.kmsKeyArn ? `, KMS key \`${location.kmsKeyArn}\`` : ', the bucket\'s default encryption';
      return `bucket \`${location.bucket}\`, prefix \`${repositoryPrefix(location) || '(root)'}\`, region \`${location.region}\`${key}`;
    }
    case 'azure':
      return `storage account \`${location.account}\`, container \`${location.container}\`, prefix \`${repositoryPrefix(location) || '(root)'}\``;
    case 'posix':
      return `directory \`${location.path}\``;
  }
}

function codeBlock(...lines: string[]): string[] {
  return ['```sh', ...lines, '```'];
}

function header(options: RestoreRunbookOptions): string[] {
  return [
    `# Restore runbook: ${options.databaseName}`,
    '',
    'Generated from this deployment\'s backup policy. Every command below is ready to paste: set only the shell',
    'variables a step tells you to set (`TARGET_URL`, `TARGET_TIME`, …) and replace values shown as `<like this>`.',
  ];
}

function rpoLines(options: RestoreRunbookOptions): string[] {
  const { policy } = options;
  const lines: string[] = [];
  if (policy.pitr) {
    const timeout = policy.pitr.archiveTimeoutSeconds ?? DEFAULT_ARCHIVE_TIMEOUT_SECONDS;
    lines.push(`at most ${timeout} s of writes with the WAL archive (\`archive_timeout\`)`);
  }
  if (options.managedDatabase?.kind === 'rds-instance' || options.managedDatabase?.kind === 'aurora-cluster') {
    lines.push('about 5 minutes with RDS point-in-time restore (the latest restorable time)');
  }
  if (options.dumps) {
    const hours = policy.alarms?.rpoHours ?? defaultRpoHours(policy);
    lines.push(`${hours} h with dumps alone (an alarm fires when the newest good backup is older)`);
  }
  return lines;
}

function atAGlance(options: RestoreRunbookOptions): string[] {
  const { policy } = options;
  const rows: string[] = ['| | |', '| --- | --- |', `| Database | \`${options.databaseName}\` |`];
  if (options.dumps) {
    const schedule = policy.logicalDump?.schedule ?? DEFAULT_LOGICAL_DUMP_SCHEDULE;
    rows.push(`| Logical dumps | \`${runnerUri(options.dumps.location)}\`: ${describeLocation(options.dumps.location)}; `
      + `\`${schedule.expression}\` (${schedule.timezone ?? 'UTC'}), ${describeDumpRetention(policy.logicalDump ?? {})} |`);
  }
  if (options.pitr) {
    const archiver = policy.pitr?.archiver ?? 'pgbackrest';
    const windowDays = policy.pitr?.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
    rows.push(`| WAL archive (${ARCHIVER_NAMES[archiver]}) | ${describeLocation(options.pitr.repository)}; `
      + `recovery to any second of the last ${windowDays} days, ${policy.pitr?.retainFull ?? DEFAULT_RETAIN_FULL} full base backups kept |`);
  }
  const managed = options.managedDatabase;
  if (managed?.kind === 'azure-flexible-server') {
    rows.push(`| Managed backups | flexible server \`${managed.serverName}\` in resource group \`${managed.resourceGroup}\` |`);
  } else if (managed) {
    const what = managed.kind === 'rds-instance' ? 'RDS instance' : 'Aurora cluster';
    const retention = policy.managedSnapshots?.backupRetentionDays ?? DEFAULT_MANAGED_BACKUP_RETENTION_DAYS;
    rows.push(`| Managed backups | ${what} \`${managed.identifier}\` in \`${managed.region}\`; automated backups kept ${retention} days`
      + `${managed.backupVaultName ? `; AWS Backup vault \`${managed.backupVaultName}\`` : ''} |`);
  }
  const rpo = rpoLines(options);
  if (rpo.length > 0) rows.push(`| RPO (data you can lose) | ${rpo.join('; ')} |`);
  const rto = policy.verification
    ? `${policy.verification.maxRestoreDurationMinutes ?? DEFAULT_MAX_RESTORE_DURATION_MINUTES} minutes: restore drills fail when a restore takes longer`
    : 'not measured: no restore drill is configured';
  rows.push(`| RTO (time to restore) | ${rto} |`);
  const topic = options.notificationTopic ?? policy.alarms?.notificationTarget;
  if (topic) rows.push(`| Alarms go to | \`${topic}\` |`);
  return ['## At a glance', '', ...rows];
}

function choosePath(options: RestoreRunbookOptions): string[] {
  const lines = ['## Choose a path', ''];
  if (options.pitr) {
    lines.push('- Bad write, bad migration or deleted rows at a known time: [point-in-time recovery](#point-in-time-recovery) to just before it.');
  }
  if (options.managedDatabase) {
    lines.push('- The managed database is lost or damaged: [restore a snapshot or a point in time](#managed-database) into a new instance.');
  }
  if (options.dumps) {
    lines.push('- The database is lost or corrupted and losing the writes since the last dump is acceptable: [restore the latest dump](#logical-dumps).');
  }
  lines.push(
    '',
    'Restore into a new database or instance first, [verify it](#verify-the-restore), then switch the application over;',
    'restoring over the only copy leaves nothing to fall back to.',
  );
  return lines;
}

function dumpSection(options: RestoreRunbookOptions, dumps: DumpRunbookOptions): string[] {
  const names = { ...DEFAULT_DUMP_OBJECT_NAMES, ...dumps.objectNames };
  const location = dumps.location;
  const uri = runnerUri(location);
  const database = shellQuote(options.databaseName);
  const folder = encodeURIComponent(options.databaseName);
  const jobs = dumps.restoreJobs ?? DEFAULT_RESTORE_JOBS;
  const dumpPolicy = options.policy.logicalDump ?? {};
  const dumpName = dumpPolicy.format === 'directory' ? names.directoryDump : names.customDump;
  const encrypted = dumps.encryptedTo !== undefined && dumps.encryptedTo.length > 0;
  const lines = [
    '## Logical dumps',
    '',
    '### Find the latest backup',
    '',
    ...codeBlock(`pg-backup list --from ${shellQuote(uri)} --database ${database}`),
    '',
    `Without the runner: the \`${names.latest}\` object names the newest complete backup (\`jq\` reads it):`,
    '',
  ];
  let readLatest: string;
  let download: string[];
  switch (location.kind) {
    case 's3': {
      const folderUri = `s3://${joinKey(location.bucket, repositoryKey(location, folder))}`;
      readLatest = `aws s3 cp ${shellQuote(`${folderUri}/${names.latest}`)} - ${s3Flags(location)} | jq -r .backupId`;
      download = [`aws s3 cp --recursive "${folderUri}/\${LATEST}/" ./restore/ ${s3Flags(location)}`];
      break;
    }
    case 'azure': {
      const folderKey = repositoryKey(location, folder);
      const account = `--account-name ${location.account} --container-name ${location.container} --auth-mode login --only-show-errors`;
      readLatest = `az storage blob download ${account} --name ${shellQuote(`${folderKey}/${names.latest}`)} --file /dev/stdout | jq -r .backupId`;
      download = [
        `az storage blob download-batch --account-name ${location.account} --source ${location.container} --auth-mode login --only-show-errors \\`,
        `  --pattern "${folderKey}/\${LATEST}/*" --destination ./download/`,
        `mv "./download/${folderKey}/\${LATEST}" ./restore`,
      ];
      break;
    }
    case 'posix': {
      const folderPath = `${location.path}/${folder}`;
      readLatest = `jq -r .backupId ${shellQuote(`${folderPath}/${names.latest}`)}`;
      download = [`cp -R "${folderPath}/\${LATEST}" ./restore`];
      break;
    }
  }
  lines.push(...codeBlock(readLatest));
  if (location.kind === 's3' && location.kmsKeyArn) {
    lines.push('', `Reading needs \`s3:GetObject\` on the bucket and \`kms:Decrypt\` on \`${location.kmsKeyArn}\`.`);
  }
  lines.push(
    '',
    '### Restore the latest dump',
    '',
    'Point `TARGET_URL` at the database to restore into (the password comes from `PGPASSWORD` or `~/.pgpass`):',
    ...(encrypted ? [
      '',
      `The dumps are encrypted with age to ${dumps.encryptedTo!.map((recipient) => `\`${recipient}\``).join(', ')}: fetch the identity (the`,
      '`AGE-SECRET-KEY-1…` line) of one of them from where it is kept into `key.txt` (`age-keygen -y key.txt` prints its',
      'public key, which must be one of those), and keep it off shared disks.',
    ] : []),
    '',
    ...codeBlock(
      ...(encrypted ? [`export ${AGE_IDENTITY_FILE_ENV}=./key.txt`] : []),
      `export TARGET_URL='postgresql://<user>@<host>:5432/${options.databaseName.replace(/'/g, '')}'`,
      `pg-backup restore --from ${shellQuote(uri)} --database ${database} --latest --target-url "$TARGET_URL" --jobs ${jobs}${dumpPolicy.includeGlobals ? ' --globals' : ''}`,
    ),
    '',
    '### Restore by hand',
    '',
    `Download the newest backup, check its table of contents, then restore it with ${jobs} parallel jobs:`,
    '',
    ...codeBlock(
      `LATEST=$(${readLatest})`,
      ...download,
      ...(encrypted ? decryptSteps(dumpPolicy.format === 'directory' ? names.directoryDump : undefined) : []),
      ...decompressSteps(dumpPolicy.format === 'directory' ? names.directoryDump : undefined),
      `pg_restore --list ./restore/${dumpName} > /dev/null && echo "archive readable"`,
      // Without ON_ERROR_STOP: the script creates every role, and the server has some of them (the one connecting, at least).
      ...(dumpPolicy.includeGlobals
        ? [`psql "$TARGET_URL" -f ./restore/${names.globals}   # roles first, so owners can be restored; "already exists" errors are expected`]
        : []),
      `pg_restore -j ${jobs} --clean --if-exists${dumpPolicy.includeGlobals ? '' : ' --no-owner'} -d "$TARGET_URL" ./restore/${dumpName}`,
    ),
    '',
    `\`./restore/${names.manifest}\` lists each object's sha256 and the row counts taken in the dump's snapshot.`,
  );
  return lines;
}

/** Decrypting the downloaded backup in place with the age CLI: every object ends in `.age`. */
function decryptSteps(directoryDump: string | undefined): string[] {
  return [
    `shopt -s nullglob; for f in ${restoredObjects(directoryDump, 'age')}; do age -d -i key.txt -o "\${f%.age}" "$f" && rm "$f"; done   # then as unencrypted`,
  ];
}

/** The globs of the downloaded backup's objects ending in `.suffix`: the directory dump's files, then the backup folder's. */
function restoredObjects(directoryDump: string | undefined, suffix: string): string {
  return `${directoryDump === undefined ? '' : `./restore/${directoryDump}/*.${suffix} `}./restore/*.${suffix}`;
}

/**
 * Decompressing what the runner compressed itself: with pg_dump 15 or older it streams `pg_dump -Z0` through zstd
 * (or lz4), and those objects end in `.zst` (`.lz4`); pg_restore reads neither. Archives pg_dump compressed itself
 * have no such suffix and are left as they are.
 */
function decompressSteps(directoryDump: string | undefined): string[] {
  return [
    `shopt -s nullglob; for f in ${restoredObjects(directoryDump, 'zst')}; do zstd -d -q --rm "$f"; done; `
    + `for f in ${restoredObjects(directoryDump, 'lz4')}; do lz4 -d -q --rm "$f" "\${f%.lz4}"; done`,
  ];
}

function pitrSection(options: RestoreRunbookOptions, pitr: PitrRunbookOptions): string[] {
  const archiver = options.policy.pitr?.archiver ?? 'pgbackrest';
  const windowDays = options.policy.pitr?.windowDays ?? DEFAULT_PITR_WINDOW_DAYS;
  const lines = [
    '## Point-in-time recovery',
    '',
    `Recovery replays the archived WAL (${ARCHIVER_NAMES[archiver]}) on top of a base backup and stops at the target time;`,
    `any second of the last ${windowDays} days can be reached. Run these steps on the database host.`,
    '',
    '1. Set the target: the last moment before the damage, with its time zone.',
    '',
    ...indent(codeBlock('export TARGET_TIME=\'<YYYY-MM-DD HH:MM:SS+00>\'')),
    '',
  ];
  const steps = archiver === 'pgbackrest' ? pgbackrestSteps(pitr)
    : archiver === 'wal-g' ? walgSteps(options, pitr)
      : archiver === 'barman-cloud' ? barmanSteps(options, pitr)
        : archiveCommandSteps(options, pitr);
  steps.forEach((step, index) => {
    lines.push(`${index + 2}. ${step.text}`, '');
    if (step.commands.length > 0) lines.push(...indent(codeBlock(...step.commands)), '');
  });
  lines.pop();
  return lines;
}

interface Step {
  readonly text: string;
  readonly commands: string[];
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `   ${line}`);
}

function hostNames(pitr: PitrRunbookOptions) {
  return {
    user: pitr.osUser ?? 'postgres',
    data: pitr.dataDirectory ?? DEFAULT_DATA_DIRECTORY,
    service: pitr.serviceName ?? 'postgresql',
  };
}

/** Runs an argv as the database's OS user, with one word swapped for text the shell must expand. */
function asUser(pitr: PitrRunbookOptions, argv: string[], standIn?: { word: string; replacement: string }): string {
  const joined = shellJoin(argv.map((word) => (standIn && word === standIn.word ? 'STANDINWORD' : word)));
  return `sudo -u ${hostNames(pitr).user} ${standIn ? joined.replace('STANDINWORD', standIn.replacement) : joined}`;
}

function startAndCheckSteps(pitr: PitrRunbookOptions): Step[] {
  const { user, service } = hostNames(pitr);
  return [
    { text: 'Start PostgreSQL; it replays WAL up to the target and then promotes itself.', commands: [`sudo systemctl start ${service}`] },
    {
      text: 'Check that recovery reached the target and ended: `f` means promoted; the log shows "recovery stopping before …" with a time at or before the target.',
      commands: [`sudo -u ${user} psql -Atc 'select pg_is_in_recovery(), now()'`],
    },
  ];
}

/** Writes the recovery settings after a manual base-backup restore (WAL-G, barman-cloud, archive_command). */
function recoverySettingsStep(options: RestoreRunbookOptions, pitr: PitrRunbookOptions): Step {
  const { user, data } = hostNames(pitr);
  const { restoreCommand } = walArchiverCommands({
    repository: pitr.repository, pitr: options.policy.pitr, pgBackRest: pitr.pgBackRest, walG: pitr.walG, barmanCloud: pitr.barmanCloud,
  });
  const conf = `${data}/postgresql.auto.conf`;
  return {
    text: 'Write the recovery settings (the restore command as deployed, the target, promotion) and request recovery:',
    commands: [
      `sudo -u ${user} tee -a ${conf} > /dev/null <<'EOF'`,
      `restore_command = '${restoreCommand.replace(/'/g, '\'\'')}'`,
      'recovery_target_action = \'promote\'',
      'EOF',
      `echo "recovery_target_time = '\${TARGET_TIME}'" | sudo -u ${user} tee -a ${conf} > /dev/null`,
      `sudo -u ${user} touch ${data}/recovery.signal`,
    ],
  };
}

function moveDataDirectoryStep(pitr: PitrRunbookOptions): Step {
  const { user, data, service } = hostNames(pitr);
  return {
    text: 'Stop PostgreSQL and set the current data directory aside (keep it until the restore is verified):',
    commands: [
      `sudo systemctl stop ${service}`,
      `sudo -u ${user} mv ${data} ${data}.before-restore`,
    ],
  };
}

function pgbackrestSteps(pitr: PitrRunbookOptions): Step[] {
  const { service } = hostNames(pitr);
  const commandOptions = pitr.pgBackRest ?? {};
  const info = pgBackRestInfoArgv(commandOptions).filter((word) => word !== '--output=json');
  const restore = pgBackRestRestoreArgv(commandOptions, { delta: true, target: { kind: 'time', time: TARGET_TIME_STANDIN }, action: 'promote' });
  const targetWord = restore.find((word) => word.startsWith('--target='))!;
  return [
    {
      text: 'Check the backups in the repository: the oldest backup\'s start is the earliest reachable time.',
      commands: [asUser(pitr, info)],
    },
    { text: 'Stop PostgreSQL.', commands: [`sudo systemctl stop ${service}`] },
    {
      text: 'Restore: pgBackRest picks the newest backup before the target, rewrites only the files that differ (`--delta`) and writes the recovery settings. '
        + 'If the data directory is gone, create it empty (owned by the database user, mode 700) and run the same command.',
      commands: [asUser(pitr, restore, { word: targetWord, replacement: '--target="${TARGET_TIME}"' })],
    },
    ...startAndCheckSteps(pitr),
    { text: 'Take a new full backup: the server is on a new timeline.', commands: [asUser(pitr, pgBackRestBackupArgv(commandOptions, 'full'))] },
  ];
}

function walgSteps(options: RestoreRunbookOptions, pitr: PitrRunbookOptions): Step[] {
  const { data } = hostNames(pitr);
  const fetch = walGBackupFetchArgv(pitr.walG ?? {}, data, WALG_BACKUP_STANDIN);
  const walg = fetch.slice(0, fetch.indexOf('backup-fetch'));
  return [
    {
      text: 'List the base backups and pick the newest one that finished before the target time:',
      commands: [asUser(pitr, [...walg, 'backup-list', '--detail']), 'export BACKUP_NAME=\'<backup name from the list>\''],
    },
    moveDataDirectoryStep(pitr),
    { text: 'Fetch the base backup:', commands: [asUser(pitr, fetch, { word: WALG_BACKUP_STANDIN, replacement: '"${BACKUP_NAME}"' })] },
    recoverySettingsStep(options, pitr),
    ...startAndCheckSteps(pitr),
    { text: 'Take a new full backup: the server is on a new timeline.', commands: [asUser(pitr, walGBackupPushArgv(pitr.walG ?? {}, data, true))] },
  ];
}

function barmanSteps(options: RestoreRunbookOptions, pitr: PitrRunbookOptions): Step[] {
  const { data } = hostNames(pitr);
  const barman = { repository: pitr.repository, ...pitr.barmanCloud };
  const restore = barmanCloudRestoreArgv(barman, BACKUP_ID_STANDIN, data);
  const list = ['barman-cloud-backup-list', ...restore.slice(1, -2)];
  return [
    {
      text: 'List the base backups and pick the newest one that ended before the target time:',
      commands: [asUser(pitr, list), 'export BACKUP_ID=\'<backup id from the list>\''],
    },
    moveDataDirectoryStep(pitr),
    { text: 'Download the base backup:', commands: [asUser(pitr, restore, { word: BACKUP_ID_STANDIN, replacement: '"${BACKUP_ID}"' })] },
    recoverySettingsStep(options, pitr),
    ...startAndCheckSteps(pitr),
    { text: 'Take a new base backup: the server is on a new timeline.', commands: [asUser(pitr, barmanCloudBackupArgv(barman))] },
  ];
}

function archiveCommandSteps(options: RestoreRunbookOptions, pitr: PitrRunbookOptions): Step[] {
  const { user, data } = hostNames(pitr);
  const location = pitr.repository;
  let list: string;
  let fetch: string[];
  switch (location.kind) {
    case 's3': {
      const baseUri = `s3://${location.bucket}/${repositoryKey(location, PLAIN_BASE_BACKUP_FOLDER)}`;
      list = `aws s3 ls ${baseUri}/ ${s3Flags(location)}`;
      fetch = [`aws s3 cp --recursive "${baseUri}/\${BASE_BACKUP}/" /tmp/base-backup/ ${s3Flags(location)}`];
      break;
    }
    case 'azure': {
      const baseKey = repositoryKey(location, PLAIN_BASE_BACKUP_FOLDER);
      const account = `--account-name ${location.account} --auth-mode login --only-show-errors`;
      list = `az storage blob list ${account} --container-name ${location.container} --prefix ${baseKey}/ --delimiter / --query '[].name' --output tsv`;
      fetch = [
        `az storage blob download-batch ${account} --source ${location.container} --pattern "${baseKey}/\${BASE_BACKUP}/*" --destination /tmp/download/`,
        `mv "/tmp/download/${baseKey}/\${BASE_BACKUP}" /tmp/base-backup`,
      ];
      break;
    }
    case 'posix':
      list = `ls ${location.path}/${PLAIN_BASE_BACKUP_FOLDER}/`;
      fetch = [`cp -R "${location.path}/${PLAIN_BASE_BACKUP_FOLDER}/\${BASE_BACKUP}" /tmp/base-backup`];
      break;
  }
  return [
    {
      text: 'List the base backups (`pg_basebackup -Ft -z -Xs`) and pick the newest one that ended before the target time:',
      commands: [list, 'export BASE_BACKUP=\'<folder name from the list>\''],
    },
    moveDataDirectoryStep(pitr),
    {
      text: 'Download and unpack the base backup, and the WAL streamed with it, into an empty data directory:',
      commands: [
        ...fetch,
        `sudo -u ${user} install -d -m 700 ${data}`,
        `sudo -u ${user} tar -xzf /tmp/base-backup/base.tar.gz -C ${data}`,
        `sudo -u ${user} tar -xzf /tmp/base-backup/pg_wal.tar.gz -C ${data}/pg_wal`,
      ],
    },
    recoverySettingsStep(options, pitr),
    ...startAndCheckSteps(pitr),
    { text: 'Take a new base backup as soon as the server is promoted: the server is on a new timeline.', commands: [] },
  ];
}

function managedSection(managed: ManagedDatabaseRunbookOptions): string[] {
  if (managed.kind === 'azure-flexible-server') return azureFlexibleServerSection(managed);
  const region = `--region ${managed.region}`;
  const network = [
    ...(managed.subnetGroupName ? [`--db-subnet-group-name ${shellQuote(managed.subnetGroupName)}`] : []),
    ...(managed.securityGroupIds?.length ? [`--vpc-security-group-ids ${managed.securityGroupIds.map(shellQuote).join(' ')}`] : []),
  ].join(' ');
  const withNetwork = (command: string): string => (network ? `${command} ${network}` : command);
  const id = managed.identifier;
  const lines = ['## Managed database', ''];
  if (managed.kind === 'rds-instance') {
    lines.push(
      '### Restore the latest snapshot',
      '',
      ...codeBlock(
        `aws rds describe-db-snapshots --db-instance-identifier ${id} ${region} \\`,
        '  --query \'reverse(sort_by(DBSnapshots,&SnapshotCreateTime))[:5].[DBSnapshotIdentifier,SnapshotCreateTime,Status]\' --output table',
        'export SNAPSHOT_ID=\'<identifier from the first row>\'',
        withNetwork(`aws rds restore-db-instance-from-db-snapshot --db-instance-identifier ${id}-restored --db-snapshot-identifier "$SNAPSHOT_ID" ${region}`),
        `aws rds wait db-instance-available --db-instance-identifier ${id}-restored ${region}`,
      ),
      '',
      '### Restore to a point in time',
      '',
      'To the latest restorable time (usually within the last 5 minutes):',
      '',
      ...codeBlock(
        withNetwork(`aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier ${id} --target-db-instance-identifier ${id}-pitr --use-latest-restorable-time ${region}`),
      ),
      '',
      'To a target time (UTC, inside the automated-backup retention):',
      '',
      ...codeBlock(
        'export TARGET_TIME_UTC=\'<YYYY-MM-DDTHH:MM:SSZ>\'',
        withNetwork(`aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier ${id} --target-db-instance-identifier ${id}-pitr --restore-time "$TARGET_TIME_UTC" ${region}`),
        `aws rds wait db-instance-available --db-instance-identifier ${id}-pitr ${region}`,
      ),
      '',
      `If \`${id}\` itself was deleted, its retained automated backups are listed by \`aws rds describe-db-instance-automated-backups ${region}\`;`,
      'pass their `DbiResourceId` as `--source-dbi-resource-id` instead of `--source-db-instance-identifier`.',
    );
  } else {
    const instanceClass = managed.instanceClass ?? DEFAULT_AURORA_INSTANCE_CLASS;
    const writer = (cluster: string): string =>
      `aws rds create-db-instance --db-instance-identifier ${cluster}-1 --db-cluster-identifier ${cluster} --engine aurora-postgresql --db-instance-class ${instanceClass} ${region}`;
    lines.push(
      '### Restore the latest snapshot',
      '',
      'A restored Aurora cluster has no instances: create its writer after the cluster.',
      '',
      ...codeBlock(
        `aws rds describe-db-cluster-snapshots --db-cluster-identifier ${id} ${region} \\`,
        '  --query \'reverse(sort_by(DBClusterSnapshots,&SnapshotCreateTime))[:5].[DBClusterSnapshotIdentifier,SnapshotCreateTime,Status]\' --output table',
        'export SNAPSHOT_ID=\'<identifier from the first row>\'',
        withNetwork(`aws rds restore-db-cluster-from-snapshot --db-cluster-identifier ${id}-restored --snapshot-identifier "$SNAPSHOT_ID" --engine aurora-postgresql ${region}`),
        writer(`${id}-restored`),
        `aws rds wait db-instance-available --db-instance-identifier ${id}-restored-1 ${region}`,
      ),
      '',
      '### Restore to a point in time',
      '',
      ...codeBlock(
        withNetwork(`aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier ${id} --db-cluster-identifier ${id}-pitr --use-latest-restorable-time ${region}`),
        '# or, to a target time (UTC):',
        'export TARGET_TIME_UTC=\'<YYYY-MM-DDTHH:MM:SSZ>\'',
        withNetwork(`aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier ${id} --db-cluster-identifier ${id}-pitr --restore-to-time "$TARGET_TIME_UTC" ${region}`),
        writer(`${id}-pitr`),
        `aws rds wait db-instance-available --db-instance-identifier ${id}-pitr-1 ${region}`,
      ),
    );
  }
  if (managed.backupVaultName) {
    lines.push(
      '',
      '### AWS Backup recovery points',
      '',
      ...codeBlock(`aws backup list-recovery-points-by-backup-vault --backup-vault-name ${shellQuote(managed.backupVaultName)} ${region} --output table`),
      '',
      'Restore one from the AWS Backup console (Protected resources → the database → Restore), which fills in the same settings as above.',
    );
  }
  return lines;
}

function azureFlexibleServerSection(server: AzureFlexibleServerRunbookOptions): string[] {
  const base = `az postgres flexible-server restore --resource-group ${shellQuote(server.resourceGroup)} --source-server ${server.serverName}`;
  return [
    '## Managed database',
    '',
    'A restore always creates a new server. To the latest restorable time:',
    '',
    ...codeBlock(`${base} --name ${server.serverName}-restored`),
    '',
    'To a target time (UTC, inside the backup retention):',
    '',
    ...codeBlock(
      'export TARGET_TIME_UTC=\'<YYYY-MM-DDTHH:MM:SSZ>\'',
      `${base} --name ${server.serverName}-pitr --restore-time "$TARGET_TIME_UTC"`,
    ),
  ];
}

function verifySection(options: RestoreRunbookOptions): string[] {
  const checks = options.policy.verification?.checks ?? [];
  const lines = [
    '## Verify the restore',
    '',
    'Point `TARGET_URL` at the restored database, then:',
    '',
    '1. Count the rows of every table'
      + (options.dumps ? ' and compare them with the row counts in the backup\'s manifest (taken in the dump\'s snapshot):' : ':'),
    '',
    ...indent(codeBlock(
      'psql "$TARGET_URL" -At <<\'SQL\'',
      'select format(\'select %L, count(*) from %I.%I\', schemaname || \'.\' || tablename, schemaname, tablename)',
      '  from pg_tables where schemaname not in (\'pg_catalog\', \'information_schema\') order by 1',
      '\\gexec',
      'SQL',
    )),
  ];
  if (checks.length > 0) {
    lines.push(
      '',
      '2. Run the checks of this policy; each must print `t`:',
      '',
      ...indent(codeBlock(...checks.map((check) => `psql "$TARGET_URL" -v ON_ERROR_STOP=1 -Atc ${shellQuote(check)}`))),
    );
  }
  if (options.pitr) {
    lines.push(
      '',
      `${checks.length > 0 ? 3 : 2}. After a point-in-time recovery, the newest rows are from just before \`TARGET_TIME\` and none are from after it.`,
    );
  }
  return lines;
}

function pagedSection(topic: string): string[] {
  return [
    '## Who gets paged',
    '',
    `Failed backups, backups older than the RPO, WAL archive gaps and failed restore drills notify \`${topic}\`.`,
    'Subscribe to it to follow the incident; the alarms clear once a new backup succeeds after the restore.',
  ];
}

/**
 * Where a database's runbook is filed among a deployment's runbooks: `<server id>/<database name>.md`, the database
 * name percent-encoded so any name is one safe file name.
 */
export function runbookFileName(serverId: string, databaseName: string): string {
  return `${serverId}/${encodeURIComponent(databaseName)}.md`;
}

/** Why the runbooks' file names and directory need a literal. */
const RUNBOOK_FILE = 'it names the file the runbook is written to, which is written when the program runs or the template is synthesized';

/**
 * Refuses a runbook file name or directory known only at deploy time (a CDK token, a Pulumi output), throwing a
 * `PolicyValidationError` naming `RestoreRunbookArtifacts` (or the construct of `validation`): a file is written under
 * that name as the program runs, where a token would name it `${Token[…]}`.
 */
export function checkRunbookFile(file: { readonly name?: string; readonly directory?: string }, validation: ValidationOptions = {}): void {
  const validator = new Validator({ construct: 'RestoreRunbookArtifacts', ...validation });
  validator.requireLiterals({ name: RUNBOOK_FILE, directory: RUNBOOK_FILE }, file);
  validator.throwIfInvalid();
}

/**
 * The path of the runbook `fileName` under `directory`; a name that would leave it (absolute, or stepping out with
 * `..`) is refused, so a runbook never overwrites a file beside the deployment it describes.
 */
export function runbookPath(directory: string, fileName: string): string {
  const file = path.resolve(directory, fileName);
  if (path.isAbsolute(fileName) || path.relative(path.resolve(directory), file).startsWith('..')) {
    throw new Error(`RestoreRunbookArtifacts: the runbook file name ${JSON.stringify(fileName)} leaves the directory ${directory}`);
  }
  return file;
}
