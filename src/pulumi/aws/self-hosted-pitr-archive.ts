import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as ssm from '@pulumi/aws/ssm';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { AlarmMetric, createBackupAlarm } from './metric-alarm';
import { EcsClusterReference } from './pg-dump-source';
import { PitrDrill } from './pitr-drill';
import { PolicyStatement, assumedByService, policyDocument } from './policy-document';
import { DEFAULT_METRIC_NAMESPACE } from './scheduled-pg-dump';
import { checkFargateTaskSize } from '../../core/aws/fargate-sizes';
import { PITR_DRILL_PROP_PATHS } from '../../core/policy/construct-prop-paths';
import { ResolvedPitrPolicy, resolvePitr, resolveVerification } from '../../core/policy/defaults';
import { ArchiveObjectPrefixes, archiverObjectPrefixes, walArchiveLifecycleRules } from '../../core/policy/lifecycle';
import { LifecycleRule, LifecycleTransition, validateLifecycleRules } from '../../core/policy/lifecycle-rules';
import { ImmutabilityPolicy, PitrPolicy, VerificationPolicy } from '../../core/policy/policy';
import { renderAwsBackupSchedule } from '../../core/policy/schedule';
import { checkPolicy } from '../../core/policy/validate-policy';
import { Validator } from '../../core/policy/validation';
import { minimumWalRetentionDays } from '../../core/policy/wal-retention';
import { S3ArchiveRepository } from '../../core/postgres/archive-repository';
import { barmanCloudBackupArgv } from '../../core/postgres/barman-cloud';
import { pgBaseBackupArgv } from '../../core/postgres/pg-basebackup';
import { pgBackRestBackupArgv, renderPgBackRestConf } from '../../core/postgres/pgbackrest-conf';
import { renderArchiveSettings } from '../../core/postgres/postgresql-conf';
import { RenderedRecoveryConf, renderRecoveryConf } from '../../core/postgres/recovery-conf';
import { RecoveryTargetOptions } from '../../core/postgres/recovery-target';
import { shellJoin, shellQuote } from '../../core/postgres/shell-quote';
import { WalArchiverOptions } from '../../core/postgres/wal-archiver';
import { renderWalGEnvironment, walGBackupPushArgv, walGDeleteRetainArgv } from '../../core/postgres/wal-g';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

/** How often the archive check (and its heartbeat commit) runs on the hosts: State Manager's shortest rate. */
export const ARCHIVE_CHECK_RATE_MINUTES = 30;

/** The S3 request-metrics filter on the WAL prefix, whose `PutRequests` the RPO alarm watches. */
export const WAL_REQUEST_METRICS_FILTER_ID = 'wal-archive';

/** The metrics `pg-backup check-archive` writes (namespace and `Database` dimension of the archive). */
export const ARCHIVE_CHECK_METRIC_NAMES = {
  failedCount: 'ArchiveFailedCount',
  failing: 'ArchiveFailing',
  secondsSinceLastArchived: 'SecondsSinceLastArchivedWal',
  newestWalReadable: 'NewestArchivedWalReadable',
} as const;

/** The EC2 tag that selects the database hosts of an archive for the scheduled base backups and checks. */
export interface PitrHostTag {
  /** Tag key. */
  readonly key: string;
  /** Tag value. */
  readonly value: string;
}

/** Props of the scheduled PITR drill. */
export interface PitrDrillOptions {
  /** Id of the VPC the drill task runs in. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the task: private ones with egress (it needs S3, ECR and CloudWatch Logs). */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The ECS cluster.
   * @default - a cluster is created
   */
  readonly cluster?: EcsClusterReference;
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks that must each return a single `true`, and the RTO.
   * @default - weekly, no SQL checks, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * The image: `pg-backup` with the server binaries and pgBackRest of `postgresMajorVersion`. Unlike CDK, Pulumi has
   * no asset build here: build it from `runnerImageBuild` with a Docker resource of the program.
   */
  readonly image: pulumi.Input<string>;
  /**
   * Ephemeral storage in GiB (21–200): it holds the restored cluster.
   * @default 100
   */
  readonly ephemeralStorageGiB?: number;
}

