import * as ecs from '@pulumi/aws/ecs';
import * as pulumi from '@pulumi/pulumi';
import { EcsClusterReference } from './pg-dump-source';
import { DEFAULT_LOG_RETENTION_DAYS, checkLogRetentionDays } from '../../core/aws/log-retention';
import { Validator } from '../../core/policy/validation';
import { PULUMI_VALIDATION_OPTIONS } from '../pulumi-validation';

/** Where a component's runner tasks run: the Pulumi handles every task-running component takes. */
export interface TaskPlacementArgs {
  /**
   * Id of the VPC the tasks (and a drill's scratch database) run in. It must reach what they use: the database, S3,
   * ECR, CloudWatch Logs and Secrets Manager; for restore testing, the VPC of `restoreTesting.dbSubnetGroupName`.
   */
  readonly vpcId: pulumi.Input<string>;
  /**
   * The ECS cluster the tasks run in.
   * @default - a drill's source's cluster when it reads a `ScheduledPgDump`, else a new cluster with Container Insights
   */
  readonly cluster?: EcsClusterReference;
}

/**
 * The cluster the user gave, or a new one named `<name>-cluster` with Container Insights on (as the CDK constructs
 * create theirs), for a component's tasks.
 */
export function givenOrNewEcsCluster(
  name: string, given: EcsClusterReference | undefined, options: pulumi.CustomResourceOptions,
): EcsClusterReference {
  if (given) return given;
  const cluster = new ecs.Cluster(`${name}-cluster`, { settings: [{ name: 'containerInsights', value: 'enabled' }] }, options);
  return { arn: cluster.arn, name: cluster.name };
}

/** The image a component's runner tasks run. */
export interface RunnerImageArgs {
  /**
   * The runner image, e.g. an ECR image URI: the package's `runner-image/Dockerfile` built with the PostgreSQL major
   * (for a point-in-time drill, with its server binaries and pgBackRest). Unlike CDK, Pulumi has no asset build here:
   * see `runnerImageBuild` for building it in the program.
   */
  readonly image: pulumi.Input<string>;
}

/** The subnets of a component's runner tasks. */
export interface TaskSubnetsArgs {
  /**
   * Subnets of the tasks: private ones with egress, since a task gets no public IP (it needs S3, ECR, CloudWatch Logs
   * and Secrets Manager; a dump task also the database).
   */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** How long a component's logs are kept. */
export interface LogRetentionArgs {
  /**
   * Days task and execution logs are kept.
   * @default - 90; 30 for the restorable-time check of a `ManagedPostgresBackupPlan`
   */
  readonly logRetentionDays?: number;
}

/**
 * A component's `logRetentionDays`, checked against the periods CloudWatch Logs accepts before any resource is
 * registered (the error names the component, the prop and the value), or `fallback` when it is not given.
 */
export function checkedLogRetentionDays(construct: string, days: number | undefined, fallback: number = DEFAULT_LOG_RETENTION_DAYS): number {
  const validator = new Validator({ ...PULUMI_VALIDATION_OPTIONS, construct });
  checkLogRetentionDays(validator, 'logRetentionDays', days);
  validator.throwIfInvalid();
  return days ?? fallback;
}
