import { pitrArchiveKeyFileCommands } from './pitr-archive-encryption';
import { ArchiveAssociationPlan, SelfHostedPitrArchivePlan } from './self-hosted-pitr-archive';
import { archiverObjectPrefixes } from '../policy/lifecycle';
import { ValidationOptions } from '../policy/validation';
import { S3ArchiveRepository } from '../postgres/archive-repository';
import { barmanCloudBackupArgv } from '../postgres/barman-cloud';
import { pgBaseBackupArgv } from '../postgres/pg-basebackup';
import { pgBackRestBackupArgv, renderPgBackRestConf } from '../postgres/pgbackrest-conf';
import { renderArchiveSettings } from '../postgres/postgresql-conf';
import { RenderedRecoveryConf, renderRecoveryConf } from '../postgres/recovery-conf';
import { RecoveryTargetOptions } from '../postgres/recovery-target';
import { shellJoin, shellQuote } from '../postgres/shell-quote';
import { WalArchiverOptions } from '../postgres/wal-archiver';
import { renderWalGEnvironment, walGBackupPushArgv, walGDeleteRetainArgv } from '../postgres/wal-g';

/** Where the archive bucket is, as the front end knows it once the bucket exists (tokens or resolved outputs). */
export interface ArchiveBucketLocation {
  /** Name of the bucket. */
  readonly bucket: string;
  /** Its region. */
  readonly region: string;
  /**
   * The domain of the region's partition its endpoint ends with, when the region is known only at deploy time.
   * @default - the domain of the region's partition (`amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`…)
   */
  readonly dnsSuffix?: string;
  /** ARN of the key the archive is encrypted with. */
  readonly kmsKeyArn: string;
}

/** The repository the archive's configuration names: the bucket, its region and key, and the plan's prefix. */
export function archiveRepository(plan: SelfHostedPitrArchivePlan, location: ArchiveBucketLocation): S3ArchiveRepository {
  return {
    kind: 's3',
    bucket: location.bucket,
    region: location.region,
    ...(location.dnsSuffix !== undefined ? { dnsSuffix: location.dnsSuffix } : {}),
    ...(plan.prefix ? { prefix: plan.prefix } : {}),
    kmsKeyArn: location.kmsKeyArn,
  };
}

/** What the archiver's commands need to name this archive. */
export function archiveArchiverOptions(plan: SelfHostedPitrArchivePlan, repository: S3ArchiveRepository): WalArchiverOptions {
  return { repository, pitr: plan.pitr, pgBackRest: { stanza: plan.clusterName }, barmanCloud: { serverName: plan.clusterName } };
}

/** The files an archive renders for its hosts and its drill. */
export interface ArchiveConfigurationFiles {
  /** The `postgresql.conf` block that turns archiving on. */
  readonly postgresqlConf: string;
  /** The archiver's configuration file (`pgbackrest.conf`, or WAL-G's `.env`), when it has one. */
  readonly archiverConf?: string;
  /** `pgbackrest.conf` of the drill task (its own data directory, synchronous archive-get), when there is a drill. */
  readonly drillPgBackRestConf?: string;
}

/** Renders the archive block, the archiver's configuration and the drill's `pgbackrest.conf` for `repository`. */
export function archiveConfigurationFiles(
  plan: SelfHostedPitrArchivePlan, repository: S3ArchiveRepository, validation: ValidationOptions = {},
): ArchiveConfigurationFiles {
  const { clusterName: stanza, pitr, encryption } = plan;
  // The pass or key is never in these files: the hosts read it from the key file, the drill from its environment.
  const cipherType = encryption?.cipher === 'aes-256-cbc' ? { cipherType: encryption.cipher } : {};
  const libsodium = encryption?.cipher === 'libsodium' ? { libsodiumKeyPath: encryption.keyFile, libsodiumKeyEncoding: encryption.keyEncoding } : {};
  const archiverConf = pitr.archiver === 'pgbackrest'
    ? renderPgBackRestConf({ stanza, repository, pitr, pgPath: plan.dataDirectory, pgPort: plan.pgPort, ...cipherType }, validation).text
    : pitr.archiver === 'wal-g' ? renderWalGEnvironment({ repository, pgPort: plan.pgPort, ...libsodium }, validation).text : undefined;
  return {
    postgresqlConf: renderArchiveSettings(archiveArchiverOptions(plan, repository), validation).text,
    ...(archiverConf !== undefined ? { archiverConf } : {}),
    ...(plan.drill ? {
      drillPgBackRestConf: renderPgBackRestConf({ stanza, repository, pitr, pgPath: '/tmp/pitr-drill/data', archiveAsync: false, ...cipherType }, validation).text,
    } : {}),
  };
}

