import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TaskHandler, expectFailurePath, runDrill, withFailures } from './state-machines/drill-harness';
import { restoreDrillAlarms } from '../../../src/core/aws/restore-drill-alarms';
import { planVerifyRestore, verifyCommand } from '../../../src/core/aws/verify-restore';

const source = { sourceDatabaseNames: ['shop', 'crm'], metricNamespace: 'PostgresBackup' };

describe('planVerifyRestore', () => {
  test('restores the source\'s first database with one job per vCPU, and writes each check to a file the verify command names', () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-plan-'));
    const file = path.join(directory, 'orders.sql');
    fs.writeFileSync(file, 'SELECT count(*) > 0 FROM orders');
    try {
      const plan = planVerifyRestore({ cpu: 4096, memoryLimitMiB: 16384, verification: { checks: ['SELECT true'] }, checkFiles: [file] }, source);
      expect(plan.databaseName).toBe('shop');
      expect(plan.checkFiles).toEqual([
        { variable: 'PG_BACKUP_CHECK_0', path: '/checks/check-0.sql', sql: 'SELECT true' },
        { variable: 'PG_BACKUP_CHECK_1', path: '/checks/check-1.sql', sql: 'SELECT count(*) > 0 FROM orders' },
      ]);
      expect(verifyCommand(plan, 's3://b/pg-dumps')).toEqual([
        'pg-backup', 'verify', '--from', 's3://b/pg-dumps', '--latest', '--target-url', 'postgresql://postgres@127.0.0.1:5432/postgres',
        '--database', 'shop', '--jobs', '4', '--check', '/checks/check-0.sql', '--check', '/checks/check-1.sql',
      ]);
      expect(plan.protection).toMatchObject({ kind: 'restore-drill', databaseNames: ['shop'], rtoMinutes: 60, checks: 2 });
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });

  test.each([
    ['a check file that does not exist', { checkFiles: ['/nonexistent/check.sql'] }, /checkFiles\[0\].*\/nonexistent\/check.sql/],
    ['more restore jobs than pg_restore is given', { jobs: 65 }, /jobs.*65/],
    ['a database name with a space', { databaseName: 'my shop' }, /databaseName.*"my shop"/],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(() => planVerifyRestore(options, { ...source, validation: { construct: 'Stack/Drill' } })).toThrow(message);
  });

  test('refuses to guess the database when the source names none', () => {
    expect(() => planVerifyRestore({}, { sourceDatabaseNames: [], metricNamespace: 'PostgresBackup' })).toThrow(/databaseName.*the source names none/);
  });
});

describe('restoreDrillAlarms', () => {
  test('watch the state machine\'s failed executions, the restore time against the RTO, and the schedule\'s dead letters', () => {
    const alarms = restoreDrillAlarms({ metricNamespace: 'Team', databaseName: 'orders', drillKind: 'pitr', maxRestoreDurationMinutes: 30, subject: 'drill of orders' });
    expect(alarms.map((alarm) => [alarm.id, alarm.description])).toEqual([
      ['FailedDrillAlarm', 'A drill of orders failed: the backup could not be restored and checked'],
      ['RtoAlarm', 'A drill of orders took longer than the RTO of 30 minutes'],
      ['ScheduleDeadLetterAlarm', 'EventBridge Scheduler could not start the drill of orders'],
    ]);
    expect(alarms[0].metric).toMatchObject({ metrics: { failed: { dimensions: { StateMachineArn: { resource: 'state-machine' } } } } });
    expect(alarms[1]).toMatchObject({
      threshold: 1800, metric: { namespace: 'Team', dimensions: { Database: 'orders', Drill: 'pitr' }, statistic: 'Maximum', periodSeconds: 3600 },
    });
  });
});