/** Props of {@link SelfHostedPitrArchive}. */
export interface SelfHostedPitrArchiveProps {
  /**
   * The PITR policy: window, `archiveTimeoutSeconds` (30–3600 unless allowed outside), full/diff base-backup
   * schedules, `retainFull`, archiver, who expires old backups, WAL retention.
   * @default - the defaults of PitrPolicy: pgBackRest, 7-day window, 60 s archive_timeout, weekly full, daily diff
   */
  readonly pitr?: PitrPolicy;
  /**
   * Object Lock on the bucket (needs `pitr.expireBy: 'lifecycle'`).
   * @default - no Object Lock
   */
  readonly immutability?: ImmutabilityPolicy;
  /**
   * Name of the archived cluster: the pgBackRest stanza (barman-cloud server name) and the `Database` metric dimension.
   * @default 'main'
   */
  readonly clusterName?: string;
  /**
   * Key prefix of the repository in the bucket, without slashes at the ends.
   * @default - the bucket root
   */
  readonly prefix?: string;
  /** PostgreSQL major version of the hosts. */
  readonly postgresMajorVersion: number;
  /**
   * Data directory on the hosts (`pg1-path`).
   * @default '/var/lib/postgresql/<major>/main' (Debian and Ubuntu)
   */
  readonly dataDirectory?: string;
  /**
   * Where the user-data snippet writes the archive block: a file the server's configuration includes.
   * @default '/etc/postgresql/<major>/main/conf.d/50-wal-archive.conf'
   */
  readonly postgresqlConfFile?: string;
  /**
   * Port of the cluster on the hosts.
   * @default 5432
   */
  readonly pgPort?: number;
  /**
   * The tag that selects the database hosts for the scheduled base backups and archive checks.
   * @default - key `postgres-backup:pitr-archive`, value the cluster name
   */
  readonly hostTag?: PitrHostTag;
  /**
   * Create an instance role (and profile) with this archive's access, SSM management and the CloudWatch agent.
   * @default false
   */
  readonly createInstanceRole?: boolean;
  /**
   * ARNs of host roles of another program that archive with the archiver's own expiry: the bucket policy, one document
   * in Pulumi, exempts them from the delete Deny (CDK collects them from `grantArchive` calls). Give them
   * {@link SelfHostedPitrArchive.archiveStatements}.
   * @default - none besides a created instance role
   */
  readonly archiverRoleArns?: pulumi.Input<string>[];
  /**
   * Alarm when no WAL object arrived within this many `archive_timeout`s (at least the heartbeat minute plus one).
   * @default 3
   */
  readonly rpoArchiveTimeouts?: number;
  /**
   * Moves of WAL to colder classes.
   * @default - none
   */
  readonly walTransitions?: LifecycleTransition[];
  /**
   * Moves of base backups to colder classes.
   * @default - none
   */
  readonly baseTransitions?: LifecycleTransition[];
  /**
   * More lifecycle rules; one that would break recovery is rejected.
   * @default - none
   */
  readonly additionalLifecycleRules?: LifecycleRule[];
  /**
   * ARN of the KMS key of the archive.
   * @default - a key is created
   */
  readonly encryptionKeyArn?: pulumi.Input<string>;
  /**
   * ARN of the topic alarms go to; its policy must let EventBridge publish.
   * @default - an encrypted topic is created
   */
  readonly notificationTopicArn?: pulumi.Input<string>;
  /**
   * A scheduled point-in-time recovery drill (pgBackRest archives only).
   * @default - no drill
   */
  readonly drill?: PitrDrillOptions;
  /**
   * CloudWatch namespace of the runner's and the drill's metrics.
   * @default 'PostgresBackup'
   */
  readonly metricNamespace?: string;
  /**
   * Keep the bucket and key when the stack is destroyed.
   * @default true
   */
  readonly retainOnDelete?: boolean;
}

/** The plain-valued props, validated together. */
interface ArchivePolicyProps extends Pick<SelfHostedPitrArchiveProps, 'pitr' | 'immutability' | 'clusterName' | 'postgresMajorVersion'
  | 'rpoArchiveTimeouts' | 'walTransitions' | 'baseTransitions' | 'additionalLifecycleRules' | 'prefix'> {
  /** The drill's plain-valued options, when there is a drill. */
  readonly drill?: Pick<PitrDrillOptions, 'verification' | 'ephemeralStorageGiB'>;
}

