import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { PitrDrill } from './pitr-drill';
import { acknowledgeAwsManagedPolicy, acknowledgeWildcards, walArchiveWildcards } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { WalArchiveBucket } from './wal-archive-bucket';
import { checkFargateTaskSize } from '../core/aws/fargate-sizes';
import { PITR_DRILL_PROP_PATHS } from '../core/policy/construct-prop-paths';
import { ResolvedPitrPolicy, resolvePitr, resolveVerification } from '../core/policy/defaults';
import { archiverObjectPrefixes } from '../core/policy/lifecycle';
import { LifecycleRule, LifecycleTransition } from '../core/policy/lifecycle-rules';
import { ImmutabilityPolicy, PitrPolicy, VerificationPolicy } from '../core/policy/policy';
import { renderAwsBackupSchedule, renderEventBridgeSchedule } from '../core/policy/schedule';
import { checkPolicy } from '../core/policy/validate-policy';
import { Validator } from '../core/policy/validation';
import { S3ArchiveRepository } from '../core/postgres/archive-repository';
import { barmanCloudBackupArgv } from '../core/postgres/barman-cloud';
import { pgBaseBackupArgv } from '../core/postgres/pg-basebackup';
import { pgBackRestBackupArgv, renderPgBackRestConf } from '../core/postgres/pgbackrest-conf';
import { renderArchiveSettings } from '../core/postgres/postgresql-conf';
import { RenderedRecoveryConf, renderRecoveryConf } from '../core/postgres/recovery-conf';
import { RecoveryTargetOptions } from '../core/postgres/recovery-target';
import { shellJoin, shellQuote } from '../core/postgres/shell-quote';
import { WalArchiverOptions } from '../core/postgres/wal-archiver';
import { renderWalGEnvironment, walGBackupPushArgv, walGDeleteRetainArgv } from '../core/postgres/wal-g';

