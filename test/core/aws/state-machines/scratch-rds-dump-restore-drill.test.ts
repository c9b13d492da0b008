import { createHash } from 'node:crypto';
import { EXECUTION_NAME, TaskHandler, aslProblems, expectFailurePath, runDrill, taskError, withFailures } from './drill-harness';
import { scratchRdsDumpRestoreDrill } from '../../../../src/core/aws/state-machines';

const SCRATCH = `pg-drill-${createHash('md5').update(EXECUTION_NAME).digest('hex')}`;
const TASK_ARN = 'arn:aws:ecs:eu-west-1:123456789012:task/backups/9a8b';
const ENDPOINT = { Address: 'scratch.abc.eu-west-1.rds.amazonaws.com', Port: 5432 };
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234-abcd';
const GIB = 1024 ** 3;
const BACKUP_ID = '20261124T020000Z-4f2a';

/** The manifest of a dump of a 400 GiB database of PostgreSQL 16 (a 90 GiB archive), as S3 returns it. */
function manifest(databaseSizeBytes = 400 * GIB, totalBytes = 90 * GIB) {
  return { Body: JSON.stringify({ backupId: BACKUP_ID, database: 'orders', totalBytes, server: { version: '16.4', versionNum: 160004, databaseSizeBytes } }) };
}

const instanceStatus = (status: string) => ({
  DbInstances: [{
    DbInstanceIdentifier: SCRATCH,
    DbInstanceStatus: status,
    ...(status === 'available' ? { Endpoint: ENDPOINT, MasterUserSecret: { SecretArn: SECRET_ARN, SecretStatus: 'active' } } : {}),
  }],
});

const handlers: Record<string, TaskHandler> = {
  'Read latest pointer': () => ({ Body: JSON.stringify({ backupId: BACKUP_ID, finishedAt: '2026-11-24T02:41:00Z' }) }),
  'Read backup manifest': () => manifest(),
  'Restore scratch instance': () => ({ DbInstance: { DbInstanceIdentifier: SCRATCH, DbInstanceStatus: 'creating' } }),
  'Describe scratch instance': (_input, call) => instanceStatus(call === 0 ? 'creating' : 'available'),
  'Run checks task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED', Containers: [{ Name: 'runner', ExitCode: 0 }] }),
  'Find running checks task': () => ({ TaskArns: [TASK_ARN] }),
  'Stop checks task': () => ({ Task: { TaskArn: TASK_ARN } }),
  'Run verify task': () => ({ TaskArn: TASK_ARN, LastStatus: 'STOPPED' }),
  'Find running verify task': () => ({ TaskArns: [] }),
  'Stop verify task': () => ({}),
  'Delete scratch instance': () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  'Delete scratch instance after failure': () => ({ DbInstance: { DbInstanceStatus: 'deleting' } }),
  'Publish success metric': () => ({}),
  'Publish restore duration': () => ({}),
  'Publish failure metric': () => ({}),
  'Notify failure': () => ({ MessageId: 'message-1' }),
};

const read = ['Read latest pointer', 'Read backup manifest'];
const created = [...read, 'Restore scratch instance'];
const polled = ['Describe scratch instance', 'Describe scratch instance'];