/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to any
 * moment of the window: the archive bucket with core's lifecycle (which never expires WAL the oldest retained base
 * backup needs), host access, the rendered `postgresql.conf` archive block and archiver configuration in SSM parameters
 * with a user-data snippet, scheduled full and differential base backups and the archiver health check through State
 * Manager, alarms (RPO on the WAL prefix, archiver failures, failed associations) and an optional scheduled PITR drill.
 * The same as the CDK `SelfHostedPitrArchive`.
 */
export class SelfHostedPitrArchive extends pulumi.ComponentResource {
  /** The archive bucket. */
  public readonly archive: BackupBucket;
  /** Name of the bucket. */
  public readonly bucketName: pulumi.Output<string>;
  /** The policy with its defaults. */
  public readonly pitr: ResolvedPitrPolicy;
  /** The cluster name (stanza). */
  public readonly clusterName: string;
  /** Where the archiver writes WAL and base backups. */
  public readonly prefixes: ArchiveObjectPrefixes;
  /** The lifecycle rules of the bucket. */
  public readonly lifecycleRules: readonly LifecycleRule[];
  /** The repository the configuration names. */
  public readonly repository: pulumi.Output<S3ArchiveRepository>;
  /** The `postgresql.conf` block that turns archiving on. */
  public readonly postgresqlConf: pulumi.Output<string>;
  /** The archiver's configuration file (`pgbackrest.conf`, or WAL-G's `.env`), when it has one. */
  public readonly archiverConf?: pulumi.Output<string>;
  /** Where the archiver's configuration file goes on the hosts. */
  public readonly archiverConfPath?: string;
  /** SSM parameter holding `postgresqlConf`. */
  public readonly postgresqlConfParameter: ssm.Parameter;
  /** SSM parameter holding `archiverConf`. */
  public readonly archiverConfParameter?: ssm.Parameter;
  /** ARN of the topic alarms go to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** The instance role, when created. */
  public readonly instanceRole?: iam.Role;
  /** Its instance profile. */
  public readonly instanceProfile?: iam.InstanceProfile;
  /** The State Manager associations: full and differential base backups, archive check. */
  public readonly associations: readonly ssm.Association[];
  /** Alarms: RPO, archiver failing, failures growing, archive gap, newest WAL unreadable. */
  public readonly alarms: readonly cloudwatch.MetricAlarm[];
  /** The drill, when configured (its own alarms are on it). */
  public readonly drill?: PitrDrill;
  private readonly archiverOptions: pulumi.Output<WalArchiverOptions>;
  private readonly dataDirectory: string;
  private readonly postgresqlConfFile: string;
  private readonly environment: AwsEnvironment;

