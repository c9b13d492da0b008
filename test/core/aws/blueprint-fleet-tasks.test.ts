import {
  BLUEPRINT_SECRETS_PER_POLICY, blueprintDrillRendering, blueprintDrillStateMachine, blueprintDrillTask, blueprintDrillWiring,
  blueprintScheduledTasks, blueprintSecretsPolicies, blueprintTaskNames,
} from '../../../src/core/aws/blueprint-fleet-tasks';
import { fillScheduleInput } from '../../../src/core/aws/planned-state-machine';
import { BlueprintServerHandle, PostgresBackupBlueprintPlan, planPostgresBackupBlueprint } from '../../../src/core/aws/postgres-backup-blueprint';
import { SCRATCH_TARGET_URL } from '../../../src/core/aws/verify-restore';
import { BackupTier } from '../../../src/core/policy/backup-tier';

const SELF_MANAGED_16: BlueprintServerHandle = { managed: false, postgresMajorVersion: 16 };
const SELF_MANAGED_15: BlueprintServerHandle = { managed: false, postgresMajorVersion: 15 };
const NO_URL = { managed: false, databaseUrl: false };

/** A drilled fleet of two servers of two majors, `orders` (16) and `legacy` (15). */
function fleetPlan(options: { checks?: string[] } = {}): PostgresBackupBlueprintPlan {
  const tier = options.checks ? BackupTier.BRONZE.with({ verification: { checks: options.checks } }) : BackupTier.BRONZE;
  return planPostgresBackupBlueprint({
    tier,
    databases: [{ id: 'orders', databaseNames: ['orders'] }, { id: 'legacy', databaseNames: ['legacy'] }],
    dumpCpu: 512,
    dumpMemoryLimitMiB: 1024,
  }, { servers: [SELF_MANAGED_16, SELF_MANAGED_15], region: 'eu-west-1', validation: { construct: 'Stack/Fleet' }, name: 'StackFleet1234ABCD' });
}

