import { CfnOutput, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { BackupKeyProps } from './backup-store-handles';
import { CDK_VALIDATION_OPTIONS, cdkValidationOptions } from './cdk-validation';
import { NotificationTopicProps } from './notification-handles';
import { PitrDrill } from './pitr-drill';
import { renderPlannedAlarms } from './planned-alarms';
import { renderEventNotification } from './planned-event-notifications';
import { bucketGrantScopes, grantPlannedActions } from './planned-grants';
import { acknowledge, acknowledgeWildcards, awsManagedPolicyFinding, walArchiveWildcards } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { TaskPlacementProps, TaskSubnetsProps } from './task-placement-handles';
import { IamActionGroup } from '../core/aws/iam-action-groups';
import { ArchiveSite, checkArchiveClusterNameFree } from '../core/aws/pitr-archive-cluster-name';
import { PitrArchiveEncryptionOptions } from '../core/aws/pitr-archive-encryption';
import { archiveHostUserData, archiveRecoveryConf, renderArchiveHost } from '../core/aws/pitr-archive-host';
import {
  PitrArchiveResourceKind, SelfHostedPitrArchiveAttributes, SelfHostedPitrArchiveOptions, SelfHostedPitrArchiveResources, SelfHostedPitrDrillOptions,
  planSelfHostedPitrArchive, selfHostedPitrArchiveAttributes,
} from '../core/aws/self-hosted-pitr-archive';
import { S3ArchiveRepository } from '../core/postgres/archive-repository';
import { RenderedRecoveryConf } from '../core/postgres/recovery-conf';
import { RecoveryTargetOptions } from '../core/postgres/recovery-target';

export { ARCHIVE_CHECK_METRIC_NAMES, ARCHIVE_CHECK_RATE_MINUTES, WAL_REQUEST_METRICS_FILTER_ID } from '../core/aws/self-hosted-pitr-archive';
export type { PitrHostTag } from '../core/aws/self-hosted-pitr-archive';

/** Encryption of the archive's repository by the archiver: the options every front end shares, and the secret. */
export interface PitrArchiveEncryption extends PitrArchiveEncryptionOptions {
  /**
   * The secret whose value is pgBackRest's `repo1-cipher-pass` (a long random string, e.g. `openssl rand -base64 48`)
   * or WAL-G's libsodium key (32 random bytes in `keyEncoding`). The hosts' role reads it at boot and the drill's
   * execution role injects it; nothing else of this construct can.
   */
  readonly secret: secretsmanager.ISecret;
}

/** Props of the scheduled PITR drill: the options every front end shares, and the CDK handles. */
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions, TaskPlacementProps, TaskSubnetsProps {}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the CDK handles. */
export interface SelfHostedPitrArchiveProps
  extends SelfHostedPitrArchiveOptions<PitrDrillOptions, PitrArchiveEncryption>, BackupKeyProps, NotificationTopicProps {}

/** The attributes core decides (its plan, the resolved policy, prefixes…) and what it creates from them, declared once in core. */
export interface SelfHostedPitrArchive extends SelfHostedPitrArchiveAttributes, SelfHostedPitrArchiveResources<{
  text: string;
  repository: S3ArchiveRepository;
  parameter: ssm.StringParameter;
  role: iam.Role;
  instanceProfile: iam.InstanceProfile;
  association: ssm.CfnAssociation;
  alarm: cloudwatch.Alarm;
  drill: PitrDrill;
}> {}

/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to
 * any moment of the window: the archive bucket with core's lifecycle, host access, the rendered `postgresql.conf`
 * archive block and archiver configuration in SSM parameters with a user-data snippet, scheduled full and differential
 * base backups through State Manager, the archiver health check on the hosts, alarms (RPO on the WAL prefix, archiver
 * failures, failed backups) and an optional scheduled PITR drill.
 */
export class SelfHostedPitrArchive extends Construct {
  /** The archive bucket, as core planned it (`plan.bucket`), rendered as every backup bucket is. */
  public readonly archive: BackupBucket;
  /** The bucket. */
  public readonly bucket: s3.IBucket;
  /** The topic alarms go to. */
  public readonly notificationTopic: sns.ITopic;
  private readonly props: SelfHostedPitrArchiveProps;
  /** The archivers that expire their own backups, known once granted (`grantArchive`): the bucket policy reads them when synthesized. */
  private readonly deleters: string[] = [];

  constructor(scope: Construct, id: string, props: SelfHostedPitrArchiveProps) {
    super(scope, id);
    this.props = props;
    const plan = planSelfHostedPitrArchive(props, { validation: cdkValidationOptions(this) });
    Object.assign(this, selfHostedPitrArchiveAttributes(plan));
    const others = this.node.root.node.findAll()
      .filter((construct): construct is SelfHostedPitrArchive => construct instanceof SelfHostedPitrArchive);
    checkArchiveClusterNameFree(archiveSite(this), others.map(archiveSite), cdkValidationOptions(this));
    this.archive = new BackupBucket(this, 'Archive', {
      plan: plan.bucket.backupBucket, encryptionKey: props.encryptionKey, removalPolicy: props.removalPolicy, deletingPrincipalArns: this.deleters,
    });
    this.bucket = this.archive.bucket;
    const { region, urlSuffix } = Stack.of(this);
    const host = renderArchiveHost(plan, {
      // An environment-agnostic stack's region is a token: its partition's domain is then too.
      bucket: this.bucket.bucketName,
      region,
      ...(Token.isUnresolved(region) ? { dnsSuffix: urlSuffix } : {}),
      kmsKeyArn: this.archive.encryptionKey!.keyArn,
    }, CDK_VALIDATION_OPTIONS);
    Object.assign(this, { repository: host.repository, postgresqlConf: host.files.postgresqlConf, archiverConf: host.files.archiverConf });
    for (const { id: parameterId, parameterName, description, value, output, attribute } of host.parameters) {
      const parameter = new ssm.StringParameter(this, parameterId, { parameterName, description, stringValue: value });
      new CfnOutput(this, output, { value: parameter.parameterName });
      Object.assign(this, { [attribute]: parameter });
    }

    this.notificationTopic = props.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    const planned = plan.instanceRole;
    if (planned) {
      const instanceRole = new iam.Role(this, 'InstanceRole', {
        assumedBy: new iam.ServicePrincipal(planned.assumedBy),
        description: planned.description,
        managedPolicies: planned.managedPolicies.map((policy) => iam.ManagedPolicy.fromAwsManagedPolicyName(policy)),
      });
      planned.managedPolicies.forEach((policy) => acknowledge(instanceRole, awsManagedPolicyFinding(policy)));
      this.grant(instanceRole, planned.grants, true);
      acknowledgeWildcards(instanceRole, walArchiveWildcards(this.archiveObjectArns(), 'archive', plan.archiverDeletes));
      Object.assign(this, { instanceRole, instanceProfile: new iam.InstanceProfile(this, 'InstanceProfile', { role: instanceRole }) });
    }

    const associations = host.associations.map((unit) => new ssm.CfnAssociation(this, unit.id, { ...unit.properties, parameters: unit.parameters }));
    renderEventNotification(this, plan.failedAssociations, this.notificationTopic, {
      resources: { associations: associations.map((association) => association.attrAssociationId) },
    });
    const alarms = renderPlannedAlarms(this, plan.alarms, this.notificationTopic, {
      'archive-bucket': this.bucket.bucketName, ...this.archive.replicationMetricResources(),
    });
    Object.assign(this, { associations, alarms });
    this.node.addMetadata(PROTECTION_METADATA_TYPE, plan.protection);
    if (plan.costProtection) this.node.addMetadata(PROTECTION_METADATA_TYPE, plan.costProtection);

    if (props.drill && plan.drill) {
      const drill = new PitrDrill(this, 'Drill', {
        ...props.drill, // its handles (VPC, subnets, cluster, image); the options as core resolved them
        ...plan.drill.options,
        pgBackRestConf: host.files.drillPgBackRestConf!,
        postgresMajorVersion: plan.postgresMajorVersion,
        notificationTopic: this.notificationTopic,
        grantRestore: (grantee) => this.grantRestore(grantee),
        drillResultsBucket: { bucket: this.bucket, encryptionKey: this.archive.encryptionKey },
        ...(plan.encryption?.drillEnvironmentVariable && props.encryption
          ? { cipherPass: { environmentVariable: plan.encryption.drillEnvironmentVariable, secret: props.encryption.secret } } : {}),
      });
      acknowledgeWildcards(drill.taskDefinition.taskRole, walArchiveWildcards(this.archiveObjectArns(), 'restore'));
      drill.node.addMetadata(PROTECTION_METADATA_TYPE, plan.drill.protection);
      Object.assign(this, { drill });
    }
  }

  /**
   * Lets a host archive: put WAL and base backups (and read them, as archivers check what is there), use the key, and
   * — when the archiver expires its own backups (`expireBy: 'archiver'`) — delete under the archive prefixes; nothing
   * else may delete (a bucket-policy Deny).
   */
  public grantArchive(grantee: iam.IGrantable): void {
    this.grant(grantee, this.plan.grants.archive, true);
  }

  /** Lets `grantee` read the archive (restores and drills): get and list, decrypt. */
  public grantRestore(grantee: iam.IGrantable): void {
    this.grant(grantee, this.plan.grants.restore);
  }

  /** Lets `grantee` read the rendered configuration parameters. */
  public grantReadConfiguration(grantee: iam.IGrantable): void {
    this.grant(grantee, this.plan.grants.readConfiguration);
  }

  /**
   * Lets `grantee` (a host's role) read the secret holding the repository's pass or key, and decrypt it with its key;
   * does nothing when the archive is not encrypted by the archiver.
   */
  public grantReadEncryptionSecret(grantee: iam.IGrantable): void {
    this.grant(grantee, this.plan.encryption?.readSecret ?? []);
  }

  /** The recovery settings of a restore to `target` on a host: `restore_command`, the target, the `recovery.signal` step. */
  public recoveryConf(target: RecoveryTargetOptions): RenderedRecoveryConf {
    return archiveRecoveryConf(this.plan, this.repository, target, CDK_VALIDATION_OPTIONS);
  }

  /**
   * Shell commands for EC2 user data (run as root), core's `archiveHostUserData` for this archive: the archiver, its
   * configuration and the archive block from the SSM parameters, the pass or key, the heartbeat, the metric listener.
   * The host needs the AWS CLI, the CloudWatch agent and `pg-backup` (`npm install -g postgres-backup-constructs`).
   */
  public userDataCommands(): string[] {
    return archiveHostUserData(this.plan, {
      region: Stack.of(this).region,
      postgresqlConf: this.postgresqlConfParameter.parameterName,
      archiverConf: this.archiverConfParameter?.parameterName,
      encryptionSecretArn: this.props.encryption?.secret.secretArn,
    });
  }

  /** Adds {@link userDataCommands} to an instance's user data. */
  public addToUserData(userData: ec2.UserData): void {
    userData.addCommands(...this.userDataCommands());
  }

  /**
   * Grants core's action groups on this archive's resources: the bucket and key, the configuration parameters, the
   * encryption secret and its key. A host that `deletes` its own expired backups is exempted from the delete Deny.
   */
  private grant(grantee: iam.IGrantable, groups: readonly IamActionGroup<PitrArchiveResourceKind>[], deletes = false): void {
    const parameters = [this.postgresqlConfParameter, ...(this.archiverConfParameter ? [this.archiverConfParameter] : [])];
    const secret = this.props.encryption?.secret;
    grantPlannedActions(grantee, groups, {
      ...bucketGrantScopes(this.plan.bucket.grantLocations, this.bucket, this.archive.encryptionKey),
      'configuration-parameters': parameters.map((parameter) => ({ resources: [parameter.parameterArn] })),
      // A secret's ARN ends in six random characters, which a partial ARN (an imported name) lacks.
      ...(secret ? { 'encryption-secret': { resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`] } } : {}),
      'encryption-secret-key': secret?.encryptionKey ? { key: secret.encryptionKey } : null,
    }, 'SelfHostedPitrArchive');
    if (!deletes || !this.plan.archiverDeletes) return;
    const arn = (grantee.grantPrincipal as { roleArn?: string }).roleArn;
    if (arn === undefined) throw new Error('grantArchive with the archiver\'s own expiry needs a role (its ARN is exempted from the delete Deny)');
    this.deleters.push(arn);
  }

  /** The ARNs of every object under the WAL and base-backup prefixes. */
  private archiveObjectArns(): string[] {
    return this.plan.bucket.objectKeyPatterns.map((pattern) => this.bucket.arnForObjects(pattern));
  }
}

/** Where `archive` deploys to and under which cluster name, as core compares archives of one app. */
function archiveSite(archive: SelfHostedPitrArchive): ArchiveSite {
  const { account, region } = Stack.of(archive);
  return { path: archive.node.path, clusterName: archive.clusterName, account, region };
}