/** The recovery settings of a restore to `target` on a host: `restore_command`, the target, the `recovery.signal` step. */
export function archiveRecoveryConf(
  plan: SelfHostedPitrArchivePlan, repository: S3ArchiveRepository, target: RecoveryTargetOptions, validation: ValidationOptions = {},
): RenderedRecoveryConf {
  return renderRecoveryConf({ ...archiveArchiverOptions(plan, repository), ...target, dataDirectory: plan.dataDirectory }, validation);
}

function asPostgres(argv: string[]): string {
  return `runuser -u postgres -- ${shellJoin(argv)}`;
}

function baseBackupCommands(plan: SelfHostedPitrArchivePlan, type: 'full' | 'diff', repository: S3ArchiveRepository, validation: ValidationOptions): string[] {
  const { pitr, clusterName } = plan;
  switch (pitr.archiver) {
    case 'pgbackrest':
      // pgBackRest expires past retention-full after each backup unless expire-auto=n (lifecycle expiry).
      return [asPostgres(pgBackRestBackupArgv({ stanza: clusterName }, type, validation))];
    case 'wal-g':
      return [
        asPostgres(walGBackupPushArgv({}, plan.dataDirectory, type === 'full', validation)),
        ...(type === 'full' && pitr.expireBy === 'archiver' ? [asPostgres(walGDeleteRetainArgv({}, pitr.retainFull, validation))] : []),
      ];
    case 'barman-cloud':
      return [asPostgres(barmanCloudBackupArgv({ repository, serverName: clusterName }, {}, validation))];
    case 'archive-command': {
      const base = archiverObjectPrefixes('archive-command', repository).base;
      return [
        'work=$(mktemp -d) && chown postgres: "$work" && trap \'rm -rf "$work"\' EXIT',
        asPostgres(pgBaseBackupArgv({ targetDirectory: '/PGBACKUP_WORK/backup', progress: false }, validation)).replace('/PGBACKUP_WORK', '"$work"'),
        `aws s3 cp --recursive --only-show-errors "$work/backup" "s3://${repository.bucket}/${base}$(date -u +%Y%m%dT%H%M%SZ)/" --sse aws:kms --sse-kms-key-id ${repository.kmsKeyArn}`,
      ];
    }
  }
}

/**
 * The commands one association runs on a host (as the `AWS-RunShellScript` document's `commands`): a full or
 * differential base backup with the archiver, or `pg-backup check-archive`, whose embedded-metric lines go to the
 * CloudWatch agent's listener.
 */
export function archiveAssociationCommands(
  plan: SelfHostedPitrArchivePlan, task: ArchiveAssociationPlan['task'], repository: S3ArchiveRepository, validation: ValidationOptions = {},
): string[] {
  if (task !== 'archive-check') return ['set -euo pipefail', ...baseBackupCommands(plan, task, repository, validation)];
  const check = shellJoin([
    'pg-backup', 'check-archive', '--cluster', plan.clusterName, '--stanza', plan.clusterName, '--heartbeat', '--metrics-namespace', plan.metricNamespace,
    ...(plan.pitr.archiver === 'pgbackrest' ? [] : ['--no-archive-get']),
  ]);
  // The metric lines go to the CloudWatch agent's embedded-metric-format listener, which turns them into metrics.
  return ['set -euo pipefail', `bash -c ${shellQuote(`runuser -u postgres -- ${check} 2>&1 >/dev/null | grep '"_aws"' > /dev/tcp/127.0.0.1/25888`)}`];
}

