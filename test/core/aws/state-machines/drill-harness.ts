import aslValidator from 'asl-validator';
import { ExecutionError, StateMachine, StateMachineDefinition as LocalDefinition } from 'aws-local-stepfunctions';
// jsonata comes with asl-validator: it evaluates the JSONata states the local engine cannot.
// eslint-disable-next-line import/no-extraneous-dependencies
import jsonata from 'jsonata';
import { PARTITION_PLACEHOLDER, StateMachineDefinition, AslTaskState, listPlaceholders, renderDefinition } from '../../../../src/core/aws/state-machines';
import { backupDatabaseFolder, drillResultsFolder } from '../../../../src/core/policy/backup-store-layout';

/** What a mocked task returns (or throws) for its input; `call` counts this state's calls from 0. */
export type TaskHandler = (input: any, call: number) => unknown;

/** One call of a mocked task. */
export interface RecordedCall {
  readonly state: string;
  readonly input: any;
}

/** The outcome of one local execution. */
export interface DrillRun {
  /** Every task call, in order. */
  readonly calls: readonly RecordedCall[];
  /** The names of the called tasks, in order. */
  readonly order: readonly string[];
  /** The output, when the execution succeeded. */
  readonly output?: any;
  /** The state data each state left behind, the last time it ran, by state name. */
  readonly stateOutputs: Readonly<Record<string, any>>;
  /** The error name and cause, when the execution failed. */
  readonly error?: { readonly name: string; readonly cause: string };
}

/** The execution name every local run uses, so tests can predict identifiers derived from it. */
export const EXECUTION_NAME = 'drill-2026-11-24T06-00-00Z';

/** When every state is entered, as far as `$$.State.EnteredTime` tells: the local engine does not track it. */
export const STATE_ENTERED_TIME = '2026-11-24T07:00:00.000Z';

/** Values for every placeholder: realistic where the state machine parses them, recognisable elsewhere. */
export function sampleSubstitutions(definition: StateMachineDefinition): Record<string, string> {
  const samples: Record<string, string> = {
    Partition: 'aws',
    DatabaseName: 'orders',
    NotificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:backup-alerts',
    ClusterArn: 'arn:aws:ecs:eu-west-1:123456789012:cluster/backups',
    TaskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/pg-backup:3',
    ContainerName: 'runner',
    Subnets: 'subnet-aaa,subnet-bbb',
    SecurityGroups: 'sg-111',
    DumpLocation: 's3://orders-backups/dumps',
    TargetUrl: 'postgresql://drill@scratch.internal:5432/postgres',
    SourceIdentifier: 'orders-db',
    DbSubnetGroupName: 'drill-subnets',
    VpcSecurityGroupIds: 'sg-222,sg-333',
    DrillResultsBucket: 'orders-backups',
    DrillResultsPrefix: 'dumps',
    DrillResultsFolder: drillResultsFolder('dumps', 'orders'),
    DumpDatabaseFolder: backupDatabaseFolder('sample-DumpPrefix', 'orders'),
  };
  return Object.fromEntries(listPlaceholders(definition).map((name) => [name, samples[name] ?? `sample-${name}`]));
}

/**
 * asl-validator's verdict on a definition: the list of problems, empty when valid. Its integrations' partition is filled
 * as every front end's renderer fills it (asl-validator knows the real partitions only); other placeholders stay.
 */
export function aslProblems(definition: unknown): string[] {
  const text = JSON.stringify(definition).split(`\${${PARTITION_PLACEHOLDER}}`).join('aws');
  const result = aslValidator(JSON.parse(text));
  return result.isValid ? [] : result.errors.map((error) => JSON.stringify(error));
}

/** Every `Resource` of every state (maps' and parallels' inner states too) of a definition. */
export function integrationsOf(states: Record<string, any>): string[] {
  return Object.values(states).flatMap((state) => [
    ...(typeof state.Resource === 'string' ? [state.Resource] : []),
    ...(state.ItemProcessor ? integrationsOf(state.ItemProcessor.States) : []),
    ...(state.Iterator ? integrationsOf(state.Iterator.States) : []),
    ...(state.Branches ?? []).flatMap((branch: any) => integrationsOf(branch.States)),
  ]);
}

