import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { cdkValidationOptions } from './cdk-validation';
import { ScheduledDrillAttributes, drillBucket, renderScheduledDrill } from './drill-state-machine';
import { createDrillTaskSecurityGroup } from './drill-task';
import { ScratchDatabaseDrillProps } from './drill-task-props';
import { IPgDumpSource } from './pg-dump-source';
import { RestoreDrillMetrics } from './restore-drill-metrics';
import { acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { addScratchRdsTarget, grantScratchSecretRead } from './scratch-rds-target';
import { TaskSubnetsProps } from './task-placement-handles';
import { verifyRestoreInputs } from '../core/aws/drill-inputs';
import { BACKUP_READ_IAM_ACTIONS, DRILL_RESULT_WRITE_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import { VerifyRestoreOptions, VerifyRestorePlan, planVerifyRestore } from '../core/aws/verify-restore';

/** Props of {@link VerifyRestore}: the options every front end shares, and the CDK handles. */
export interface VerifyRestoreProps extends VerifyRestoreOptions, ScratchDatabaseDrillProps, TaskSubnetsProps {
  /** Where the dumps are: a `ScheduledPgDump`, or `PgDumpLocation.fromBucket({...})`. */
  readonly source: IPgDumpSource;
  /**
   * The secret holding the age identity that decrypts the dumps; only this drill's execution role reads it.
   * @default - the source's `encryption.identitySecret`; required when the source encrypts its dumps
   */
  readonly encryption?: { readonly identitySecret: secretsmanager.ISecret };
}

/** What every scheduled drill construct exposes, declared once ({@link ScheduledDrillAttributes}). */
export interface VerifyRestore extends ScheduledDrillAttributes {}

/**
 * A restore drill on a schedule: a Step Functions state machine (the core's dump-restore-drill definition)
 * runs a Fargate task in which `pg-backup verify` restores the latest dump into a scratch PostgreSQL of the
 * same major (reachable only on the task's loopback), compares row counts, runs the checks and measures the
 * restore. Every failure or timeout stops the task, notifies the topic and fails the execution; failed
 * executions and a restore slower than the RTO alarm.
 */
export class VerifyRestore extends RestoreDrillMetrics {
  /** The `Drill` dimension of the metrics. */
  public readonly drillKind = 'dump';
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
  /** The topic failed drills are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** What this construct creates, as core decided it. */
  public readonly plan: VerifyRestorePlan;

  constructor(scope: Construct, id: string, props: VerifyRestoreProps) {
    super(scope, id);
    const source = props.source;
    const identitySecret = props.encryption?.identitySecret ?? source.encryption?.identitySecret;
    const plan = planVerifyRestore(props, {
      sourceDatabaseNames: source.databaseNames,
      metricNamespace: source.metricNamespace,
      validation: cdkValidationOptions(this),
      sourceEncryptedTo: source.encryption?.recipients,
      identitySecretGiven: identitySecret !== undefined,
    });
    this.plan = plan;

    this.notificationTopic = props.notificationTopic ?? source.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    const backups = { ...drillBucket(source.bucket), prefix: source.prefix };
    this.securityGroup = createDrillTaskSecurityGroup(this, plan, props.vpc);
    const scratch = plan.scratch && addScratchRdsTarget(this, {
      plan, vpc: props.vpc, subnets: props.scratchSubnets, taskSecurityGroup: this.securityGroup, source: backups,
    });
    this.scratchSecurityGroup = scratch?.securityGroup;
    this.scratchSubnetGroup = scratch?.subnetGroup;
    const inputs = verifyRestoreInputs(plan, backups, scratch?.wiring);
    const { attributes } = renderScheduledDrill(this, plan, { ...props, cluster: props.cluster ?? source.cluster }, {
      subnets: props.vpcSubnets,
      postgresMajorVersion: source.postgresMajorVersion,
      containers: inputs.containers,
      securityGroup: this.securityGroup,
      // Injected by the execution role, which alone may read it: the runner's own role and the dump's roles cannot.
      secrets: identitySecret && { 'age-identity': ecs.Secret.fromSecretsManager(identitySecret) },
      notificationTopic: this.notificationTopic,
      wiring: inputs,
      // The drill reads the dump's manifest to size a scratch instance, and writes a failed drill's result: through the bucket's key.
      additionalStatements: source.bucket.encryptionKey ? [new iam.PolicyStatement({
        actions: [...(scratch ? actionsOnResource(BACKUP_READ_IAM_ACTIONS, 'backup-key') : []), ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key')],
        resources: [source.bucket.encryptionKey.keyArn],
      })] : [],
    });
    Object.assign(this, attributes);
    const { taskRole } = attributes.taskDefinition;
    source.grantRead(taskRole);
    source.grantWriteDrillResults(taskRole);
    acknowledgeWildcards(taskRole, [
      backupObjectsWildcard(source.bucket.arnForObjects(`${source.prefix}/*`), 'read'),
      backupObjectsWildcard(source.bucket.arnForObjects(`${source.prefix}/*/drills/*`), 'drill-results'),
    ]);
    if (scratch) grantScratchSecretRead(taskRole, scratch.wiring);
    this.node.addMetadata(PROTECTION_METADATA_TYPE, {
      ...plan.protection, database: source.protectedDatabase, databaseNames: [...plan.protection.databaseNames],
    });
  }
}