/** The parameters of an association's `AWS-RunShellScript` document, each a list of lines as CloudFormation takes them. */
export type ArchiveAssociationParameters = { commands: string[]; executionTimeout: string[] };

/** The parameters one association runs with: its {@link archiveAssociationCommands} and its execution timeout. */
export function archiveAssociationParameters(
  plan: SelfHostedPitrArchivePlan, association: ArchiveAssociationPlan, repository: S3ArchiveRepository, validation: ValidationOptions = {},
): ArchiveAssociationParameters {
  return {
    commands: archiveAssociationCommands(plan, association.task, repository, validation),
    executionTimeout: [String(association.executionTimeoutSeconds)],
  };
}

/** The names of the configuration parameters as the front end refers to them (a literal, or a token of the parameter). */
export interface ArchiveParameterNames {
  /** Region of the parameters. */
  readonly region: string;
  /**
   * Name of the `postgresql.conf` parameter.
   * @default - the planned name
   */
  readonly postgresqlConf?: string;
  /**
   * Name of the archiver configuration parameter, when there is one.
   * @default - the planned name
   */
  readonly archiverConf?: string;
  /** ARN of the secret holding the repository's pass or key, when the archive is encrypted. */
  readonly encryptionSecretArn?: string;
}

/**
 * Shell commands for EC2 user data (run as root): install the archiver, write its configuration and the archive block
 * from the SSM parameters, the repository's pass or key from its secret into a file only `postgres` reads (when
 * encrypted), a heartbeat timer that commits an empty transaction every minute so a quiet server still
 * ships a segment within `archive_timeout` (which the drill and the RPO alarm rely on), and the CloudWatch agent's
 * embedded-metric listener the archive check reports through.
 */
export function archiveHostUserData(plan: SelfHostedPitrArchivePlan, parameters: ArchiveParameterNames): string[] {
  const fetch = (parameterName: string, file: string, owner: string) => [
    `install -d -o ${owner} -m 0750 ${shellQuote(file.replace(/\/[^/]+$/, ''))}`,
    `aws ssm get-parameter --region ${parameters.region} --name ${parameterName} --query Parameter.Value --output text > ${shellQuote(file)}`,
    `chown ${owner}: ${shellQuote(file)} && chmod 0640 ${shellQuote(file)}`,
  ];
  const archiver = plan.pitr.archiver;
  const install = archiver === 'pgbackrest' ? ['(dnf install -y pgbackrest || apt-get install -y pgbackrest)']
    : archiver === 'barman-cloud' ? ['(dnf install -y barman-cli-cloud || apt-get install -y barman-cli-cloud)'] : [];
  const archiverConf = plan.parameters.archiverConf;
  const encryption = plan.encryption;
  if (encryption && parameters.encryptionSecretArn === undefined) {
    throw new Error('an encrypted archive\'s user data needs the ARN of the secret holding its pass or key');
  }
  return [
    'set -euo pipefail',
    ...install,
    ...(archiverConf ? fetch(parameters.archiverConf ?? archiverConf.parameterName, archiverConf.path, 'postgres') : []),
    ...(encryption ? pitrArchiveKeyFileCommands(encryption, parameters.region, parameters.encryptionSecretArn!) : []),
    ...fetch(parameters.postgresqlConf ?? plan.parameters.postgresqlConf.parameterName, plan.postgresqlConfFile, 'postgres'),
    'cat > /etc/systemd/system/pg-backup-heartbeat.service <<\'EOF\'',
    '[Service]', 'Type=oneshot', 'User=postgres', 'ExecStart=/usr/bin/psql -qAtX -c "SELECT txid_current()"', 'EOF',
    'cat > /etc/systemd/system/pg-backup-heartbeat.timer <<\'EOF\'',
    '[Timer]', 'OnCalendar=minutely', '[Install]', 'WantedBy=timers.target', 'EOF',
    'systemctl daemon-reload && systemctl enable --now pg-backup-heartbeat.timer',
    // The archive check's metric lines go to the CloudWatch agent's embedded-metric listener (127.0.0.1:25888).
    'install -d /opt/aws/amazon-cloudwatch-agent/etc',
    'echo \'{"logs":{"metrics_collected":{"emf":{}}}}\' > /opt/aws/amazon-cloudwatch-agent/etc/pg-backup-emf.json',
    '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a append-config -m ec2 -s '
      + '-c file:/opt/aws/amazon-cloudwatch-agent/etc/pg-backup-emf.json '
      + '|| echo "install the CloudWatch agent: the archive check metrics need it" >&2',
  ];
}

