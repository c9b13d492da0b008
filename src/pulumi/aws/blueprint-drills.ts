import type * as ecs from '@pulumi/aws/ecs';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { createPlannedAlarms } from './metric-alarm';
import { plannedContainerDefinitions } from './planned-containers';
import { createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { createPlannedTaskDefinition, createTaskRole, createTaskSecurityGroup, taskExecutionStatements } from './planned-tasks';
import { policyDocument } from './policy-document';
import { createScratchPassword, ecsTaskResources } from './scheduled-drill';
import { backupObjectLocations } from '../../core/aws/backup-bucket';
import {
  BLUEPRINT_OWNER, blueprintDrillPlaceholderValues, blueprintDrillScheduleValues, blueprintDrillStateMachine, blueprintDrillTask,
} from '../../core/aws/blueprint-fleet-tasks';
import { ecsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, actionsOnResource } from '../../core/aws/iam-action-groups';
import { BlueprintDrillSchedulePlan } from '../../core/aws/postgres-backup-blueprint';
import { postgresServerImageUri } from '../../core/aws/runner-image';
import { taskResourceNames } from '../../core/aws/task-resource-names';

/**
 * The fleet's restore drills: one verify task definition per PostgreSQL major (a scratch server on the task's
 * loopback, the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, its alarm, and one schedule per group of
 * databases sharing drill settings.
 */
export function createFleetDrills(
  fleet: BlueprintFleetInfrastructure,
): Pick<PulumiBlueprintResources, 'verifyTaskDefinitions' | 'drillStateMachine' | 'drillSchedules'> & { drillDefinition?: pulumi.Output<string> } {
  const { name, parent, props, plan, plan: { drills } } = fleet;
  if (!drills) return { verifyTaskDefinitions: new Map(), drillSchedules: [] };
  const child = { parent };
  const names = taskResourceNames(`${name}-drill`);
  const taskRole = createTaskRole(names.taskRole, plan.descriptions.drillTaskRole, parent);
  new iam.RolePolicy(names.taskPolicy, {
    role: taskRole.id,
    policy: policyDocument([...fleet.backupBucket.readStatements(plan.prefix), ...fleet.backupBucket.drillResultStatements(plan.prefix)]),
  }, child);
  const executionRole = createTaskRole(names.executionRole, plan.descriptions.drillExecutionRole, parent);
  // The execution role, and only it, reads the identity that decrypts the fleet's dumps and the scratch server's password.
  const identitySecretArn = drills.identityEnvironmentVariable ? props.encryption?.identitySecretArn : undefined;
  const scratchPassword = createScratchPassword(name, plan.descriptions.scratchPassword, parent).arn;
  new iam.RolePolicy(names.executionPolicy, {
    role: executionRole.id,
    policy: policyDocument(taskExecutionStatements(fleet.logGroup.arn, [scratchPassword, identitySecretArn].filter((arn) => arn !== undefined))),
  }, child);

  const taskDefinitions = new Map<number, ecs.TaskDefinition>();
  for (const major of plan.majors) {
    const task = blueprintDrillTask(drills, major);
    taskDefinitions.set(major, createPlannedTaskDefinition(`${name}-${task.name}`, {
      family: `${name}-${task.family}`,
      size: task,
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      volumes: task.containers.volumes,
      container: plannedContainerDefinitions(task.containers.containers, {
        images: { 'runner': fleet.image(major), 'postgres-server': postgresServerImageUri(major) },
        logs: { groupName: fleet.logGroup.name, region: fleet.environment.region },
        secrets: { 'scratch-password': scratchPassword, ...(identitySecretArn !== undefined ? { 'age-identity': identitySecretArn } : {}) },
      }),
    }, parent));
  }
  const securityGroup = createTaskSecurityGroup(`${name}-drill-sg`, props.vpcId, plan.descriptions.drillSecurityGroup, parent);

  const definitions = [...taskDefinitions.values()];
  const substitutions = pulumi.all([fleet.notificationTopicArn, fleet.cluster.arn, pulumi.output(props.subnetIds), securityGroup.id])
    .apply(([notificationTopicArn, clusterArn, subnets, securityGroupId]) => blueprintDrillPlaceholderValues({
      notificationTopicArn, clusterArn, subnets: subnets.join(','), securityGroupId,
    }));
  const execution = createPlannedStateMachine(name, parent, blueprintDrillStateMachine(plan, drills), {
    substitutions,
    scopes: {
      ...ecsDrillScopes<pulumi.Input<string>>({
        ...ecsTaskResources(fleet.environment, { taskDefinition: definitions[0], taskRole, executionRole }, fleet.cluster),
        notificationTopicArn: fleet.notificationTopicArn,
        metricNamespace: plan.metricNamespace,
      }),
      // Every major's verify task, picked per execution by its input.
      'ecs-task-definition': { resources: definitions.map((taskDefinition) => taskDefinition.arn) },
      // Every database's results folder, `<prefix>/<server>/<database>/drills/`, as the drill task's own grant.
      'drill-result-objects': { resources: [pulumi.interpolate`${fleet.backupBucket.bucketArn}/${backupObjectLocations(plan.prefix).drillResults}`] },
    },
    // A failed drill's result is written through the bucket's key when it has one.
    additionalStatements: fleet.backupBucket.encryptionKeyArn
      ? [{ Effect: 'Allow', Action: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'), Resource: fleet.backupBucket.encryptionKeyArn }] : [],
    notificationTopicKeyArn: fleet.notificationTopicKeyArn,
    logRetentionDays: fleet.logRetentionDays,
    owner: BLUEPRINT_OWNER,
  });

  const { definition, stateMachine } = execution;
  const inputValues = (planned: BlueprintDrillSchedulePlan) => blueprintDrillScheduleValues<pulumi.Input<string>>(
    fleet.backupBucket.bucketName, taskDefinitions.get(planned.major)!.arn);
  const { schedules } = createStateMachineSchedules(
    name, parent, fleet.environment, stateMachine.arn, drills.schedules, fleet.deadLetterQueue.arn, inputValues);
  // With maxDrillAgeDays, per database: no successful drill within that many days.
  createPlannedAlarms(name, drills.alarms, fleet.notificationTopicArn, parent);
  return { verifyTaskDefinitions: taskDefinitions, drillStateMachine: stateMachine, drillDefinition: definition, drillSchedules: schedules };
}
