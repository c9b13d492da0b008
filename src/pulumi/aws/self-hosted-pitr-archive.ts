import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as iam from '@pulumi/aws/iam';
import * as ssm from '@pulumi/aws/ssm';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment, awsManagedPolicyArn } from './aws-environment';
import { BackupBucket } from './backup-bucket';
import { BackupNotifications } from './backup-notifications';
import { BackupKeyArgs } from './backup-store-handles';
import { createEventNotification } from './event-notification';
import { createPlannedAlarms } from './metric-alarm';
import { NotificationTopicArgs } from './notification-handles';
import { PitrDrill } from './pitr-drill';
import { GrantScope, PolicyStatement, assumedByService, bucketGrantScopes, grantStatements, policyDocument } from './policy-document';
import { RunnerImageArgs, TaskPlacementArgs, TaskSubnetsArgs } from './task-placement-handles';
import { PitrArchiveEncryptionOptions } from '../../core/aws/pitr-archive-encryption';
import { archiveHostUserData, archiveParameterResources, archiveRecoveryConf, renderArchiveHost } from '../../core/aws/pitr-archive-host';
import {
  PitrArchiveResourceKind, SelfHostedPitrArchiveAttributes, SelfHostedPitrArchiveOptions, SelfHostedPitrArchiveResources, SelfHostedPitrDrillOptions,
  planSelfHostedPitrArchive, selfHostedPitrArchiveAttributes, selfHostedPitrArchiveProtections,
} from '../../core/aws/self-hosted-pitr-archive';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { S3ArchiveRepository } from '../../core/postgres/archive-repository';
import { RenderedRecoveryConf } from '../../core/postgres/recovery-conf';
import { RecoveryTargetOptions } from '../../core/postgres/recovery-target';
import { protectionsOutput } from '../protection-outputs';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export { ARCHIVE_CHECK_METRIC_NAMES, ARCHIVE_CHECK_RATE_MINUTES, WAL_REQUEST_METRICS_FILTER_ID } from '../../core/aws/self-hosted-pitr-archive';
export type { PitrHostTag } from '../../core/aws/self-hosted-pitr-archive';

/** Encryption of the archive's repository by the archiver: the options every front end shares, and the secret. */
export interface PitrArchiveEncryption extends PitrArchiveEncryptionOptions {
  /**
   * ARN of the secret whose value is pgBackRest's `repo1-cipher-pass` (a long random string, e.g.
   * `openssl rand -base64 48`) or WAL-G's libsodium key (32 random bytes in `keyEncoding`). The hosts' role reads it
   * at boot and the drill's execution role injects it; nothing else of this component can.
   */
  readonly secretArn: pulumi.Input<string>;
  /**
   * ARN of the customer managed KMS key the secret is encrypted with, which its readers may then decrypt with.
   * @default - none: the secret uses the account's `aws/secretsmanager` key
   */
  readonly secretKeyArn?: pulumi.Input<string>;
}

/** Props of the scheduled PITR drill: the options every front end shares, and the Pulumi handles. */
export interface PitrDrillOptions extends SelfHostedPitrDrillOptions, TaskPlacementArgs, TaskSubnetsArgs, RunnerImageArgs {}

/** Props of {@link SelfHostedPitrArchive}: the options every front end shares, and the Pulumi handles. */
export interface SelfHostedPitrArchiveProps
  extends SelfHostedPitrArchiveOptions<PitrDrillOptions, PitrArchiveEncryption>, BackupKeyArgs, NotificationTopicArgs {
  /**
   * ARNs of host roles of another program that archive with the archiver's own expiry: the bucket policy, one document
   * in Pulumi, exempts them from the delete Deny (CDK collects them from `grantArchive` calls). Give them
   * {@link SelfHostedPitrArchive.archiveStatements}.
   * @default - none besides a created instance role
   */
  readonly archiverRoleArns?: pulumi.Input<string>[];
}