describe('dump restore drill into a scratch RDS instance', () => {
  const { definition, iamActions, placeholders } = scratchRdsDumpRestoreDrill();

  test('asl-validator accepts the definition, and it needs the dump bucket and the database\'s folder to read the manifest', () => {
    expect(aslProblems(definition)).toEqual([]);
    expect(placeholders).toEqual(expect.arrayContaining(['DumpBucket', 'DumpDatabaseFolder', 'DumpLocation', 'DbSubnetGroupName', 'VpcSecurityGroupIds']));
  });

  test('a successful drill reads the manifest, creates the instance, verifies that backup into it, deletes it, then publishes success', async () => {
    const run = await runDrill(definition, handlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...created, ...polled, 'Run checks task', 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls.slice(0, 2).map((c) => c.input)).toEqual([
      { Bucket: 'sample-DumpBucket', Key: 'sample-DumpPrefix/orders/latest' },
      { Bucket: 'sample-DumpBucket', Key: `sample-DumpPrefix/orders/${BACKUP_ID}/manifest.json` },
    ]);
    expect(run.calls.find((c) => c.state === 'Delete scratch instance')!.input).toEqual({
      DbInstanceIdentifier: SCRATCH, SkipFinalSnapshot: true, DeleteAutomatedBackups: true,
    });
    expect(run.calls.find((c) => c.state === 'Publish success metric')!.input.MetricData[0].Dimensions).toEqual([
      { Name: 'Database', Value: 'orders' }, { Name: 'Drill', Value: 'dump' },
    ]);
  });

  test('the instance is empty PostgreSQL of the dump\'s major, sized from the database with headroom (the next size of a ladder), private, isolated, unprotected, tagged', async () => {
    const run = await runDrill(definition, handlers);
    expect(run.calls.find((c) => c.state === 'Restore scratch instance')!.input).toEqual({
      DbInstanceIdentifier: SCRATCH,
      DbInstanceClass: 'db.m6g.large',
      Engine: 'postgres',
      EngineVersion: '16',
      // 400 GiB with 150 percent headroom is 600 GiB: the next size of the ladder.
      AllocatedStorage: 750,
      StorageType: 'gp3',
      StorageEncrypted: true,
      MasterUsername: 'drill_master',
      ManageMasterUserPassword: true,
      DbSubnetGroupName: 'drill-subnets',
      VpcSecurityGroupIds: ['sg-222', 'sg-333'],
      PubliclyAccessible: false,
      MultiAZ: false,
      DeletionProtection: false,
      BackupRetentionPeriod: 0,
      CopyTagsToSnapshot: false,
      Tags: [{ Key: 'postgres-backup:drill', Value: EXECUTION_NAME }, { Key: 'postgres-backup:database', Value: 'orders' }],
    });
  });

  test('a small database gets the smallest storage, and the bounds and class are options', async () => {
    const small = await runDrill(definition, { ...handlers, 'Read backup manifest': () => manifest(2 * GIB, GIB) });
    expect(small.calls.find((c) => c.state === 'Restore scratch instance')!.input.AllocatedStorage).toBe(20);
    const custom = scratchRdsDumpRestoreDrill({ storageHeadroomPercent: 200, minAllocatedStorageGiB: 100, scratchInstanceClass: 'db.r6g.xlarge' });
    const run = await runDrill(custom.definition, handlers);
    expect(run.calls.find((c) => c.state === 'Restore scratch instance')!.input).toMatchObject({ AllocatedStorage: 1000, DbInstanceClass: 'db.r6g.xlarge' });
  });

  test('the verify task restores the backup read from the manifest into the scratch endpoint, with the RDS-managed secret and TLS', async () => {
    const run = await runDrill(definition, handlers);
    const override = run.calls.find((c) => c.state === 'Run checks task')!.input.Overrides.ContainerOverrides[0];
    expect(override.Command).toEqual([
      'pg-backup', 'verify', '--from', 's3://orders-backups/dumps', '--backup', BACKUP_ID,
      '--target-url', `postgresql://drill_master@${ENDPOINT.Address}:5432/postgres`,
    ]);
    expect(override.Environment).toEqual(expect.arrayContaining([
      { Name: 'PGSSLMODE', Value: 'require' },
      { Name: 'PG_BACKUP_TARGET_SECRET_ARN', Value: SECRET_ARN },
    ]));
  });

  test('a manifest that cannot be read fails the drill before anything is created', async () => {
    const run = await runDrill(definition, withFailures(handlers, ['Read backup manifest'], 'S3.NoSuchKeyException'));
    expectFailurePath(run, { error: 'S3.NoSuchKeyException', cleanup: [] });
    expect(run.order).not.toContain('Restore scratch instance');
  });

  test('a database larger than maxAllocatedStorageGiB allows fails the drill before anything is created, naming the option', async () => {
    const run = await runDrill(definition, { ...handlers, 'Read backup manifest': () => manifest(12_000 * GIB) });
    expectFailurePath(run, { error: 'RestoreDrill.BackupTooLarge', cleanup: [] });
    expect(run.error?.cause).toMatch(/of orders is of a database of 12884901888000 bytes, which with 150 percent headroom needs more scratch storage than maxAllocatedStorageGiB \(16384\)/);
    expect(run.order).not.toContain('Restore scratch instance');
  });

  test('a create RDS refuses is cleaned up after (nothing to find is fine) and reported', async () => {
    const run = await runDrill(definition, {
      ...withFailures(handlers, ['Restore scratch instance'], 'Rds.StorageQuotaExceededException'),
      'Delete scratch instance after failure': () => { throw taskError('Rds.DbInstanceNotFoundException'); },
    });
    expectFailurePath(run, { error: 'Rds.StorageQuotaExceededException', cleanup: ['Delete scratch instance after failure'] });
  });

  test('an instance that never becomes available is deleted and the drill fails saying so', async () => {
    const run = await runDrill(scratchRdsDumpRestoreDrill({ maxPolls: 3 }).definition, { ...handlers, 'Describe scratch instance': () => instanceStatus('creating') });
    expectFailurePath(run, { error: 'RestoreDrill.ScratchNeverAvailable', cleanup: ['Delete scratch instance after failure'] });
    expect(run.order.filter((state) => state === 'Describe scratch instance')).toHaveLength(3);
  });

  test('a verify that fails its checks stops the task, deletes the instance and fails the drill', async () => {
    const run = await runDrill(definition, withFailures(handlers, ['Run checks task']));
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Find running checks task', 'Stop checks task', 'Delete scratch instance after failure'] });
    expect(run.order).not.toContain('Publish success metric');
  });

  test('a delete that fails after a good verify fails the drill, naming the instance to delete by hand', async () => {
    const run = await runDrill(definition, withFailures(handlers, ['Delete scratch instance'], 'Rds.InvalidParameterCombination'));
    expectFailurePath(run, { error: 'RestoreDrill.CleanupFailed', cleanup: ['Delete scratch instance'] });
    expect(run.error?.cause).toContain(`Delete ${SCRATCH} by hand`);
  });

  test('its role may read the dumps\' manifests, create and delete only scratch instances, and let RDS create their secret', () => {
    expect(iamActions.map((group) => [group.resource, ...group.actions])).toEqual(expect.arrayContaining([
      ['dump-objects', 's3:GetObject'],
      ['rds-scratch-instances', 'rds:AddTagsToResource', 'rds:CreateDBInstance', 'rds:DeleteDBInstance', 'rds:DescribeDBInstances'],
      ['rds-subnet-group', 'rds:CreateDBInstance'],
      ['rds-managed-secrets', 'secretsmanager:CreateSecret', 'secretsmanager:TagResource'],
    ]));
  });

  test.each([
    ['a headroom under 100 percent', { storageHeadroomPercent: 90 }, /storageHeadroomPercent is 90; allowed: an integer from 100 to 1000 percent/],
    ['a maximum storage under the minimum', { minAllocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 }, /maxAllocatedStorageGiB is 50; allowed: an integer from 100 to 65536 GiB/],
    ['a restore target of the task alone', { restoreTarget: 'task' as never }, /restoreTarget is "task"; allowed: one of: scratch-rds, auto/],
  ])('refuses %s, naming the option', (_, options, message) => {
    expect(() => scratchRdsDumpRestoreDrill(options)).toThrow(message);
  });
});

