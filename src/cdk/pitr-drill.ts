import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ScheduledDrillAttributes, drillBucket, renderScheduledDrill } from './drill-state-machine';
import { DrillTaskProps } from './drill-task-props';
import { grantPlannedActions } from './planned-grants';
import { RestoreDrillMetrics } from './restore-drill-metrics';
import { acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { TaskSubnetsProps } from './task-placement-handles';
import { pitrDrillInputs } from '../core/aws/drill-inputs';
import { PitrDrillOptions, planPitrDrill } from '../core/aws/pitr-drill';

/** Props of {@link PitrDrill}: the options every front end shares, and the CDK handles. */
export interface PitrDrillProps extends PitrDrillOptions, DrillTaskProps, TaskSubnetsProps {
  /** The text of `pgbackrest.conf` for the repository (handed to the task in its environment). */
  readonly pgBackRestConf: string;
  /**
   * The repository's cipher pass, injected by the execution role into the variable pgBackRest reads it from.
   * @default - the repository is not encrypted by pgBackRest
   */
  readonly cipherPass?: { readonly environmentVariable: string; readonly secret: secretsmanager.ISecret };
  /** PostgreSQL major of the archived cluster, whose server binaries and pgBackRest the image holds. */
  readonly postgresMajorVersion: number;
  /** Where failed drills are sent. */
  readonly notificationTopic: sns.ITopic;
  /** Lets the task role read the archive. */
  readonly grantRestore: (grantee: iam.IGrantable) => void;
  /**
   * The bucket the results go to under `drillResultsPrefix` (the archive's own), and its key. Required with
   * `drillResultsPrefix`.
   * @default - no results written
   */
  readonly drillResultsBucket?: { readonly bucket: s3.IBucket; readonly encryptionKey?: kms.IKey };
}

/** What every scheduled drill construct exposes, declared once ({@link ScheduledDrillAttributes}). */
export interface PitrDrill extends ScheduledDrillAttributes {}

/**
 * The scheduled point-in-time recovery drill: a Step Functions state machine (core's PITR drill definition) runs a
 * Fargate task in which `pg-backup drill-pitr` restores the base backup pgBackRest picks for the target time (the
 * execution's start, or the input's `targetTime`) into the task's scratch storage, replays WAL to it, starts
 * PostgreSQL, runs the checks and reports the restore duration. Every failure stops the task, notifies and fails the
 * execution; failed executions, a restore slower than the RTO and a schedule that could not start the drill alarm.
 * With `drillResultsPrefix`, every drill, passed or failed, writes its result beside the archive, where
 * `pg-backup status` shows it.
 */
export class PitrDrill extends RestoreDrillMetrics {
  /** The task's security group (no inbound rules). */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PitrDrillProps) {
    super(scope, id);
    const plan = planPitrDrill(props, { construct: 'PitrDrill', resultsBucketGiven: props.drillResultsBucket !== undefined });
    const results = plan.drillResults && { ...props.drillResultsBucket!, ...plan.drillResults };
    const inputs = pitrDrillInputs(plan, {
      pgBackRestConf: props.pgBackRestConf, cipherPassVariable: props.cipherPass?.environmentVariable,
    }, results && drillBucket(results.bucket));
    const { attributes, securityGroup } = renderScheduledDrill(this, plan, props, {
      subnets: props.vpcSubnets,
      postgresMajorVersion: props.postgresMajorVersion,
      containers: inputs.containers,
      // Injected by the execution role, which alone may read it: the drill's own role cannot.
      secrets: props.cipherPass && { 'cipher-pass': ecs.Secret.fromSecretsManager(props.cipherPass.secret) },
      notificationTopic: props.notificationTopic,
      wiring: inputs,
      resultsKey: results?.encryptionKey,
    });
    Object.assign(this, attributes);
    this.securityGroup = securityGroup;
    const { taskRole } = attributes.taskDefinition;
    props.grantRestore(taskRole);
    if (results) {
      const resultObjects = results.bucket.arnForObjects(`${results.folder}/*`);
      grantPlannedActions(taskRole, results.taskGrants.filter((group) => group.resource !== 'backup-key' || results.encryptionKey), {
        'drill-results': { resources: [resultObjects] },
        ...(results.encryptionKey ? { 'backup-key': { key: results.encryptionKey } } : {}),
      }, 'PitrDrill');
      acknowledgeWildcards(taskRole, [backupObjectsWildcard(resultObjects, 'drill-results')]);
    }
  }
}
