import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { DrillTaskArgs } from './drill-task-props';
import { checkedLogRetentionDays } from './log-retention';
import { PgDumpSource } from './pg-dump-source';
import { createTaskSecurityGroup } from './planned-tasks';
import { ScheduledDrillAttributes, createScheduledDrill, createScratchPassword, keyStatements, scheduledDrillOutputs } from './scheduled-drill';
import { createScratchRdsTarget } from './scratch-rds-target';
import { TaskSubnetsArgs } from './task-placement-handles';
import { verifyRestoreContainers } from '../../core/aws/drill-task-containers';
import { postgresServerImageUri } from '../../core/aws/runner-image';
import { DrillPlaceholder } from '../../core/aws/state-machines';
import { taskResourceNames } from '../../core/aws/task-resource-names';
import {
  SCRATCH_TARGET_URL, VerifyRestoreOptions, VerifyRestorePlan, checkDrillIdentity, checkScratchSubnets, checkVerifyRestoreOptions, planVerifyRestore,
  verifyRestoreOptionsOf, withDrillDatabase,
} from '../../core/aws/verify-restore';
import { drillResultsFolder } from '../../core/policy/backup-store-layout';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';
import { PULUMI_VALIDATION_OPTIONS, validateWhenKnown } from '../pulumi-validation';

export {
  CHECKS_CONTAINER_NAME, CHECKS_DIRECTORY, SCRATCH_POSTGRES_CONTAINER_NAME, SCRATCH_TARGET_URL, VERIFY_CONTAINER_NAME,
} from '../../core/aws/verify-restore';
export type { DrillCheckFile } from '../../core/aws/verify-restore';
export type { ContainerLogConfiguration } from './planned-tasks';

/** Props of {@link VerifyRestore}: the options every front end shares, and the Pulumi handles. */
export interface VerifyRestoreProps extends VerifyRestoreOptions, DrillTaskArgs, TaskSubnetsArgs {
  /** Where the dumps are: a `ScheduledPgDump`, or `PgDumpLocation.fromBucket({...})`. */
  readonly source: PgDumpSource;
  /**
   * Subnets of the scratch RDS instance (`restoreTarget` `scratch-rds` or `auto`): isolated ones, it needs no route
   * to the internet.
   * @default - none; required with restoreTarget `scratch-rds` or `auto`
   */
  readonly scratchSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * ARN of the secret holding the age identity that decrypts the dumps; only this drill's execution role reads it.
   * @default - the source's `encryption.identitySecretArn`; required when the source encrypts its dumps
   */
  readonly encryption?: { readonly identitySecretArn: pulumi.Input<string> };
}

/** What every scheduled drill component exposes, declared once ({@link ScheduledDrillAttributes}). */
export interface VerifyRestore extends ScheduledDrillAttributes {}

/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition) runs a
 * Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the same major
 * (listening only on the task's loopback, its password generated into a secret as in the CDK construct, kept out of the
 * Pulumi state), compares row counts, runs the checks and measures the restore. Every failure or timeout stops the
 * task, notifies the topic and fails the execution; failed executions and a restore slower than the RTO alarm.
 */
export class VerifyRestore extends pulumi.ComponentResource {
  /** The security group of the drill task (no inbound rules). */
  public readonly securityGroup: ec2.SecurityGroup;
  /**
   * Security group of the scratch RDS instance: inbound only from the drill task, on PostgreSQL's port.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSecurityGroup?: ec2.SecurityGroup;
  /**
   * The DB subnet group scratch RDS instances are created in.
   * @default - none: the dump is restored in the task
   */
  public readonly scratchSubnetGroup?: rds.SubnetGroup;
  /** ARN of the topic failed drills are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;
  /** What this component creates, as core decided it. */
  public readonly plan: VerifyRestorePlan;
  /** The drill as a protection of the source's database (core's protection record), also its `protections` output. */
  public readonly protections: pulumi.Output<DatabaseProtection[]>;

