import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { BlueprintFleetInfrastructure, CdkBlueprintResources } from './blueprint-fleet-infrastructure';
import { ecsTaskResources } from './drill-state-machine';
import { createScratchPassword } from './drill-task';
import { renderPlannedAlarms } from './planned-alarms';
import { renderPlannedContainers } from './planned-containers';
import { renderPlannedStateMachine, renderStateMachineSchedule } from './planned-state-machine';
import { createPlannedTaskDefinition, createTaskRole } from './planned-tasks';
import { IMAGE_PULL_WILDCARD, acknowledgeWildcards, backupObjectsWildcard } from './reviewed-findings';
import { postgresServerImage } from './runner-image';
import {
  BLUEPRINT_OWNER, blueprintDrillPlaceholderValues, blueprintDrillScheduleValues, blueprintDrillStateMachine, blueprintDrillTask,
} from '../core/aws/blueprint-fleet-tasks';
import { ecsDrillScopes } from '../core/aws/ecs-drill-wiring';
import { DRILL_RESULT_WRITE_IAM_ACTIONS, TOPIC_KEY_PUBLISH_IAM_ACTIONS, actionsOnResource } from '../core/aws/iam-action-groups';
import { DEFAULT_LOG_RETENTION_DAYS } from '../core/aws/log-retention';

/**
 * The fleet's restore drills as core planned them: one verify task definition per PostgreSQL major (a scratch server,
 * the checks of every drill group written to a volume, the runner), the one state machine from core's
 * `fleetDumpRestoreDrill` that drills any database named in its input, and one schedule per group of databases
 * sharing drill settings (split to keep each schedule's input under 8 KB).
 */
export function createFleetDrills(
  fleet: BlueprintFleetInfrastructure,
): Pick<CdkBlueprintResources, 'verifyTaskDefinitions' | 'drillStateMachine' | 'drillSchedules'> {
  const { plan, plan: { drills }, scope, props } = fleet;
  if (!drills) return { verifyTaskDefinitions: new Map(), drillSchedules: [] };
  const scratchPassword = createScratchPassword(scope, plan.descriptions.scratchPassword);
  const taskRole = createTaskRole(scope, 'DrillTaskRole', plan.descriptions.drillTaskRole);
  const executionRole = createTaskRole(scope, 'DrillExecutionRole', plan.descriptions.drillExecutionRole);
  fleet.backupBucket.grantReadBackups(taskRole, plan.prefix);
  fleet.backupBucket.grantWriteDrillResults(taskRole, plan.prefix);
  acknowledgeWildcards(taskRole, [
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(plan.prefix), 'read'),
    backupObjectsWildcard(fleet.backupBucket.objectsUnder(`${plan.prefix}/*/drills`), 'drill-results'),
  ]);
  acknowledgeWildcards(executionRole, [IMAGE_PULL_WILDCARD]);
  const taskDefinitions = new Map<number, ecs.FargateTaskDefinition>();
  for (const major of plan.majors) {
    const task = blueprintDrillTask(drills, major);
    const taskDefinition = createPlannedTaskDefinition(scope, task.id, task, { taskRole, executionRole });
    renderPlannedContainers(taskDefinition, task.containers, {
      images: { 'runner': fleet.image(major), 'postgres-server': postgresServerImage(major) },
      logGroup: fleet.logGroup,
      secrets: {
        'scratch-password': ecs.Secret.fromSecretsManager(scratchPassword),
        // The execution role, and only it, reads the identity that decrypts the fleet's dumps.
        ...(props.encryption?.identitySecret ? { 'age-identity': ecs.Secret.fromSecretsManager(props.encryption.identitySecret) } : {}),
      },
    });
    taskDefinitions.set(major, taskDefinition);
  }

  const definitions = [...taskDefinitions.values()];
  const { stateMachine } = renderPlannedStateMachine(scope, blueprintDrillStateMachine(plan, drills), {
    substitutions: blueprintDrillPlaceholderValues({
      notificationTopicArn: fleet.notificationTopic.topicArn,
      clusterArn: fleet.cluster.clusterArn,
      subnets: Fn.join(',', props.vpc.selectSubnets(fleet.subnets).subnetIds),
      securityGroupId: new ec2.SecurityGroup(scope, 'DrillSecurityGroup', {
        vpc: props.vpc, description: plan.descriptions.drillSecurityGroup, allowAllOutbound: true,
      }).securityGroupId,
    }),
    scopes: {
      ...ecsDrillScopes({
        ...ecsTaskResources(scope, definitions[0], fleet.cluster),
        notificationTopicArn: fleet.notificationTopic.topicArn,
        metricNamespace: plan.metricNamespace,
      }),
      // Every major's verify task, picked per execution by its input.
      'ecs-task-definition': { resources: definitions.map((taskDefinition) => taskDefinition.taskDefinitionArn) },
      // Every database's results folder, `<prefix>/<server>/<database>/drills/`, as the drill task's own grant.
      'drill-result-objects': { resources: [fleet.backupBucket.objectsUnder(`${plan.prefix}/*/drills`)] },
    },
    logRetention: props.logRetention ?? DEFAULT_LOG_RETENTION_DAYS,
    owner: BLUEPRINT_OWNER,
    what: 'the fleet restore drill',
    grant: (role) => {
      fleet.notificationTopic.masterKey?.grant(role, ...TOPIC_KEY_PUBLISH_IAM_ACTIONS);
      // A failed drill's result is written through the bucket's key when it has one.
      fleet.backupBucket.encryptionKey?.grant(role, ...actionsOnResource(DRILL_RESULT_WRITE_IAM_ACTIONS, 'backup-key'));
    },
  });

  const schedules = drills.schedules.map((planned) => renderStateMachineSchedule(scope, stateMachine, planned, fleet.deadLetterQueue, undefined,
    blueprintDrillScheduleValues(fleet.bucketName, taskDefinitions.get(planned.major)!.taskDefinitionArn)));
  // With maxDrillAgeDays, per database: no successful drill within that many days.
  renderPlannedAlarms(scope, drills.alarms, fleet.notificationTopic);
  return { verifyTaskDefinitions: taskDefinitions, drillStateMachine: stateMachine, drillSchedules: schedules };
}
