import type { MetricPlan } from '../../../src/core/aws/alarm-plan';
import { planScheduledPgDump, scheduledDumpCommand, scheduledPgDumpOptionsOf } from '../../../src/core/aws/scheduled-pg-dump';
import { PolicyValidationError } from '../../../src/core/policy/validation';

describe('planScheduledPgDump', () => {
  test('plans one schedule, a failed-dump alarm and an RPO alarm per database, and one dead-letter alarm', () => {
    const plan = planScheduledPgDump({ databaseNames: ['shop', 'crm'], postgresMajorVersion: 16 });
    expect(plan.schedule.runs.map((run) => run.description)).toEqual(['pg_dump of shop to s3 pg-dumps/', 'pg_dump of crm to s3 pg-dumps/']);
    expect(plan.alarms.map((alarm) => alarm.id)).toEqual(['FailedDumpAlarm0', 'RpoAlarm0', 'FailedDumpAlarm1', 'RpoAlarm1', 'ScheduleDeadLetterAlarm']);
    expect(plan.alarms.find((alarm) => alarm.id === 'RpoAlarm1')).toMatchObject({
      description: 'No successful pg_dump of crm within the RPO of 26 hours',
      metric: { namespace: 'PostgresBackup', metricName: 'BackupSucceeded', dimensions: { Database: 'crm' }, statistic: 'Sum', periodSeconds: 26 * 3600 },
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    expect((plan.alarms.at(-1)!.metric as MetricPlan).dimensions).toEqual({ QueueName: { resource: 'dead-letter-queue' } });
  });

  test('takes the major version from the database when the options name none, and refuses to guess when neither does', () => {
    expect(planScheduledPgDump({}, { databasePostgresMajorVersion: 15 }).postgresMajorVersion).toBe(15);
    expect(() => planScheduledPgDump({}, { validation: { construct: 'Stack/Dump' } })).toThrow(/Stack\/Dump: postgresMajorVersion/);
  });

  test.each([
    ['a prefix with a trailing slash', { prefix: 'dumps/' }, /prefix.*"dumps\/"/],
    ['an RPO beyond what an alarm can watch', { rpoHours: 169 }, /rpoHours.*169/],
    ['a repeated database name', { databaseNames: ['shop', 'shop'] }, /databaseNames/],
    ['a weekly schedule without an RPO', { dump: { schedule: { expression: '0 2 * * 0' } } }, /rpoHours.*derived from the dump schedule/],
  ])('refuses %s, naming the option', (_, options, message) => {
    let error: unknown;
    try {
      planScheduledPgDump({ postgresMajorVersion: 16, ...options });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as Error).message).toMatch(message);
  });

  test('the container command dumps one database to the location, with the connection URL when there is one', () => {
    const plan = planScheduledPgDump({ postgresMajorVersion: 16, metricNamespace: 'Team' });
    const argv = scheduledDumpCommand(plan, 'shop', 's3://bucket/pg-dumps', { managed: false, databaseUrl: 'postgres://h/shop' });
    expect(argv.slice(0, 5)).toEqual(['dump', '--to', 's3://bucket/pg-dumps', '--database', 'shop']);
    expect(argv).toEqual(expect.arrayContaining(['--metrics-namespace', 'Team']));
    expect(argv.slice(-2)).toEqual(['--database-url', 'postgres://h/shop']);
  });

  test('plans the dump task as one unit whose commands name the location and the URL only a front end knows', () => {
    const plan = planScheduledPgDump({ databaseNames: ['shop', 'crm'], postgresMajorVersion: 16 }, { connection: { managed: true, databaseUrl: true } });
    expect(plan.scheduledTasks.tasks.map((task) => task.kind)).toEqual(['dump']);
    const [dump] = plan.scheduledTasks.tasks;
    expect(dump.ids).toEqual({ taskDefinition: 'Task', securityGroup: 'TaskSecurityGroup', schedule: 'Schedule' });
    expect(dump.container).toMatchObject({ name: 'runner', logStreamPrefix: 'dump', databaseSecrets: true, stopTimeoutSeconds: 30 });
    expect(dump.schedule.runs.map((run) => run.command)).toEqual(['shop', 'crm'].map((database) => [
      ...scheduledDumpCommand(plan, database, '<location>', { managed: true, databaseUrl: '<url>' }).map((arg) => (arg === '<location>'
        ? { ref: 'dump-location' } : arg === '<url>' ? { ref: 'database-url' } : arg)),
    ]));
    expect(dump.schedule.runs[1].command.slice(0, 5)).toEqual(['dump', '--to', { ref: 'dump-location' }, '--database', 'crm']);
    expect(dump.schedule.runs[1].command.slice(-2)).toEqual(['--database-url', { ref: 'database-url' }]);
  });

  test('plans the prune task after the dump task, on its own schedule, without the database\'s secrets, as the role that deletes', () => {
    const plan = planScheduledPgDump({ postgresMajorVersion: 16, dump: { retention: { daily: 7 } } });
    const prune = plan.scheduledTasks.tasks[1];
    expect(prune).toMatchObject({ kind: 'prune', deletes: true, objectsAccess: 'prune', ids: { taskDefinition: 'PruneTask' } });
    expect(prune.container).toEqual({ name: 'runner', logStreamPrefix: 'prune', databaseSecrets: false });
    expect(prune.schedule.runs[0].command.slice(0, 3)).toEqual(['prune', '--from', { ref: 'dump-location' }]);
    expect(prune.executionRole).toBeUndefined();
    expect(prune.databaseIngress).toBeUndefined();
    expect(plan.alarms.map((alarm) => alarm.id)).toEqual(['FailedDumpAlarm0', 'RpoAlarm0', 'ScheduleDeadLetterAlarm', 'PruneAlarm0']);
  });

  test('plans the dump and the prune as one group started by one schedules\' role and watched by one failure rule, neither sharing the other\'s roles', () => {
    const plan = planScheduledPgDump({ postgresMajorVersion: 16, dump: { retention: { daily: 7 } } });
    const group = plan.scheduledTasks;
    expect(group).toMatchObject({
      ids: { scheduleRole: 'ScheduleRole', taskFailedRule: 'TaskFailedRule' },
      scheduleRole: { description: plan.descriptions.scheduleRole },
      taskFailure: { subject: 'A scheduled pg_dump task' },
    });
    expect(group.name).toBeUndefined();
    expect(group.sharesFirstTask).toBeUndefined();
    expect(group.scheduleRole.grants.map((grant) => grant.resource)).toEqual(['ecs-task-roles', 'ecs-task-definition', 'ecs-task', 'dead-letter-queue']);
    expect(group.tasks.map((task) => task.ids.securityGroup)).toEqual(['TaskSecurityGroup', 'PruneSecurityGroup']);
  });

  test('the shared options of a front end\'s props leave out its cloud handles', () => {
    expect(scheduledPgDumpOptionsOf({ prefix: 'dumps', vpcId: 'vpc-1' } as never)).toEqual({ prefix: 'dumps' });
  });
});