describe('planVerifyRestore with a scratch RDS instance', () => {
  const GIB = 1024 ** 3;
  const BACKUP_ID = '20261124T020000Z-4f2a';
  const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
  const instance = (status: string) => ({
    DbInstances: [{
      DbInstanceStatus: status,
      ...(status === 'available' ? { Endpoint: ENDPOINT, MasterUserSecret: { SecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:rds!db-1' } } : {}),
    }],
  });
  const handlers: Record<string, TaskHandler> = {
    'Read latest pointer': () => ({ Body: JSON.stringify({ backupId: BACKUP_ID }) }),
    'Read backup manifest': () => ({ Body: JSON.stringify({ backupId: BACKUP_ID, database: 'shop', server: { version: '15.8', databaseSizeBytes: 400 * GIB } }) }),
    'Restore scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'creating' } }),
    'Describe scratch instance': (_input, call) => instance(call === 0 ? 'creating' : 'available'),
    'Run checks task': () => ({ TaskArn: 'arn:aws:ecs:eu-west-1:1:task/c/1', LastStatus: 'STOPPED' }),
    'Find running checks task': () => ({ TaskArns: ['arn:aws:ecs:eu-west-1:1:task/c/1'] }),
    'Stop checks task': () => ({}),
    'Delete scratch instance': () => ({}),
    'Delete scratch instance after failure': () => ({}),
    'Publish success metric': () => ({}),
    'Publish restore duration': () => ({}),
    'Publish failure metric': () => ({}),
    'Store failed drill record': () => ({ ETag: '"1"' }),
    'Notify failure': () => ({ MessageId: 'm-1' }),
  };
  const plan = planVerifyRestore({ restoreTarget: 'scratch-rds', cpu: 4096, memoryLimitMiB: 16384, scratchInstance: { maxAllocatedStorageGiB: 2000 } }, source);

  test('restores into core\'s scratch RDS drill with the verify arguments, and the task runs no scratch server of its own', async () => {
    expect(plan).toMatchObject({ restoreTarget: 'scratch-rds', taskScratchServer: false, scratch: { identifierPrefix: 'pg-drill', port: 5432 } });
    expect(plan.drill.placeholders).toEqual(expect.arrayContaining(['DumpBucket', 'DumpDatabaseFolder', 'DbSubnetGroupName', 'VpcSecurityGroupIds']));
    const run = await runDrill(plan.drill.definition, handlers);
    expect(run.error).toBeUndefined();
    expect(run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0].Command).toEqual([
      'pg-backup', 'verify', '--from', 's3://orders-backups/dumps', '--backup', BACKUP_ID, '--target-url', `postgresql://drill_master@${ENDPOINT.Address}:5432/postgres`,
      '--database', 'shop', '--jobs', '4',
    ]);
    expect(plan.protection).toMatchObject({ restoreTarget: 'scratch-rds', maxScratchStorageGiB: 2000 });
  });

  test('the task may read only the master secrets RDS keeps for instances named with the scratch prefix', () => {
    expect(plan.scratch!.secretRead).toEqual({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      secretNamePattern: 'rds!db-*',
      instanceTagConditionKey: 'secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn',
      reason: expect.stringContaining('the tag RDS puts on it limits the read to the drill\'s scratch instances'),
    });
    expect(plan.descriptions.taskRole).toMatch(/master secret of its scratch RDS instance/);
  });

  test.each([
    ['an instance that never becomes available', { 'Describe scratch instance': () => instance('creating') }, 'RestoreDrill.ScratchNeverAvailable', ['Delete scratch instance after failure']],
    ['an instance whose creation fails', { 'Describe scratch instance': () => instance('failed') }, 'RestoreDrill.RestoreFailed', ['Delete scratch instance after failure']],
    ['a restore or checks that fail in the verify task', withFailures(handlers, ['Run checks task']), 'States.TaskFailed',
      ['Find running checks task', 'Stop checks task', 'Delete scratch instance after failure']],
  ])('%s deletes the scratch instance and fails the drill', async (_, overrides, error, cleanup) => {
    const run = await runDrill(plan.drill.definition, { ...handlers, ...overrides });
    expectFailurePath(run, { error, cleanup });
    const stored = run.calls.find((c) => c.state === 'Store failed drill record')!.input;
    expect(stored).toMatchObject({ Bucket: 'orders-backups', Key: expect.stringMatching(/^dumps\/orders\/drills\/\d{8}T\d{6}\.\d{3}Z\.json$/) });
    expect(JSON.parse(stored.Body)).toMatchObject({ kind: 'dump', database: 'orders', succeeded: false, reason: expect.stringMatching(new RegExp(`^${error}: `)) });
  });

  test('auto restores in the task when the backup fits the task\'s disk, so the task keeps its scratch server', async () => {
    const auto = planVerifyRestore({ restoreTarget: 'auto', ephemeralStorageGiB: 200 }, source);
    expect(auto).toMatchObject({ restoreTarget: 'auto', taskScratchServer: true });
    const run = await runDrill(auto.drill.definition, {
      ...handlers,
      'Read backup manifest': () => ({ Body: JSON.stringify({ backupId: BACKUP_ID, database: 'shop', server: { version: '15.8', databaseSizeBytes: 10 * GIB } }) }),
      'Run verify task': () => ({ TaskArn: 'arn:aws:ecs:eu-west-1:1:task/c/2', LastStatus: 'STOPPED' }),
      'Find running verify task': () => ({ TaskArns: [] }),
      'Stop verify task': () => ({}),
    });
    expect(run.error).toBeUndefined();
    expect(run.order).toContain('Run verify task');
    expect(run.order).not.toContain('Restore scratch instance');
  });

  test.each([
    ['a restore target that does not exist', { restoreTarget: 'rds' as never }, /Stack\/Drill: restoreTarget is "rds"; allowed: one of: task, scratch-rds, auto/],
    ['a storage ceiling under gp3\'s 20 GiB', { restoreTarget: 'scratch-rds' as const, scratchInstance: { maxAllocatedStorageGiB: 10 } },
      /scratchInstance\.maxAllocatedStorageGiB is 10; allowed: an integer from 20 to 65536 GiB/],
    ['a headroom under the database\'s size', { restoreTarget: 'auto' as const, scratchInstance: { storageHeadroomPercent: 50 } },
      /scratchInstance\.storageHeadroomPercent is 50; allowed: an integer from 100 to 1000 percent/],
    ['an instance class that is not one', { restoreTarget: 'scratch-rds' as const, scratchInstance: { instanceClass: 'm6g.large' } },
      /scratchInstance\.instanceClass is "m6g.large"; allowed: an instance class such as db.t4g.micro/],
    ['scratch instance options on a drill that restores in the task', { scratchInstance: { instanceClass: 'db.r6g.large' } },
      /scratchInstance is .*allowed: restoreTarget 'scratch-rds' or 'auto'/],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(() => planVerifyRestore(options, { ...source, validation: { construct: 'Stack/Drill' } })).toThrow(message);
  });
});