  constructor(name: string, props: SelfHostedPitrArchiveProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:SelfHostedPitrArchive', name, {}, opts);
    validateWhenKnown<ArchivePolicyProps>({
      pitr: props.pitr,
      immutability: props.immutability,
      clusterName: props.clusterName,
      postgresMajorVersion: props.postgresMajorVersion,
      rpoArchiveTimeouts: props.rpoArchiveTimeouts,
      walTransitions: props.walTransitions,
      baseTransitions: props.baseTransitions,
      additionalLifecycleRules: props.additionalLifecycleRules,
      prefix: props.prefix,
      drill: props.drill ? { verification: props.drill.verification, ephemeralStorageGiB: props.drill.ephemeralStorageGiB } : undefined,
    }, checkArchiveProps, name);
    const pitrInput = props.pitr ?? {};
    const archiver = pitrInput.archiver ?? 'pgbackrest';
    this.clusterName = props.clusterName ?? 'main';
    this.pitr = resolvePitr(pitrInput, PULUMI_VALIDATION_OPTIONS);
    this.dataDirectory = props.dataDirectory ?? `/var/lib/postgresql/${props.postgresMajorVersion}/main`;
    this.postgresqlConfFile = props.postgresqlConfFile ?? `/etc/postgresql/${props.postgresMajorVersion}/main/conf.d/50-wal-archive.conf`;
    const prefix = props.prefix ?? '';
    this.prefixes = archiverPrefixes(archiver, prefix, this.clusterName);
    this.lifecycleRules = archiveLifecycleRules(props, this.pitr, this.prefixes, new Validator());
    this.environment = awsEnvironment(this);
    const child = { parent: this };

    const instanceRoleName = `${name}-instance-role`;
    if (props.createInstanceRole) {
      this.instanceRole = new iam.Role(instanceRoleName, {
        description: `Database hosts of ${this.clusterName}: archive WAL and base backups, SSM management, CloudWatch agent`,
        assumeRolePolicy: assumedByService('ec2.amazonaws.com'),
        managedPolicyArns: ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy']
          .map((policy) => pulumi.interpolate`arn:${this.environment.partition}:iam::aws:policy/${policy}`),
      }, child);
    }
    const withDelete = this.pitr.expireBy === 'archiver';
    this.archive = new BackupBucket(`${name}-archive`, {
      lifecycleRules: [...this.lifecycleRules],
      objectLock: props.immutability,
      encryptionKeyArn: props.encryptionKeyArn,
      keyDescription: 'Encrypts the PostgreSQL WAL archive and base backups',
      deletingPrincipalArns: withDelete ? [...(this.instanceRole ? [this.instanceRole.arn] : []), ...(props.archiverRoleArns ?? [])] : [],
      requestMetrics: { id: WAL_REQUEST_METRICS_FILTER_ID, prefix: this.prefixes.wal },
      retainOnDelete: props.retainOnDelete,
      environment: this.environment,
    }, child);
    this.bucketName = this.archive.bucketName;

    this.repository = pulumi.all([this.bucketName, this.environment.region, this.archive.encryptionKeyArn!]).apply(([bucket, region, kmsKeyArn]) => ({
      kind: 's3' as const, bucket, region, ...(prefix ? { prefix } : {}), kmsKeyArn,
    }));
    this.archiverOptions = this.repository.apply((repository) => ({
      repository, pitr: this.pitr, pgBackRest: { stanza: this.clusterName }, barmanCloud: { serverName: this.clusterName },
    }));
    this.postgresqlConf = this.archiverOptions.apply((options) => renderArchiveSettings(options, PULUMI_VALIDATION_OPTIONS).text);
    if (archiver === 'pgbackrest') {
      this.archiverConf = this.repository.apply((repository) => renderPgBackRestConf({
        stanza: this.clusterName, repository, pitr: this.pitr, pgPath: this.dataDirectory, pgPort: props.pgPort,
      }, PULUMI_VALIDATION_OPTIONS).text);
      this.archiverConfPath = '/etc/pgbackrest/pgbackrest.conf';
    } else if (archiver === 'wal-g') {
      this.archiverConf = this.repository.apply((repository) => renderWalGEnvironment(
        { repository, pgPort: props.pgPort }, PULUMI_VALIDATION_OPTIONS,
      ).text);
      this.archiverConfPath = '/etc/wal-g/wal-g.env';
    }
    const parameterRoot = `/postgres-backup/${this.clusterName}`;
    this.postgresqlConfParameter = new ssm.Parameter(`${name}-postgresql-conf`, {
      name: `${parameterRoot}/postgresql.conf`,
      type: 'String',
      description: 'postgresql.conf block that archives WAL (rendered by postgres-backup-constructs)',
      value: this.postgresqlConf,
    }, child);
    if (this.archiverConf !== undefined) {
      this.archiverConfParameter = new ssm.Parameter(`${name}-archiver-conf`, {
        name: `${parameterRoot}/${archiver === 'pgbackrest' ? 'pgbackrest.conf' : 'wal-g.env'}`,
        type: 'String',
        description: `${archiver} configuration of the WAL archive (rendered by postgres-backup-constructs)`,
        value: this.archiverConf,
      }, child);
    }

    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn, retainOnDelete: props.retainOnDelete, environment: this.environment,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    if (this.instanceRole) {
      new iam.RolePolicy(`${name}-instance-policy`, {
        role: this.instanceRole.id,
        policy: policyDocument([...this.archiveStatements(), ...this.readConfigurationStatements()]),
      }, child);
      this.instanceProfile = new iam.InstanceProfile(`${name}-instance-profile`, { role: this.instanceRole.name }, child);
    }

    const hostTag = props.hostTag ?? { key: 'postgres-backup:pitr-archive', value: this.clusterName };
    const namespace = props.metricNamespace ?? DEFAULT_METRIC_NAMESPACE;
    this.associations = this.createAssociations(name, hostTag, namespace);
    this.alertOnFailedAssociations(name);
    this.alarms = this.createAlarms(name, namespace, props.rpoArchiveTimeouts ?? 3);
    if (props.drill) {
      const drillConf = this.repository.apply((repository) => renderPgBackRestConf({
        stanza: this.clusterName, repository, pitr: this.pitr, pgPath: '/tmp/pitr-drill/data', archiveAsync: false,
      }, PULUMI_VALIDATION_OPTIONS).text);
      this.drill = new PitrDrill(`${name}-pitr-drill`, {
        vpcId: props.drill.vpcId,
        subnetIds: props.drill.subnetIds,
        cluster: props.drill.cluster,
        databaseName: this.clusterName,
        stanza: this.clusterName,
        pgBackRestConf: drillConf,
        verification: resolveVerification(props.drill.verification ?? {}),
        // The heartbeat commits every minute; archive_timeout ships it; then a margin for the upload.
        archiveWaitSeconds: 60 + 2 * this.pitr.archiveTimeoutSeconds + 60,
        image: props.drill.image,
        ephemeralStorageGiB: props.drill.ephemeralStorageGiB,
        notificationTopicArn: this.notificationTopicArn,
        notificationTopicKeyArn: notifications.topicKeyArn,
        restoreStatements: this.restoreStatements(),
        metricNamespace: namespace,
        environment: this.environment,
      }, child);
    }
    this.registerOutputs({
      bucketName: this.bucketName,
      postgresqlConf: this.postgresqlConf,
      archiverConf: this.archiverConf,
      postgresqlConfParameterName: this.postgresqlConfParameter.name,
      archiverConfParameterName: this.archiverConfParameter?.name,
      notificationTopicArn: this.notificationTopicArn,
      instanceProfileName: this.instanceProfile?.name,
      drillStateMachineArn: this.drill?.stateMachine.arn,
    });
  }

