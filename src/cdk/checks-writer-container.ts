import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { acknowledgePlainTaskEnvironment } from './reviewed-findings';
import { postgresServerImage } from './runner-image';
import { CHECKS_VOLUME_NAME, ChecksWriterContainerPlan } from '../core/aws/drill-task-containers';

/**
 * Adds core's checks writer to a drill task: it writes the SQL checks into the task's checks volume, which `runner`
 * mounts read-only and starts after, once the writer succeeded.
 */
export function addChecksWriterContainer(taskDefinition: ecs.TaskDefinition, runner: ecs.ContainerDefinition, options: {
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
  runner.addMountPoints({ containerPath: plan.mountPath, sourceVolume: CHECKS_VOLUME_NAME, readOnly: true });
  runner.addContainerDependencies({ container: writer, condition: ecs.ContainerDependencyCondition.SUCCESS });
  acknowledgePlainTaskEnvironment(taskDefinition, 'the SQL text of the drill checks, which a helper container writes into the task volume');
  return writer;
}