describe('the task definitions of a PostgresBackupBlueprint, one per PostgreSQL major', () => {
  test('a dump task is named after its major, sized as the fleet asks, and runs only the usage unless a schedule overrides it', () => {
    const plan = fleetPlan();
    const [dumps] = blueprintScheduledTasks(plan, [NO_URL, NO_URL]).groups;
    expect(dumps.tasks.map((task) => task.major)).toEqual([15, 16]);
    const task = dumps.tasks[0];
    expect(task).toMatchObject({
      kind: 'dump',
      major: 15,
      name: 'dump-task-15',
      ids: { taskDefinition: 'DumpTask15', securityGroup: 'DumpSecurityGroup' },
      names: { family: 'pg-dump-15' },
      size: { cpu: 512, memoryLimitMiB: 1024, ephemeralStorageGiB: plan.dumpTask.ephemeralStorageGiB[15] },
      container: { name: 'runner', command: ['--help'], logStreamPrefix: 'dump-15', databaseSecrets: true },
    });
    expect(task.servers.map((server) => server.id)).toEqual(['legacy']);
    expect(blueprintTaskNames('fleet', 'dump', { name: task.name, family: task.names.family })).toMatchObject({ taskDefinition: 'fleet-dump-task-15', family: 'fleet-pg-dump-15', securityGroup: 'fleet-dump-sg' });
  });

  test('the dump tasks of every major share one execution role, one schedules\' role and one failure rule', () => {
    const plan = fleetPlan();
    const [dumps] = blueprintScheduledTasks(plan, [NO_URL, NO_URL]).groups;
    expect(new Set(dumps.tasks.map((task) => task.executionRole.description))).toEqual(new Set([plan.descriptions.dumpExecutionRole]));
    expect(dumps.ids).toEqual({ scheduleRole: 'DumpScheduleRole', taskFailedRule: 'DumpTaskFailedRule' });
    expect(dumps).toMatchObject({ name: 'dump', sharesFirstTask: true });
    expect(dumps.taskFailure.namesStarter).toBe(true);
  });

  test('a drill task of one major logs each of its containers under a stream of that major', () => {
    const plan = fleetPlan({ checks: ['SELECT count(*) > 0 FROM orders'] });
    const task = blueprintDrillTask(plan.drills!, 16);
    expect(task).toMatchObject({
      id: 'DrillTask16',
      name: 'drill-task-16',
      family: 'restore-drill-16',
      command: ['pg-backup', '--help'],
      logStreamPrefix: 'verify-16',
      ...plan.drills!.task,
    });
    expect(task.containers.volumes).toEqual(['checks']);
    expect(task.containers.containers.map((container) => [container.name, container.logStreamPrefix])).toEqual([
      ['scratch-postgres', 'scratch-postgres-16'], ['write-checks', 'write-checks-16'], ['runner', 'verify-16'],
    ]);
    expect(task.containers.containers[2].entryPoint).toEqual(['env']);
    expect(Object.values(task.containers.containers[1].environment!)).toContain('SELECT count(*) > 0 FROM orders;');
    expect(blueprintDrillTask(plan.drills!, 15).containers.containers[1].logStreamPrefix).toBe('write-checks-15');
  });

  test('the drill state machine is core\'s fleet drill, named as every restore drill and described by the fleet\'s plan', () => {
    const plan = fleetPlan();
    const stateMachine = blueprintDrillStateMachine(plan, plan.drills!);
    expect(stateMachine.definition).toBe(plan.drills!.stateMachine.definition);
    expect(stateMachine.iamActions).toBe(plan.drills!.stateMachine.iamActions);
    expect(stateMachine.ids).toEqual({ role: 'DrillRole', stateMachine: 'Drill', logs: 'DrillExecutionLogs' });
    expect(stateMachine.names).toEqual({ role: 'drill-role', policy: 'drill-policy', stateMachine: 'drill', logs: 'execution-logs' });
    expect(stateMachine.descriptions).toEqual({ role: plan.descriptions.drillRole, comment: plan.descriptions.drillStateMachine });
  });

  test('the fleet drill is rendered as a list: each schedule starts the verify task of its group\'s major, with the dumps\' bucket', () => {
    const plan = fleetPlan();
    const rendering = blueprintDrillRendering(plan, plan.drills!);
    expect(plan.majors).toEqual([15, 16]);
    expect(plan.drills!.schedules.map((schedule) => schedule.major)).toEqual([16, 15]);
    expect(rendering.schedules.map((schedule) => schedule.taskIndex)).toEqual([1, 0]);
    expect(rendering.databaseName).toBeUndefined();
    expect(rendering).toMatchObject({
      owner: 'PostgresBackupBlueprint',
      containerName: 'runner',
      descriptions: { taskSecurityGroup: plan.descriptions.drillSecurityGroup, scratchPassword: plan.descriptions.scratchPassword },
      ids: { securityGroup: 'DrillSecurityGroup', taskRole: 'DrillTaskRole', executionRole: 'DrillExecutionRole' },
    });
    const wiring = blueprintDrillWiring('dumps-bucket', 'arn:aws:s3:::dumps-bucket/fleet/*/drills/*');
    // A renderer fills every schedule's input from the drill's placeholders and the definition of the task the schedule names.
    const input = fillScheduleInput(rendering.schedules[0], { ...wiring.placeholders, TaskDefinitionArn: 'verify-16' }) as any;
    expect(input).toMatchObject({ bucket: 'dumps-bucket', taskDefinitionArn: 'verify-16' });
    expect(wiring.placeholders.TargetUrl).toBe(SCRATCH_TARGET_URL);
    expect(wiring.scopes).toEqual({ 'drill-result-objects': { resources: ['arn:aws:s3:::dumps-bucket/fleet/*/drills/*'] } });
  });

  test('the prune task runs the image of the fleet\'s first major, as pg-backup prune calls no PostgreSQL tool', () => {
    const plan = planPostgresBackupBlueprint({
      tier: BackupTier.BRONZE,
      databases: [{ id: 'orders' }, { id: 'legacy', overrides: { logicalDump: { retention: { daily: 7 } } } }],
    }, { servers: [SELF_MANAGED_16, SELF_MANAGED_15], region: 'eu-west-1', validation: { construct: 'Stack/Fleet' }, name: 'StackFleet1234ABCD' });
    const { groups, pruneAlarms } = blueprintScheduledTasks(plan, [NO_URL, NO_URL]);
    const [prune] = groups[1].tasks;
    expect(prune).toMatchObject({ major: 15, deletes: true, container: { name: 'runner', command: ['--help'], databaseSecrets: false } });
    expect(prune.schedule.runs.map((run) => [run.id, run.name, run.label])).toEqual([['PruneSchedule-legacy-0', 'prune-legacy-0', 'legacy/postgres']]);
    expect(prune.schedule.runs[0].command).toContainEqual({ ref: 'dump-location', suffix: '/legacy' });
    expect(blueprintTaskNames('fleet', 'prune', { name: prune.name, family: prune.names.family })).toMatchObject({ taskRole: 'fleet-prune-role', taskDefinition: 'fleet-prune-task', family: 'fleet-pg-backup-prune' });
    expect(pruneAlarms).toHaveLength(1);
  });
});

