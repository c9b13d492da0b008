import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { BackupNotifications } from './backup-notifications';
import { cdkValidationOptions } from './cdk-validation';
import { ScheduledDrillAttributes, awsArnFormat, drillBucket, renderScheduledDrill } from './drill-state-machine';
import { createDrillTaskSecurityGroup } from './drill-task';
import { ManagedPostgresDatabase } from './managed-postgres-database';
import { RestoreDrillMetrics } from './restore-drill-metrics';
import { acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { PROTECTION_METADATA_TYPE } from './scheduled-pg-dump';
import { addScratchPlacement } from './scratch-rds-target';
import { SnapshotRestoreDrillProps } from './snapshot-restore-drill-props';
import { snapshotDrillInputs } from '../core/aws/drill-inputs';
import {
  SNAPSHOT_KEY_ACTIONS, SNAPSHOT_KEY_CONDITION, SnapshotRestoreDrillAttributes,
  planSnapshotRestoreDrill, snapshotDrillWiring, snapshotScratchPlacement, snapshotRestoreDrillAttributes, unknownSnapshotKeyWarning,
} from '../core/aws/snapshot-restore-drill';

export { CHECKS_RUNNER_CONTAINER_NAME, CHECK_SQL_ENV_PREFIX } from '../core/aws/snapshot-restore-drill';
export * from './snapshot-restore-drill-props';

/** What every scheduled drill construct exposes, and the snapshot drill's own attributes, each declared once. */
export interface SnapshotRestoreDrill extends ScheduledDrillAttributes, SnapshotRestoreDrillAttributes {}

/**
 * Proves the managed database's snapshots restore: on a schedule, a Step Functions state machine (the core snapshot
 * drill) restores the newest snapshot (or, with `pointInTime`, the database as it was at a target time) into a scratch database (Aurora: a cluster and one instance) in isolated
 * subnets, small, private, tagged, behind its own security group; polls until it is available, within a bound; runs
 * `pg-backup check` in a Fargate task against it (row-count bounds and SQL checks); and deletes it without a final
 * snapshot on every path that may have created it. The restore time (RTO) is a metric with an alarm; failures notify.
 */
export class SnapshotRestoreDrill extends RestoreDrillMetrics {
  /** Security group of the checks task (no inbound rules). */
  public readonly taskSecurityGroup: ec2.SecurityGroup;
  /** Security group of the scratch database: inbound only from the checks task. */
  public readonly scratchSecurityGroup: ec2.SecurityGroup;
  /** The DB subnet group scratch databases are placed in. */
  public readonly subnetGroup: rds.SubnetGroup;
  /** The topic failed drills are sent to. */
  public readonly notificationTopic: sns.ITopic;
  /** The database whose snapshots are restored. */
  public readonly database: ManagedPostgresDatabase;

  constructor(scope: Construct, id: string, props: SnapshotRestoreDrillProps) {
    super(scope, id);
    const { database, drillResults } = props;
    const plan = planSnapshotRestoreDrill(props, {
      kind: database.kind,
      databaseName: database.databaseName,
      postgresMajorVersion: database.postgresMajorVersion,
      port: database.port,
      hasSecret: database.secret !== undefined,
    }, cdkValidationOptions(this));
    this.database = database;

    this.notificationTopic = props.notificationTopic ?? new BackupNotifications(this, 'Notifications').topic;
    this.taskSecurityGroup = createDrillTaskSecurityGroup(this, plan, props.vpc);
    ({ securityGroup: this.scratchSecurityGroup, subnetGroup: this.subnetGroup } = addScratchPlacement(this, {
      vpc: props.vpc, subnets: props.scratchSubnets, taskSecurityGroup: this.taskSecurityGroup,
    }, snapshotScratchPlacement(plan)));
    const snapshot = snapshotDrillWiring(plan, {
      sourceIdentifier: database.identifier,
      sourceArn: database.arn(this),
      subnetGroupName: this.subnetGroup.subnetGroupName,
      securityGroupId: this.scratchSecurityGroup.securityGroupId,
      arn: awsArnFormat(this),
    });
    const inputs = snapshotDrillInputs(plan, snapshot, drillResults && { ...drillBucket(drillResults.bucket), prefix: drillResults.prefix });
    const { attributes } = renderScheduledDrill(this, plan, props, {
      subnets: props.taskSubnets,
      postgresMajorVersion: plan.postgresMajorVersion,
      containers: inputs.containers,
      securityGroup: this.taskSecurityGroup,
      secrets: {
        'database-username': ecs.Secret.fromSecretsManager(database.secret!, 'username'),
        'database-password': ecs.Secret.fromSecretsManager(database.secret!, 'password'),
      },
      notificationTopic: this.notificationTopic,
      wiring: inputs,
      additionalStatements: this.snapshotKeyStatements(database),
      resultsKey: drillResults?.bucket.encryptionKey,
    });
    if (drillResults) {
      drillResults.grantWriteDrillResults(attributes.taskDefinition.taskRole);
      acknowledgeWildcards(attributes.taskDefinition.taskRole, [
        backupObjectsWildcard(drillResults.bucket.arnForObjects(`${drillResults.prefix}/*/drills/*`), 'drill-results'),
      ]);
    }
    Object.assign(this, attributes, snapshotRestoreDrillAttributes(plan));
    for (const path of database.protectedPaths()) {
      this.node.addMetadata(PROTECTION_METADATA_TYPE, { ...plan.protection, database: path });
    }
  }

  /** Restoring an encrypted snapshot makes RDS create a grant on its key with the caller's permissions. */
  private snapshotKeyStatements({ storageEncryptionKey: key, storageEncryption }: ManagedPostgresDatabase): iam.PolicyStatement[] {
    const warning = key ? undefined : unknownSnapshotKeyWarning(storageEncryption, 'storageEncryptionKey');
    if (warning) Annotations.of(this).addWarningV2('postgres-backup:drill-snapshot-key', warning);
    return key ? [new iam.PolicyStatement({ actions: [...SNAPSHOT_KEY_ACTIONS], resources: [key.keyArn], conditions: SNAPSHOT_KEY_CONDITION })] : [];
  }
}
