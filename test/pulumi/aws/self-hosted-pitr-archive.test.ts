import { AwsMockEngine, installAwsMocks, valueOf } from './aws-mocks';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { SelfHostedPitrArchive, SelfHostedPitrArchiveProps } from '../../../src/pulumi/aws/self-hosted-pitr-archive';

/** A parameter value as given: the provider marks SSM values secret, which the mock shows as a wrapped value. */
function plain(value: any): string {
  return typeof value === 'object' && value !== null && 'value' in value ? value.value : value;
}

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

async function deploy(props: Partial<SelfHostedPitrArchiveProps> = {}): Promise<SelfHostedPitrArchive> {
  const archive = new SelfHostedPitrArchive('orders', { clusterName: 'orders', postgresMajorVersion: 15, createInstanceRole: true, ...props });
  await Promise.all([
    valueOf(archive.urn), valueOf(archive.postgresqlConfParameter.arn), valueOf(archive.archive.bucketPolicy!.id),
    ...(archive.archiverConfParameter ? [valueOf(archive.archiverConfParameter.arn)] : []),
    ...archive.associations.map((association) => valueOf(association.associationId)),
    ...archive.alarms.map((alarm) => valueOf(alarm.arn)),
    ...(archive.instanceProfile ? [valueOf(archive.instanceProfile.arn)] : []),
  ]);
  await new Promise((resolve) => setTimeout(resolve, 20));
  return archive;
}