/** One SSM parameter of an archive: the rendered file it holds, and the names each front end gives it. */
export interface ArchiveParameterResource {
  /** The rendered file it holds (a key of {@link ArchiveConfigurationFiles}). */
  readonly file: 'postgresqlConf' | 'archiverConf';
  /** The construct's attribute that holds the parameter. */
  readonly attribute: 'postgresqlConfParameter' | 'archiverConfParameter';
  /** Construct id in CDK. */
  readonly id: string;
  /** Suffix of the resource name in Pulumi. */
  readonly name: string;
  /** Id of the CDK stack output with the parameter's name. */
  readonly output: string;
  /** Name of the parameter. */
  readonly parameterName: string;
  /** Its description. */
  readonly description: string;
}

/** The archive's SSM parameters: the `postgresql.conf` block, and the archiver's configuration when it has one. */
export function archiveParameterResources(plan: SelfHostedPitrArchivePlan): ArchiveParameterResource[] {
  const parameter = (file: ArchiveParameterResource['file'], id: string, name: string): ArchiveParameterResource => ({
    file,
    attribute: `${file}Parameter`,
    id,
    name,
    output: `${id}ParameterName`,
    parameterName: plan.parameters[file]!.parameterName,
    description: plan.parameters[file]!.description,
  });
  return [
    parameter('postgresqlConf', 'PostgresqlConf', 'postgresql-conf'),
    ...(plan.parameters.archiverConf ? [parameter('archiverConf', 'ArchiverConf', 'archiver-conf')] : []),
  ];
}

/** What an archive renders for its hosts once its bucket is known. */
export interface RenderedArchiveHost {
  /** The repository the configuration names. */
  readonly repository: S3ArchiveRepository;
  /** The rendered files. */
  readonly files: ArchiveConfigurationFiles;
  /** The SSM parameters, each with the file it holds. */
  readonly parameters: readonly (ArchiveParameterResource & { readonly value: string })[];
  /**
   * The planned associations, each with the parameters it runs with: as lists of lines (`AWS::SSM::Association`), and
   * as one string each, a line an item (Pulumi's `aws.ssm.Association`, its commands as one script).
   */
  readonly associations: readonly (ArchiveAssociationPlan & {
    readonly parameters: ArchiveAssociationParameters;
    readonly parameterText: Record<keyof ArchiveAssociationParameters, string>;
  })[];
}

/**
 * Renders what the hosts of an archive at `location` read: its repository, configuration files, SSM parameters and
 * associations' commands.
 */
export function renderArchiveHost(
  plan: SelfHostedPitrArchivePlan, location: ArchiveBucketLocation, validation: ValidationOptions = {},
): RenderedArchiveHost {
  const repository = archiveRepository(plan, location);
  const files = archiveConfigurationFiles(plan, repository, validation);
  return {
    repository,
    files,
    parameters: archiveParameterResources(plan).map((parameter) => ({ ...parameter, value: files[parameter.file]! })),
    associations: plan.associations.map((association) => {
      const parameters = archiveAssociationParameters(plan, association, repository, validation);
      return { ...association, parameters, parameterText: { commands: parameters.commands.join('\n'), executionTimeout: parameters.executionTimeout.join('\n') } };
    }),
  };
}
