import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { createTaskSecurityGroup } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { ScheduledDrillAttributes, createScheduledDrill, drillBucket, keyStatements, scheduledDrillOutputs } from './scheduled-drill';
import { awsArnFormat, createScratchPlacement } from './scratch-rds-target';
import { SnapshotRestoreDrillProps } from './snapshot-restore-drill-props';
import { snapshotDrillInputs } from '../../core/aws/drill-inputs';
import {
  SNAPSHOT_KEY_ACTIONS, SNAPSHOT_KEY_CONDITION, SnapshotRestoreDrillAttributes, planSnapshotRestoreDrill, snapshotDrillWiring,
  snapshotRestoreDrillAttributes, snapshotScratchPlacement, unknownSnapshotKeyWarning,
} from '../../core/aws/snapshot-restore-drill';
import { taskResourceNames } from '../../core/aws/task-resource-names';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export * from './snapshot-restore-drill-props';

/** What every scheduled drill component exposes, and the snapshot drill's own attributes, each declared once. */
export interface SnapshotRestoreDrill extends ScheduledDrillAttributes, SnapshotRestoreDrillAttributes {}

/**
 * Proves the managed database's snapshots restore, as the CDK `SnapshotRestoreDrill` does: on a schedule, core's snapshot
 * drill restores the newest snapshot (or, with `pointInTime`, the database at a target time) into a scratch database,
 * runs `pg-backup check` against it in a Fargate task, and deletes it on every path; the restore time is a metric with an
 * alarm; failures notify.
 */
export class SnapshotRestoreDrill extends pulumi.ComponentResource {
  /** Security group of the checks task (no inbound rules). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the scratch database: inbound only from the checks task. */
  public readonly scratchSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are placed in. */
  public readonly subnetGroup: rds.SubnetGroup;
  /** ARN of the topic failed drills are sent to. */
  public readonly notificationTopicArn: pulumi.Output<string>;

  constructor(name: string, props: SnapshotRestoreDrillProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:SnapshotRestoreDrill', name, {}, opts);
    const { database, drillResults } = props;
    const plan = planSnapshotRestoreDrill(props, {
      kind: database.kind,
      databaseName: props.databaseName,
      port: props.port,
      hasSecret: props.secretArn !== undefined,
    }, { ...PULUMI_VALIDATION_OPTIONS, construct: name });
    const environment = awsEnvironment(this);
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn, topicKeyArn: props.notificationTopicKeyArn, environment,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;
    this.taskSecurityGroup = createTaskSecurityGroup(taskResourceNames(name).securityGroup, props.vpcId, plan.descriptions.taskSecurityGroup, this);
    ({ securityGroup: this.scratchSecurityGroup, subnetGroup: this.subnetGroup } = createScratchPlacement(name, this, {
      vpcId: props.vpcId, subnetIds: props.scratchSubnetIds, taskSecurityGroupId: this.taskSecurityGroup.id,
    }, snapshotScratchPlacement(plan)));
    const snapshot = snapshotDrillWiring<pulumi.Input<string>>(plan, {
      sourceIdentifier: database.identifier,
      sourceArn: database.arn(environment),
      subnetGroupName: this.subnetGroup.name,
      securityGroupId: this.scratchSecurityGroup.id,
      arn: awsArnFormat(environment),
    });
    const results = drillResults && { ...drillBucket(drillResults), prefix: drillResults.prefix };
    const { attributes } = createScheduledDrill(name, this, plan, snapshotDrillInputs(plan, snapshot, results), {
      ...props,
      notificationTopicArn: this.notificationTopicArn,
      notificationTopicKeyArn: notifications.topicKeyArn,
      securityGroup: this.taskSecurityGroup,
      subnetIds: props.taskSubnetIds,
      environment,
      images: { runner: props.image },
      secrets: { 'database-username': pulumi.interpolate`${props.secretArn}:username::`, 'database-password': pulumi.interpolate`${props.secretArn}:password::` },
      secretArns: [props.secretArn],
      // The checks connect to the scratch database; the task role may at most write the drill's result beside the dumps.
      taskStatements: drillResults?.drillResultStatements(),
      // A failed drill's result is written through the bucket's key, when it has one.
      additionalStatements: [...this.snapshotKeyStatements(props), ...keyStatements(drillResults?.drillResultStatements() ?? [])],
    });
    Object.assign(this, attributes, snapshotRestoreDrillAttributes(plan));
    this.registerOutputs({ ...scheduledDrillOutputs(this), notificationTopicArn: this.notificationTopicArn });
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements({ storageEncryptionKeyArn: keyArn, database }: SnapshotRestoreDrillProps): PolicyStatement[] {
    if (keyArn !== undefined) return [{ Effect: 'Allow', Action: [...SNAPSHOT_KEY_ACTIONS], Resource: keyArn, Condition: SNAPSHOT_KEY_CONDITION }];
    database.storageEncryption.apply((encryption) => {
      const warning = unknownSnapshotKeyWarning(encryption, 'storageEncryptionKeyArn');
      if (warning) void pulumi.log.warn(warning, this);
    });
    return [];
  }
}