  /**
   * What a host needs to archive: put WAL and base backups (and read them, as archivers check what is there), use the
   * key, and — when the archiver expires its own backups (`expireBy: 'archiver'`) — delete under the archive prefixes.
   * A role given these with the archiver's expiry must also be in `archiverRoleArns` (or be the created instance role).
   */
  public archiveStatements(): PolicyStatement[] {
    const withDelete = this.pitr.expireBy === 'archiver';
    return [
      {
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
        Resource: this.objectArns(),
      },
      this.listStatement(),
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.archive.encryptionKeyArn! },
    ];
  }

  /** What a restore or drill needs: get and list the archive, decrypt. */
  public restoreStatements(): PolicyStatement[] {
    return [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: this.objectArns() },
      this.listStatement(),
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: this.archive.encryptionKeyArn! },
    ];
  }

  /** Reading the rendered configuration parameters. */
  public readConfigurationStatements(): PolicyStatement[] {
    const parameters = [this.postgresqlConfParameter, ...(this.archiverConfParameter ? [this.archiverConfParameter] : [])];
    return [{
      Effect: 'Allow',
      Action: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
      Resource: parameters.map((parameter) => parameter.arn),
    }];
  }

  /** The recovery settings of a restore to `target` on a host: `restore_command`, the target, the `recovery.signal` step. */
  public recoveryConf(target: RecoveryTargetOptions): pulumi.Output<RenderedRecoveryConf> {
    return this.archiverOptions.apply((options) => renderRecoveryConf(
      { ...options, ...target, dataDirectory: this.dataDirectory }, PULUMI_VALIDATION_OPTIONS,
    ));
  }

  /**
   * Shell commands for EC2 user data (run as root): install the archiver, write its configuration and the archive
   * block from the SSM parameters, and a heartbeat timer that commits an empty transaction every minute so a quiet
   * server still ships a segment within `archive_timeout`.
   */
  public userDataCommands(): pulumi.Output<string[]> {
    return this.environment.region.apply((region) => {
      const fetch = (parameterName: string, file: string, owner: string) => [
        `install -d -o ${owner} -m 0750 ${shellQuote(file.replace(/\/[^/]+$/, ''))}`,
        `aws ssm get-parameter --region ${region} --name ${parameterName} --query Parameter.Value --output text > ${shellQuote(file)}`,
        `chown ${owner}: ${shellQuote(file)} && chmod 0640 ${shellQuote(file)}`,
      ];
      const root = `/postgres-backup/${this.clusterName}`;
      const install = this.pitr.archiver === 'pgbackrest' ? ['(dnf install -y pgbackrest || apt-get install -y pgbackrest)']
        : this.pitr.archiver === 'barman-cloud' ? ['(dnf install -y barman-cli-cloud || apt-get install -y barman-cli-cloud)'] : [];
      return [
        'set -euo pipefail',
        ...install,
        ...(this.archiverConfPath ? fetch(`${root}/${this.pitr.archiver === 'pgbackrest' ? 'pgbackrest.conf' : 'wal-g.env'}`, this.archiverConfPath, 'postgres') : []),
        ...fetch(`${root}/postgresql.conf`, this.postgresqlConfFile, 'postgres'),
        'cat > /etc/systemd/system/pg-backup-heartbeat.service <<\'EOF\'',
        '[Service]', 'Type=oneshot', 'User=postgres', 'ExecStart=/usr/bin/psql -qAtX -c "SELECT txid_current()"', 'EOF',
        'cat > /etc/systemd/system/pg-backup-heartbeat.timer <<\'EOF\'',
        '[Timer]', 'OnCalendar=minutely', '[Install]', 'WantedBy=timers.target', 'EOF',
        'systemctl daemon-reload && systemctl enable --now pg-backup-heartbeat.timer',
      ];
    });
  }

  private objectArns(): pulumi.Output<string>[] {
    return [pulumi.interpolate`${this.archive.bucketArn}/${this.prefixes.wal}*`, pulumi.interpolate`${this.archive.bucketArn}/${this.prefixes.base}*`];
  }

  private listStatement(): PolicyStatement {
    const prefixes = [this.prefixes.wal, this.prefixes.base];
    return {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: this.archive.bucketArn,
      Condition: { StringLike: { 's3:prefix': prefixes.flatMap((p) => [p.replace(/\/$/, ''), `${p}*`]) } },
    };
  }

  private baseBackupCommands(type: 'full' | 'diff', repository: S3ArchiveRepository): string[] | undefined {
    const asPostgres = (argv: string[]) => `runuser -u postgres -- ${shellJoin(argv)}`;
    switch (this.pitr.archiver) {
      case 'pgbackrest':
        // pgBackRest expires past retention-full after each backup unless expire-auto=n (lifecycle expiry).
        return [asPostgres(pgBackRestBackupArgv({ stanza: this.clusterName }, type))];
      case 'wal-g':
        return [
          asPostgres(walGBackupPushArgv({}, this.dataDirectory, type === 'full')),
          ...(type === 'full' && this.pitr.expireBy === 'archiver' ? [asPostgres(walGDeleteRetainArgv({}, this.pitr.retainFull))] : []),
        ];
      case 'barman-cloud':
        return type === 'full' ? [asPostgres(barmanCloudBackupArgv({ repository, serverName: this.clusterName }, {}))] : undefined;
      case 'archive-command': {
        if (type === 'diff') return undefined;
        const base = archiverObjectPrefixes('archive-command', repository).base;
        return [
          'work=$(mktemp -d) && chown postgres: "$work" && trap \'rm -rf "$work"\' EXIT',
          asPostgres(pgBaseBackupArgv({ targetDirectory: '/PGBACKUP_WORK/backup', progress: false })).replace('/PGBACKUP_WORK', '"$work"'),
          `aws s3 cp --recursive --only-show-errors "$work/backup" "s3://${repository.bucket}/${base}$(date -u +%Y%m%dT%H%M%SZ)/" --sse aws:kms --sse-kms-key-id ${repository.kmsKeyArn}`,
        ];
      }
    }
  }

  private createAssociations(name: string, tag: PitrHostTag, namespace: string): ssm.Association[] {
    const targets = [{ key: `tag:${tag.key}`, values: [tag.value] }];
    const association = (id: string, associationName: string, schedule: string, commands: pulumi.Input<string[]>) => new ssm.Association(`${name}-${id}`, {
      name: 'AWS-RunShellScript',
      associationName: `${this.clusterName}-${associationName}`.slice(0, 128),
      targets,
      scheduleExpression: schedule,
      applyOnlyAtCronInterval: true,
      maxConcurrency: '1',
      maxErrors: '0',
      complianceSeverity: 'HIGH',
      // The document's commands list, one command a line, as one script.
      parameters: { commands: pulumi.output(commands).apply((list) => ['set -euo pipefail', ...list].join('\n')), executionTimeout: '86400' },
    }, { parent: this });
    const associations: ssm.Association[] = [];
    const full = this.repository.apply((repository) => this.baseBackupCommands('full', repository) ?? []);
    associations.push(association('full-base-backup', 'full-base-backup', renderAwsBackupSchedule(this.pitr.fullBackupSchedule, 'pitr.fullBackupSchedule'), full));
    // Which archivers take differential backups is known now; only the commands wait for the repository.
    if (this.pitr.archiver === 'pgbackrest' || this.pitr.archiver === 'wal-g') {
      const diff = this.repository.apply((repository) => this.baseBackupCommands('diff', repository) ?? []);
      associations.push(association('diff-base-backup', 'diff-base-backup', renderAwsBackupSchedule(this.pitr.diffBackupSchedule, 'pitr.diffBackupSchedule'), diff));
    }
    const check = shellJoin([
      'pg-backup', 'check-archive', '--cluster', this.clusterName, '--stanza', this.clusterName, '--heartbeat', '--metrics-namespace', namespace,
      ...(this.pitr.archiver === 'pgbackrest' ? [] : ['--no-archive-get']),
    ]);
    // The metric lines go to the CloudWatch agent's embedded-metric-format listener, which turns them into metrics.
    const emf = `bash -c ${shellQuote(`runuser -u postgres -- ${check} 2>&1 >/dev/null | grep '"_aws"' > /dev/tcp/127.0.0.1/25888`)}`;
    associations.push(association('archive-check', 'archive-check', `rate(${ARCHIVE_CHECK_RATE_MINUTES} minutes)`, [emf]));
    return associations;
  }

  private alertOnFailedAssociations(name: string): void {
    const rule = new cloudwatch.EventRule(`${name}-failed-associations`, {
      description: `A scheduled base backup or archive check of ${this.clusterName} failed on a host`,
      eventPattern: pulumi.jsonStringify({
        'source': ['aws.ssm'],
        'detail-type': ['EC2 State Manager Instance Association State Change'],
        'detail': { 'association-id': this.associations.map((association) => association.associationId), 'status': ['Failed'] },
      }),
    }, { parent: this });
    new cloudwatch.EventTarget(`${name}-failed-associations-notification`, {
      rule: rule.name,
      arn: this.notificationTopicArn,
      inputTransformer: {
        inputPaths: { 'detail-association-name': '$.detail.association-name', 'detail-instance-id': '$.detail.instance-id', 'detail-detailed-status': '$.detail.detailed-status' },
        inputTemplate: `"${this.clusterName}: association <detail-association-name> failed on <detail-instance-id> (<detail-detailed-status>)"`,
      },
    }, { parent: this });
  }

  private createAlarms(name: string, namespace: string, rpoArchiveTimeouts: number): cloudwatch.MetricAlarm[] {
    const timeout = this.pitr.archiveTimeoutSeconds;
    // The heartbeat commits every minute, so a quiet server still ships a segment within a minute plus archive_timeout.
    const rpoSeconds = Math.max(rpoArchiveTimeouts * timeout, 60 + timeout);
    const rpoMinutes = Math.ceil(rpoSeconds / 60);
    const gapSeconds = ARCHIVE_CHECK_RATE_MINUTES * 60 + 2 * timeout + 300;
    const check = (metricName: string, statistic: string, periodSeconds = ARCHIVE_CHECK_RATE_MINUTES * 60): AlarmMetric => ({
      namespace, metricName, dimensions: { Database: this.clusterName }, statistic, periodSeconds,
    });
    const topicArn = this.notificationTopicArn;
    const alarms = [
      createBackupAlarm(`${name}-rpo`, {
        description: `No WAL of ${this.clusterName} reached the archive within ${rpoMinutes} minutes (${rpoArchiveTimeouts} × archive_timeout`
          + ` ${timeout} s, at least the heartbeat minute plus one): a host lost now loses more than that`,
        metric: {
          namespace: 'AWS/S3',
          metricName: 'PutRequests',
          dimensions: { BucketName: this.bucketName, FilterId: WAL_REQUEST_METRICS_FILTER_ID },
          statistic: 'Sum',
          periodSeconds: rpoMinutes * 60,
        },
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
        topicArn,
      }, this),
      createBackupAlarm(`${name}-archiver-failing`, {
        description: `archive_command of ${this.clusterName} is failing: its last attempt failed after its last success (pg_stat_archiver)`,
        metric: check(ARCHIVE_CHECK_METRIC_NAMES.failing, 'Maximum'),
        threshold: 1,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        treatMissingData: 'notBreaching',
        topicArn,
      }, this),
      createBackupAlarm(`${name}-archive-failures-growing`, {
        description: `pg_stat_archiver.failed_count of ${this.clusterName} grew since the previous check`,
        metric: {
          expression: 'DIFF(failed)',
          label: 'New archive failures',
          periodSeconds: ARCHIVE_CHECK_RATE_MINUTES * 60,
          metrics: { failed: { namespace, metricName: ARCHIVE_CHECK_METRIC_NAMES.failedCount, dimensions: { Database: this.clusterName }, statistic: 'Maximum' } },
        },
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        topicArn,
      }, this),
      createBackupAlarm(`${name}-archive-gap`, {
        description: `The last WAL segment of ${this.clusterName} was archived more than ${gapSeconds} s before a check, or no check reported: `
          + 'a silent archiver or a stopped check pages',
        metric: check(ARCHIVE_CHECK_METRIC_NAMES.secondsSinceLastArchived, 'Maximum', 3600),
        threshold: gapSeconds,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'breaching',
        topicArn,
      }, this),
    ];
    if (this.pitr.archiver === 'pgbackrest') {
      alarms.push(createBackupAlarm(`${name}-newest-wal-unreadable`, {
        description: `The newest archived WAL segment of ${this.clusterName} could not be fetched back from the archive`,
        metric: check(ARCHIVE_CHECK_METRIC_NAMES.newestWalReadable, 'Minimum'),
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'notBreaching',
        topicArn,
      }, this));
    }
    return alarms;
  }
}