/** The attributes core decides (its plan, the resolved policy, prefixes…) and what it creates from them, declared once in core. */
export interface SelfHostedPitrArchive extends SelfHostedPitrArchiveAttributes, SelfHostedPitrArchiveResources<{
  text: pulumi.Output<string>;
  repository: pulumi.Output<S3ArchiveRepository>;
  parameter: ssm.Parameter;
  role: iam.Role;
  instanceProfile: iam.InstanceProfile;
  association: ssm.Association;
  alarm: cloudwatch.MetricAlarm;
  drill: PitrDrill;
}> {}

/**
 * Continuous WAL archiving of self-hosted PostgreSQL (EC2 or on-premises) to S3, so the database can be recovered to any
 * moment of the window: the archive bucket with core's lifecycle (which never expires WAL the oldest retained base
 * backup needs), host access, the rendered `postgresql.conf` archive block and archiver configuration in SSM parameters
 * with a user-data snippet, scheduled full and differential base backups and the archiver health check through State
 * Manager, alarms (RPO on the WAL prefix, archiver failures, failed associations) and an optional scheduled PITR drill.
 * The same as the CDK `SelfHostedPitrArchive`.
 */
export class SelfHostedPitrArchive extends pulumi.ComponentResource {
  /** The archive, its drill and its cost estimate as protection records (core's); also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;
  /** The archive bucket. */
  public readonly archive: BackupBucket;
  /** Name of the bucket. */
  public readonly bucketName: pulumi.Output<string>;
  /** ARN of the topic alarms go to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  private readonly environment: AwsEnvironment;
  private readonly props: SelfHostedPitrArchiveProps;

  constructor(name: string, props: SelfHostedPitrArchiveProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:SelfHostedPitrArchive', name, {}, opts);
    this.props = props;
    const plan = planSelfHostedPitrArchive(props, { validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name } });
    Object.assign(this, selfHostedPitrArchiveAttributes(plan));
    this.environment = awsEnvironment(this);
    const child = { parent: this };

    const planned = plan.instanceRole;
    const instanceRole = planned && new iam.Role(`${name}-instance-role`, {
      description: planned.description,
      assumeRolePolicy: assumedByService(planned.assumedBy),
      managedPolicyArns: planned.managedPolicies.map((policy) => awsManagedPolicyArn(this.environment, policy)),
    }, child);
    this.archive = new BackupBucket(`${name}-archive`, {
      plan: plan.bucket.backupBucket,
      encryptionKeyArn: props.encryptionKeyArn,
      retainOnDelete: props.retainOnDelete,
      environment: this.environment,
      deletingPrincipalArns: plan.archiverDeletes ? [...(instanceRole ? [instanceRole.arn] : []), ...(props.archiverRoleArns ?? [])] : [],
    }, child);
    this.bucketName = this.archive.bucketName;

    const host = pulumi.all([this.bucketName, this.environment.region, this.archive.encryptionKeyArn!])
      .apply(([bucket, region, kmsKeyArn]) => renderArchiveHost(plan, { bucket, region, kmsKeyArn }, PULUMI_VALIDATION_OPTIONS));
    Object.assign(this, {
      repository: host.repository,
      postgresqlConf: host.files.postgresqlConf,
      archiverConf: plan.parameters.archiverConf && host.files.apply((files) => files.archiverConf!),
    });
    archiveParameterResources(plan).forEach((parameter, index) => Object.assign(this, {
      [parameter.attribute]: new ssm.Parameter(`${name}-${parameter.name}`, {
        name: parameter.parameterName, type: 'String', description: parameter.description, value: host.parameters[index].value,
      }, child),
    }));

    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn,
      topicKeyArn: props.notificationTopicKeyArn,
      retainOnDelete: props.retainOnDelete,
      environment: this.environment,
    }, child);
    this.notificationTopicArn = notifications.topicArn;
    if (planned && instanceRole) {
      const policy = policyDocument(grantStatements(planned.grants, this.grantScopes()));
      new iam.RolePolicy(`${name}-instance-policy`, { role: instanceRole.id, policy }, child);
      Object.assign(this, { instanceRole, instanceProfile: new iam.InstanceProfile(`${name}-instance-profile`, { role: instanceRole.name }, child) });
    }

    const associations = plan.associations.map((association, index) => new ssm.Association(`${name}-${association.name}`, {
      ...association.properties, parameters: host.associations[index].parameterText,
    }, child));
    createEventNotification(name, plan.failedAssociations, this.notificationTopicArn, this, {
      resources: { associations: associations.map((association) => association.associationId) },
    });
    const alarms = createPlannedAlarms(name, plan.alarms, this.notificationTopicArn, this, {
      'archive-bucket': this.bucketName, ...this.archive.replicationMetricResources(),
    });
    const drill = props.drill && plan.drill && new PitrDrill(`${name}-pitr-drill`, {
      ...props.drill, // its handles (VPC, subnets, cluster, image); the options as core resolved them
      ...plan.drill.options,
      pgBackRestConf: host.files.apply((files) => files.drillPgBackRestConf!),
      notificationTopicArn: this.notificationTopicArn,
      notificationTopicKeyArn: notifications.topicKeyArn,
      restoreStatements: this.restoreStatements(),
      drillResultsBucket: this.archive,
      ...(plan.encryption?.drillEnvironmentVariable && props.encryption ? {
        cipherPass: {
          environmentVariable: plan.encryption.drillEnvironmentVariable,
          secretArn: props.encryption.secretArn,
          readStatements: this.readEncryptionSecretStatements(),
        },
      } : {}),
      environment: this.environment,
    }, child);
    Object.assign(this, { associations, alarms, drill });
    this.protections = protectionsOutput(selfHostedPitrArchiveProtections(plan));
    this.registerOutputs({
      [PROTECTIONS_OUTPUT]: this.protections,
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
    return grantStatements(this.plan.grants.archive, this.grantScopes());
  }

  /** What a restore or drill needs: get and list the archive, decrypt. */
  public restoreStatements(): PolicyStatement[] {
    return grantStatements(this.plan.grants.restore, this.grantScopes());
  }