/** How often the archive check (and its heartbeat commit) runs on the hosts: State Manager's shortest rate. */
export const ARCHIVE_CHECK_RATE_MINUTES = 30;

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
  /** The VPC the drill task runs in. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the task.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * The ECS cluster.
   * @default - a cluster is created
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Schedule (default weekly, Monday 06:00 UTC), SQL checks that must each return a single `true`, and the RTO.
   * @default - weekly, no SQL checks, RTO 60 minutes
   */
  readonly verification?: VerificationPolicy;
  /**
   * The image: `pg-backup` with the server binaries and pgBackRest of `postgresMajorVersion`.
   * @default - built from the package's runner-image/Dockerfile
   */
  readonly image?: ecs.ContainerImage;
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
   * @default '/etc/postgresql/<major>/main/conf.d/50-wal-archive.conf' (Debian's `include_dir = 'conf.d'`)
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
   * More lifecycle rules; one that would break recovery fails synthesis.
   * @default - none
   */
  readonly additionalLifecycleRules?: LifecycleRule[];
  /**
   * The KMS key of the archive.
   * @default - a key is created
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Where alarms go.
   * @default - an encrypted topic is created
   */
  readonly notificationTopic?: sns.ITopic;
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
   * What happens to the bucket and key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to
 * any moment of the window: the archive bucket with core's lifecycle, host access, the rendered `postgresql.conf`
 * archive block and archiver configuration in SSM parameters with a user-data snippet, scheduled full and differential
 * base backups through State Manager, the archiver health check on the hosts, alarms (RPO on the WAL prefix, archiver
 * failures, failed backups) and an optional scheduled PITR drill.
 */
export class SelfHostedPitrArchive extends Construct {
  /** The archive bucket. */
  public readonly archive: WalArchiveBucket;
  /** The bucket. */
  public readonly bucket: WalArchiveBucket['bucket'];
  /** The policy with its defaults. */
  public readonly pitr: ResolvedPitrPolicy;
  /** The cluster name (stanza). */
  public readonly clusterName: string;
  /** The repository the configuration names. */
  public readonly repository: S3ArchiveRepository;
  /** The `postgresql.conf` block that turns archiving on. */
  public readonly postgresqlConf: string;
  /** The archiver's configuration file (`pgbackrest.conf`, or WAL-G's `.env`), when it has one. */
  public readonly archiverConf?: string;
  /** Where the archiver's configuration file goes on the hosts. */
  public readonly archiverConfPath?: string;
  /** SSM parameter holding `postgresqlConf`. */
  public readonly postgresqlConfParameter: ssm.StringParameter;
  /** SSM parameter holding `archiverConf`. */
  public readonly archiverConfParameter?: ssm.StringParameter;
  /** The topic alarms go to. */
  public readonly notificationTopic: sns.ITopic;
  /** The instance role, when created. */
  public readonly instanceRole?: iam.Role;
  /** Its instance profile. */
  public readonly instanceProfile?: iam.InstanceProfile;
  /** The State Manager associations: full and differential base backups, archive check. */
  public readonly associations: readonly ssm.CfnAssociation[];
  /** Alarms: RPO, archiver failing, failures growing, archive gap, newest WAL unreadable. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The drill, when configured. */
  public readonly drill?: PitrDrill;
  private readonly archiverOptions: WalArchiverOptions;
  private readonly dataDirectory: string;
  private readonly postgresqlConfFile: string;

  constructor(scope: Construct, id: string, props: SelfHostedPitrArchiveProps) {
    super(scope, id);
    const validator = new Validator(cdkValidationOptions(this));
    const pitrInput = props.pitr ?? {};
    validator.include(checkPolicy({ platform: 'self-hosted', pitr: pitrInput, immutability: props.immutability }, CDK_VALIDATION_OPTIONS));
    this.clusterName = props.clusterName ?? 'main';
    validator.matches('clusterName', this.clusterName, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, ".", "_" and "-"');
    validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
    validator.number('rpoArchiveTimeouts', props.rpoArchiveTimeouts, 1, 1000);
    const archiver = pitrInput.archiver ?? 'pgbackrest';
    if (props.drill) {
      if (archiver !== 'pgbackrest') {
        validator.report({ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }, []);
      }
      validator.include(checkPolicy({ verification: props.drill.verification ?? {} }, cdkValidationOptions(this, PITR_DRILL_PROP_PATHS)));
      checkFargateTaskSize(validator, { ephemeralStorageGiB: props.drill.ephemeralStorageGiB ?? 100 }, 'drill.');
    }
    validator.throwIfInvalid();

    this.pitr = resolvePitr(pitrInput, CDK_VALIDATION_OPTIONS);
    this.dataDirectory = props.dataDirectory ?? `/var/lib/postgresql/${props.postgresMajorVersion}/main`;
    this.postgresqlConfFile = props.postgresqlConfFile ?? `/etc/postgresql/${props.postgresMajorVersion}/main/conf.d/50-wal-archive.conf`;
    const prefix = props.prefix ?? '';
    // Only the prefix decides where an archiver writes; bucket and region are known once the bucket exists.
    const prefixes = archiverObjectPrefixes(archiver, { kind: 's3', bucket: 'unknown-yet', region: 'unknown-yet', prefix }, this.clusterName);
    this.archive = new WalArchiveBucket(this, 'Archive', {
      pitr: this.pitr,
      prefixes,
      objectLock: props.immutability,
      walTransitions: props.walTransitions,
      baseTransitions: props.baseTransitions,
      additionalLifecycleRules: props.additionalLifecycleRules,
      encryptionKey: props.encryptionKey,
      removalPolicy: props.removalPolicy,
      validator,
    });
    validator.throwIfInvalid();
    this.bucket = this.archive.bucket;
    this.repository = {
      kind: 's3',
      bucket: this.bucket.bucketName,
      region: Stack.of(this).region,
      ...(prefix ? { prefix } : {}),
      kmsKeyArn: this.archive.encryptionKey.keyArn,
    };
    this.archiverOptions = {
      repository: this.repository,
      pitr: this.pitr,
      pgBackRest: { stanza: this.clusterName },
      barmanCloud: { serverName: this.clusterName },
    };
    this.postgresqlConf = renderArchiveSettings(this.archiverOptions, CDK_VALIDATION_OPTIONS).text;
    if (archiver === 'pgbackrest') {
      this.archiverConf = renderPgBackRestConf({
        stanza: this.clusterName, repository: this.repository, pitr: this.pitr, pgPath: this.dataDirectory, pgPort: props.pgPort,
      }, CDK_VALIDATION_OPTIONS).text;
      this.archiverConfPath = '/etc/pgbackrest/pgbackrest.conf';
    } else if (archiver === 'wal-g') {
      this.archiverConf = renderWalGEnvironment({ repository: this.repository, pgPort: props.pgPort }, CDK_VALIDATION_OPTIONS).text;
      this.archiverConfPath = '/etc/wal-g/wal-g.env';
    }

    const parameterRoot = `/postgres-backup/${this.clusterName}`;
    this.postgresqlConfParameter = new ssm.StringParameter(this, 'PostgresqlConf', {
      parameterName: `${parameterRoot}/postgresql.conf`,
      description: 'postgresql.conf block that archives WAL (rendered by postgres-backup-constructs)',
      stringValue: this.postgresqlConf,
    });
    if (this.archiverConf !== undefined) {
      this.archiverConfParameter = new ssm.StringParameter(this, 'ArchiverConf', {
        parameterName: `${parameterRoot}/${archiver === 'pgbackrest' ? 'pgbackrest.conf' : 'wal-g.env'}`,
        description: `${archiver} configuration of the WAL archive (rendered by postgres-backup-constructs)`,
        stringValue: this.archiverConf,
      });
    }
    new CfnOutput(this, 'PostgresqlConfParameterName', { value: this.postgresqlConfParameter.parameterName });
    if (this.archiverConfParameter) new CfnOutput(this, 'ArchiverConfParameterName', { value: this.archiverConfParameter.parameterName });

    this.notificationTopic = props.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    if (props.createInstanceRole) {
      this.instanceRole = new iam.Role(this, 'InstanceRole', {
        assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
        description: `Database hosts of ${this.clusterName}: archive WAL and base backups, SSM management, CloudWatch agent`,
        managedPolicies: [
          iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
          iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
        ],
      });
      acknowledgeAwsManagedPolicy(this.instanceRole, 'AmazonSSMManagedInstanceCore');
      acknowledgeAwsManagedPolicy(this.instanceRole, 'CloudWatchAgentServerPolicy');
      this.grantArchive(this.instanceRole);
      acknowledgeWildcards(this.instanceRole, walArchiveWildcards(this.archive.objectArns(), 'archive', this.pitr.expireBy === 'archiver'));
      this.grantReadConfiguration(this.instanceRole);
      this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.instanceRole });
    }

    const hostTag = props.hostTag ?? { key: 'postgres-backup:pitr-archive', value: this.clusterName };
    const namespace = props.metricNamespace ?? 'PostgresBackup';
    this.associations = this.createAssociations(hostTag, namespace);
    this.alertOnFailedAssociations();
    this.alarms = this.createAlarms(namespace, props.rpoArchiveTimeouts ?? 3);

    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      kind: 'wal-archive',
      databaseNames: [this.clusterName],
      archiver: this.pitr.archiver,
      windowDays: this.pitr.windowDays,
      archiveTimeoutSeconds: this.pitr.archiveTimeoutSeconds,
      schedule: `full ${renderAwsBackupSchedule(this.pitr.fullBackupSchedule)}, diff ${renderAwsBackupSchedule(this.pitr.diffBackupSchedule)}`,
      prefix: prefixes.wal,
      retentionDays: this.pitr.walRetentionDays,
      expireBy: this.pitr.expireBy,
      objectLock: props.immutability ? `${props.immutability.mode ?? 'governance'} ${props.immutability.days} days` : undefined,
    });

    if (props.drill) {
      const drillConf = renderPgBackRestConf({
        stanza: this.clusterName, repository: this.repository, pitr: this.pitr, pgPath: '/tmp/pitr-drill/data', archiveAsync: false,
      }, CDK_VALIDATION_OPTIONS).text;
      this.drill = new PitrDrill(this, 'Drill', {
        vpc: props.drill.vpc,
        vpcSubnets: props.drill.vpcSubnets,
        cluster: props.drill.cluster,
        databaseName: this.clusterName,
        stanza: this.clusterName,
        pgBackRestConf: drillConf,
        verification: resolveVerification(props.drill.verification ?? {}),
        // The heartbeat commits every minute; archive_timeout ships it; then a margin for the upload.
        archiveWaitSeconds: 60 + 2 * this.pitr.archiveTimeoutSeconds + 60,
        postgresMajorVersion: props.postgresMajorVersion,
        image: props.drill.image,
        ephemeralStorageGiB: props.drill.ephemeralStorageGiB,
        notificationTopic: this.notificationTopic,
        grantRestore: (grantee) => this.grantRestore(grantee),
        metricNamespace: namespace,
      });
      acknowledgeWildcards(this.drill.taskDefinition.taskRole, walArchiveWildcards(this.archive.objectArns(), 'restore'));
      const verification = resolveVerification(props.drill.verification ?? {});
      const drillSchedule = renderEventBridgeSchedule(verification.schedule, 'drill.verification.schedule');
      this.drill.node.addMetadata(PROTECTION_METADATA_TYPE, {
        kind: 'pitr-drill',
        databaseNames: [this.clusterName],
        schedule: `${drillSchedule.scheduleExpression} ${drillSchedule.scheduleExpressionTimezone}`,
        rtoMinutes: verification.maxRestoreDurationMinutes,
        checks: verification.checks.length,
      });
    }
  }

  /**
   * Lets a host archive: put WAL and base backups (and read them, as archivers check what is there), use the key, and
   * — when the archiver expires its own backups (`expireBy: 'archiver'`) — delete under the archive prefixes; nothing
   * else may delete (a bucket-policy Deny).
   */
  public grantArchive(grantee: iam.IGrantable): void {
    this.archive.grantArchive(grantee, this.pitr.expireBy === 'archiver');
  }

  /** Lets `grantee` read the archive (restores and drills): get and list, decrypt. */
  public grantRestore(grantee: iam.IGrantable): void {
    this.archive.grantRestore(grantee);
  }

  /** Lets `grantee` read the rendered configuration parameters. */
  public grantReadConfiguration(grantee: iam.IGrantable): void {
    this.postgresqlConfParameter.grantRead(grantee);
    this.archiverConfParameter?.grantRead(grantee);
  }

  /**
   * The recovery settings of a restore to `target` on a host (core's renderer with this archive's repository and
   * archiver): `restore_command`, the target, and the `recovery.signal` step.
   */
  public recoveryConf(target: RecoveryTargetOptions): RenderedRecoveryConf {
    return renderRecoveryConf({ ...this.archiverOptions, ...target, dataDirectory: this.dataDirectory }, CDK_VALIDATION_OPTIONS);
  }

  /**
   * Shell commands for EC2 user data (run as root): install the archiver, write its configuration and the archive
   * block from the SSM parameters, a heartbeat timer that commits an empty transaction every minute so a quiet
   * server still ships a segment within `archive_timeout` (which the drill and the RPO alarm rely on), and the
   * CloudWatch agent's embedded-metric listener the archive check reports through. The host needs the AWS CLI, the
   * CloudWatch agent and `pg-backup` (`npm install -g postgres-backup-constructs`, Node 20 or later) installed.
   */
  public userDataCommands(): string[] {
    const region = Stack.of(this).region;
    const fetch = (parameter: ssm.StringParameter, file: string, owner: string) => [
      `install -d -o ${owner} -m 0750 ${shellQuote(file.replace(/\/[^/]+$/, ''))}`,
      `aws ssm get-parameter --region ${region} --name ${parameter.parameterName} --query Parameter.Value --output text > ${shellQuote(file)}`,
      `chown ${owner}: ${shellQuote(file)} && chmod 0640 ${shellQuote(file)}`,
    ];
    const install = this.pitr.archiver === 'pgbackrest' ? ['(dnf install -y pgbackrest || apt-get install -y pgbackrest)']
      : this.pitr.archiver === 'barman-cloud' ? ['(dnf install -y barman-cli-cloud || apt-get install -y barman-cli-cloud)'] : [];
    return [
      'set -euo pipefail',
      ...install,
      ...(this.archiverConfParameter && this.archiverConfPath ? fetch(this.archiverConfParameter, this.archiverConfPath, 'postgres') : []),
      ...fetch(this.postgresqlConfParameter, this.postgresqlConfFile, 'postgres'),
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

  /** Adds {@link userDataCommands} to an instance's user data. */
  public addToUserData(userData: ec2.UserData): void {
    userData.addCommands(...this.userDataCommands());
  }

  private baseBackupCommands(type: 'full' | 'diff'): string[] | undefined {
    const asPostgres = (argv: string[]) => `runuser -u postgres -- ${shellJoin(argv)}`;
    switch (this.pitr.archiver) {
      case 'pgbackrest':
        // pgBackRest expires past retention-full after each backup unless expire-auto=n (lifecycle expiry).
        return [asPostgres(pgBackRestBackupArgv({ stanza: this.clusterName }, type, CDK_VALIDATION_OPTIONS))];
      case 'wal-g':
        return [
          asPostgres(walGBackupPushArgv({}, this.dataDirectory, type === 'full', CDK_VALIDATION_OPTIONS)),
          ...(type === 'full' && this.pitr.expireBy === 'archiver' ? [asPostgres(walGDeleteRetainArgv({}, this.pitr.retainFull, CDK_VALIDATION_OPTIONS))] : []),
        ];
      case 'barman-cloud':
        return type === 'full' ? [asPostgres(barmanCloudBackupArgv({ repository: this.repository, serverName: this.clusterName }, {}, CDK_VALIDATION_OPTIONS))] : undefined;
      case 'archive-command': {
        if (type === 'diff') return undefined;
        const base = archiverObjectPrefixes('archive-command', this.repository).base;
        return [
          'work=$(mktemp -d) && chown postgres: "$work" && trap \'rm -rf "$work"\' EXIT',
          asPostgres(pgBaseBackupArgv({ targetDirectory: '/PGBACKUP_WORK/backup', progress: false }, CDK_VALIDATION_OPTIONS)).replace('/PGBACKUP_WORK', '"$work"'),
          `aws s3 cp --recursive --only-show-errors "$work/backup" "s3://${this.repository.bucket}/${base}$(date -u +%Y%m%dT%H%M%SZ)/" --sse aws:kms --sse-kms-key-id ${this.repository.kmsKeyArn}`,
        ];
      }
    }
  }

  private createAssociations(tag: PitrHostTag, namespace: string): ssm.CfnAssociation[] {
    const targets = [{ key: `tag:${tag.key}`, values: [tag.value] }];
    const association = (id: string, name: string, schedule: string, commands: string[]) => new ssm.CfnAssociation(this, id, {
      name: 'AWS-RunShellScript',
      associationName: `${this.clusterName}-${name}`.slice(0, 128),
      targets,
      scheduleExpression: schedule,
      applyOnlyAtCronInterval: true,
      maxConcurrency: '1',
      maxErrors: '0',
      complianceSeverity: 'HIGH',
      parameters: { commands: ['set -euo pipefail', ...commands], executionTimeout: ['86400'] },
    });
    const associations: ssm.CfnAssociation[] = [];
    const full = this.baseBackupCommands('full');
    if (full) associations.push(association('FullBaseBackup', 'full-base-backup', renderAwsBackupSchedule(this.pitr.fullBackupSchedule, 'pitr.fullBackupSchedule'), full));
    const diff = this.baseBackupCommands('diff');
    if (diff) associations.push(association('DiffBaseBackup', 'diff-base-backup', renderAwsBackupSchedule(this.pitr.diffBackupSchedule, 'pitr.diffBackupSchedule'), diff));
    const check = shellJoin([
      'pg-backup', 'check-archive', '--cluster', this.clusterName, '--stanza', this.clusterName, '--heartbeat', '--metrics-namespace', namespace,
      ...(this.pitr.archiver === 'pgbackrest' ? [] : ['--no-archive-get']),
    ]);
    // The metric lines go to the CloudWatch agent's embedded-metric-format listener, which turns them into metrics.
    const emf = `bash -c ${shellQuote(`runuser -u postgres -- ${check} 2>&1 >/dev/null | grep '"_aws"' > /dev/tcp/127.0.0.1/25888`)}`;
    associations.push(association('ArchiveCheck', 'archive-check', `rate(${ARCHIVE_CHECK_RATE_MINUTES} minutes)`, [emf]));
    return associations;
  }

  private alertOnFailedAssociations(): void {
    const rule = new events.Rule(this, 'FailedAssociationRule', {
      description: `A scheduled base backup or archive check of ${this.clusterName} failed on a host`,
      eventPattern: {
        source: ['aws.ssm'],
        detailType: ['EC2 State Manager Instance Association State Change'],
        detail: { 'association-id': this.associations.map((association) => association.attrAssociationId), 'status': ['Failed'] },
      },
    });
    rule.addTarget(new eventsTargets.SnsTopic(this.notificationTopic, {
      message: events.RuleTargetInput.fromText(
        `${this.clusterName}: association ${events.EventField.fromPath('$.detail.association-name')} failed on ${events.EventField.fromPath('$.detail.instance-id')}`
        + ` (${events.EventField.fromPath('$.detail.detailed-status')})`),
    }));
  }

  private checkMetric(metricName: string, namespace: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace, metricName, dimensionsMap: { Database: this.clusterName }, statistic, period: Duration.minutes(ARCHIVE_CHECK_RATE_MINUTES),
    });
  }

  private createAlarms(namespace: string, rpoArchiveTimeouts: number): cloudwatch.Alarm[] {
    const timeout = this.pitr.archiveTimeoutSeconds;
    // The heartbeat commits every minute, so a quiet server still ships a segment within a minute plus archive_timeout.
    const rpoSeconds = Math.max(rpoArchiveTimeouts * timeout, 60 + timeout);
    const rpoPeriod = Duration.minutes(Math.ceil(rpoSeconds / 60));
    const gapSeconds = ARCHIVE_CHECK_RATE_MINUTES * 60 + 2 * timeout + 300;
    const alarm = (id: string, props: cloudwatch.AlarmProps) => new cloudwatch.Alarm(this, id, props);
    const alarms = [
      alarm('RpoAlarm', {
        alarmDescription: `No WAL of ${this.clusterName} reached the archive within ${rpoPeriod.toMinutes()} minutes (${rpoArchiveTimeouts} × archive_timeout`
          + ` ${timeout} s, at least the heartbeat minute plus one): a host lost now loses more than that`,
        metric: this.archive.metricWalPutRequests(rpoPeriod),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      alarm('ArchiverFailingAlarm', {
        alarmDescription: `archive_command of ${this.clusterName} is failing: its last attempt failed after its last success (pg_stat_archiver)`,
        metric: this.checkMetric(ARCHIVE_CHECK_METRIC_NAMES.failing, namespace, 'Maximum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('ArchiveFailuresGrowingAlarm', {
        alarmDescription: `pg_stat_archiver.failed_count of ${this.clusterName} grew since the previous check`,
        metric: new cloudwatch.MathExpression({
          expression: 'DIFF(failed)',
          usingMetrics: { failed: this.checkMetric(ARCHIVE_CHECK_METRIC_NAMES.failedCount, namespace, 'Maximum') },
          label: 'New archive failures',
          period: Duration.minutes(ARCHIVE_CHECK_RATE_MINUTES),
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      alarm('ArchiveGapAlarm', {
        alarmDescription: `The last WAL segment of ${this.clusterName} was archived more than ${gapSeconds} s before a check, or no check reported: `
          + 'a silent archiver or a stopped check pages',
        metric: this.checkMetric(ARCHIVE_CHECK_METRIC_NAMES.secondsSinceLastArchived, namespace, 'Maximum').with({ period: Duration.hours(1) }),
        threshold: gapSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      }),
      ...(this.pitr.archiver === 'pgbackrest' ? [alarm('NewestWalUnreadableAlarm', {
        alarmDescription: `The newest archived WAL segment of ${this.clusterName} could not be fetched back from the archive`,
        metric: this.checkMetric(ARCHIVE_CHECK_METRIC_NAMES.newestWalReadable, namespace, 'Minimum'),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      })] : []),
    ];
    const action = new cloudwatchActions.SnsAction(this.notificationTopic);
    alarms.forEach((entry) => {
      entry.addAlarmAction(action);
      entry.addOkAction(action);
    });
    return alarms;
  }
}
