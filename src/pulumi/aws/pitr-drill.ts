import * as ec2 from '@pulumi/aws/ec2';
import * as pulumi from '@pulumi/pulumi';
import { AwsEnvironment, awsEnvironment } from './aws-environment';
import { ExistingBucket } from './backup-store-handles';
import { DrillTaskArgs } from './drill-task-props';
import { PolicyStatement, grantStatements } from './policy-document';
import { ScheduledDrillAttributes, createScheduledDrill, drillBucket, keyStatements, scheduledDrillOutputs } from './scheduled-drill';
import { TaskSubnetsArgs } from './task-placement-handles';
import { pitrDrillInputs } from '../../core/aws/drill-inputs';
import { PitrDrillOptions, planPitrDrill } from '../../core/aws/pitr-drill';

/** Props of {@link PitrDrill}: the options every front end shares, and the Pulumi handles. */
export interface PitrDrillProps extends PitrDrillOptions, DrillTaskArgs, TaskSubnetsArgs {
  /** The text of `pgbackrest.conf` for the repository (handed to the task in its environment). */
  readonly pgBackRestConf: pulumi.Input<string>;
  /**
   * The repository's cipher pass: the secret the execution role injects into the variable pgBackRest reads it from,
   * and the statements that let the execution role read it.
   * @default - the repository is not encrypted by pgBackRest
   */
  readonly cipherPass?: {
    readonly environmentVariable: string;
    readonly secretArn: pulumi.Input<string>;
    readonly readStatements: PolicyStatement[];
  };
  /** ARN of the topic failed drills are sent to. */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** What the task role needs to read the archive (get, list, decrypt). */
  readonly restoreStatements: PolicyStatement[];
  /**
   * The bucket the results go to under `drillResultsPrefix` (the archive's own): its name, ARN and key. Required with
   * `drillResultsPrefix`.
   * @default - no results written
   */
  readonly drillResultsBucket?: ExistingBucket;
  /**
   * The account, region and partition the ARNs are formatted in.
   * @default - read from the provider
   */
  readonly environment?: AwsEnvironment;
}

/** What every scheduled drill component exposes, declared once ({@link ScheduledDrillAttributes}). */
export interface PitrDrill extends ScheduledDrillAttributes {}

/**
 * The scheduled point-in-time recovery drill, as the CDK `PitrDrill`: a Step Functions state machine (core's PITR drill
 * definition) runs a Fargate task in which `pg-backup drill-pitr` restores the base backup pgBackRest picks for the
 * target time (the execution's start, or the input's `targetTime`) into the task's scratch storage, replays WAL to it,
 * starts PostgreSQL, runs the checks and reports the restore duration. Every failure stops the task, notifies and fails
 * the execution; failed executions, a restore slower than the RTO and a schedule that could not start the drill alarm.
 * With `drillResultsPrefix`, every drill, passed or failed, writes its result beside the archive, where
 * `pg-backup status` shows it.
 */
export class PitrDrill extends pulumi.ComponentResource {
  /** The task's security group (no inbound rules). */
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(name: string, props: PitrDrillProps, opts?: pulumi.ComponentResourceOptions) {
    super('postgres-backup:aws:PitrDrill', name, {}, opts);
    const plan = planPitrDrill(props, { construct: `PitrDrill ${name}`, resultsBucketGiven: props.drillResultsBucket !== undefined });
    const bucket = plan.drillResults && props.drillResultsBucket!;
    const resultStatements = bucket ? grantStatements(plan.drillResults!.taskGrants, {
      'drill-results': { resources: pulumi.interpolate`${bucket.bucketArn}/${plan.drillResults!.folder}/*` },
      ...(bucket.encryptionKeyArn !== undefined ? { 'backup-key': { resources: bucket.encryptionKeyArn } } : {}),
    }) : [];
    const inputs = pitrDrillInputs(plan, {
      pgBackRestConf: props.pgBackRestConf, cipherPassVariable: props.cipherPass?.environmentVariable,
    }, bucket && drillBucket(bucket));
    const { attributes, securityGroup } = createScheduledDrill(name, this, plan, inputs, {
      ...props,
      environment: props.environment ?? awsEnvironment(this),
      images: { runner: props.image },
      // The pass is injected by the execution role, which alone may read it: the drill's own role cannot.
      secrets: props.cipherPass && { 'cipher-pass': props.cipherPass.secretArn },
      executionStatements: props.cipherPass?.readStatements,
      taskStatements: [...props.restoreStatements, ...resultStatements],
      // A failed drill's result is written through the bucket's key, when it has one.
      additionalStatements: keyStatements(resultStatements),
    });
    Object.assign(this, attributes);
    this.securityGroup = securityGroup;
    this.registerOutputs(scheduledDrillOutputs(this));
  }
}