describe('SelfHostedPitrArchive', () => {
  test('with pgBackRest expiring its own backups, the lifecycle only cleans up and never expires current WAL', async () => {
    await deploy();
    expect(engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'orders-archive-lifecycle').inputs.rules).toEqual([
      { id: 'wal-archive', status: 'Enabled', filter: { prefix: 'archive/orders/' }, noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
      { id: 'base-backups', status: 'Enabled', filter: { prefix: 'backup/orders/' }, noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
    ]);
  });

  test('with lifecycle expiry, WAL is kept as long as the oldest retained base backup needs it', async () => {
    await deploy({ pitr: { expireBy: 'lifecycle', windowDays: 7, retainFull: 2 } });
    const [wal, base] = engine.named('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', 'orders-archive-lifecycle').inputs.rules;
    expect(wal.expiration.days).toBeGreaterThanOrEqual(2 * 7 + 7);
    expect(base.expiration.days).toBe(15);
  });

  test('the host role may archive and, for pgBackRest\'s own expiry, delete under the archive prefixes; the bucket denies every other delete', async () => {
    const archive = await deploy();
    const bucketArn = await valueOf(archive.archive.bucketArn);
    const statements = engine.roleStatements('orders-instance-role');
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject'],
      Resource: [`${bucketArn}/archive/orders/*`, `${bucketArn}/backup/orders/*`],
    });
    const deny = JSON.parse(engine.named('aws:s3/bucketPolicy:BucketPolicy', 'orders-archive-policy').inputs.policy).Statement[2];
    expect(deny).toEqual({
      Sid: 'DenyDeletingArchive',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:DeleteObject*',
      Resource: `${bucketArn}/*`,
      Condition: { ArnNotEquals: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:root', await valueOf(archive.instanceRole!.arn)] } },
    });
  });

  test('with lifecycle expiry and Object Lock, the host role cannot delete at all', async () => {
    await deploy({ pitr: { expireBy: 'lifecycle' }, immutability: { days: 7 } });
    const actions = engine.roleStatements('orders-instance-role').flatMap((statement) => [statement.Action].flat());
    expect(actions.filter((action: string) => action.includes('Delete'))).toEqual([]);
  });

  test('the rendered postgresql.conf and pgbackrest.conf name this bucket and key, and are stored in SSM', async () => {
    const archive = await deploy();
    const bucket = await valueOf(archive.bucketName);
    const postgresqlConf = engine.named('aws:ssm/parameter:Parameter', 'orders-postgresql-conf').inputs;
    expect(postgresqlConf.name).toBe('/postgres-backup/orders/postgresql.conf');
    expect(plain(postgresqlConf.value)).toMatch(/archive_mode = on/);
    expect(plain(postgresqlConf.value)).toMatch(/archive_timeout = 60/);
    const pgbackrest = plain(engine.named('aws:ssm/parameter:Parameter', 'orders-archiver-conf').inputs.value);
    expect(pgbackrest).toContain(`repo1-s3-bucket=${bucket}`);
    expect(pgbackrest).toContain('repo1-s3-region=eu-west-1');
    expect(pgbackrest).toContain('[orders]');
  });

  test('weekly full and daily differential base backups and the archive check run on the tagged hosts through State Manager', async () => {
    await deploy();
    const associations = engine.ofType('aws:ssm/association:Association').map((a) => a.inputs)
      .sort((a, b) => ['full', 'diff', 'archive'].findIndex((k) => a.associationName.includes(k)) - ['full', 'diff', 'archive'].findIndex((k) => b.associationName.includes(k)));
    expect(associations.map((a) => [a.associationName, a.scheduleExpression])).toEqual([
      ['orders-full-base-backup', 'cron(0 1 ? * SUN *)'],
      ['orders-diff-base-backup', 'cron(0 1 ? * MON-SAT *)'],
      ['orders-archive-check', 'rate(30 minutes)'],
    ]);
    expect(associations[0]).toMatchObject({ targets: [{ key: 'tag:postgres-backup:pitr-archive', values: ['orders'] }], maxErrors: '0' });
    expect(associations[0].parameters.commands).toContain('pgbackrest --stanza=orders');
  });

  test('the RPO alarm watches WAL puts on the archive prefix with missing data breaching', async () => {
    const archive = await deploy();
    expect(engine.named('aws:s3/bucketMetric:BucketMetric', 'orders-archive-request-metrics').inputs).toMatchObject({ name: 'wal-archive', filter: { prefix: 'archive/orders/' } });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-rpo').inputs).toMatchObject({
      namespace: 'AWS/S3',
      metricName: 'PutRequests',
      dimensions: { BucketName: await valueOf(archive.bucketName), FilterId: 'wal-archive' },
      period: 180,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    expect(engine.named('aws:cloudwatch/metricAlarm:MetricAlarm', 'orders-archive-gap').inputs.treatMissingData).toBe('breaching');
  });

  test('recovery settings to a target time restore from this archive', async () => {
    const archive = await deploy();
    const recovery = await valueOf(archive.recoveryConf({ target: { kind: 'time', time: '2026-11-24T06:00:00Z' } }));
    expect(recovery.text).toContain("recovery_target_time = '2026-11-24 06:00:00+00'");
    expect(recovery.text).toContain('restore_command = \'pgbackrest --stanza=orders archive-get %f "%p"\'');
  });

  test.each([
    ['an archive timeout under 30 s', { pitr: { archiveTimeoutSeconds: 10 } }, 'pitr.archiveTimeoutSeconds is 10'],
    ['a PITR window longer than the WAL retention', { pitr: { expireBy: 'lifecycle' as const, windowDays: 30, walRetentionDays: 10 } }, 'pitr.walRetentionDays is 10'],
    ['Object Lock with pgBackRest expire', { immutability: { days: 7 } }, 'pitr.expireBy is "archiver"; allowed: "lifecycle" when immutability is set'],
    ['a user lifecycle rule deleting WAL too early', { additionalLifecycleRules: [{ id: 'all', prefix: '', expirationDays: 3 }] }, 'additionalLifecycleRules[0]'],
    ['a WAL transition to a class that needs a restore request', { pitr: { expireBy: 'lifecycle' as const }, walTransitions: [{ days: 30, storageClass: StorageClass.GLACIER_FLEXIBLE }] },
      'lifecycleRules[0].transitions[0].storageClass is "GLACIER_FLEXIBLE"'],
  ])('%s is rejected with core\'s message', (_case, props, message) => {
    expect(() => new SelfHostedPitrArchive('bad', { postgresMajorVersion: 15, ...props } as SelfHostedPitrArchiveProps)).toThrow(message);
  });
});
