import * as fs from 'node:fs';
import * as ec2 from '@pulumi/aws/ec2';
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { awsEnvironment, formatArn } from './aws-environment';
import { BackupNotifications } from './backup-notifications';
import { checkedLogRetentionDays } from './log-retention';
import { createTaskSecurityGroup } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { ScheduledDrillAttributes, createScheduledDrill, scheduledDrillAttributes } from './scheduled-drill';
import { SnapshotRestoreDrillProps } from './snapshot-restore-drill-props';
import {
  CHECKS_RUNNER_CONTAINER_NAME, SNAPSHOT_KEY_ACTIONS, SNAPSHOT_KEY_CONDITION, planSnapshotRestoreDrill, unknownSnapshotKeyWarning,
} from '../../core/aws/snapshot-restore-drill';
import { DrillPlaceholder, RestoreDrillKind } from '../../core/aws/state-machines';
import { taskResourceNames } from '../../core/aws/task-resource-names';
import { drillResultsFolder } from '../../core/policy/backup-store-layout';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

export * from './snapshot-restore-drill-props';

/** What every scheduled drill component exposes, declared once ({@link ScheduledDrillAttributes}). */
export interface SnapshotRestoreDrill extends ScheduledDrillAttributes {}

/**
 * Proves the managed database's snapshots restore, as the CDK `SnapshotRestoreDrill` does: on a schedule, a Step
 * Functions state machine (core's snapshot drill) restores the newest snapshot (or, with `pointInTime`, the database as
 * it was at a target time) into a scratch database (Aurora: a
 * cluster and one instance) in isolated subnets, small, private, tagged, behind its own security group; polls until it
 * is available, within a bound; runs `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks);
 * and deletes it without a final snapshot on every path that may have created it. The restore time (RTO) is a metric
 * with an alarm; failures notify.
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
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** Value of the `Database` metric dimension. */
  public readonly databaseName: string;
  /** Namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** Prefix of scratch identifiers (the execution role may only create and delete those). */
  public readonly scratchIdentifierPrefix: string;
  /** The `Drill` dimension of the metrics: `snapshot`, or `point-in-time` with `pointInTime`. */
  public readonly drillKind: RestoreDrillKind;
  /** The largest accepted distance of a point-in-time drill's recovery point from its target, minutes, when bounded. */
  public readonly maxRecoveryPointGapMinutes?: number;

  constructor(name: string, props: SnapshotRestoreDrillProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:SnapshotRestoreDrill', name, {}, opts);
    const database = props.database;
    this.databaseName = props.databaseName ?? 'postgres';
    const plan = planSnapshotRestoreDrill(props, {
      kind: database.kind,
      databaseName: this.databaseName,
      hasSecret: props.secretArn !== undefined,
      recordsResults: props.drillResults !== undefined,
      checkFiles: (props.checkFiles ?? []).map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined })),
    }, { ...PULUMI_VALIDATION_OPTIONS, construct: name });
    const { descriptions } = plan;
    this.maxRestoreDurationMinutes = plan.maxRestoreDurationMinutes;
    this.metricNamespace = plan.metricNamespace;
    this.scratchIdentifierPrefix = plan.scratchIdentifierPrefix;
    this.drillKind = plan.drillKind;
    this.maxRecoveryPointGapMinutes = plan.maxRecoveryPointGapMinutes;
    const environment = awsEnvironment(this);
    const notifications = new BackupNotifications(`${name}-notifications`, {
      topicArn: props.notificationTopicArn, topicKeyArn: props.notificationTopicKeyArn, environment,
    }, { parent: this });
    this.notificationTopicArn = notifications.topicArn;

    this.taskSecurityGroup = createTaskSecurityGroup(taskResourceNames(name).securityGroup, props.vpcId, descriptions.taskSecurityGroup, this);
    const port = props.port ?? 5432;
    this.scratchSecurityGroup = new ec2.SecurityGroup(`${name}-scratch-sg`, {
      vpcId: props.vpcId,
      description: descriptions.scratchSecurityGroup,
      ingress: [{ protocol: 'tcp', fromPort: port, toPort: port, securityGroups: [this.taskSecurityGroup.id], description: descriptions.scratchIngress }],
      egress: [],
    }, { parent: this });
    this.subnetGroup = new rds.SubnetGroup(`${name}-scratch-subnets`, {
      subnetIds: props.scratchSubnetIds,
      description: descriptions.subnetGroup,
    }, { parent: this });

    // The checks connect to the scratch database; the task role may at most write the drill's result beside the dumps.
    const drillResults = props.drillResults;
    const rdsArn = (resource: pulumi.Input<string>) => formatArn(environment, 'rds', resource);
    const scheduled = createScheduledDrill(name, this, {
      plan,
      notificationTopicArn: this.notificationTopicArn,
      notificationTopicKeyArn: notifications.topicKeyArn,
      cluster: props.cluster,
      subnetIds: props.taskSubnetIds,
      environment,
      task: () => ({
        family: `${name}-snapshot-drill`,
        size: plan.task,
        taskRole: { role: descriptions.taskRole, statements: drillResults?.drillResultStatements() },
        executionRole: { role: descriptions.executionRole, secretArns: props.secretArn },
        securityGroup: this.taskSecurityGroup,
        container: {
          name: CHECKS_RUNNER_CONTAINER_NAME,
          image: props.image,
          // The drill's command starts with the executable (`pg-backup check …`), so the image's entrypoint is replaced.
          entryPoint: ['env'],
          command: plan.checkCommand,
          environment: plan.checkEnvironment,
          secrets: { PGUSER: pulumi.interpolate`${props.secretArn}:username::`, PGPASSWORD: pulumi.interpolate`${props.secretArn}:password::` },
          logStreamPrefix: 'check',
        },
      }),
      results: drillResults && {
        bucketName: drillResults.bucketName,
        bucketArn: drillResults.bucketArn,
        folder: drillResultsFolder(drillResults.prefix, this.databaseName),
        recordPrefix: drillResults.prefix,
        writeStatements: drillResults.drillResultStatements(),
      },
      substitutions: {
        [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
        [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: this.subnetGroup.name,
        [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: this.scratchSecurityGroup.id,
      },
      scopes: {
        ...Object.fromEntries(Object.entries(plan.rdsResources).map(([kind, arn]) => [kind, { Resource: rdsArn(`${arn.resource}:${arn.resourceName}`) }])),
        'rds-source': { Resource: database.arn(environment) },
        'rds-subnet-group': { Resource: rdsArn(pulumi.interpolate`subgrp:${this.subnetGroup.name}`) },
      },
      additionalStatements: this.snapshotKeyStatements(props),
      logRetentionDays: checkedLogRetentionDays(name, props.logRetentionDays),
    });
    Object.assign(this, scheduledDrillAttributes(plan, scheduled));
    this.registerOutputs({
      stateMachineArn: this.stateMachine.arn,
      notificationTopicArn: this.notificationTopicArn,
      taskDefinitionArn: this.taskDefinition.arn,
      scheduleArn: this.schedule.arn,
      alarmArns: this.alarms.map((alarm) => alarm.arn),
    });
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements(props: SnapshotRestoreDrillProps): PolicyStatement[] {
    if (props.storageEncryptionKeyArn !== undefined) {
      return [{ Effect: 'Allow', Action: [...SNAPSHOT_KEY_ACTIONS], Resource: props.storageEncryptionKeyArn, Condition: SNAPSHOT_KEY_CONDITION }];
    }
    props.database.storageEncryption.apply((encryption) => {
      if (encryption === 'customer-managed-key' || encryption === 'unknown') {
        void pulumi.log.warn(unknownSnapshotKeyWarning('storageEncryptionKeyArn'), this);
      }
    });
    return [];
  }
}
