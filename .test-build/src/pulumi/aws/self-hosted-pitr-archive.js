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
exports.SelfHostedPitrArchive = exports.ARCHIVE_CHECK_METRIC_NAMES = exports.WAL_REQUEST_METRICS_FILTER_ID = exports.ARCHIVE_CHECK_RATE_MINUTES = void 0;
const cloudwatch = __importStar(require("@pulumi/aws/cloudwatch"));
const iam = __importStar(require("@pulumi/aws/iam"));
const ssm = __importStar(require("@pulumi/aws/ssm"));
const pulumi = __importStar(require("@pulumi/pulumi"));
const aws_environment_1 = require("./aws-environment");
const backup_bucket_1 = require("./backup-bucket");
const backup_notifications_1 = require("./backup-notifications");
const metric_alarm_1 = require("./metric-alarm");
const pitr_drill_1 = require("./pitr-drill");
const policy_document_1 = require("./policy-document");
const scheduled_pg_dump_1 = require("./scheduled-pg-dump");
const barman_cloud_1 = require("../../core/barman-cloud");
const construct_prop_paths_1 = require("../../core/construct-prop-paths");
const defaults_1 = require("../../core/defaults");
const fargate_sizes_1 = require("../../core/fargate-sizes");
const lifecycle_1 = require("../../core/lifecycle");
const lifecycle_rules_1 = require("../../core/lifecycle-rules");
const pg_basebackup_1 = require("../../core/pg-basebackup");
const pgbackrest_conf_1 = require("../../core/pgbackrest-conf");
const postgresql_conf_1 = require("../../core/postgresql-conf");
const recovery_conf_1 = require("../../core/recovery-conf");
const schedule_1 = require("../../core/schedule");
const shell_quote_1 = require("../../core/shell-quote");
const validate_policy_1 = require("../../core/validate-policy");
const validation_1 = require("../../core/validation");
const wal_g_1 = require("../../core/wal-g");
const wal_retention_1 = require("../../core/wal-retention");
const pulumi_validation_1 = require("../pulumi-validation");
/** How often the archive check (and its heartbeat commit) runs on the hosts: State Manager's shortest rate. */
exports.ARCHIVE_CHECK_RATE_MINUTES = 30;
/** The S3 request-metrics filter on the WAL prefix, whose `PutRequests` the RPO alarm watches. */
exports.WAL_REQUEST_METRICS_FILTER_ID = 'wal-archive';
/** The metrics `pg-backup check-archive` writes (namespace and `Database` dimension of the archive). */
exports.ARCHIVE_CHECK_METRIC_NAMES = {
    failedCount: 'ArchiveFailedCount',
    failing: 'ArchiveFailing',
    secondsSinceLastArchived: 'SecondsSinceLastArchivedWal',
    newestWalReadable: 'NewestArchivedWalReadable',
};
/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to any
 * moment of the window: the archive bucket with core's lifecycle (which never expires WAL the oldest retained base
 * backup needs), host access, the rendered `postgresql.conf` archive block and archiver configuration in SSM parameters
 * with a user-data snippet, scheduled full and differential base backups and the archiver health check through State
 * Manager, alarms (RPO on the WAL prefix, archiver failures, failed associations) and an optional scheduled PITR drill.
 * The same as the CDK `SelfHostedPitrArchive`.
 */
