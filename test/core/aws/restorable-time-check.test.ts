// jsonata (installed with asl-validator) evaluates the JSONata state here, since the local engine does not.
// eslint-disable-next-line import/no-extraneous-dependencies
import jsonata from 'jsonata';
import { aslProblems, runDrill, taskError } from './state-machines/drill-harness';
import { RESTORABLE_TIME_LAG_METRIC, restorableTimeCheck, restorableTimeCheckWiring } from '../../../src/core/aws/restorable-time-check';

describe.each([
  { source: 'instance' as const, describe: 'describeDBInstances', key: 'DbInstances', idField: 'DbInstanceIdentifier', action: 'rds:DescribeDBInstances' },
  { source: 'aurora-cluster' as const, describe: 'describeDBClusters', key: 'DbClusters', idField: 'DbClusterIdentifier', action: 'rds:DescribeDBClusters' },
])('the restorable-time check of an $source', ({ source, describe: call, key, idField, action }) => {
  const check = restorableTimeCheck({ source, metricNamespace: 'Backups/Orders' });

  test('is valid ASL whose only placeholders are the database and its identifier', () => {
    expect(aslProblems(check.definition)).toEqual([]);
    expect(check.placeholders).toEqual(['DatabaseName', 'Partition', 'SourceIdentifier']);
    expect(check.definition.States['Describe database']).toMatchObject({ Resource: `arn:\${Partition}:states:::aws-sdk:rds:${call}` });
  });

  test('publishes the seconds between now and the latest restorable time', async () => {
    const run = await runDrill(check.definition, {
      'Describe database': () => ({ [key]: [{ LatestRestorableTime: '2026-01-01T00:00:00Z' }] }),
      'Publish restorable time lag': () => ({}),
    });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual(['Describe database', 'Publish restorable time lag']);
    expect(run.calls[0].input).toEqual({ [idField]: 'orders-db' });
    // The local engine does not evaluate JSONata: the request is evaluated here, with the state input the engine passed.
    const publish = check.definition.States['Publish restorable time lag'] as any;
    expect(publish.Arguments.Namespace).toBe('Backups/Orders');
    const datum = publish.Arguments.MetricData[0];
    expect(datum).toMatchObject({ MetricName: RESTORABLE_TIME_LAG_METRIC, Dimensions: [{ Name: 'Database', Value: '${DatabaseName}' }], Unit: 'Seconds' });
    const before = Date.now();
    const value = await jsonata(datum.Value.replace(/^\{%|%\}$/g, '')).evaluate({}, { states: { input: run.calls[1].input } });
    const after = Date.now();
    const epoch = Date.parse('2026-01-01T00:00:00Z');
    expect(value).toBeGreaterThanOrEqual(Math.floor((before - epoch) / 1000));
    expect(value).toBeLessThanOrEqual(Math.ceil((after - epoch) / 1000));
  });

  test('has no value to publish when the database has no restorable time, so the call fails', async () => {
    const datum = (check.definition.States['Publish restorable time lag'] as any).Arguments.MetricData[0];
    const value = await jsonata(datum.Value.replace(/^\{%|%\}$/g, '')).evaluate({}, { states: { input: { described: { database: {} } } } });
    expect(value).toBeUndefined();
  });

  test('publishes nothing and fails when the database cannot be described, so the alarm sees missing data', async () => {
    const run = await runDrill(check.definition, {
      'Describe database': () => { throw taskError('Rds.DbInstanceNotFoundException'); },
      'Publish restorable time lag': () => ({}),
    });
    expect(run.order).toEqual(['Describe database']);
    expect(run.error?.name).toBe('RestorableTimeCheck.Failed');
  });

  test('names only the describe call and the metric publish as IAM actions', () => {
    expect(check.iamActions.map((group) => [group.resource, group.actions])).toEqual([
      ['rds-source', [action]],
      ['cloudwatch-namespace-condition', ['cloudwatch:PutMetricData']],
    ]);
  });
});

test('rejects a namespace CloudWatch reserves for AWS', () => {
  expect(() => restorableTimeCheck({ metricNamespace: 'AWS/RDS' })).toThrow(/metricNamespace is "AWS\/RDS"/);
});

test('the restorable-time check reads and names only its database, and publishes only into its namespace', () => {
  const wiring = restorableTimeCheckWiring({ identifier: 'orders-db', arn: 'arn:aws:rds:eu-west-1:111111111111:db:orders-db' }, 'Backups/Orders');
  expect(wiring.placeholders).toEqual({ DatabaseName: 'orders-db', SourceIdentifier: 'orders-db' });
  expect(wiring.scopes).toEqual({
    'rds-source': { resources: ['arn:aws:rds:eu-west-1:111111111111:db:orders-db'] },
    'cloudwatch-namespace-condition': { resources: ['*'], conditions: { StringEquals: { 'cloudwatch:namespace': 'Backups/Orders' } } },
  });
  const kinds = restorableTimeCheck({ metricNamespace: 'Backups/Orders' }).iamActions.map((group) => group.resource);
  expect(Object.keys(wiring.scopes).sort()).toEqual([...kinds].sort());
});
