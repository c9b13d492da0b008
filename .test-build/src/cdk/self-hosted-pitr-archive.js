"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.SelfHostedPitrArchive = exports.ARCHIVE_CHECK_METRIC_NAMES = exports.ARCHIVE_CHECK_RATE_MINUTES = void 0;
const aws_cdk_lib_1 = require("aws-cdk-lib");
const cloudwatch = __importStar(require("aws-cdk-lib/aws-cloudwatch"));
const cloudwatchActions = __importStar(require("aws-cdk-lib/aws-cloudwatch-actions"));
const events = __importStar(require("aws-cdk-lib/aws-events"));
const eventsTargets = __importStar(require("aws-cdk-lib/aws-events-targets"));
const iam = __importStar(require("aws-cdk-lib/aws-iam"));
const ssm = __importStar(require("aws-cdk-lib/aws-ssm"));
const constructs_1 = require("constructs");
const backup_notifications_1 = require("./backup-notifications");
const cdk_validation_1 = require("./cdk-validation");
const pitr_drill_1 = require("./pitr-drill");
const reviewed_findings_1 = require("./reviewed-findings");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const wal_archive_bucket_1 = require("./wal-archive-bucket");
const barman_cloud_1 = require("../core/barman-cloud");
const construct_prop_paths_1 = require("../core/construct-prop-paths");
const defaults_1 = require("../core/defaults");
const fargate_sizes_1 = require("../core/fargate-sizes");
const lifecycle_1 = require("../core/lifecycle");
const pg_basebackup_1 = require("../core/pg-basebackup");
const pgbackrest_conf_1 = require("../core/pgbackrest-conf");
const postgresql_conf_1 = require("../core/postgresql-conf");
const recovery_conf_1 = require("../core/recovery-conf");
const schedule_1 = require("../core/schedule");
const shell_quote_1 = require("../core/shell-quote");
const validate_policy_1 = require("../core/validate-policy");
const validation_1 = require("../core/validation");
const wal_g_1 = require("../core/wal-g");
/** How often the archive check (and its heartbeat commit) runs on the hosts: State Manager's shortest rate. */
exports.ARCHIVE_CHECK_RATE_MINUTES = 30;
/** The metrics `pg-backup check-archive` writes (namespace and `Database` dimension of the archive). */
exports.ARCHIVE_CHECK_METRIC_NAMES = {
    failedCount: 'ArchiveFailedCount',
    failing: 'ArchiveFailing',
    secondsSinceLastArchived: 'SecondsSinceLastArchivedWal',
    newestWalReadable: 'NewestArchivedWalReadable',
};
/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to
 * any moment of the window: the archive bucket with core's lifecycle, host access, the rendered `postgresql.conf`
 * archive block and archiver configuration in SSM parameters with a user-data snippet, scheduled full and differential
 * base backups through State Manager, the archiver health check on the hosts, alarms (RPO on the WAL prefix, archiver
 * failures, failed backups) and an optional scheduled PITR drill.
 */
