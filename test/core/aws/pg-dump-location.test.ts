import { DEFAULT_METRIC_NAMESPACE } from '../../../src/core/aws/alarm-plan';
import { pgDumpLocationAttributes } from '../../../src/core/aws/pg-dump-location';
import { pruneTaskResourceNames, taskResourceNames } from '../../../src/core/aws/task-resource-names';

describe('dumps given by their bucket and prefix', () => {
  test('without a namespace, a drill of them reads the runner\'s metrics where the runner writes them by default', () => {
    const attributes = pgDumpLocationAttributes({ prefix: 'exports/pg', databaseNames: ['orders'], postgresMajorVersion: 16 });
    expect(attributes).toEqual({ prefix: 'exports/pg', databaseNames: ['orders'], postgresMajorVersion: 16, metricNamespace: DEFAULT_METRIC_NAMESPACE });
    expect(DEFAULT_METRIC_NAMESPACE).toBe('PostgresBackup');
  });

  test('a namespace given is kept, and the databases are a copy a later change of the caller\'s list does not reach', () => {
    const databaseNames = ['orders', 'invoices'];
    const attributes = pgDumpLocationAttributes({ prefix: 'p', databaseNames, postgresMajorVersion: 15, metricNamespace: 'Shop/Backups' });
    databaseNames.push('later');
    expect(attributes.databaseNames).toEqual(['orders', 'invoices']);
    expect(attributes.metricNamespace).toBe('Shop/Backups');
  });
});

describe('the Pulumi names of a planned task', () => {
  test('a task\'s resources are named after the component, a prune task\'s apart from them', () => {
    expect(taskResourceNames('nightly')).toEqual({
      taskRole: 'nightly-task-role',
      taskPolicy: 'nightly-task-policy',
      executionRole: 'nightly-execution-role',
      executionPolicy: 'nightly-execution-policy',
      taskDefinition: 'nightly-task',
      securityGroup: 'nightly-task-sg',
    });
    const prune = Object.values(pruneTaskResourceNames('nightly'));
    expect(prune.filter((name) => Object.values(taskResourceNames('nightly')).includes(name))).toEqual([]);
    expect(prune.every((name) => name.startsWith('nightly-prune-'))).toBe(true);
  });
});
