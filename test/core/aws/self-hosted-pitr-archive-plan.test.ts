import { archiveAssociationCommands, archiveConfigurationFiles, archiveRepository, renderArchiveHost } from '../../../src/core/aws/pitr-archive-host';
import { planSelfHostedPitrArchive, selfHostedPitrArchiveAttributes } from '../../../src/core/aws/self-hosted-pitr-archive';
import { Archiver } from '../../../src/core/policy/policy';
import { PolicyValidationError } from '../../../src/core/policy/validation';

const LOCATION = { bucket: 'orders-archive', region: 'eu-west-1', kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k' };

describe('planSelfHostedPitrArchive', () => {
  test.each<[Archiver, string[], number]>([
    ['pgbackrest', ['orders-full-base-backup', 'orders-diff-base-backup', 'orders-archive-check'], 5],
    ['wal-g', ['orders-full-base-backup', 'orders-diff-base-backup', 'orders-archive-check'], 4],
    ['barman-cloud', ['orders-full-base-backup', 'orders-archive-check'], 4],
    ['archive-command', ['orders-full-base-backup', 'orders-archive-check'], 4],
  ])('with %s, runs %j on the tagged hosts and raises %d alarms', (archiver, associations, alarms) => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, pitr: { archiver } });
    expect(plan.associations.map((association) => association.properties.associationName)).toEqual(associations);
    expect(plan.associations[0].properties.targets).toEqual([{ key: 'tag:postgres-backup:pitr-archive', values: ['orders'] }]);
    expect(plan.alarms).toHaveLength(alarms);
  });

  test.each([
    [60, 3, 3],
    // A quiet server ships a segment within the heartbeat minute plus archive_timeout, so the RPO is never shorter.
    [30, 1, 2],
  ])('with archive_timeout %i s and %i timeouts, the RPO alarm watches %i minutes of WAL puts', (archiveTimeoutSeconds, rpoArchiveTimeouts, minutes) => {
    const plan = planSelfHostedPitrArchive({ postgresMajorVersion: 15, pitr: { archiveTimeoutSeconds }, rpoArchiveTimeouts });
    expect(plan.alarms.find((alarm) => alarm.id === 'RpoAlarm')).toMatchObject({
      metric: { namespace: 'AWS/S3', metricName: 'PutRequests', periodSeconds: minutes * 60, dimensions: { FilterId: 'wal-archive' } },
      treatMissingData: 'breaching',
    });
  });

  test('lets the archiving hosts delete only when the archiver expires its own backups', () => {
    const deletes = (expireBy: 'archiver' | 'lifecycle') => planSelfHostedPitrArchive({ postgresMajorVersion: 15, pitr: { expireBy } })
      .grants.archive.flatMap((group) => group.actions).includes('s3:DeleteObject');
    expect(deletes('archiver')).toBe(true);
    expect(deletes('lifecycle')).toBe(false);
  });

  test('lists only the WAL and base-backup prefixes, with and without their slash', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, prefix: 'db' });
    expect(plan.bucket.listPrefixes).toEqual(['db/archive/orders', 'db/archive/orders/*', 'db/backup/orders', 'db/backup/orders/*']);
    expect(plan.bucket.objectKeyPatterns).toEqual(['db/archive/orders/*', 'db/backup/orders/*']);
  });

  test('a drill of an archive that is not pgBackRest is refused, naming the prop', () => {
    expect(() => planSelfHostedPitrArchive({ postgresMajorVersion: 15, pitr: { archiver: 'wal-g' }, drill: {} }, { validation: { construct: 'Stack/Archive' } }))
      .toThrow(new PolicyValidationError([{ path: 'drill', value: '(drill)', allowed: 'undefined unless pitr.archiver is "pgbackrest"', reason: 'pg-backup drill-pitr restores with pgBackRest' }], 'Stack/Archive'));
  });

  test('a plain archive_command copies the pg_basebackup to the bucket under its base prefix with the archive key', () => {
    const plan = planSelfHostedPitrArchive({ postgresMajorVersion: 15, pitr: { archiver: 'archive-command' } });
    const commands = archiveAssociationCommands(plan, 'full', archiveRepository(plan, LOCATION));
    expect(commands[commands.length - 1]).toBe('aws s3 cp --recursive --only-show-errors "$work/backup" "s3://orders-archive/base/$(date -u +%Y%m%dT%H%M%SZ)/"'
      + ' --sse aws:kms --sse-kms-key-id arn:aws:kms:eu-west-1:123456789012:key/k');
  });

  test('the drill\'s pgbackrest.conf restores into its own scratch directory and fetches WAL synchronously', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, drill: {} });
    const files = archiveConfigurationFiles(plan, archiveRepository(plan, LOCATION));
    expect(files.drillPgBackRestConf).toContain('pg1-path=/tmp/pitr-drill/data');
    expect(files.drillPgBackRestConf).toContain('archive-async=n');
    expect(files.archiverConf).toContain('pg1-path=/var/lib/postgresql/15/main');
  });
});

describe('selfHostedPitrArchiveAttributes', () => {
  test('are what the plan resolved: the policy, the stanza, the prefixes, the bucket\'s lifecycle and the configuration file\'s path', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, pitr: { archiver: 'pgbackrest' } });
    const attributes = selfHostedPitrArchiveAttributes(plan);
    expect(attributes).toEqual({
      plan,
      pitr: plan.pitr,
      clusterName: 'orders',
      prefixes: plan.prefixes,
      lifecycleRules: plan.bucket.lifecycleRules,
      archiverConfPath: '/etc/pgbackrest/pgbackrest.conf',
    });
  });

  test('name no configuration file when the archiver has none, and no estimate unless asked for', () => {
    const attributes = selfHostedPitrArchiveAttributes(planSelfHostedPitrArchive({ postgresMajorVersion: 15, pitr: { archiver: 'archive-command' } }));
    expect(attributes).not.toHaveProperty('archiverConfPath');
    expect(attributes).not.toHaveProperty('costEstimate');
  });
});

describe('renderArchiveHost', () => {
  test.each<[Archiver, string[]]>([
    ['pgbackrest', ['/postgres-backup/orders/postgresql.conf', '/postgres-backup/orders/pgbackrest.conf']],
    ['wal-g', ['/postgres-backup/orders/postgresql.conf', '/postgres-backup/orders/wal-g.env']],
    ['barman-cloud', ['/postgres-backup/orders/postgresql.conf']],
  ])('with %s, stores %j in SSM parameters, each holding the file rendered for the bucket', (archiver, parameterNames) => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15, pitr: { archiver } });
    const host = renderArchiveHost(plan, LOCATION);
    expect(host.parameters.map((parameter) => parameter.parameterName)).toEqual(parameterNames);
    const files = [host.files.postgresqlConf, ...(host.files.archiverConf ? [host.files.archiverConf] : [])];
    expect(host.parameters.map((parameter) => parameter.value)).toEqual(files);
    expect(host.parameters[host.parameters.length - 1].value).toContain('orders-archive');
  });

  test('gives each association its commands as lines and as one script', () => {
    const plan = planSelfHostedPitrArchive({ clusterName: 'orders', postgresMajorVersion: 15 });
    const full = renderArchiveHost(plan, LOCATION).associations[0];
    expect(full.parameters.commands).toEqual(archiveAssociationCommands(plan, 'full', archiveRepository(plan, LOCATION)));
    expect(full.parameterText).toEqual({ commands: full.parameters.commands.join('\n'), executionTimeout: '86400' });
  });
});