class SelfHostedPitrArchive extends pulumi.ComponentResource {
    /** The archive bucket. */
    archive;
    /** Name of the bucket. */
    bucketName;
    /** The policy with its defaults. */
    pitr;
    /** The cluster name (stanza). */
    clusterName;
    /** Where the archiver writes WAL and base backups. */
    prefixes;
    /** The lifecycle rules of the bucket. */
    lifecycleRules;
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
    /** ARN of the topic alarms go to. */
    notificationTopicArn;
    /** The instance role, when created. */
    instanceRole;
    /** Its instance profile. */
    instanceProfile;
    /** The State Manager associations: full and differential base backups, archive check. */
    associations;
    /** Alarms: RPO, archiver failing, failures growing, archive gap, newest WAL unreadable. */
    alarms;
    /** The drill, when configured (its own alarms are on it). */
    drill;
    archiverOptions;
    dataDirectory;
    postgresqlConfFile;
    environment;
    constructor(name, props, opts) {
        super('postgres-backup:aws:SelfHostedPitrArchive', name, {}, opts);
        (0, pulumi_validation_1.validateWhenKnown)({
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
        this.pitr = (0, defaults_1.resolvePitr)(pitrInput, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS);
        this.dataDirectory = props.dataDirectory ?? `/var/lib/postgresql/${props.postgresMajorVersion}/main`;
        this.postgresqlConfFile = props.postgresqlConfFile ?? `/etc/postgresql/${props.postgresMajorVersion}/main/conf.d/50-wal-archive.conf`;
        const prefix = props.prefix ?? '';
        this.prefixes = archiverPrefixes(archiver, prefix, this.clusterName);
        this.lifecycleRules = archiveLifecycleRules(props, this.pitr, this.prefixes, new validation_1.Validator());
        this.environment = (0, aws_environment_1.awsEnvironment)(this);
        const child = { parent: this };
        const instanceRoleName = `${name}-instance-role`;
        if (props.createInstanceRole) {
            this.instanceRole = new iam.Role(instanceRoleName, {
                description: `Database hosts of ${this.clusterName}: archive WAL and base backups, SSM management, CloudWatch agent`,
                assumeRolePolicy: (0, policy_document_1.assumedByService)('ec2.amazonaws.com'),
                managedPolicyArns: ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy']
                    .map((policy) => pulumi.interpolate `arn:${this.environment.partition}:iam::aws:policy/${policy}`),
            }, child);
        }
        const withDelete = this.pitr.expireBy === 'archiver';
        this.archive = new backup_bucket_1.BackupBucket(`${name}-archive`, {
            lifecycleRules: [...this.lifecycleRules],
            objectLock: props.immutability,
            encryptionKeyArn: props.encryptionKeyArn,
            keyDescription: 'Encrypts the PostgreSQL WAL archive and base backups',
            deletingPrincipalArns: withDelete ? [...(this.instanceRole ? [this.instanceRole.arn] : []), ...(props.archiverRoleArns ?? [])] : [],
            requestMetrics: { id: exports.WAL_REQUEST_METRICS_FILTER_ID, prefix: this.prefixes.wal },
            retainOnDelete: props.retainOnDelete,
            environment: this.environment,
        }, child);
        this.bucketName = this.archive.bucketName;
        this.repository = pulumi.all([this.bucketName, this.environment.region, this.archive.encryptionKeyArn]).apply(([bucket, region, kmsKeyArn]) => ({
            kind: 's3', bucket, region, ...(prefix ? { prefix } : {}), kmsKeyArn,
        }));
        this.archiverOptions = this.repository.apply((repository) => ({
            repository, pitr: this.pitr, pgBackRest: { stanza: this.clusterName }, barmanCloud: { serverName: this.clusterName },
        }));
        this.postgresqlConf = this.archiverOptions.apply((options) => (0, postgresql_conf_1.renderArchiveSettings)(options, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS).text);
        if (archiver === 'pgbackrest') {
            this.archiverConf = this.repository.apply((repository) => (0, pgbackrest_conf_1.renderPgBackRestConf)({
                stanza: this.clusterName, repository, pitr: this.pitr, pgPath: this.dataDirectory, pgPort: props.pgPort,
            }, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS).text);
            this.archiverConfPath = '/etc/pgbackrest/pgbackrest.conf';
        }
        else if (archiver === 'wal-g') {
            this.archiverConf = this.repository.apply((repository) => (0, wal_g_1.renderWalGEnvironment)({ repository, pgPort: props.pgPort }, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS).text);
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
        const notifications = new backup_notifications_1.BackupNotifications(`${name}-notifications`, {
            topicArn: props.notificationTopicArn, retainOnDelete: props.retainOnDelete, environment: this.environment,
        }, child);
        this.notificationTopicArn = notifications.topicArn;
        if (this.instanceRole) {
            new iam.RolePolicy(`${name}-instance-policy`, {
                role: this.instanceRole.id,
                policy: (0, policy_document_1.policyDocument)([...this.archiveStatements(), ...this.readConfigurationStatements()]),
            }, child);
            this.instanceProfile = new iam.InstanceProfile(`${name}-instance-profile`, { role: this.instanceRole.name }, child);
        }
        const hostTag = props.hostTag ?? { key: 'postgres-backup:pitr-archive', value: this.clusterName };
        const namespace = props.metricNamespace ?? scheduled_pg_dump_1.DEFAULT_METRIC_NAMESPACE;
        this.associations = this.createAssociations(name, hostTag, namespace);
        this.alertOnFailedAssociations(name);
        this.alarms = this.createAlarms(name, namespace, props.rpoArchiveTimeouts ?? 3);
        if (props.drill) {
            const drillConf = this.repository.apply((repository) => (0, pgbackrest_conf_1.renderPgBackRestConf)({
                stanza: this.clusterName, repository, pitr: this.pitr, pgPath: '/tmp/pitr-drill/data', archiveAsync: false,
            }, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS).text);
            this.drill = new pitr_drill_1.PitrDrill(`${name}-pitr-drill`, {
                vpcId: props.drill.vpcId,
                subnetIds: props.drill.subnetIds,
                cluster: props.drill.cluster,
                databaseName: this.clusterName,
                stanza: this.clusterName,
                pgBackRestConf: drillConf,
                verification: (0, defaults_1.resolveVerification)(props.drill.verification ?? {}),
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
    archiveStatements() {
        const withDelete = this.pitr.expireBy === 'archiver';
        return [
            {
                Effect: 'Allow',
                Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', ...(withDelete ? ['s3:DeleteObject'] : [])],
                Resource: this.objectArns(),
            },
            this.listStatement(),
            { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], Resource: this.archive.encryptionKeyArn },
        ];
    }
    /** What a restore or drill needs: get and list the archive, decrypt. */
    restoreStatements() {
        return [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: this.objectArns() },
            this.listStatement(),
            { Effect: 'Allow', Action: 'kms:Decrypt', Resource: this.archive.encryptionKeyArn },
        ];
    }
    /** Reading the rendered configuration parameters. */
    readConfigurationStatements() {
        const parameters = [this.postgresqlConfParameter, ...(this.archiverConfParameter ? [this.archiverConfParameter] : [])];
        return [{
                Effect: 'Allow',
                Action: ['ssm:DescribeParameters', 'ssm:GetParameters', 'ssm:GetParameter', 'ssm:GetParameterHistory'],
                Resource: parameters.map((parameter) => parameter.arn),
            }];
    }
    /** The recovery settings of a restore to `target` on a host: `restore_command`, the target, the `recovery.signal` step. */
    recoveryConf(target) {
        return this.archiverOptions.apply((options) => (0, recovery_conf_1.renderRecoveryConf)({ ...options, ...target, dataDirectory: this.dataDirectory }, pulumi_validation_1.PULUMI_VALIDATION_OPTIONS));
    }
    /**
     * Shell commands for EC2 user data (run as root): install the archiver, write its configuration and the archive
     * block from the SSM parameters, and a heartbeat timer that commits an empty transaction every minute so a quiet
     * server still ships a segment within `archive_timeout`.
     */
    userDataCommands() {
        return this.environment.region.apply((region) => {
            const fetch = (parameterName, file, owner) => [
                `install -d -o ${owner} -m 0750 ${(0, shell_quote_1.shellQuote)(file.replace(/\/[^/]+$/, ''))}`,
                `aws ssm get-parameter --region ${region} --name ${parameterName} --query Parameter.Value --output text > ${(0, shell_quote_1.shellQuote)(file)}`,
                `chown ${owner}: ${(0, shell_quote_1.shellQuote)(file)} && chmod 0640 ${(0, shell_quote_1.shellQuote)(file)}`,
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
    objectArns() {
        return [pulumi.interpolate `${this.archive.bucketArn}/${this.prefixes.wal}*`, pulumi.interpolate `${this.archive.bucketArn}/${this.prefixes.base}*`];
    }
    listStatement() {
        const prefixes = [this.prefixes.wal, this.prefixes.base];
        return {
            Effect: 'Allow',
            Action: 's3:ListBucket',
            Resource: this.archive.bucketArn,
            Condition: { StringLike: { 's3:prefix': prefixes.flatMap((p) => [p.replace(/\/$/, ''), `${p}*`]) } },
        };
    }
    baseBackupCommands(type, repository) {
        const asPostgres = (argv) => `runuser -u postgres -- ${(0, shell_quote_1.shellJoin)(argv)}`;
        switch (this.pitr.archiver) {
            case 'pgbackrest':
                // pgBackRest expires past retention-full after each backup unless expire-auto=n (lifecycle expiry).
                return [asPostgres((0, pgbackrest_conf_1.pgBackRestBackupArgv)({ stanza: this.clusterName }, type))];
            case 'wal-g':
                return [
                    asPostgres((0, wal_g_1.walGBackupPushArgv)({}, this.dataDirectory, type === 'full')),
                    ...(type === 'full' && this.pitr.expireBy === 'archiver' ? [asPostgres((0, wal_g_1.walGDeleteRetainArgv)({}, this.pitr.retainFull))] : []),
                ];
            case 'barman-cloud':
                return type === 'full' ? [asPostgres((0, barman_cloud_1.barmanCloudBackupArgv)({ repository, serverName: this.clusterName }, {}))] : undefined;
            case 'archive-command': {
                if (type === 'diff')
                    return undefined;
                const base = (0, lifecycle_1.archiverObjectPrefixes)('archive-command', repository).base;
                return [
                    'work=$(mktemp -d) && chown postgres: "$work" && trap \'rm -rf "$work"\' EXIT',
                    asPostgres((0, pg_basebackup_1.pgBaseBackupArgv)({ targetDirectory: '/PGBACKUP_WORK/backup', progress: false })).replace('/PGBACKUP_WORK', '"$work"'),
                    `aws s3 cp --recursive --only-show-errors "$work/backup" "s3://${repository.bucket}/${base}$(date -u +%Y%m%dT%H%M%SZ)/" --sse aws:kms --sse-kms-key-id ${repository.kmsKeyArn}`,
                ];
            }
        }
    }
    createAssociations(name, tag, namespace) {
        const targets = [{ key: `tag:${tag.key}`, values: [tag.value] }];
        const association = (id, associationName, schedule, commands) => new ssm.Association(`${name}-${id}`, {
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
        const associations = [];
        const full = this.repository.apply((repository) => this.baseBackupCommands('full', repository) ?? []);
        associations.push(association('full-base-backup', 'full-base-backup', (0, schedule_1.renderAwsBackupSchedule)(this.pitr.fullBackupSchedule, 'pitr.fullBackupSchedule'), full));
        // Which archivers take differential backups is known now; only the commands wait for the repository.
        if (this.pitr.archiver === 'pgbackrest' || this.pitr.archiver === 'wal-g') {
            const diff = this.repository.apply((repository) => this.baseBackupCommands('diff', repository) ?? []);
            associations.push(association('diff-base-backup', 'diff-base-backup', (0, schedule_1.renderAwsBackupSchedule)(this.pitr.diffBackupSchedule, 'pitr.diffBackupSchedule'), diff));
        }
        const check = (0, shell_quote_1.shellJoin)([
            'pg-backup', 'check-archive', '--cluster', this.clusterName, '--stanza', this.clusterName, '--heartbeat', '--metrics-namespace', namespace,
            ...(this.pitr.archiver === 'pgbackrest' ? [] : ['--no-archive-get']),
        ]);
        // The metric lines go to the CloudWatch agent's embedded-metric-format listener, which turns them into metrics.
        const emf = `bash -c ${(0, shell_quote_1.shellQuote)(`runuser -u postgres -- ${check} 2>&1 >/dev/null | grep '"_aws"' > /dev/tcp/127.0.0.1/25888`)}`;
        associations.push(association('archive-check', 'archive-check', `rate(${exports.ARCHIVE_CHECK_RATE_MINUTES} minutes)`, [emf]));
        return associations;
    }
    alertOnFailedAssociations(name) {
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
    createAlarms(name, namespace, rpoArchiveTimeouts) {
        const timeout = this.pitr.archiveTimeoutSeconds;
        // The heartbeat commits every minute, so a quiet server still ships a segment within a minute plus archive_timeout.
        const rpoSeconds = Math.max(rpoArchiveTimeouts * timeout, 60 + timeout);
        const rpoMinutes = Math.ceil(rpoSeconds / 60);
        const gapSeconds = exports.ARCHIVE_CHECK_RATE_MINUTES * 60 + 2 * timeout + 300;
        const check = (metricName, statistic, periodSeconds = exports.ARCHIVE_CHECK_RATE_MINUTES * 60) => ({
            namespace, metricName, dimensions: { Database: this.clusterName }, statistic, periodSeconds,
        });
        const topicArn = this.notificationTopicArn;
        const alarms = [
            (0, metric_alarm_1.createBackupAlarm)(`${name}-rpo`, {
                description: `No WAL of ${this.clusterName} reached the archive within ${rpoMinutes} minutes (${rpoArchiveTimeouts} × archive_timeout`
                    + ` ${timeout} s, at least the heartbeat minute plus one): a host lost now loses more than that`,
                metric: {
                    namespace: 'AWS/S3',
                    metricName: 'PutRequests',
                    dimensions: { BucketName: this.bucketName, FilterId: exports.WAL_REQUEST_METRICS_FILTER_ID },
                    statistic: 'Sum',
                    periodSeconds: rpoMinutes * 60,
                },
                threshold: 1,
                comparisonOperator: 'LessThanThreshold',
                treatMissingData: 'breaching',
                topicArn,
            }, this),
            (0, metric_alarm_1.createBackupAlarm)(`${name}-archiver-failing`, {
                description: `archive_command of ${this.clusterName} is failing: its last attempt failed after its last success (pg_stat_archiver)`,
                metric: check(exports.ARCHIVE_CHECK_METRIC_NAMES.failing, 'Maximum'),
                threshold: 1,
                comparisonOperator: 'GreaterThanOrEqualToThreshold',
                treatMissingData: 'notBreaching',
                topicArn,
            }, this),
            (0, metric_alarm_1.createBackupAlarm)(`${name}-archive-failures-growing`, {
                description: `pg_stat_archiver.failed_count of ${this.clusterName} grew since the previous check`,
                metric: {
                    expression: 'DIFF(failed)',
                    label: 'New archive failures',
                    periodSeconds: exports.ARCHIVE_CHECK_RATE_MINUTES * 60,
                    metrics: { failed: { namespace, metricName: exports.ARCHIVE_CHECK_METRIC_NAMES.failedCount, dimensions: { Database: this.clusterName }, statistic: 'Maximum' } },
                },
                threshold: 0,
                comparisonOperator: 'GreaterThanThreshold',
                treatMissingData: 'notBreaching',
                topicArn,
            }, this),
            (0, metric_alarm_1.createBackupAlarm)(`${name}-archive-gap`, {
                description: `The last WAL segment of ${this.clusterName} was archived more than ${gapSeconds} s before a check, or no check reported: `
                    + 'a silent archiver or a stopped check pages',
                metric: check(exports.ARCHIVE_CHECK_METRIC_NAMES.secondsSinceLastArchived, 'Maximum', 3600),
                threshold: gapSeconds,
                comparisonOperator: 'GreaterThanThreshold',
                treatMissingData: 'breaching',
                topicArn,
            }, this),
        ];
        if (this.pitr.archiver === 'pgbackrest') {
            alarms.push((0, metric_alarm_1.createBackupAlarm)(`${name}-newest-wal-unreadable`, {
                description: `The newest archived WAL segment of ${this.clusterName} could not be fetched back from the archive`,
                metric: check(exports.ARCHIVE_CHECK_METRIC_NAMES.newestWalReadable, 'Minimum'),
                threshold: 1,
                comparisonOperator: 'LessThanThreshold',
                treatMissingData: 'notBreaching',
                topicArn,
            }, this));
        }
        return alarms;
    }
}
exports.SelfHostedPitrArchive = SelfHostedPitrArchive;
/** Where the archiver writes: only the prefix decides it, so it is known before the bucket exists. */
function archiverPrefixes(archiver, prefix, clusterName) {
    return (0, lifecycle_1.archiverObjectPrefixes)(archiver ?? 'pgbackrest', { kind: 's3', bucket: 'unknown-yet', region: 'unknown-yet', prefix }, clusterName);
}
/** Core's WAL-archive lifecycle and the user's rules, which may not delete WAL recovery still needs. */
function archiveLifecycleRules(props, pitr, prefixes, validator) {
    const least = (0, wal_retention_1.minimumWalRetentionDays)(pitr);
    const rules = (0, lifecycle_1.walArchiveLifecycleRules)(pitr, least, {
        walPrefix: prefixes.wal,
        basePrefix: prefixes.base,
        walTransitions: props.walTransitions,
        baseTransitions: props.baseTransitions,
        validator,
        path: 'lifecycleRules',
    });
    const additional = props.additionalLifecycleRules ?? [];
    if (additional.length > 0)
        (0, lifecycle_rules_1.validateLifecycleRules)(additional, validator, 'additionalLifecycleRules', { minimumWalRetentionDays: least, walPrefix: prefixes.wal });
    return [...rules, ...additional];
}
/** Checks the props as the CDK construct does, with the same messages. */
function checkArchiveProps(validator, props) {
    validator.include((0, validate_policy_1.checkPolicy)({ platform: 'self-hosted', pitr: props.pitr ?? {}, immutability: props.immutability }, validator.optionsFor()));
    validator.matches('clusterName', props.clusterName ?? 'main', /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, '1-64 letters, digits, ".", "_" and "-"');
    validator.integer('postgresMajorVersion', props.postgresMajorVersion, 10, 99);
    validator.number('rpoArchiveTimeouts', props.rpoArchiveTimeouts, 1, 1000);
    if (props.drill) {
        if ((props.pitr?.archiver ?? 'pgbackrest') !== 'pgbackrest') {
            validator.report({ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }, []);
        }
        validator.include((0, validate_policy_1.checkPolicy)({ verification: props.drill.verification ?? {} }, validator.optionsFor(construct_prop_paths_1.PITR_DRILL_PROP_PATHS)));
        (0, fargate_sizes_1.checkFargateTaskSize)(validator, { ephemeralStorageGiB: props.drill.ephemeralStorageGiB ?? 100 }, 'drill.');
    }
    // As in CDK, the lifecycle is checked once the policy itself is valid.
    if (validator.issues.length > 0 || validator.isUnresolved(props.pitr))
        return;
    const pitr = (0, defaults_1.resolvePitr)(props.pitr ?? {});
    archiveLifecycleRules(props, pitr, archiverPrefixes(pitr.archiver, props.prefix ?? '', props.clusterName ?? 'main'), validator);
}