  constructor(name: string, props: VerifyRestoreProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:VerifyRestore', name, {}, opts);
    const source = props.source;
    const identitySecretArn = props.encryption?.identitySecretArn ?? source.encryption?.identitySecretArn;
    const environment = {
      sourceDatabaseNames: source.databaseNames,
      metricNamespace: source.metricNamespace,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      sourceEncryptedTo: source.encryption?.recipients,
      identitySecretGiven: identitySecretArn !== undefined,
    };
    const options = verifyRestoreOptionsOf(props);
    validateWhenKnown(withDrillDatabase(options, environment), (validator, checked) => {
      checkVerifyRestoreOptions(validator, checked);
      checkDrillIdentity(validator, environment);
      checkScratchSubnets(validator, checked, props.scratchSubnetIds !== undefined, 'scratchSubnetIds');
    }, name);
    const plan = planVerifyRestore(options, environment);
    this.plan = plan;
    const aws = awsEnvironment(this);
    const logRetentionDays = checkedLogRetentionDays(name, props.logRetentionDays);

    const givenTopic = props.notificationTopicArn ?? source.notificationTopicArn;
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: givenTopic,
      topicKeyArn: props.notificationTopicArn !== undefined ? props.notificationTopicKeyArn : source.notificationTopicKeyArn,
      environment: aws,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;
    const dumpLocation = pulumi.interpolate`s3://${source.bucketName}/${source.prefix}`;
    this.securityGroup = createTaskSecurityGroup(taskResourceNames(name).securityGroup, props.vpcId, plan.descriptions.taskSecurityGroup, this);
    const scratch = plan.scratch && createScratchRdsTarget(name, this, {
      scratch: plan.scratch,
      vpcId: props.vpcId,
      subnetIds: props.scratchSubnetIds!,
      taskSecurityGroupId: this.securityGroup.id,
      source,
      databaseName: plan.databaseName,
      environment: aws,
    });
    this.scratchSecurityGroup = scratch?.securityGroup;
    this.scratchSubnetGroup = scratch?.subnetGroup;

    const scratchPassword = plan.taskScratchServer ? createScratchPassword(name, plan.descriptions.scratchPassword, this).arn : undefined;
    const { attributes } = createScheduledDrill(name, this, {
      plan,
      notificationTopicArn: this.notificationTopicArn,
      notificationTopicKeyArn: notifications.topicKeyArn,
      cluster: props.cluster ?? source.cluster,
      vpcId: props.vpcId,
      securityGroup: this.securityGroup,
      subnetIds: props.subnetIds,
      environment: aws,
      family: `${name}-restore-drill`,
      containers: verifyRestoreContainers<pulumi.Input<string>>(plan, dumpLocation),
      images: { 'runner': props.image, 'postgres-server': postgresServerImageUri(source.postgresMajorVersion) },
      // The execution role alone reads the identity and the scratch password: the runner's own role cannot.
      secrets: {
        ...(scratchPassword !== undefined ? { 'scratch-password': scratchPassword } : {}),
        ...(identitySecretArn !== undefined ? { 'age-identity': identitySecretArn } : {}),
      },
      secretArns: [scratchPassword, identitySecretArn].filter((arn) => arn !== undefined),
      taskStatements: [...source.readStatements(), ...source.drillResultStatements(), ...(scratch?.taskStatements ?? [])],
      // Where the state machine writes the failures the verify task never saw: beside the dumps, as the task does.
      results: {
        bucketName: source.bucketName,
        bucketArn: source.bucketArn,
        folder: drillResultsFolder(source.prefix, plan.databaseName),
        writeStatements: source.drillResultStatements(),
      },
      substitutions: {
        [DrillPlaceholder.DUMP_LOCATION]: dumpLocation,
        // A drill into a scratch RDS instance names its own target, unless it may restore in the task (auto).
        ...(plan.drill.placeholders.includes(DrillPlaceholder.TARGET_URL) ? { [DrillPlaceholder.TARGET_URL]: SCRATCH_TARGET_URL } : {}),
        ...scratch?.substitutions,
      },
      scopes: scratch?.scopes,
      // The drill reads the dump's manifest to size the scratch instance: through the bucket's key when it has one.
      additionalStatements: scratch ? keyStatements(source.readStatements()) : [],
      logRetentionDays,
    });
    Object.assign(this, attributes);
    this.protections = protectionsOutput([{ ...plan.protection, database: source.protectedDatabase }]);
    this.registerOutputs({ ...scheduledDrillOutputs(this), [PROTECTIONS_OUTPUT]: this.protections, notificationTopicArn: this.notificationTopicArn });
  }
}