  /** Reading the rendered configuration parameters. */
  public readConfigurationStatements(): PolicyStatement[] {
    return grantStatements(this.plan.grants.readConfiguration, this.grantScopes());
  }

  /**
   * Reading the secret holding the repository's pass or key (and decrypting it with its key, when given): what the
   * hosts' role needs at boot. None when the archive is not encrypted by the archiver.
   */
  public readEncryptionSecretStatements(): PolicyStatement[] {
    return grantStatements(this.plan.encryption?.readSecret ?? [], this.grantScopes());
  }

  /** The recovery settings of a restore to `target` on a host: `restore_command`, the target, the `recovery.signal` step. */
  public recoveryConf(target: RecoveryTargetOptions): pulumi.Output<RenderedRecoveryConf> {
    return this.repository.apply((repository) => archiveRecoveryConf(this.plan, repository, target, PULUMI_VALIDATION_OPTIONS));
  }

  /**
   * Shell commands for EC2 user data (run as root), core's `archiveHostUserData` for this archive: the archiver, its
   * configuration and the archive block from the SSM parameters, the pass or key, the heartbeat, the metric listener.
   */
  public userDataCommands(): pulumi.Output<string[]> {
    return pulumi.all([this.environment.region, this.props.encryption?.secretArn])
      .apply(([region, encryptionSecretArn]) => archiveHostUserData(this.plan, { region, encryptionSecretArn }));
  }

  /** Where each kind of resource of core's action groups is: the archive, the configuration parameters, the secret and its key. */
  private grantScopes(): Partial<Record<PitrArchiveResourceKind, GrantScope>> {
    const parameters = [this.postgresqlConfParameter, ...(this.archiverConfParameter ? [this.archiverConfParameter] : [])];
    const secret = this.props.encryption;
    return {
      ...bucketGrantScopes(this.plan.bucket.grantLocations, this.archive.bucketArn, this.archive.encryptionKeyArn),
      'configuration-parameters': { resources: parameters.map((parameter) => parameter.arn) },
      ...(secret ? { 'encryption-secret': { resources: secret.secretArn } } : {}),
      ...(secret?.secretKeyArn !== undefined ? { 'encryption-secret-key': { resources: secret.secretKeyArn } } : {}),
    };
  }
}
