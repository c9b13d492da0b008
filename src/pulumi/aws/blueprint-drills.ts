import * as pulumi from '@pulumi/pulumi';
import { BlueprintFleetInfrastructure, PulumiBlueprintResources } from './blueprint-fleet-infrastructure';
import { createDrills } from './scheduled-drill';
import { backupObjectLocations } from '../../core/aws/backup-bucket';
import { blueprintDrillRendering, blueprintDrillTask, blueprintDrillWiring, blueprintTaskNames } from '../../core/aws/blueprint-fleet-tasks';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, actionsOnResource } from '../../core/aws/iam-action-groups';
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
  const { name, parent, props, plan, plan: { drills }, backupBucket } = fleet;
  if (!drills) return { verifyTaskDefinitions: new Map(), drillSchedules: [] };
  // The execution role, and only it, reads the identity that decrypts the fleet's dumps.
  const identitySecretArn = drills.identityEnvironmentVariable ? props.encryption?.identitySecretArn : undefined;
  const tasks = plan.majors.map((major) => {
    const task = blueprintDrillTask(drills, major);
    const names = blueprintTaskNames(name, 'drill', task);
    const images = { 'runner': fleet.image(major), 'postgres-server': postgresServerImageUri(major) };
    return { names, family: names.family, size: task, containers: task.containers, images };
  });
  const resultObjects = pulumi.interpolate`${backupBucket.bucketArn}/${backupObjectLocations(plan.prefix).drillResults}`;
  const wiring = blueprintDrillWiring<pulumi.Input<string>>(backupBucket.bucketName, resultObjects);
  const rendering = blueprintDrillRendering(plan, drills);
  const { attributes: { stateMachine, definition }, taskDefinitions, schedules } = createDrills(name, parent, rendering, tasks, wiring, {
    ...props,
    ...fleet,
    secrets: identitySecretArn === undefined ? {} : { 'age-identity': identitySecretArn },
    secretArns: identitySecretArn === undefined ? [] : [identitySecretArn],
    taskStatements: [...backupBucket.readStatements(plan.prefix), ...backupBucket.drillResultStatements(plan.prefix)],
    // A failed drill's result is written through the bucket's key when it has one.
    additionalStatements: backupBucket.encryptionKeyArn
      ? [{ Effect: 'Allow', Action: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'), Resource: backupBucket.encryptionKeyArn }] : [],
  });
  const verifyTaskDefinitions = new Map(plan.majors.map((major, index) => [major, taskDefinitions[index]]));
  return { verifyTaskDefinitions, drillStateMachine: stateMachine, drillDefinition: definition, drillSchedules: schedules };
}
