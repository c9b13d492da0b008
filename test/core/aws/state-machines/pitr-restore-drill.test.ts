import { TaskHandler, expectFailurePath, runDrill, withFailures } from './drill-harness';
import { pitrRestoreDrill } from '../../../../src/core/aws/state-machines';

const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/9a8b7c';

const succeeding: Record<string, TaskHandler> = {
  'Run PITR drill task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running PITR drill task': () => ({ TaskArns: [TASK_ARN] }),
  'Stop PITR drill task': () => ({ Task: { TaskArn: TASK_ARN } }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

describe('PITR restore drill', () => {
  const { definition } = pitrRestoreDrill();

  test('a successful drill task publishes the success metric and the restore duration, then succeeds', async () => {
    const run = await runDrill(definition, succeeding, { targetTime: '2026-11-24T05:30:00Z' });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Run PITR drill task', 'Publish restore duration', 'Publish success metric']);
  });

  test('the task replays to the targetTime of the input', async () => {
    const run = await runDrill(definition, succeeding, { targetTime: '2026-11-24T05:30:00Z' });
    expect(run.calls[0].input.Overrides.ContainerOverrides[0].Command).toEqual(['pg-backup', 'drill-pitr', '--target-time', '2026-11-24T05:30:00Z']);
  });

  test('without a targetTime, the task replays to the moment the execution started', async () => {
    const before = Date.now();
    const run = await runDrill(definition, succeeding);
    const command = run.calls[0].input.Overrides.ContainerOverrides[0].Command as string[];
    expect(command.slice(0, 3)).toEqual(['pg-backup', 'drill-pitr', '--target-time']);
    expect(Date.parse(command[3])).toBeGreaterThanOrEqual(before - 1000);
  });

  test('extra arguments follow the target time', async () => {
    const drill = pitrRestoreDrill({ extraArgs: ['--stanza', '${Stanza}'] });
    const run = await runDrill(drill.definition, { ...succeeding }, { targetTime: '2026-11-24T05:30:00Z' });
    expect(run.calls[0].input.Overrides.ContainerOverrides[0].Command).toEqual([
      'pg-backup', 'drill-pitr', '--target-time', '2026-11-24T05:30:00Z', '--stanza', 'sample-Stanza',
    ]);
  });

  test('a targetTime that is not a timestamp fails the drill before any task runs', async () => {
    const run = await runDrill(definition, succeeding, { targetTime: 'yesterday' });
    expect(run.order).toEqual(['Publish failure metric', 'Notify failure']);
    expectFailurePath(run, { error: 'RestoreDrill.InvalidTargetTime', cleanup: [] });
    expect(run.error?.cause).toContain('"yesterday"');
  });

  const stopped = ['Run PITR drill task', 'Find running PITR drill task', 'Stop PITR drill task', 'Publish failure metric', 'Notify failure'];
  test.each([
    { name: 'the drill task fails', failing: ['Run PITR drill task'], error: 'States.TaskFailed', order: stopped },
    { name: 'the drill task times out', failing: ['Run PITR drill task'], error: 'States.Timeout', order: stopped },
    { name: 'stopping the task fails', failing: ['Run PITR drill task', 'Stop PITR drill task'], error: 'States.TaskFailed', order: stopped },
    {
      name: 'finding the running task fails',
      failing: ['Run PITR drill task', 'Find running PITR drill task'],
      error: 'States.TaskFailed',
      order: ['Run PITR drill task', 'Find running PITR drill task', 'Publish failure metric', 'Notify failure'],
    },
    {
      name: 'the success metric cannot be published',
      failing: ['Publish success metric'],
      error: 'CloudWatch.InternalServiceException',
      order: ['Run PITR drill task', 'Publish restore duration', 'Publish success metric', 'Publish failure metric', 'Notify failure'],
    },
    {
      name: 'the restore duration cannot be published',
      failing: ['Publish restore duration'],
      error: 'CloudWatch.InternalServiceException',
      order: ['Run PITR drill task', 'Publish restore duration', 'Publish failure metric', 'Notify failure'],
    },
  ])('when $name, the drill stops the task if needed, publishes the failure metric, notifies and fails', async ({ failing, error, order }) => {
    const run = await runDrill(definition, withFailures(succeeding, failing, error), { targetTime: '2026-11-24T05:30:00Z' });
    expect(run.order).toEqual(order);
    expectFailurePath(run, { error, cleanup: order.filter((state) => state.includes('PITR drill task') && !state.startsWith('Run')) });
  });

  test('the failure metric and notification name the PITR drill', async () => {
    const run = await runDrill(definition, withFailures(succeeding, ['Run PITR drill task']), { targetTime: '2026-11-24T05:30:00Z' });
    expect(run.calls.find((c) => c.state === 'Publish failure metric')!.input.MetricData[0].Dimensions).toContainEqual({ Name: 'Drill', Value: 'pitr' });
    expect(run.calls.find((c) => c.state === 'Notify failure')!.input.Subject).toBe('orders: pitr restore drill failed');
  });
});