/** An error as a task integration raises it: `name` is what `ErrorEquals` matches. */
export function taskError(name: string, cause = `${name} raised by the mocked task`): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

function taskStateNames(definition: StateMachineDefinition): string[] {
  return Object.entries(definition.States).filter(([, state]) => state.Type === 'Task').map(([name]) => name);
}

/** The Task states of a definition, by name. */
export function taskStates(definition: StateMachineDefinition): Array<[string, AslTaskState]> {
  return Object.entries(definition.States).filter((entry): entry is [string, AslTaskState] => entry[1].Type === 'Task');
}

/** The times of a local run, for a test that needs a drill to have taken a given time. */
export interface DrillClock {
  /**
   * `$$.Execution.StartTime`.
   * @default - now
   */
  readonly startTime?: string;
  /**
   * What `$millis()` reads in a JSONata state.
   * @default STATE_ENTERED_TIME
   */
  readonly now?: string;
}

/**
 * Renders the definition with sample values and executes it with aws-local-stepfunctions, every Task mocked by
 * state name (a Task without a handler is an error here: the engine would otherwise call AWS), Wait states and
 * retry pauses shortened to nothing. `substitutions` replace the sample values of the placeholders the definition has;
 * `clock` sets the execution's start and the moment JSONata reads as now.
 */
export async function runDrill(
  definition: StateMachineDefinition,
  handlers: Readonly<Record<string, TaskHandler>>,
  input: object = {},
  substitutions: Readonly<Record<string, string>> = {},
  clock: DrillClock = {},
): Promise<DrillRun> {
  const startTime = clock.startTime ?? new Date().toISOString();
  const missing = taskStateNames(definition).filter((name) => handlers[name] === undefined);
  if (missing.length > 0) throw new Error(`no mocked handler for the Task states: ${missing.join(', ')}`);

  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();
  const localHandlers = Object.fromEntries(Object.entries(handlers).map(([state, handler]) => [
    state,
    async (taskInput: any) => {
      calls.push({ state, input: taskInput });
      const call = counts.get(state) ?? 0;
      counts.set(state, call + 1);
      return handler(taskInput, call) as any;
    },
  ]));
  const stateNames = Object.keys(definition.States);
  // Values for placeholders this definition does not have are left out, so one table of values serves several drills.
  const needed = listPlaceholders(definition);
  const given = Object.fromEntries(Object.entries(substitutions).filter(([name]) => needed.includes(name)));
  const context = {
    Execution: { Name: EXECUTION_NAME, Id: `arn:aws:states:eu-west-1:123456789012:execution:drill:${EXECUTION_NAME}`, StartTime: startTime },
    State: { EnteredTime: STATE_ENTERED_TIME },
  };
  const rendered = evaluatingJsonataPassStates(
    JSON.parse(renderDefinition(definition, { ...sampleSubstitutions(definition), ...given })), context, localHandlers, clock.now,
  );
  // The engine's own validator predates JSONata states; the definitions are validated with asl-validator 4 instead.
  const machine = new StateMachine(rendered, { validationOptions: { noValidate: true } });
  const execution = machine.run(input as Record<string, never>, {
    overrides: {
      taskResourceLocalHandlers: localHandlers,
      waitTimeOverrides: Object.fromEntries(stateNames.filter((n) => definition.States[n].Type === 'Wait').map((n) => [n, 0])),
      retryIntervalOverrides: Object.fromEntries(stateNames.map((n) => [n, 0])),
    },
    context,
  });
  const stateOutputs: Record<string, unknown> = {};
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateExited') stateOutputs[event.state.name] = event.state.output;
    }
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { calls, order: calls.map((c) => c.state), output, stateOutputs };
  } catch (error) {
    if (!(error instanceof ExecutionError)) throw error;
    await collecting;
    const cause = error.cause as Error;
    return { calls, order: calls.map((c) => c.state), error: { name: cause.name, cause: cause.message }, stateOutputs };
  }
}

