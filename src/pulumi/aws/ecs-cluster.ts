import * as ecs from '@pulumi/aws/ecs';
import * as pulumi from '@pulumi/pulumi';
import { EcsClusterReference } from './pg-dump-source';

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
