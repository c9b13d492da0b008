import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgePlainTaskEnvironment } from './reviewed-findings';
import { postgresServerImage } from './runner-image';
import { CHECKS_VOLUME_NAME, ChecksWriterContainerPlan } from '../core/aws/drill-task-containers';

/** Adds core's checks writer to a drill task, with the volume it writes the SQL checks into (see {@link readChecks}). */
export function addChecksWriterContainer(taskDefinition: ecs.TaskDefinition, options: {
  readonly plan: ChecksWriterContainerPlan;
  readonly postgresMajorVersion: number;
  readonly logGroup: logs.ILogGroup;
}): ecs.ContainerDefinition {
  const { plan } = options;
  taskDefinition.addVolume({ name: CHECKS_VOLUME_NAME });
  const writer = taskDefinition.addContainer(plan.name, {
    image: postgresServerImage(options.postgresMajorVersion),
    essential: false,
    entryPoint: [...plan.entryPoint],
    command: [plan.command],
    environment: { ...plan.environment },
    logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: plan.logStreamPrefix }),
  });
  writer.addMountPoints({ containerPath: plan.mountPath, sourceVolume: CHECKS_VOLUME_NAME, readOnly: false });
  acknowledgePlainTaskEnvironment(taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
  return writer;
}

/** Lets `runner` read the checks `writer` wrote: the volume mounted read-only, started once the writer succeeded. */
export function readChecks(runner: ecs.ContainerDefinition, writer: ecs.ContainerDefinition, plan: ChecksWriterContainerPlan): void {
  runner.addMountPoints({ containerPath: plan.mountPath, sourceVolume: CHECKS_VOLUME_NAME, readOnly: true });
  runner.addContainerDependencies({ container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });
}
