import { BackupPolicy } from '../../../src/core/policy/policy';
import { RestoreRunbookOptions, renderRestoreRunbook, runnerUri } from '../../../src/core/policy/runbook';
import { Validator } from '../../../src/core/policy/validation';

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const s3Dumps = { location: { kind: 's3' as const, bucket: 'acme-pg-backups', prefix: 'dumps', region: 'eu-west-1', kmsKeyArn: KEY } };
const s3Wal = { repository: { kind: 's3' as const, bucket: 'acme-wal', prefix: 'pgbackrest', region: 'eu-west-1' } };
const azureWal = { repository: { kind: 'azure' as const, account: 'acmewal', container: 'wal', prefix: 'orders' } };

function render(policy: BackupPolicy, options: Partial<RestoreRunbookOptions> = {}): string {
  return renderRestoreRunbook({ databaseName: 'orders', policy, ...options });
}

function lines(markdown: string): string[] {
  return markdown.split('\n').map((line) => line.trim());
}

describe('renderRestoreRunbook', () => {
  describe('logical dumps on S3', () => {
    const runbook = render({ logicalDump: { retentionDays: 35 } }, { dumps: { ...s3Dumps, restoreJobs: 8 } });

    test('says what is protected and where: bucket, prefix, region and KMS key', () => {
      expect(runbook).toContain('| Logical dumps | `s3://acme-pg-backups/dumps`: bucket `acme-pg-backups`, prefix `dumps`, '
        + `region \`eu-west-1\`, KMS key \`${KEY}\`; \`0 2 * * *\` (UTC), kept 35 days |`);
    });

    test('lists the backups with the runner', () => {
      expect(lines(runbook)).toContain('pg-backup list --from s3://acme-pg-backups/dumps --database orders');
    });

    test('reads the latest pointer with the AWS CLI as the alternative', () => {
      expect(lines(runbook)).toContain('aws s3 cp s3://acme-pg-backups/dumps/orders/latest - --region eu-west-1 | jq -r .backupId');
    });

    test('restores the latest dump with the runner and the configured jobs', () => {
      expect(lines(runbook)).toContain(
        'pg-backup restore --from s3://acme-pg-backups/dumps --database orders --latest --target-url "$TARGET_URL" --jobs 8');
      expect(lines(runbook)).toContain('export TARGET_URL=\'postgresql://<user>@<host>:5432/orders\'');
    });

    test('gives the manual path: download, list, then pg_restore -j with --clean --if-exists --no-owner', () => {
      const all = lines(runbook);
      const download = all.indexOf('aws s3 cp --recursive "s3://acme-pg-backups/dumps/orders/${LATEST}/" ./restore/ --region eu-west-1');
      const list = all.indexOf('pg_restore --list ./restore/dump.pgdump > /dev/null && echo "archive readable"');
      const restore = all.indexOf('pg_restore -j 8 --clean --if-exists --no-owner -d "$TARGET_URL" ./restore/dump.pgdump');
      expect(download).toBeGreaterThan(0);
      expect(list).toBeGreaterThan(download);
      expect(restore).toBeGreaterThan(list);
    });

    test('names the permission the KMS key needs', () => {
      expect(runbook).toContain(`\`kms:Decrypt\` on \`${KEY}\``);
    });

    test('leaves out the sections the policy does not have', () => {
      expect(runbook).not.toContain('## Point-in-time recovery');
      expect(runbook).not.toContain('## Managed database');
      expect(runbook).not.toContain('## Who gets paged');
      expect(runbook).not.toContain('globals.sql');
    });

    test('states the RPO of dumps and that no drill measures the RTO', () => {
      expect(runbook).toContain('| RPO (data you can lose) | 26 h with dumps alone (an alarm fires when the newest good backup is older) |');
      expect(runbook).toContain('| RTO (time to restore) | not measured: no restore drill is configured |');
    });
  });

  test('restores a directory-format dump from its folder, roles first when globals are dumped, then with its owners', () => {
    const all = lines(render({ logicalDump: { format: 'directory', jobs: 4, includeGlobals: true } }, { dumps: s3Dumps }));
    // Not with ON_ERROR_STOP: the server always has some of the roles (the one connecting), and that must not stop the rest.
    const globals = all.indexOf('psql "$TARGET_URL" -f ./restore/globals.sql   # roles first, so owners can be restored; "already exists" errors are expected');
    const restore = all.indexOf('pg_restore -j 4 --clean --if-exists -d "$TARGET_URL" ./restore/dump');
    expect(globals).toBeGreaterThan(0);
    expect(restore).toBeGreaterThan(globals);
    expect(all).toContain('pg-backup restore --from s3://acme-pg-backups/dumps --database orders --latest --target-url "$TARGET_URL" --jobs 4 --globals');
  });

  test('uses the runner\'s object names when they are given', () => {
    const runbook = render({ logicalDump: {} }, { dumps: { ...s3Dumps, objectNames: { latest: 'LATEST', customDump: 'db.dump' } } });
    expect(runbook).toContain('aws s3 cp s3://acme-pg-backups/dumps/orders/LATEST - --region eu-west-1 | jq -r .backupId');
    expect(runbook).toContain('./restore/db.dump');
  });

  test('finds and downloads dumps on Azure with the az CLI and the azblob URI', () => {
    const all = lines(render({ logicalDump: {} }, {
      dumps: { location: { kind: 'azure', account: 'acmebackups', container: 'pg-dumps', prefix: 'prod' } },
    }));
    expect(all).toContain('pg-backup list --from azblob://acmebackups/pg-dumps/prod --database orders');
    expect(all).toContain('az storage blob download --account-name acmebackups --container-name pg-dumps --auth-mode login --only-show-errors '
      + '--name prod/orders/latest --file /dev/stdout | jq -r .backupId');
    expect(all).toContain('--pattern "prod/orders/${LATEST}/*" --destination ./download/');
  });

  test('reads dumps in a directory with the file URI', () => {
    const all = lines(render({ logicalDump: {} }, { dumps: { location: { kind: 'posix', path: '/srv/backups' } } }));
    expect(all).toContain('pg-backup list --from file:///srv/backups --database orders');
    expect(all).toContain('LATEST=$(jq -r .backupId /srv/backups/orders/latest)');
    expect(all).toContain('cp -R "/srv/backups/orders/${LATEST}" ./restore');
  });

  test('percent-encodes the database name in keys, as the runner does', () => {
    const runbook = render({ logicalDump: {} }, { databaseName: 'sales eu', dumps: s3Dumps });
    expect(runbook).toContain("pg-backup list --from s3://acme-pg-backups/dumps --database 'sales eu'");
    expect(runbook).toContain('s3://acme-pg-backups/dumps/sales%20eu/latest');
  });

  describe('point-in-time recovery with pgBackRest', () => {
    const all = lines(render({ pitr: { windowDays: 14, archiveTimeoutSeconds: 120 } }, { pitr: { ...s3Wal, pgBackRest: { stanza: 'orders' } } }));

    test('sets the target time, stops, restores to it with --delta, starts and checks, in that order', () => {
      const steps = [
        'export TARGET_TIME=\'<YYYY-MM-DD HH:MM:SS+00>\'',
        'sudo -u postgres pgbackrest --stanza=orders info',
        'sudo systemctl stop postgresql',
        'sudo -u postgres pgbackrest --stanza=orders restore --delta --type=time --target="${TARGET_TIME}" --target-action=promote',
        'sudo systemctl start postgresql',
        'sudo -u postgres psql -Atc \'select pg_is_in_recovery(), now()\'',
        'sudo -u postgres pgbackrest --stanza=orders backup --type=full',
      ].map((step) => all.indexOf(step));
      expect(steps.every((index) => index > 0)).toBe(true);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    });

    test('states the window and the RPO of the WAL archive', () => {
      expect(all.join('\n')).toContain('recovery to any second of the last 14 days');
      expect(all.join('\n')).toContain('at most 120 s of writes with the WAL archive (`archive_timeout`)');
    });
  });

  test('uses the host layout it is given', () => {
    const runbook = render({ pitr: {} }, { pitr: { ...s3Wal, serviceName: 'postgresql@16-main', osUser: 'pg', pgBackRest: { configFile: '/etc/pgbackrest/orders.conf' } } });
    expect(runbook).toContain('sudo systemctl stop postgresql@16-main');
    expect(runbook).toContain('sudo -u pg pgbackrest --config=/etc/pgbackrest/orders.conf --stanza=main info');
  });

  describe('point-in-time recovery with WAL-G', () => {
    const all = lines(render({ pitr: { archiver: 'wal-g' } }, { pitr: s3Wal }));

    test('fetches the chosen base backup into an emptied data directory', () => {
      expect(all).toContain('sudo -u postgres wal-g --config /etc/wal-g/wal-g.env backup-list --detail');
      expect(all).toContain('sudo -u postgres mv /var/lib/postgresql/15/main /var/lib/postgresql/15/main.before-restore');
      expect(all).toContain('sudo -u postgres wal-g --config /etc/wal-g/wal-g.env backup-fetch /var/lib/postgresql/15/main "${BACKUP_NAME}"');
    });

    test('writes wal-fetch as the restore_command with the target time and recovery.signal', () => {
      expect(all).toContain('restore_command = \'wal-g --config /etc/wal-g/wal-g.env wal-fetch %f %p\'');
      expect(all).toContain('echo "recovery_target_time = \'${TARGET_TIME}\'" | sudo -u postgres tee -a /var/lib/postgresql/15/main/postgresql.auto.conf > /dev/null');
      expect(all).toContain('recovery_target_action = \'promote\'');
      expect(all).toContain('sudo -u postgres touch /var/lib/postgresql/15/main/recovery.signal');
    });
  });

  describe('point-in-time recovery with barman-cloud', () => {
    test('restores from S3 with the server name', () => {
      const all = lines(render({ pitr: { archiver: 'barman-cloud' } }, { pitr: { ...s3Wal, barmanCloud: { serverName: 'pg1' } } }));
      expect(all).toContain('sudo -u postgres barman-cloud-backup-list --cloud-provider aws-s3 s3://acme-wal/pgbackrest pg1');
      expect(all).toContain('sudo -u postgres barman-cloud-restore --cloud-provider aws-s3 s3://acme-wal/pgbackrest pg1 "${BACKUP_ID}" /var/lib/postgresql/15/main');
      expect(all).toContain('restore_command = \'barman-cloud-wal-restore --cloud-provider aws-s3 s3://acme-wal/pgbackrest pg1 %f %p\'');
    });

    test('restores from Azure with the cloud provider and the blob endpoint', () => {
      const all = lines(render({ pitr: { archiver: 'barman-cloud' } }, { pitr: azureWal }));
      expect(all).toContain('restore_command = \'barman-cloud-wal-restore --cloud-provider azure-blob-storage https://acmewal.blob.core.windows.net/wal/orders main %f %p\'');
    });
  });

  test('restores a pg_basebackup and fetches WAL with the AWS CLI for a plain archive_command', () => {
    const all = lines(render({ pitr: { archiver: 'archive-command' } }, { pitr: { repository: { kind: 's3', bucket: 'acme-wal', region: 'us-east-1' } } }));
    expect(all).toContain('aws s3 ls s3://acme-wal/base/ --region us-east-1');
    expect(all).toContain('sudo -u postgres tar -xzf /tmp/base-backup/base.tar.gz -C /var/lib/postgresql/15/main');
    expect(all).toContain('restore_command = \'aws s3api get-object --bucket acme-wal --key wal/%f --region us-east-1 %p\'');
  });

  describe('RDS', () => {
    const managedDatabase = { kind: 'rds-instance' as const, identifier: 'orders-db', region: 'eu-west-1', subnetGroupName: 'private', securityGroupIds: ['sg-1', 'sg-2'] };
    const all = lines(render({ managedSnapshots: { backupRetentionDays: 14 } }, { managedDatabase }));

    test('restores the latest snapshot into a new instance in the same network', () => {
      expect(all).toContain('aws rds restore-db-instance-from-db-snapshot --db-instance-identifier orders-db-restored --db-snapshot-identifier "$SNAPSHOT_ID" '
        + '--region eu-west-1 --db-subnet-group-name private --vpc-security-group-ids sg-1 sg-2');
    });

    test('restores to the latest restorable time and to a target time', () => {
      expect(all).toContain('aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier orders-db --target-db-instance-identifier orders-db-pitr '
        + '--use-latest-restorable-time --region eu-west-1 --db-subnet-group-name private --vpc-security-group-ids sg-1 sg-2');
      expect(all).toContain('aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier orders-db --target-db-instance-identifier orders-db-pitr '
        + '--restore-time "$TARGET_TIME_UTC" --region eu-west-1 --db-subnet-group-name private --vpc-security-group-ids sg-1 sg-2');
    });

    test('states the retention of automated backups', () => {
      expect(all.join('\n')).toContain('| Managed backups | RDS instance `orders-db` in `eu-west-1`; automated backups kept 14 days |');
    });
  });

  test('restores an Aurora cluster and creates its writer', () => {
    const all = lines(render({ backupPlan: {} }, { managedDatabase: { kind: 'aurora-cluster', identifier: 'orders', region: 'us-east-1', backupVaultName: 'pg-vault' } }));
    expect(all).toContain('aws rds restore-db-cluster-from-snapshot --db-cluster-identifier orders-restored --snapshot-identifier "$SNAPSHOT_ID" --engine aurora-postgresql --region us-east-1');
    expect(all).toContain('aws rds create-db-instance --db-instance-identifier orders-restored-1 --db-cluster-identifier orders-restored --engine aurora-postgresql --db-instance-class db.r6g.large --region us-east-1');
    expect(all).toContain('aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier orders --db-cluster-identifier orders-pitr --restore-to-time "$TARGET_TIME_UTC" --region us-east-1');
    expect(all).toContain('aws backup list-recovery-points-by-backup-vault --backup-vault-name pg-vault --region us-east-1 --output table');
  });

  test('restores an Azure flexible server to a target time', () => {
    const all = lines(render({ platform: 'azure', managedSnapshots: {} }, { managedDatabase: { kind: 'azure-flexible-server', resourceGroup: 'rg-data', serverName: 'orders-pg' } }));
    expect(all).toContain('az postgres flexible-server restore --resource-group rg-data --source-server orders-pg --name orders-pg-pitr --restore-time "$TARGET_TIME_UTC"');
  });

  describe('verification and paging', () => {
    const policy: BackupPolicy = {
      logicalDump: {},
      verification: { checks: ['select count(*) > 0 from orders', 'select max(created_at) > now() - interval \'1 day\' from orders'], maxRestoreDurationMinutes: 45 },
      alarms: { notificationTarget: 'arn:aws:sns:eu-west-1:123456789012:pg-backups' },
    };
    const runbook = render(policy, { dumps: s3Dumps });

    test('runs each configured SQL check, quoted for the shell', () => {
      expect(lines(runbook)).toContain('psql "$TARGET_URL" -v ON_ERROR_STOP=1 -Atc \'select count(*) > 0 from orders\'');
      expect(lines(runbook)).toContain('psql "$TARGET_URL" -v ON_ERROR_STOP=1 -Atc \'select max(created_at) > now() - interval \'\\\'\'1 day\'\\\'\' from orders\'');
    });

    test('counts the rows of every table', () => {
      expect(lines(runbook)).toContain('\\gexec');
    });

    test('says who gets paged and the RTO the drills enforce', () => {
      expect(runbook).toContain('## Who gets paged');
      expect(runbook).toContain('notify `arn:aws:sns:eu-west-1:123456789012:pg-backups`');
      expect(runbook).toContain('| RTO (time to restore) | 45 minutes: restore drills fail when a restore takes longer |');
    });

    test('prefers the topic it is given over the policy\'s', () => {
      expect(render(policy, { dumps: s3Dumps, notificationTopic: 'arn:aws:sns:eu-west-1:123456789012:oncall' })).toContain('`arn:aws:sns:eu-west-1:123456789012:oncall`');
    });
  });

  test.each<[string, Partial<RestoreRunbookOptions>, BackupPolicy, string]>([
    ['dumps in the policy without their location', {}, { logicalDump: {} }, 'dumps is undefined; allowed: the location of the dumps (the policy has logicalDump)'],
    ['PITR in the policy without the archive', {}, { pitr: {} }, 'pitr is undefined; allowed: the location of the WAL archive (the policy has pitr)'],
    ['snapshots in the policy without the database', {}, { managedSnapshots: {} }, 'managedDatabase is undefined; allowed: the managed database'],
    ['an invalid bucket name', { dumps: { location: { ...s3Dumps.location, bucket: 'Acme_Backups' } } }, {}, 'dumps.location.bucket is "Acme_Backups"; allowed: 3-63 lowercase letters'],
    ['a prefix starting with a slash', { dumps: { location: { ...s3Dumps.location, prefix: '/dumps' } } }, {}, 'dumps.location.prefix is "/dumps"; allowed: up to 512 letters'],
    ['an invalid region', { pitr: { repository: { ...s3Wal.repository, region: 'Ireland' } } }, {}, 'pitr.repository.region is "Ireland"; allowed: an AWS region name such as eu-west-1'],
    ['barman-cloud with a directory repository', { pitr: { repository: { kind: 'posix', path: '/srv/wal' } } }, { pitr: { archiver: 'barman-cloud' } },
      'pitr.repository.kind is "posix"; allowed: one of: s3, azure (barman-cloud stores only in object storage)'],
    ['0 restore jobs', { dumps: { ...s3Dumps, restoreJobs: 0 } }, {}, 'dumps.restoreJobs is 0; allowed: an integer from 1 to 64'],
    ['an invalid RDS identifier', { managedDatabase: { kind: 'rds-instance', identifier: '1db', region: 'eu-west-1' } }, {}, 'managedDatabase.identifier is "1db"'],
    ['an invalid storage account', { dumps: { location: { kind: 'azure', account: 'Acme-Backups', container: 'dumps' } } }, {},
      'dumps.location.account is "Acme-Backups"; allowed: 3-24 lowercase letters and digits'],
  ])('rejects %s', (_name, options, policy, message) => {
    expect(() => render(policy, options)).toThrow(message);
  });

  test('reports every problem at once to the validator it is given', () => {
    const validator = new Validator();
    const runbook = renderRestoreRunbook({ databaseName: 'orders', policy: { logicalDump: {}, pitr: {} }, validator });
    expect(runbook).toBe('');
    expect(validator.issues.map((i) => i.path)).toEqual(['dumps', 'pitr']);
  });

  test.each<[Parameters<typeof runnerUri>[0], string]>([
    [{ kind: 's3', bucket: 'b', prefix: 'p/q', region: 'us-east-1' }, 's3://b/p/q'],
    [{ kind: 's3', bucket: 'b', region: 'us-east-1' }, 's3://b'],
    [{ kind: 'azure', account: 'acct', container: 'c', prefix: 'db' }, 'azblob://acct/c/db'],
    [{ kind: 'posix', path: '/srv/backups' }, 'file:///srv/backups'],
  ])('the runner URI of %j is %s', (location, uri) => {
    expect(runnerUri(location)).toBe(uri);
  });
});
