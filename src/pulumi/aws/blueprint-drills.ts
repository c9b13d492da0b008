import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { createPlannedAlarms } from './metric-alarm';
import { plannedContainerDefinitions } from './planned-containers';
import { createPlannedStateMachine, createStateMachineSchedules } from './planned-state-machine';
import { createPlannedTasksSharingRoles, taskExecutionStatements } from './planned-tasks';
import { createScratchPassword, ecsTaskResources } from './scheduled-drill';
import { backupObjectLocations } from '../../core/aws/backup-bucket';
import {
  BLUEPRINT_OWNER, blueprintDrillPlaceholderValues, blueprintDrillScheduleValues, blueprintDrillStateMachine, blueprintDrillTask, blueprintTaskNames,
} from '../../core/aws/blueprint-fleet-tasks';
import { ecsDrillScopes } from '../../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, actionsOnResource } from '../../core/aws/iam-action-groups';
import { BlueprintDrillSchedulePlan } from '../../core/aws/postgres-backup-blueprint';
import { postgresServerImageUri } from '../../core/aws/runner-image';

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
  // The execution role, and only it, reads the identity that decrypts the fleet's dumps and the scratch server's password.
  const identitySecretArn = drills.identityEnvironmentVariable ? props.encryption?.identitySecretArn : undefined;
  const scratchPassword = createScratchPassword(name, plan.descriptions.scratchPassword, parent).arn;
  const tasks = plan.majors.map((major) => blueprintDrillTask(drills, major));
  const created = createPlannedTasksSharingRoles(tasks.map((task) => {
    const names = blueprintTaskNames(name, 'drill', task);
    return {
      names,
      args: {
        family: names.family,
        size: task,
        volumes: task.containers.volumes,
        container: plannedContainerDefinitions(task.containers.containers, {
          images: { 'runner': fleet.image(task.major), 'postgres-server': postgresServerImageUri(task.major) },
          logs: { groupName: fleet.logGroup.name, region: fleet.environment.region },
          secrets: { 'scratch-password': scratchPassword, ...(identitySecretArn !== undefined ? { 'age-identity': identitySecretArn } : {}) },
        }),
        taskRole: {
          role: plan.descriptions.drillTaskRole,
          statements: [...fleet.backupBucket.readStatements(plan.prefix), ...fleet.backupBucket.drillResultStatements(plan.prefix)],
        },
        executionRole: {
          role: plan.descriptions.drillExecutionRole,
          statements: taskExecutionStatements(fleet.logGroup.arn, [scratchPassword, identitySecretArn].filter((arn) => arn !== undefined)),
        },
        securityGroup: { vpcId: props.vpcId, description: plan.descriptions.drillSecurityGroup },
      },
    };
  }), parent);
  const [{ taskRole, executionRole, securityGroup }] = created;
  const taskDefinitions = new Map(tasks.map((task, index) => [task.major, created[index].taskDefinition]));

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