/** The resource of the Task states that stand in for JSONata Pass states in a local run. */
const JSONATA_PASS_RESOURCE = 'arn:aws:states:::local:jsonata-pass';

/**
 * The local engine does not evaluate JSONata. A JSONata Pass state whose `Output` is one expression (`{% … %}`) is run
 * as a Task here whose handler evaluates that expression with jsonata, with `$states.input` and `$states.context` as
 * Step Functions binds them and `$millis()` reading `now` (by default the context's `State.EnteredTime`: the engine
 * does not track time); its
 * output replaces the state data, as `Output` does. States inside a Map's
 * `ItemProcessor` are replaced the same way. These stand-ins are not recorded as calls.
 */
export function evaluatingJsonataPassStates(
  rendered: any, context: object, handlers: Record<string, (input: any) => Promise<any>>, now?: string,
): LocalDefinition {
  for (const [name, state] of Object.entries<any>(rendered.States)) {
    if (state.Type === 'Map' && state.ItemProcessor) evaluatingJsonataPassStates(state.ItemProcessor, context, handlers, now);
    const expression = typeof state.Output === 'string' ? /^\{%([\s\S]*)%\}$/.exec(state.Output)?.[1] : undefined;
    if (state.Type !== 'Pass' || state.QueryLanguage !== 'JSONata' || expression === undefined) continue;
    rendered.States[name] = { Type: 'Task', Resource: JSONATA_PASS_RESOURCE, ...(state.Next ? { Next: state.Next } : { End: true }) };
    // The local run's clock, as JSONata reads it, stands at the moment every state is entered.
    const enteredAt = Date.parse(now ?? (context as { State?: { EnteredTime?: string } }).State?.EnteredTime ?? '');
    handlers[name] = async (input: any) => jsonata(expression).evaluate({}, {
      states: { input, context }, ...(Number.isNaN(enteredAt) ? {} : { millis: () => enteredAt }),
    });
  }
  return rendered as LocalDefinition;
}

/** What a failure path must show. */
export interface ExpectedFailure {
  /** The error the execution fails with. */
  readonly error: string;
  /** Cleanup tasks that must have run, in this order, before the notification. */
  readonly cleanup: readonly string[];
}

/**
 * Asserts the contract of every failure path: the execution failed with the expected error; the cleanup ran, in
 * order, before the failure metric; the failure metric was published before the notification; the notification was
 * the last task (nothing ran after the failure).
 */
export function expectFailurePath(run: DrillRun, expected: ExpectedFailure): void {
  expect(run.error?.name).toBe(expected.error);
  const notifyAt = run.order.lastIndexOf('Notify failure');
  expect(notifyAt).toBe(run.order.length - 1);
  const failureMetric = run.calls.findIndex((c) => c.state === 'Publish failure metric');
  expect(failureMetric).toBeGreaterThanOrEqual(0);
  expect(run.calls[failureMetric].input.MetricData[0].MetricName).toBe('RestoreDrillFailed');
  expect(failureMetric).toBeLessThan(notifyAt);
  const cleanupPositions = expected.cleanup.map((state) => run.order.indexOf(state));
  cleanupPositions.forEach((position, i) => {
    expect({ state: expected.cleanup[i], ran: position >= 0 }).toEqual({ state: expected.cleanup[i], ran: true });
    expect(position).toBeLessThan(failureMetric);
  });
  expect(cleanupPositions).toEqual([...cleanupPositions].sort((a, b) => a - b));
}

/** Handlers where the named tasks throw `error` and every other task answers as `base` does. */
export function withFailures(
  base: Readonly<Record<string, TaskHandler>>,
  failing: readonly string[],
  error: string = 'States.TaskFailed',
): Record<string, TaskHandler> {
  return {
    ...base,
    ...Object.fromEntries(failing.map((state) => [state, () => { throw taskError(error, `${state} failed`); }])),
  };
}
