import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlannedTaskSize } from '../core/aws/fargate-sizes';

/** The role of a task (or of ECS starting it), assumable by ECS tasks only, described as core words it. */
export function createTaskRole(scope: Construct, id: string, description: string): iam.Role {
  return new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description });
}

/**
 * A Fargate task definition of the planned size, on the platform the runner image is built for (Linux, x86-64), with
 * `roles` that several task definitions share, else roles of its own.
 */
export function createPlannedTaskDefinition(
  scope: Construct, id: string, size: PlannedTaskSize, roles: { readonly taskRole?: iam.IRole; readonly executionRole?: iam.IRole } = {},
): ecs.FargateTaskDefinition {
  return new ecs.FargateTaskDefinition(scope, id, {
    cpu: size.cpu,
    memoryLimitMiB: size.memoryLimitMiB,
    ephemeralStorageGiB: size.ephemeralStorageGiB,
    ...roles,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
  });
}
