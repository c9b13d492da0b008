import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { renderDrillStateMachine } from './drill-state-machine';
import { renderDrillTasks } from './drill-task';
import { acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { blueprintDrillRendering, blueprintDrillTask, blueprintDrillWiring } from '../core/aws/blueprint-fleet-tasks';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';

/**
 * The fleet's restore drills as core planned them: one verify task definition per PostgreSQL major (a scratch server,
 * the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, and one schedule per group of databases
 * sharing drill settings (split to keep each schedule's input under 8 KB).
 */
export function createFleetDrills(
  fleet: BlueprintFleetInfrastructure,
): Pick<CdkBlueprintResources, 'verifyTaskDefinitions' | 'drillStateMachine' | 'drillSchedules'> {
  const { plan, plan: { drills }, scope, props, backupBucket } = fleet;
  if (!drills) return { verifyTaskDefinitions: new Map(), drillSchedules: [] };
  const rendering = blueprintDrillRendering(plan, drills);
  const tasks = renderDrillTasks(scope, rendering, { ...props, cluster: fleet.cluster }, plan.majors.map((major) => {
    const task = blueprintDrillTask(drills, major);
    return { id: task.id, size: task, containers: task.containers, postgresMajorVersion: major };
  }), {
    subnets: fleet.subnets,
    logGroup: fleet.logGroup,
    // The execution role, and only it, reads the identity that decrypts the fleet's dumps.
    secrets: props.encryption?.identitySecret ? { 'age-identity': ecs.Secret.fromSecretsManager(props.encryption.identitySecret) } : {},
  });
  const { taskRole } = tasks.taskDefinitions[0];
  backupBucket.grantReadBackups(taskRole, plan.prefix);
  backupBucket.grantWriteDrillResults(taskRole, plan.prefix);
  acknowledgeWildcards(taskRole, [
    backupObjectsWildcard(backupBucket.objectsUnder(plan.prefix), 'read'),
    backupObjectsWildcard(backupBucket.objectsUnder(`${plan.prefix}/*/drills`), 'drill-results'),
  ]);
  const { stateMachine, schedules } = renderDrillStateMachine(scope, rendering, tasks, {
    notificationTopic: fleet.notificationTopic,
    wiring: blueprintDrillWiring(fleet.bucketName, backupBucket.objectsUnder(`${plan.prefix}/*/drills`)),
    deadLetterQueue: fleet.deadLetterQueue,
    // A failed drill's result is written through the bucket's key when it has one.
    additionalStatements: backupBucket.encryptionKey ? [new iam.PolicyStatement({
      actions: actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'), resources: [backupBucket.encryptionKey.keyArn],
    })] : [],
  });
  const verifyTaskDefinitions = new Map(plan.majors.map((major, index) => [major, tasks.taskDefinitions[index]]));
  return { verifyTaskDefinitions, drillStateMachine: stateMachine, drillSchedules: schedules };
}
