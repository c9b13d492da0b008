import * as fs from 'node:fs';
import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { cdkValidationOptions } from './cdk-validation';
import { DrillResourceScope } from './drill-permissions';
import { createDrillStateMachine } from './drill-state-machine';
import { renderDrillTask } from './drill-task';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { RestoreDrillMetrics } from './restore-drill-metrics';
import { acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { addScratchPlacement } from './scratch-rds-target';
import { SnapshotRestoreDrillProps } from './snapshot-restore-drill-props';
import {
  DRILL_RECORD_TO_ENV, SNAPSHOT_KEY_ACTIONS, SNAPSHOT_KEY_CONDITION, SnapshotRestoreDrillPlan,
  drillResultsLocation, planSnapshotRestoreDrill, unknownSnapshotKeyWarning,
} from '../core/aws/snapshot-restore-drill';
import { DrillPlaceholder, DrillResourceKind, RestoreDrillKind } from '../core/aws/state-machines';
import { drillResultsFolder } from '../core/policy/backup-store-layout';

export { CHECKS_RUNNER_CONTAINER_NAME, CHECK_SQL_ENV_PREFIX } from '../core/aws/snapshot-restore-drill';
export * from './snapshot-restore-drill-props';

/**
 * Proves the managed database's snapshots restore: on a schedule, a Step Functions state machine (the core snapshot
 * drill) restores the newest snapshot (or, with `pointInTime`, the database as it was at a target time) into a scratch database (Aurora: a cluster and one instance) in isolated
 * subnets, small, private, tagged, behind its own security group; polls until it is available, within a bound; runs
 * `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks); and deletes it without a final
 * snapshot on every path that may have created it. The restore time (RTO) is a metric with an alarm; failures notify.
 */
export class SnapshotRestoreDrill extends RestoreDrillMetrics {
  /** The state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The checks task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The cluster the checks run in. */
  public readonly cluster: ecs.ICluster;
  /** Security group of the checks task (no inbound rules). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the scratch database: inbound only from the checks task. */
  public readonly scratchSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are placed in. */
  public readonly subnetGroup: rds.SubnetGroup;
  /** The schedule. */
  public readonly schedule: scheduler.Schedule;
  /** The topic failed drills are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** Alarms: failed drill, restore slower than the RTO, schedule dead letters. */
  public readonly alarms: readonly cloudwatch.Alarm[];
  /** The RTO, minutes. */
  public readonly maxRestoreDurationMinutes: number;
  /** Value of the `Database` metric dimension. */
  public readonly databaseName: string;
  /** Namespace of the drill metrics. */
  public readonly metricNamespace: string;
  /** The database whose snapshots are restored. */
  public readonly database: ManagedPostgresDatabase;
  /** Prefix of scratch identifiers (the execution role may only create and delete those). */
  public readonly scratchIdentifierPrefix: string;
  /** The `Drill` dimension of the metrics: `snapshot`, or `point-in-time` with `pointInTime`. */
  public readonly drillKind: RestoreDrillKind;
  /** The largest accepted distance of a point-in-time drill's recovery point from its target, minutes, when bounded. */
  public readonly maxRecoveryPointGapMinutes?: number;

  constructor(scope: Construct, id: string, props: SnapshotRestoreDrillProps) {
    super(scope, id);
    const database = props.database;
    const plan = planSnapshotRestoreDrill(props, {
      kind: database.kind,
      databaseName: database.databaseName,
      postgresMajorVersion: database.postgresMajorVersion,
      hasSecret: database.secret !== undefined,
      recordsResults: props.drillResults !== undefined,
      checkFiles: (props.checkFiles ?? []).map((path) => ({ path, sql: fs.existsSync(path) ? fs.readFileSync(path, 'utf8') : undefined })),
    }, cdkValidationOptions(this));
    this.maxRestoreDurationMinutes = plan.maxRestoreDurationMinutes;
    this.databaseName = database.databaseName;
    this.metricNamespace = plan.metricNamespace;
    this.database = database;
    this.scratchIdentifierPrefix = plan.scratchIdentifierPrefix;
    this.drillKind = plan.drillKind;
    this.maxRecoveryPointGapMinutes = plan.maxRecoveryPointGapMinutes;
    const { descriptions } = plan;

    this.notificationTopic = props.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    const task = renderDrillTask(this, plan, props, {
      subnets: props.taskSubnets,
      postgresMajorVersion: plan.postgresMajorVersion,
      command: plan.checkCommand,
      environment: {
        ...plan.checkEnvironment,
        ...(props.drillResults
          ? { [DRILL_RECORD_TO_ENV]: drillResultsLocation(props.drillResults.bucket.bucketName, props.drillResults.prefix) }
          : {}),
      },
      secrets: {
        PGUSER: ecs.Secret.fromSecretsManager(database.secret!, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(database.secret!, 'password'),
      },
    });
    ({ cluster: this.cluster, taskDefinition: this.taskDefinition, securityGroup: this.taskSecurityGroup } = task);
    if (props.drillResults) {
      props.drillResults.grantWriteDrillResults(this.taskDefinition.taskRole);
      acknowledgeWildcards(this.taskDefinition.taskRole, [
        backupObjectsWildcard(props.drillResults.bucket.arnForObjects(`${props.drillResults.prefix}/*/drills/*`), 'drill-results'),
      ]);
    }

    ({ securityGroup: this.scratchSecurityGroup, subnetGroup: this.subnetGroup } = addScratchPlacement(this, {
      vpc: props.vpc,
      subnets: props.scratchSubnets,
      taskSecurityGroup: this.taskSecurityGroup,
      port: database.port,
      descriptions: { securityGroup: descriptions.scratchSecurityGroup, ingress: descriptions.scratchIngress, subnetGroup: descriptions.subnetGroup },
    }));
    const drillStateMachine = createDrillStateMachine(this, plan, task, {
      notificationTopic: this.notificationTopic,
      substitutions: {
        [DrillPlaceholder.SOURCE_IDENTIFIER]: database.identifier,
        [DrillPlaceholder.DB_SUBNET_GROUP_NAME]: this.subnetGroup.subnetGroupName,
        [DrillPlaceholder.VPC_SECURITY_GROUP_IDS]: this.scratchSecurityGroup.securityGroupId,
      },
      scopes: this.rdsScopes(database, plan.rdsResources),
      additionalStatements: this.snapshotKeyStatements(database),
      results: props.drillResults && {
        bucket: props.drillResults.bucket,
        folder: drillResultsFolder(props.drillResults.prefix, this.databaseName),
        encryptionKey: props.drillResults.bucket.encryptionKey,
      },
    });
    this.stateMachine = drillStateMachine.stateMachine;
    this.schedule = drillStateMachine.schedule;
    this.alarms = drillStateMachine.alarms;
    for (const path of database.protectedPaths()) {
      this.node.addMetadata(PROTECTION_METADATA_TYPE, { ...plan.protection, database: path });
    }
  }

  private rdsScopes(database: ManagedPostgresDatabase, planned: SnapshotRestoreDrillPlan['rdsResources']): Partial<Record<DrillResourceKind, DrillResourceScope>> {
    const stack = Stack.of(this);
    const rdsArn = (resource: string, resourceName: string) => stack.formatArn({ service: 'rds', resource, resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    return {
      ...Object.fromEntries(Object.entries(planned).map(([kind, arn]) => [kind, { resources: [rdsArn(arn.resource, arn.resourceName)] }])),
      'rds-source': { resources: [database.arn(this)] },
      'rds-subnet-group': { resources: [rdsArn('subgrp', this.subnetGroup.subnetGroupName)] },
    };
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements(database: ManagedPostgresDatabase): iam.PolicyStatement[] {
    if (database.storageEncryptionKey) {
      return [new iam.PolicyStatement({
        actions: [...SNAPSHOT_KEY_ACTIONS],
        resources: [database.storageEncryptionKey.keyArn],
        conditions: SNAPSHOT_KEY_CONDITION,
      })];
    }
    if (database.storageEncryption === 'customer-managed-key' || database.storageEncryption === 'unknown') {
      Annotations.of(this).addWarningV2('postgres-backup:drill-snapshot-key', unknownSnapshotKeyWarning('storageEncryptionKey'));
    }
    return [];
  }
}