describe('the dump schedules and secret policies of a PostgresBackupBlueprint', () => {
  test('each database of a server gets a schedule of its own, named after the server and the database', () => {
    const plan = planPostgresBackupBlueprint({
      tier: BackupTier.BRONZE, databases: [{ id: 'orders', databaseNames: ['orders', 'Invoices_2024'] }],
    }, { servers: [SELF_MANAGED_16], region: 'eu-west-1', validation: { construct: 'Stack/Fleet' }, name: 'StackFleet1234ABCD' });
    const [server] = plan.servers;
    const [{ tasks: [task] }] = blueprintScheduledTasks(plan, [{ managed: true, databaseUrl: true }]).groups;
    expect(task.schedule.scheduleExpression).toBe(server.schedule.scheduleExpression);
    const runs = task.schedule.runs.map(({ index, database, description, id, name, label }) => ({ index, database, description, id, name, label }));
    expect(runs).toEqual([
      { index: 0, database: 'orders', description: server.databases[0].scheduleDescription, id: 'DumpSchedule-orders-orders', name: 'orders-orders-dump', label: 'orders/orders' },
      {
        index: 1,
        database: 'Invoices_2024',
        description: server.databases[1].scheduleDescription,
        id: 'DumpSchedule-orders-Invoices_2024',
        name: 'orders-invoices-2024-dump',
        label: 'orders/Invoices_2024',
      },
    ]);
    // The server's folder under the fleet's location, and its URL, are the front end's values, named by reference.
    const command = task.schedule.runs[0].command;
    expect(command).toContainEqual({ ref: 'dump-location', suffix: '/orders' });
    expect(command.slice(command.indexOf('--database-url'))).toEqual(['--database-url', { ref: 'database-url' }]);
    expect(command.slice(command.indexOf('--secret-env'), command.indexOf('--secret-env') + 2)).toEqual(['--secret-env', server.secretVariable]);
  });

  test.each<[number, number[][]]>([
    [1, [[0, 0]]],
    [BLUEPRINT_SECRETS_PER_POLICY, [[0, BLUEPRINT_SECRETS_PER_POLICY - 1]]],
    [BLUEPRINT_SECRETS_PER_POLICY + 1, [[0, 39], [40, 40]]],
  ])(
    'a fleet of %i servers reads their secrets through policies of at most 40 servers each', (count, runs) => {
      const plan = planPostgresBackupBlueprint({
        tier: BackupTier.BRONZE, databases: Array.from({ length: count }, (_, index) => ({ id: `s${index}` })),
      }, { servers: Array.from({ length: count }, () => SELF_MANAGED_16), region: 'eu-west-1', name: 'StackFleet1234ABCD' });
      const policies = blueprintSecretsPolicies(plan);
      expect(policies.map((policy) => [policy.serverIndexes[0], policy.serverIndexes[policy.serverIndexes.length - 1]])).toEqual(runs);
      expect(policies.flatMap((policy) => policy.serverIndexes)).toEqual(plan.servers.map((server) => server.index));
      expect(policies.map((policy) => policy.description)).toEqual(
        runs.map(([first, last]) => `Read the database secrets of fleet servers ${first + 1}-${last + 1}`));
    });
});

describe('the drill schedules of a PostgresBackupBlueprint, rendered by each front end\'s one state-machine schedule renderer', () => {
  test('a schedule plans its input with the bucket and its major\'s verify task by placeholder, and the rest as values', () => {
    const plan = fleetPlan();
    const [legacy] = plan.drills!.schedules.filter((schedule) => schedule.major === 15);
    expect(legacy.input).toEqual(expect.objectContaining({
      bucket: '${DumpBucket}', taskDefinitionArn: '${TaskDefinitionArn}', prefix: 'pg-dumps', databases: [expect.objectContaining({ id: 'legacy', name: 'legacy' })],
    }));
    expect(legacy).toEqual(expect.objectContaining({ namePrefix: 'drill', deadLetterQueue: true, startRetry: { attempts: 3, maxEventAgeSeconds: 3600 } }));
  });

  test('filling the input puts the front end\'s values in place of the placeholders, in the planned order of keys', () => {
    const [schedule] = fleetPlan().drills!.schedules;
    const input = fillScheduleInput(schedule, { DumpBucket: 'fleet-bucket', TaskDefinitionArn: 'arn:task' })!;
    expect(Object.keys(input)).toEqual(['bucket', 'prefix', 'rtoSeconds', 'taskDefinitionArn', 'jobs', 'checkFile', 'databases']);
    expect(input).toEqual({ ...schedule.input, bucket: 'fleet-bucket', taskDefinitionArn: 'arn:task' });
  });

  test('an input placeholder the front end gives no value for is an error naming the schedule and the placeholder', () => {
    const [schedule] = fleetPlan().drills!.schedules;
    expect(() => fillScheduleInput(schedule, { DumpBucket: 'fleet-bucket' })).toThrow(`the schedule ${schedule.id} needs a value for its input's TaskDefinitionArn`);
  });

  test('a schedule planned without an input gets none', () => {
    const { input, ...withoutInput } = fleetPlan().drills!.schedules[0];
    expect(input).toBeDefined();
    expect(fillScheduleInput(withoutInput, {})).toBeUndefined();
  });
});
