import type * as pulumi from '@pulumi/pulumi';
import { checksWriterContainer, drillRunnerWiring, scratchPostgresContainer } from './drill-task-containers';
import { containerLogConfiguration } from './planned-tasks';
import { PolicyStatement } from './policy-document';
import { ScheduledDrillArgs } from './scheduled-drill';
import { CHECKS_VOLUME_NAME, SCRATCH_POSTGRES_CONTAINER, checksWriterContainer as plannedChecksWriter } from '../../core/aws/drill-task-containers';
import { VerifyRestorePlan } from '../../core/aws/verify-restore';

/** What the task of a `VerifyRestore` is given besides core's plan. */
export interface VerifyRestoreTaskArgs {
  /** What the drill creates, as core decided it. */
  readonly plan: VerifyRestorePlan;
  /** The runner image. */
  readonly image: pulumi.Input<string>;
  /** PostgreSQL major of the dumps: of the scratch server and the checks writer. */
  readonly postgresMajorVersion: number;
  /** The runner's command, starting with `pg-backup`. */
  readonly command: pulumi.Input<string[]>;
  /** What the task role may do: read the dumps, write the drill's result, read a scratch instance's secret. */
  readonly taskStatements: readonly PolicyStatement[];
  /**
   * ARN of the scratch server's password, when the plan restores in the task.
   * @default - no scratch server in the task
   */
  readonly scratchPassword?: pulumi.Input<string>;
  /**
   * The age identity that decrypts the dumps: its variable and its secret's ARN.
   * @default - the dumps are not encrypted
   */
  readonly identity?: { readonly name: string; readonly valueFrom: pulumi.Input<string> };
}

/**
 * The task of a `VerifyRestore` (`<name>-restore-drill`), given a stream of the drill's log group: the scratch server
 * when the plan restores in the task, the runner, and the checks writer when there are checks. The execution role alone
 * reads the identity and the scratch password, which the runner and the server share; the runner's own role cannot.
 */
export function verifyRestoreTask(name: string, args: VerifyRestoreTaskArgs): ScheduledDrillArgs['task'] {
  const { plan, postgresMajorVersion: major, scratchPassword, identity } = args;
  return (logs) => {
    const writer = plannedChecksWriter(plan.checkFiles);
    const checks = plan.checkFiles.length > 0
      ? checksWriterContainer(major, plan.checkFiles, containerLogConfiguration(logs(writer.logStreamPrefix))) : undefined;
    return {
      family: `${name}-restore-drill`,
      taskStatements: [...args.taskStatements],
      secretArns: [scratchPassword, identity?.valueFrom].filter((arn) => arn !== undefined),
      container: { image: args.image, command: args.command, ...drillRunnerWiring({ scratchPassword, checks: checks !== undefined, identity }) },
      sidecars: {
        before: scratchPassword
          ? [scratchPostgresContainer(major, containerLogConfiguration(logs(SCRATCH_POSTGRES_CONTAINER.logStreamPrefix)), scratchPassword)] : [],
        after: checks ? [checks] : [],
      },
      volumes: checks ? [CHECKS_VOLUME_NAME] : undefined,
    };
  };
}
