import { aslProblems, sampleSubstitutions, taskStates } from './drill-harness';
import {
  RestoreDrillStateMachine, allIamActions, dumpRestoreDrill, pitrRestoreDrill, pointInTimeRestoreDrill, renderDefinition, restoreTestingValidation,
  snapshotRestoreDrill,
} from '../../../../src/core/aws/state-machines';

const variants: Array<[string, RestoreDrillStateMachine]> = [
  ['dump', dumpRestoreDrill()],
  ['snapshot of an instance', snapshotRestoreDrill()],
  ['snapshot of an Aurora cluster', snapshotRestoreDrill({ source: 'aurora-cluster' })],
  ['pitr', pitrRestoreDrill()],
  ['point-in-time restore of an instance', pointInTimeRestoreDrill()],
  ['point-in-time restore of an Aurora cluster with a random extra lag', pointInTimeRestoreDrill({ source: 'aurora-cluster', randomExtraLagSeconds: 3600 })],
  ['restore testing validation of an instance', restoreTestingValidation()],
  ['restore testing validation of an Aurora cluster writing its drill result', restoreTestingValidation({ source: 'aurora-cluster', writeDrillResult: true })],
];

describe.each(variants)('the %s drill definition', (_name, drill) => {
  const { definition } = drill;

  test('is valid ASL with its placeholders', () => {
    expect(aslProblems(definition)).toEqual([]);
  });

  test('is valid ASL once rendered', () => {
    expect(aslProblems(JSON.parse(renderDefinition(definition, sampleSubstitutions(definition))))).toEqual([]);
  });

  test('bounds the whole execution with a timeout', () => {
    expect(definition.TimeoutSeconds).toBeGreaterThan(0);
  });

  test('gives every Task state a timeout that fits in the execution timeout', () => {
    const lacking = taskStates(definition).filter(([, state]) => !(state.TimeoutSeconds > 0 && state.TimeoutSeconds < definition.TimeoutSeconds));
    expect(lacking.map(([name]) => name)).toEqual([]);
  });

  test('catches every error of every Task state', () => {
    const uncaught = taskStates(definition).filter(([, state]) => !state.Catch.some((c) => c.ErrorEquals.includes('States.ALL')));
    expect(uncaught.map(([name]) => name)).toEqual([]);
  });

  test('keeps the state data when a JSONPath Task fails, so cleanup knows what exists', () => {
    const replacing = taskStates(definition)
      .filter(([, state]) => state.QueryLanguage !== 'JSONata')
      .filter(([, state]) => state.Catch.some((c) => typeof c.ResultPath !== 'string' || c.ResultPath === '$'));
    expect(replacing.map(([name]) => name)).toEqual([]);
  });

  test('leads every catcher and every state to a state that exists', () => {
    const names = new Set(Object.keys(definition.States));
    const targets = Object.values(definition.States).flatMap((state) => [
      ...('Next' in state && state.Next ? [state.Next] : []),
      ...('Catch' in state ? state.Catch.map((c) => c.Next) : []),
      ...('Choices' in state ? state.Choices.map((c) => c.Next!) : []),
      ...('Default' in state && state.Default ? [state.Default] : []),
    ]);
    expect(targets.filter((target) => !names.has(target))).toEqual([]);
  });

  test('ends only in the Succeed state or, after the notification, in the Fail state', () => {
    const ends = Object.entries(definition.States).filter(([, state]) => state.Type === 'Fail' || state.Type === 'Succeed' || ('End' in state && state.End));
    expect(ends.map(([name]) => name).sort()).toEqual(['Drill failed', 'Drill succeeded']);
    const intoFail = Object.entries(definition.States).filter(([, state]) =>
      ('Next' in state && state.Next === 'Drill failed') || ('Catch' in state && state.Catch.some((c) => c.Next === 'Drill failed')));
    expect(intoFail.map(([name]) => name)).toEqual(['Notify failure']);
  });

  test('lists exactly the placeholders its JSON contains', () => {
    const json = JSON.stringify(definition);
    drill.placeholders.forEach((name) => expect(json).toContain(`\${${name}}`));
    expect(json.match(/\$\{[A-Za-z0-9]+\}/g)!.every((p) => drill.placeholders.includes(p.slice(2, -1)))).toBe(true);
  });

  test('names the IAM actions of .sync ECS tasks (tagging included), notification and metrics, grouped by resource', () => {
    expect(allIamActions(drill.iamActions)).toEqual(expect.arrayContaining([
      'ecs:RunTask', 'ecs:StopTask', 'ecs:TagResource', 'ecs:DescribeTasks', 'ecs:ListTasks', 'events:PutTargets', 'events:PutRule', 'events:DescribeRule',
      'iam:PassRole', 'sns:Publish', 'cloudwatch:PutMetricData',
    ]));
    const kinds = drill.iamActions.map((group) => group.resource);
    expect(new Set(kinds).size).toBe(kinds.length);
  });
});