/** Where the archiver writes: only the prefix decides it, so it is known before the bucket exists. */
function archiverPrefixes(archiver: PitrPolicy['archiver'], prefix: string, clusterName: string): ArchiveObjectPrefixes {
  return archiverObjectPrefixes(archiver ?? 'pgbackrest', { kind: 's3', bucket: 'unknown-yet', region: 'unknown-yet', prefix }, clusterName);
}

/** Core's WAL-archive lifecycle and the user's rules, which may not delete WAL recovery still needs. */
function archiveLifecycleRules(props: ArchivePolicyProps, pitr: PitrPolicy, prefixes: ArchiveObjectPrefixes, validator: Validator): LifecycleRule[] {
  const least = minimumWalRetentionDays(pitr);
  const rules = walArchiveLifecycleRules(pitr, least, {
    walPrefix: prefixes.wal,
    basePrefix: prefixes.base,
    walTransitions: props.walTransitions,
    baseTransitions: props.baseTransitions,
    validator,
    path: 'lifecycleRules',
  });
  const additional = props.additionalLifecycleRules ?? [];
  if (additional.length > 0) validateLifecycleRules(additional, validator, 'additionalLifecycleRules', { minimumWalRetentionDays: least, walPrefix: prefixes.wal });
  return [...rules, ...additional];
}