class SelfHostedPitrArchive extends constructs_1.Construct {
    /** The archive bucket. */
    archive;
    /** The bucket. */
    bucket;
    /** The policy with its defaults. */
    pitr;
    /** The cluster name (stanza). */
    clusterName;
    /** The repository the configuration names. */
    repository;
    /** The `postgresql.conf` block that turns archiving on. */
    postgresqlConf;
    /** The archiver's configuration file (`pgbackrest.conf`, or WAL-G's `.env`), when it has one. */
    archiverConf;
    /** Where the archiver's configuration file goes on the hosts. */
    archiverConfPath;
    /** SSM parameter holding `postgresqlConf`. */
    postgresqlConfParameter;
    /** SSM parameter holding `archiverConf`. */
    archiverConfParameter;
    /** The topic alarms go to. */
    notificationTopic;
    /** The instance role, when created. */
    instanceRole;
    /** Its instance profile. */
    instanceProfile;
    /** The State Manager associations: full and differential base backups, archive check. */
    associations;
    /** Alarms: RPO, archiver failing, failures growing, archive gap, newest WAL unreadable. */
    alarms;
    /** The drill, when configured. */
    drill;
    archiverOptions;
    dataDirectory;
    postgresqlConfFile;
    constructor(scope, id, props) {
        super(scope, id);
        const validator = new validation_1.Validator((0, cdk_validation_1.cdkValidationOptions)(this));
        const pitrInput = props.pitr ?? {};
        validator.include((0, validate_policy_1.checkPolicy)({ platform: 'self-hosted', pitr: pitrInput, immutability: props.immutability }, cdk_validation_1.CDK_VALIDATION_OPTIONS));
        this.clusterName = props.clusterName ?? 'main';
        validator.matches('clusterName', this.clusterName, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, ".", "_" and "-"');
        validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
        validator.number('rpoArchiveTimeouts', props.rpoArchiveTimeouts, 1, 1000);
        const archiver = pitrInput.archiver ?? 'pgbackrest';
        if (props.drill) {
            if (archiver !== 'pgbackrest') {
                validator.report({ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }, []);
            }
            validator.include((0, validate_policy_1.checkPolicy)({ verification: props.drill.verification ?? {} }, (0, cdk_validation_1.cdkValidationOptions)(this, construct_prop_paths_1.PITR_DRILL_PROP_PATHS)));
            (0, fargate_sizes_1.checkFargateTaskSize)(validator, { ephemeralStorageGiB: props.drill.ephemeralStorageGiB ?? 100 }, 'drill.');
        }
        validator.throwIfInvalid();
        this.pitr = (0, defaults_1.resolvePitr)(pitrInput, cdk_validation_1.CDK_VALIDATION_OPTIONS);
        this.dataDirectory = props.dataDirectory ?? `/var/lib/postgresql/${props.postgresMajorVersion}/main`;
        this.postgresqlConfFile = props.postgresqlConfFile ?? `/etc/postgresql/${props.postgresMajorVersion}/main/conf.d/50-wal-archive.conf`;
        const prefix = props.prefix ?? '';
        // Only the prefix decides where an archiver writes; bucket and region are known once the bucket exists.
        const prefixes = (0, lifecycle_1.archiverObjectPrefixes)(archiver, { kind: 's3', bucket: 'unknown-yet', region: 'unknown-yet', prefix }, this.clusterName);
        this.archive = new wal_archive_bucket_1.WalArchiveBucket(this, 'Archive', {
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
            region: aws_cdk_lib_1.Stack.of(this).region,
            ...(prefix ? { prefix } : {}),
            kmsKeyArn: this.archive.encryptionKey.keyArn,
        };
        this.archiverOptions = {
            repository: this.repository,
            pitr: this.pitr,
            pgBackRest: { stanza: this.clusterName },
            barmanCloud: { serverName: this.clusterName },
        };
        this.postgresqlConf = (0, postgresql_conf_1.renderArchiveSettings)(this.archiverOptions, cdk_validation_1.CDK_VALIDATION_OPTIONS).text;
        if (archiver === 'pgbackrest') {
            this.archiverConf = (0, pgbackrest_conf_1.renderPgBackRestConf)({
                stanza: this.clusterName, repository: this.repository, pitr: this.pitr, pgPath: this.dataDirectory, pgPort: props.pgPort,
            }, cdk_validation_1.CDK_VALIDATION_OPTIONS).text;
            this.archiverConfPath = '/etc/pgbackrest/pgbackrest.conf';
        }
        else if (archiver === 'wal-g') {
            this.archiverConf = (0, wal_g_1.renderWalGEnvironment)({ repository: this.repository, pgPort: props.pgPort }, cdk_validation_1.CDK_VALIDATION_OPTIONS).text;
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
        new aws_cdk_lib_1.CfnOutput(this, 'PostgresqlConfParameterName', { value: this.postgresqlConfParameter.parameterName });
        if (this.archiverConfParameter)
            new aws_cdk_lib_1.CfnOutput(this, 'ArchiverConfParameterName', { value: this.archiverConfParameter.parameterName });
        this.notificationTopic = props.notificationTopic ?? new backup_notifications_1.BackupNotifications(this, 'Notifications').topic;
        if (props.createInstanceRole) {
            this.instanceRole = new iam.Role(this, 'InstanceRole', {
                assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
                description: `Database hosts of ${this.clusterName}: archive WAL and base backups, SSM management, CloudWatch agent`,
                managedPolicies: [
                    iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
                    iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
                ],
            });
            (0, reviewed_findings_1.acknowledgeAwsManagedPolicy)(this.instanceRole, 'AmazonSSMManagedInstanceCore');
            (0, reviewed_findings_1.acknowledgeAwsManagedPolicy)(this.instanceRole, 'CloudWatchAgentServerPolicy');
            this.grantArchive(this.instanceRole);
            (0, reviewed_findings_1.acknowledgeWildcards)(this.instanceRole, (0, reviewed_findings_1.walArchiveWildcards)(this.archive.objectArns(), 'archive', this.pitr.expireBy === 'archiver'));
            this.grantReadConfiguration(this.instanceRole);
            this.instanceProfile = new iam.InstanceProfile(this, 'InstanceProfile', { role: this.instanceRole });
        }
        const hostTag = props.hostTag ?? { key: 'postgres-backup:pitr-archive', value: this.clusterName };
        const namespace = props.metricNamespace ?? 'PostgresBackup';
        this.associations = this.createAssociations(hostTag, namespace);
        this.alertOnFailedAssociations();
        this.alarms = this.createAlarms(namespace, props.rpoArchiveTimeouts ?? 3);
        this.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
            kind: 'wal-archive',
            databaseNames: [this.clusterName],
            archiver: this.pitr.archiver,
            windowDays: this.pitr.windowDays,
            archiveTimeoutSeconds: this.pitr.archiveTimeoutSeconds,
            schedule: `full ${(0, schedule_1.renderAwsBackupSchedule)(this.pitr.fullBackupSchedule)}, diff ${(0, schedule_1.renderAwsBackupSchedule)(this.pitr.diffBackupSchedule)}`,
            prefix: prefixes.wal,
            retentionDays: this.pitr.walRetentionDays,
            expireBy: this.pitr.expireBy,
            objectLock: props.immutability ? `${props.immutability.mode ?? 'governance'} ${props.immutability.days} days` : undefined,
        });
        if (props.drill) {
            const drillConf = (0, pgbackrest_conf_1.renderPgBackRestConf)({
                stanza: this.clusterName, repository: this.repository, pitr: this.pitr, pgPath: '/tmp/pitr-drill/data', archiveAsync: false,
            }, cdk_validation_1.CDK_VALIDATION_OPTIONS).text;
            this.drill = new pitr_drill_1.PitrDrill(this, 'Drill', {
                vpc: props.drill.vpc,
                vpcSubnets: props.drill.vpcSubnets,
                cluster: props.drill.cluster,
                databaseName: this.clusterName,
                stanza: this.clusterName,
                pgBackRestConf: drillConf,
                verification: (0, defaults_1.resolveVerification)(props.drill.verification ?? {}),
                // The heartbeat commits every minute; archive_timeout ships it; then a margin for the upload.
                archiveWaitSeconds: 60 + 2 * this.pitr.archiveTimeoutSeconds + 60,
                postgresMajorVersion: props.postgresMajorVersion,
                image: props.drill.image,
                ephemeralStorageGiB: props.drill.ephemeralStorageGiB,
                notificationTopic: this.notificationTopic,
                grantRestore: (grantee) => this.grantRestore(grantee),
                metricNamespace: namespace,
            });
            (0, reviewed_findings_1.acknowledgeWildcards)(this.drill.taskDefinition.taskRole, (0, reviewed_findings_1.walArchiveWildcards)(this.archive.objectArns(), 'restore'));
            const verification = (0, defaults_1.resolveVerification)(props.drill.verification ?? {});
            const drillSchedule = (0, schedule_1.renderEventBridgeSchedule)(verification.schedule, 'drill.verification.schedule');
            this.drill.node.addMetadata(scheduled_pg_dump_1.PROTECTION_METADATA_TYPE, {
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
    grantArchive(grantee) {
        this.archive.grantArchive(grantee, this.pitr.expireBy === 'archiver');
    }
    /** Lets `grantee` read the archive (restores and drills): get and list, decrypt. */
    grantRestore(grantee) {
        this.archive.grantRestore(grantee);
    }
    /** Lets `grantee` read the rendered configuration parameters. */
    grantReadConfiguration(grantee) {
        this.postgresqlConfParameter.grantRead(grantee);
        this.archiverConfParameter?.grantRead(grantee);
    }
    /**
     * The recovery settings of a restore to `target` on a host (core's renderer with this archive's repository and
     * archiver): `restore_command`, the target, and the `recovery.signal` step.
     */
    recoveryConf(target) {
        return (0, recovery_conf_1.renderRecoveryConf)({ ...this.archiverOptions, ...target, dataDirectory: this.dataDirectory }, cdk_validation_1.CDK_VALIDATION_OPTIONS);
    }
    /**
     * Shell commands for EC2 user data (run as root): install the archiver, write its configuration and the archive
     * block from the SSM parameters, a heartbeat timer that commits an empty transaction every minute so a quiet
     * server still ships a segment within `archive_timeout` (which the drill and the RPO alarm rely on), and the
     * CloudWatch agent's embedded-metric listener the archive check reports through. The host needs the AWS CLI, the
     * CloudWatch agent and `pg-backup` (`npm install -g postgres-backup-constructs`, Node 20 or later) installed.
     */
    userDataCommands() {
        const region = aws_cdk_lib_1.Stack.of(this).region;
        const fetch = (parameter, file, owner) => [
            `install -d -o ${owner} -m 0750 ${(0, shell_quote_1.shellQuote)(file.replace(/\/[^/]+$/, ''))}`,
            `aws ssm get-parameter --region ${region} --name ${parameter.parameterName} --query Parameter.Value --output text > ${(0, shell_quote_1.shellQuote)(file)}`,
            `chown ${owner}: ${(0, shell_quote_1.shellQuote)(file)} && chmod 0640 ${(0, shell_quote_1.shellQuote)(file)}`,
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
    addToUserData(userData) {
        userData.addCommands(...this.userDataCommands());
    }
    baseBackupCommands(type) {
        const asPostgres = (argv) => `runuser -u postgres -- ${(0, shell_quote_1.shellJoin)(argv)}`;
        switch (this.pitr.archiver) {
            case 'pgbackrest':
                // pgBackRest expires past retention-full after each backup unless expire-auto=n (lifecycle expiry).
                return [asPostgres((0, pgbackrest_conf_1.pgBackRestBackupArgv)({ stanza: this.clusterName }, type, cdk_validation_1.CDK_VALIDATION_OPTIONS))];
            case 'wal-g':
                return [
                    asPostgres((0, wal_g_1.walGBackupPushArgv)({}, this.dataDirectory, type === 'full', cdk_validation_1.CDK_VALIDATION_OPTIONS)),
                    ...(type === 'full' && this.pitr.expireBy === 'archiver' ? [asPostgres((0, wal_g_1.walGDeleteRetainArgv)({}, this.pitr.retainFull, cdk_validation_1.CDK_VALIDATION_OPTIONS))] : []),
                ];
            case 'barman-cloud':
                return type === 'full' ? [asPostgres((0, barman_cloud_1.barmanCloudBackupArgv)({ repository: this.repository, serverName: this.clusterName }, {}, cdk_validation_1.CDK_VALIDATION_OPTIONS))] : undefined;
            case 'archive-command': {
                if (type === 'diff')
                    return undefined;
                const base = (0, lifecycle_1.archiverObjectPrefixes)('archive-command', this.repository).base;
                return [
                    'work=$(mktemp -d) && chown postgres: "$work" && trap \'rm -rf "$work"\' EXIT',
                    asPostgres((0, pg_basebackup_1.pgBaseBackupArgv)({ targetDirectory: '/PGBACKUP_WORK/backup', progress: false }, cdk_validation_1.CDK_VALIDATION_OPTIONS)).replace('/PGBACKUP_WORK', '"$work"'),
                    `aws s3 cp --recursive --only-show-errors "$work/backup" "s3://${this.repository.bucket}/${base}$(date -u +%Y%m%dT%H%M%SZ)/" --sse aws:kms --sse-kms-key-id ${this.repository.kmsKeyArn}`,
                ];
            }
        }
    }
    createAssociations(tag, namespace) {
        const targets = [{ key: `tag:${tag.key}`, values: [tag.value] }];
        const association = (id, name, schedule, commands) => new ssm.CfnAssociation(this, id, {
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
        const associations = [];
        const full = this.baseBackupCommands('full');
        if (full)
            associations.push(association('FullBaseBackup', 'full-base-backup', (0, schedule_1.renderAwsBackupSchedule)(this.pitr.fullBackupSchedule, 'pitr.fullBackupSchedule'), full));
        const diff = this.baseBackupCommands('diff');
        if (diff)
            associations.push(association('DiffBaseBackup', 'diff-base-backup', (0, schedule_1.renderAwsBackupSchedule)(this.pitr.diffBackupSchedule, 'pitr.diffBackupSchedule'), diff));
        const check = (0, shell_quote_1.shellJoin)([
            'pg-backup', 'check-archive', '--cluster', this.clusterName, '--stanza', this.clusterName, '--heartbeat', '--metrics-namespace', namespace,
            ...(this.pitr.archiver === 'pgbackrest' ? [] : ['--no-archive-get']),
        ]);
        // The metric lines go to the CloudWatch agent's embedded-metric-format listener, which turns them into metrics.
        const emf = `bash -c ${(0, shell_quote_1.shellQuote)(`runuser -u postgres -- ${check} 2>&1 >/dev/null | grep '"_aws"' > /dev/tcp/127.0.0.1/25888`)}`;
        associations.push(association('ArchiveCheck', 'archive-check', `rate(${exports.ARCHIVE_CHECK_RATE_MINUTES} minutes)`, [emf]));
        return associations;
    }
    alertOnFailedAssociations() {
        const rule = new events.Rule(this, 'FailedAssociationRule', {
            description: `A scheduled base backup or archive check of ${this.clusterName} failed on a host`,
            eventPattern: {
                source: ['aws.ssm'],
                detailType: ['EC2 State Manager Instance Association State Change'],
                detail: { 'association-id': this.associations.map((association) => association.attrAssociationId), 'status': ['Failed'] },
            },
        });
        rule.addTarget(new eventsTargets.SnsTopic(this.notificationTopic, {
            message: events.RuleTargetInput.fromText(`${this.clusterName}: association ${events.EventField.fromPath('$.detail.association-name')} failed on ${events.EventField.fromPath('$.detail.instance-id')}`
                + ` (${events.EventField.fromPath('$.detail.detailed-status')})`),
        }));
    }
    checkMetric(metricName, namespace, statistic) {
        return new cloudwatch.Metric({
            namespace, metricName, dimensionsMap: { Database: this.clusterName }, statistic, period: aws_cdk_lib_1.Duration.minutes(exports.ARCHIVE_CHECK_RATE_MINUTES),
        });
    }
    createAlarms(namespace, rpoArchiveTimeouts) {
        const timeout = this.pitr.archiveTimeoutSeconds;
        // The heartbeat commits every minute, so a quiet server still ships a segment within a minute plus archive_timeout.
        const rpoSeconds = Math.max(rpoArchiveTimeouts * timeout, 60 + timeout);
        const rpoPeriod = aws_cdk_lib_1.Duration.minutes(Math.ceil(rpoSeconds / 60));
        const gapSeconds = exports.ARCHIVE_CHECK_RATE_MINUTES * 60 + 2 * timeout + 300;
        const alarm = (id, props) => new cloudwatch.Alarm(this, id, props);
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
                metric: this.checkMetric(exports.ARCHIVE_CHECK_METRIC_NAMES.failing, namespace, 'Maximum'),
                threshold: 1,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }),
            alarm('ArchiveFailuresGrowingAlarm', {
                alarmDescription: `pg_stat_archiver.failed_count of ${this.clusterName} grew since the previous check`,
                metric: new cloudwatch.MathExpression({
                    expression: 'DIFF(failed)',
                    usingMetrics: { failed: this.checkMetric(exports.ARCHIVE_CHECK_METRIC_NAMES.failedCount, namespace, 'Maximum') },
                    label: 'New archive failures',
                    period: aws_cdk_lib_1.Duration.minutes(exports.ARCHIVE_CHECK_RATE_MINUTES),
                }),
                threshold: 0,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
            }),
            alarm('ArchiveGapAlarm', {
                alarmDescription: `The last WAL segment of ${this.clusterName} was archived more than ${gapSeconds} s before a check, or no check reported: `
                    + 'a silent archiver or a stopped check pages',
                metric: this.checkMetric(exports.ARCHIVE_CHECK_METRIC_NAMES.secondsSinceLastArchived, namespace, 'Maximum').with({ period: aws_cdk_lib_1.Duration.hours(1) }),
                threshold: gapSeconds,
                comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluationPeriods: 1,
                treatMissingData: cloudwatch.TreatMissingData.BREACHING,
            }),
            ...(this.pitr.archiver === 'pgbackrest' ? [alarm('NewestWalUnreadableAlarm', {
                    alarmDescription: `The newest archived WAL segment of ${this.clusterName} could not be fetched back from the archive`,
                    metric: this.checkMetric(exports.ARCHIVE_CHECK_METRIC_NAMES.newestWalReadable, namespace, 'Minimum'),
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
exports.SelfHostedPitrArchive = SelfHostedPitrArchive;