describe('dump restore drill with restoreTarget auto', () => {
  const { definition } = scratchRdsDumpRestoreDrill({ restoreTarget: 'auto', taskEphemeralStorageGiB: 100 });

  test('asl-validator accepts the definition', () => {
    expect(aslProblems(definition)).toEqual([]);
  });

  test('a backup that fits the task\'s disk is verified in the task, and no instance is created', async () => {
    const run = await runDrill(definition, { ...handlers, 'Read backup manifest': () => manifest(40 * GIB, 10 * GIB) });
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...read, 'Run verify task', 'Publish restore duration', 'Publish success metric']);
    expect(run.calls.find((c) => c.state === 'Run verify task')!.input.Overrides.ContainerOverrides[0].Command).toEqual([
      'pg-backup', 'verify', '--from', 's3://orders-backups/dumps', '--backup', BACKUP_ID, '--target-url', 'postgresql://drill@scratch.internal:5432/postgres',
    ]);
  });

  test('a backup that would not fit the task\'s disk goes to a scratch RDS instance, which is deleted', async () => {
    const run = await runDrill(definition, handlers);
    expect(run.error).toBeUndefined();
    expect(run.order).toEqual([...created, ...polled, 'Run checks task', 'Delete scratch instance', 'Publish restore duration', 'Publish success metric']);
  });

  test('a failed verify in the task stops it and fails the drill, with nothing to delete', async () => {
    const run = await runDrill(definition, {
      ...withFailures(handlers, ['Run verify task']), 'Read backup manifest': () => manifest(40 * GIB, 10 * GIB),
    });
    expectFailurePath(run, { error: 'States.TaskFailed', cleanup: ['Find running verify task'] });
    expect(run.order).not.toContain('Delete scratch instance after failure');
  });
});