/** Checks the props as the CDK construct does, with the same messages. */
function checkArchiveProps(validator: Validator, props: ArchivePolicyProps): void {
  validator.include(checkPolicy({ platform: 'self-hosted', pitr: props.pitr ?? {}, immutability: props.immutability }, validator.optionsFor()));
  validator.matches('clusterName', props.clusterName ?? 'main', /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, ".", "_" and "-"');
  validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
  validator.number('rpoArchiveTimeouts', props.rpoArchiveTimeouts, 1, 1000);
  if (props.drill) {
    if ((props.pitr?.archiver ?? 'pgbackrest') !== 'pgbackrest') {
      validator.report({ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }, []);
    }
    validator.include(checkPolicy({ verification: props.drill.verification ?? {} }, validator.optionsFor(PITR_DRILL_PROP_PATHS)));
    checkFargateTaskSize(validator, { ephemeralStorageGiB: props.drill.ephemeralStorageGiB ?? 100 }, 'drill.');
  }
  // As in CDK, the lifecycle is checked once the policy itself is valid.
  if (validator.issues.length > 0 || validator.isUnresolved(props.pitr)) return;
  const pitr = resolvePitr(props.pitr ?? {});
  archiveLifecycleRules(props, pitr, archiverPrefixes(pitr.archiver, props.prefix ?? '', props.clusterName ?? 'main'), validator);
}
