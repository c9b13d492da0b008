import { EXECUTION_NAME, TaskHandler, expectFailurePath, runDrill, withFailures } from './drill-harness';
import { dumpRestoreDrill } from '../../../../src/core/aws/state-machines';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/0f1e2d';

const succeeding: Record<string, TaskHandler> = {
  'Run verify task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running verify task': () => ({ TaskArns: [TASK_ARN] }),
  'Stop verify task': () => ({ Task: { TaskArn: TASK_ARN, DesiredStatus: 'STOPPED' } }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

describe('dump restore drill', () => {
  const { definition } = dumpRestoreDrill();

  test('a successful verify task publishes the success metric and the restore duration, then succeeds', async () => {
    const run = await runDrill(definition, succeeding);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Run verify task', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls[2].input.MetricData[0]).toMatchObject({ MetricName: 'RestoreDrillSucceeded', Value: 1 });
  });

  test('the verify task runs pg-backup verify on the latest dump against the target, in the given network', async () => {
    const run = await runDrill(definition, succeeding);
    const request = run.calls[0].input;
    expect(request.Overrides.ContainerOverrides[0]).toEqual({
      Name: 'runner',
      Command: ['pg-backup', 'verify', '--from', 's3://orders-backups/dumps', '--latest', '--target-url', 'postgresql://drill@scratch.internal:5432/postgres'],
      // The drill's identity, which pg-backup writes into the drill's result.
      Environment: [{ Name: 'PG_BACKUP_DRILL_ID', Value: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}` }],
    });
    expect(request.NetworkConfiguration.AwsvpcConfiguration).toEqual({
      Subnets: ['subnet-aaa', 'subnet-bbb'], SecurityGroups: ['sg-111'], AssignPublicIp: 'DISABLED',
    });
    expect(request.StartedBy).toMatch(/^pg-backup-drill-[0-9a-f]{32}$/);
    expect(request).toMatchObject({ LaunchType: 'FARGATE', Cluster: 'arn:aws:ecs:eu-west-1:123456789012:cluster/backups' });
  });

  test('the task is found by the startedBy it was started with, so a timed-out task can be stopped', async () => {
    const run = await runDrill(definition, withFailures(succeeding, ['Run verify task'], 'States.Timeout'));
    const started = run.calls.find((c) => c.state === 'Run verify task')!.input.StartedBy;
    expect(run.calls.find((c) => c.state === 'Find running verify task')!.input).toMatchObject({ StartedBy: started, DesiredStatus: 'RUNNING' });
    expect(run.calls.find((c) => c.state === 'Stop verify task')!.input).toMatchObject({ Task: TASK_ARN });
  });

  const stopped = ['Run verify task', 'Find running verify task', 'Stop verify task', 'Publish failure metric', 'Notify failure'];
  test.each([
    {
      name: 'the verify task fails (restore or checks failed)',
      failing: ['Run verify task'],
      error: 'States.TaskFailed',
      cleanup: ['Find running verify task', 'Stop verify task'],
      order: stopped,
    },
    {
      name: 'the verify task times out',
      failing: ['Run verify task'],
      error: 'States.Timeout',
      cleanup: ['Find running verify task', 'Stop verify task'],
      order: stopped,
    },
    {
      name: 'finding the running task fails',
      failing: ['Run verify task', 'Find running verify task'],
      error: 'States.TaskFailed',
      cleanup: ['Find running verify task'],
      order: ['Run verify task', 'Find running verify task', 'Publish failure metric', 'Notify failure'],
    },
    {
      name: 'stopping the task fails',
      failing: ['Run verify task', 'Stop verify task'],
      error: 'States.TaskFailed',
      cleanup: ['Find running verify task', 'Stop verify task'],
      order: stopped,
    },
    {
      name: 'the failure metric cannot be published',
      failing: ['Run verify task', 'Publish failure metric'],
      error: 'States.TaskFailed',
      cleanup: ['Find running verify task', 'Stop verify task'],
      order: stopped,
    },
    {
      name: 'the notification cannot be sent',
      failing: ['Run verify task', 'Notify failure'],
      error: 'States.TaskFailed',
      cleanup: ['Find running verify task', 'Stop verify task'],
      order: stopped,
    },
    {
      name: 'the success metric cannot be published',
      failing: ['Publish success metric'],
      error: 'CloudWatch.InternalServiceException',
      cleanup: [],
      order: ['Run verify task', 'Publish restore duration', 'Publish success metric', 'Publish failure metric', 'Notify failure'],
    },
    {
      name: 'the restore duration cannot be published',
      failing: ['Publish restore duration'],
      error: 'CloudWatch.InternalServiceException',
      cleanup: [],
      order: ['Run verify task', 'Publish restore duration', 'Publish failure metric', 'Notify failure'],
    },
  ])('when $name, the drill cleans up, publishes the failure metric, notifies and fails', async ({ failing, error, cleanup, order }) => {
    const run = await runDrill(definition, withFailures(succeeding, failing, error));
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error, cleanup });
  });

  test('a failed task that already stopped is not stopped again', async () => {
    const run = await runDrill(definition, {
      ...withFailures(succeeding, ['Run verify task']),
      'Find running verify task': () => ({ TaskArns: [] }),
    });
    expect(run.order).toEqual(['Run verify task', 'Find running verify task', 'Publish failure metric', 'Notify failure']);
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Find running verify task'] });
  });

  test('the notification names the database, the execution, the error and its cause', async () => {
    const run = await runDrill(definition, withFailures(succeeding, ['Run verify task'], 'States.Timeout'));
    const notification = run.calls.find((c) => c.state === 'Notify failure')!.input;
    expect(notification.TopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:backup-alerts');
    expect(notification.Subject).toBe('orders: dump restore drill failed');
    expect(notification.Message).toContain(EXECUTION_NAME);
    expect(notification.Message).toContain('Error: States.Timeout. Cause: Run verify task failed');
  });

  test('the failure metric is a count in the namespace with the database and drill dimensions', async () => {
    const run = await runDrill(definition, withFailures(succeeding, ['Run verify task']));
    expect(run.calls.find((c) => c.state === 'Publish failure metric')!.input).toEqual({
      Namespace: 'PostgresBackup',
      MetricData: [{
        MetricName: 'RestoreDrillFailed',
        Dimensions: [{ Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'dump' }],
        Value: 1,
        Unit: 'Count',
      }],
    });
  });

  test('the task timeout is the maximum restore duration plus the margin', () => {
    const drill = dumpRestoreDrill({ maxRestoreDurationSeconds: 1800, taskTimeoutMarginSeconds: 300 });
    expect((drill.definition.States['Run verify task'] as { TimeoutSeconds: number }).TimeoutSeconds).toBe(2100);
    expect(drill.definition.TimeoutSeconds).toBeGreaterThan(2100);
  });

  test('the runner command and extra arguments are configurable', async () => {
    const drill = dumpRestoreDrill({ runnerCommand: ['node', '/app/pg-backup.js'], extraArgs: ['--jobs', '4'] });
    const run = await runDrill(drill.definition, succeeding);
    expect(run.calls[0].input.Overrides.ContainerOverrides[0].Command).toEqual([
      'node', '/app/pg-backup.js', 'verify', '--from', 's3://orders-backups/dumps', '--latest',
      '--target-url', 'postgresql://drill@scratch.internal:5432/postgres', '--jobs', '4',
    ]);
  });

  test('the definition needs the ECS, dump, notification and database placeholders', () => {
    expect(dumpRestoreDrill().placeholders).toEqual([
      'ClusterArn', 'ContainerName', 'DatabaseName', 'DumpLocation', 'NotificationTopicArn', 'Partition', 'SecurityGroups',
      'Subnets', 'TargetUrl', 'TaskDefinitionArn',
    ]);
  });
});