describe('IAM actions of the RDS drills', () => {
  test('the instance drill may restore, describe and delete instances, and never clusters', () => {
    const actions = allIamActions(snapshotRestoreDrill().iamActions);
    expect(actions).toEqual(expect.arrayContaining([
      'rds:DescribeDBSnapshots', 'rds:RestoreDBInstanceFromDBSnapshot', 'rds:DescribeDBInstances', 'rds:DeleteDBInstance', 'rds:AddTagsToResource',
    ]));
    expect(actions.filter((action) => action.includes('Cluster'))).toEqual([]);
  });

  test('the Aurora drill may restore a cluster, create and delete its instance, and delete the cluster', () => {
    const groups = snapshotRestoreDrill({ source: 'aurora-cluster' }).iamActions;
    expect(allIamActions(groups)).toEqual(expect.arrayContaining([
      'rds:DescribeDBClusterSnapshots', 'rds:RestoreDBClusterFromSnapshot', 'rds:CreateDBInstance', 'rds:DescribeDBInstances',
      'rds:DeleteDBInstance', 'rds:DeleteDBCluster', 'rds:AddTagsToResource',
    ]));
    expect(groups.find((group) => group.resource === 'rds-scratch-clusters')!.actions).toContain('rds:DeleteDBCluster');
    expect(groups.find((group) => group.resource === 'rds-scratch-instances')!.actions).not.toContain('rds:DeleteDBCluster');
  });

  test('the point-in-time instance drill may read and restore its source to a time, and create, poll and delete scratch instances, never clusters or snapshots', () => {
    const groups = pointInTimeRestoreDrill().iamActions;
    expect(groups.find((group) => group.resource === 'rds-source')!.actions).toEqual(['rds:DescribeDBInstances', 'rds:RestoreDBInstanceToPointInTime']);
    expect(groups.find((group) => group.resource === 'rds-scratch-instances')!.actions).toEqual([
      'rds:AddTagsToResource', 'rds:DeleteDBInstance', 'rds:DescribeDBInstances', 'rds:RestoreDBInstanceToPointInTime',
    ]);
    expect(groups.map((group) => group.resource)).not.toContain('rds-snapshots');
    expect(allIamActions(groups).filter((action) => /Cluster|Snapshot/.test(action))).toEqual([]);
  });

  test('the point-in-time Aurora drill may restore its source cluster to a time, and delete only scratch clusters and instances', () => {
    const groups = pointInTimeRestoreDrill({ source: 'aurora-cluster' }).iamActions;
    expect(groups.find((group) => group.resource === 'rds-source')!.actions).toEqual(['rds:DescribeDBClusters', 'rds:RestoreDBClusterToPointInTime']);
    expect(groups.find((group) => group.resource === 'rds-scratch-clusters')!.actions).toEqual([
      'rds:AddTagsToResource', 'rds:CreateDBInstance', 'rds:DeleteDBCluster', 'rds:RestoreDBClusterToPointInTime',
    ]);
    expect(groups.find((group) => group.resource === 'rds-subnet-group')!.actions).toEqual(['rds:CreateDBInstance', 'rds:RestoreDBClusterToPointInTime']);
    expect(allIamActions(groups).filter((action) => /Delete/.test(action))).toEqual(['rds:DeleteDBCluster', 'rds:DeleteDBInstance']);
    expect(groups.find((group) => group.resource === 'rds-source')!.actions.filter((action) => /Delete/.test(action))).toEqual([]);
  });

  test('the dump drill needs no RDS action', () => {
    expect(allIamActions(dumpRestoreDrill().iamActions).filter((action) => action.startsWith('rds:'))).toEqual([]);
  });
});

describe('the ASL check itself', () => {
  test('rejects a definition whose state leads nowhere', () => {
    const broken = { ...dumpRestoreDrill().definition, StartAt: 'No such state' };
    expect(aslProblems(broken)).not.toEqual([]);
  });
});
