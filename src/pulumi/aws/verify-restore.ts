import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { DrillTaskArgs } from './drill-task-props';
import { PgDumpSource } from './pg-dump-source';
import { createTaskSecurityGroup } from './planned-tasks';
import { ScheduledDrillAttributes, createScheduledDrill, drillBucket, keyStatements, scheduledDrillOutputs } from './scheduled-drill';
import { createScratchRdsTarget } from './scratch-rds-target';
import { TaskSubnetsArgs } from './task-placement-handles';
import { verifyRestoreInputs } from '../../core/aws/drill-inputs';
import { postgresServerImageUri } from '../../core/aws/runner-image';
import { taskResourceNames } from '../../core/aws/task-resource-names';
import { VerifyRestoreOptions, VerifyRestorePlan, planVerifyRestore } from '../../core/aws/verify-restore';
import { DatabaseProtection, PROTECTIONS_OUTPUT } from '../../core/policy/database-protection';
import { protectionsOutput } from '../protection-outputs';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

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
    const plan = planVerifyRestore(props, {
      sourceDatabaseNames: source.databaseNames,
      metricNamespace: source.metricNamespace,
      validation: { ...PULUMI_VALIDATION_OPTIONS, construct: name },
      sourceEncryptedTo: source.encryption?.recipients,
      identitySecretGiven: identitySecretArn !== undefined,
      scratchSubnets: { prop: 'scratchSubnetIds', given: props.scratchSubnetIds !== undefined },
    });
    this.plan = plan;
    const environment = awsEnvironment(this);
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn ?? source.notificationTopicArn,
      topicKeyArn: props.notificationTopicArn !== undefined ? props.notificationTopicKeyArn : source.notificationTopicKeyArn,
      environment,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;
    const backups = { ...drillBucket(source), prefix: source.prefix };
    this.securityGroup = createTaskSecurityGroup(taskResourceNames(name).securityGroup, props.vpcId, plan.descriptions.taskSecurityGroup, this);
    const scratch = plan.scratch && createScratchRdsTarget(name, this, {
      plan, vpcId: props.vpcId, subnetIds: props.scratchSubnetIds!, taskSecurityGroupId: this.securityGroup.id, source: backups, environment,
    });
    this.scratchSecurityGroup = scratch?.securityGroup;
    this.scratchSubnetGroup = scratch?.subnetGroup;

    const { attributes } = createScheduledDrill(name, this, plan, verifyRestoreInputs(plan, backups, scratch?.wiring), {
      ...props,
      cluster: props.cluster ?? source.cluster,
      notificationTopicArn: this.notificationTopicArn,
      notificationTopicKeyArn: notifications.topicKeyArn,
      securityGroup: this.securityGroup,
      environment,
      images: { 'runner': props.image, 'postgres-server': postgresServerImageUri(source.postgresMajorVersion) },
      secrets: identitySecretArn === undefined ? {} : { 'age-identity': identitySecretArn },
      secretArns: identitySecretArn === undefined ? [] : [identitySecretArn],
      taskStatements: [...source.readStatements(), ...source.drillResultStatements(), ...(scratch?.taskStatements ?? [])],
      // The drill reads the dump's manifest to size a scratch instance, and writes a failed drill's result: through the bucket's key.
      additionalStatements: keyStatements([...(scratch ? source.readStatements() : []), ...source.drillResultStatements()]),
    });
    Object.assign(this, attributes);
    this.protections = protectionsOutput([{ ...plan.protection, database: source.protectedDatabase }]);
    this.registerOutputs({ ...scheduledDrillOutputs(this), [PROTECTIONS_OUTPUT]: this.protections, notificationTopicArn: this.notificationTopicArn });
  }
}
