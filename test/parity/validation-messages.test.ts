import * as rds from '@pulumi/aws/rds';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cdk from '../../src/cdk';
import { ScheduledPgDumpOptions } from '../../src/core/aws/scheduled-pg-dump';
import { BackupTier } from '../../src/core/policy/backup-tier';
import * as pulumiAws from '../../src/pulumi/aws';
import { databaseStack, minimalDumpProps } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks } from '../pulumi/aws/aws-mocks';
import { BAD_DATABASE_NAMES, validationErrorOf, validationLines } from '../support/validation-cases';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

const IMAGE = 'example.com/pg-backup:16';
const CDK_IMAGE = ecs.ContainerImage.fromRegistry(IMAGE);
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf';
const BAD_COPY_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:a';
const PULUMI_DATABASE = pulumiAws.PostgresDatabase.fromSecret({ secretArn: SECRET, securityGroupId: 'sg-db', postgresMajorVersion: 16 });

function pulumiInstance(): rds.Instance {
  return new rds.Instance('orders-db', {
    engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', allocatedStorage: 20, manageMasterUserPassword: true, username: 'postgres',
  });
}

/** One set of bad options of `ScheduledPgDump`: the options every front end shares, and a database that tells its version or not. */
interface DumpCase {
  readonly name: string;
  readonly options: Omit<ScheduledPgDumpOptions, 'encryption'>;
  readonly encryptionRecipients?: string[];
  /** The database does not tell its major version. */
  readonly versionless?: boolean;
}

/** Bad options of `ScheduledPgDump`, one class of mistake each. */
const dumpCases: DumpCase[] = [
  { name: 'a prefix with a leading and a trailing "/"', options: { prefix: '/pg-dumps/' } },
  { name: 'a task of 300 CPU units, 100 MiB and 500 GiB of storage', options: { cpu: 300, memoryLimitMiB: 100, ephemeralStorageGiB: 500 } },
  { name: 'a memory size Fargate does not offer with the CPU', options: { cpu: 256, memoryLimitMiB: 4096 } },
  { name: '200 retry attempts', options: { retryAttempts: 200 } },
  { name: 'PostgreSQL 9', options: { postgresMajorVersion: 9 } },
  { name: 'no major version where the database does not tell it', options: {}, versionless: true },
  { name: 'an RPO of 169 hours', options: { rpoHours: 169 } },
  { name: 'a weekly dump with no RPO, whose derived RPO a CloudWatch alarm cannot watch', options: { dump: { schedule: { expression: '0 2 * * 0' } } } },
  { name: 'jobs with a custom-format dump and gzip level 12', options: { dump: { format: 'custom', jobs: 4, compression: 'gzip:12' } } },
  { name: 'an Object Lock longer than the retention', options: { dump: { retentionDays: 7 }, objectLock: { days: 30 } } },
  { name: 'encryption to something that is not an age public key', options: {}, encryptionRecipients: ['ssh-rsa AAAA'] },
  { name: 'encryption to no recipient', options: {}, encryptionRecipients: [] },
  { name: 'an empty metric namespace', options: { metricNamespace: '' } },
  { name: 'a metric namespace AWS reserves', options: { metricNamespace: 'AWS/Backup' } },
];

/** The same bad options, built in each front end: the lines of both errors must be the same. */
const cases: Array<{ name: string; cdk: () => unknown; pulumi: () => unknown; line?: RegExp }> = [
  ...dumpCases.map(({ name, options, encryptionRecipients, versionless }) => ({
    name: `ScheduledPgDump with ${name}`,
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      const database = versionless
        ? cdk.PostgresDatabase.fromSecret({ secret: instance.secret!, connections: instance })
        : cdk.PostgresDatabase.fromInstance(instance);
      return new cdk.ScheduledPgDump(stack, 'Dump', {
        vpc,
        database,
        image: CDK_IMAGE,
        databaseNames: ['orders'],
        ...options,
        ...(encryptionRecipients ? { encryption: { recipients: encryptionRecipients } } : {}),
      });
    },
    pulumi: () => new pulumiAws.ScheduledPgDump('dump', {
      ...NETWORK,
      image: IMAGE,
      database: versionless ? pulumiAws.PostgresDatabase.fromSecret({ secretArn: SECRET }) : PULUMI_DATABASE,
      databaseNames: ['orders'],
      ...options,
      ...(encryptionRecipients ? { encryption: { recipients: encryptionRecipients } } : {}),
    }),
  })),
  {
    name: 'ScheduledPgDump with a dump kept 0 days, 0 jobs, an RPO of 2 hours and bad database names',
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      return new cdk.ScheduledPgDump(stack, 'Dump', {
        ...minimalDumpProps(vpc, instance), databaseNames: BAD_DATABASE_NAMES, dump: { retentionDays: 0, jobs: 0 }, rpoHours: 2,
      });
    },
    pulumi: () => new pulumiAws.ScheduledPgDump('dump', {
      ...NETWORK, image: IMAGE, database: PULUMI_DATABASE, databaseNames: BAD_DATABASE_NAMES, dump: { retentionDays: 0, jobs: 0 }, rpoHours: 2,
    }),
  },
  {
    name: 'VerifyRestore with an RTO of 0 and a database name with a space',
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      const source = new cdk.ScheduledPgDump(stack, 'Dump', minimalDumpProps(vpc, instance));
      return new cdk.VerifyRestore(stack, 'Verify', { vpc, source, image: CDK_IMAGE, databaseName: 'my db', verification: { maxRestoreDurationMinutes: 0 } });
    },
    pulumi: () => new pulumiAws.VerifyRestore('verify', {
      ...NETWORK,
      image: IMAGE,
      source: new pulumiAws.ScheduledPgDump('dump', { ...NETWORK, image: IMAGE, database: PULUMI_DATABASE, databaseNames: ['orders'] }),
      databaseName: 'my db',
      verification: { maxRestoreDurationMinutes: 0 },
    }),
  },
  {
    name: 'ManagedPostgresBackupPlan with a rule kept 0 days and an RPO of 0',
    cdk: () => {
      const { stack, instance } = databaseStack();
      return new cdk.ManagedPostgresBackupPlan(stack, 'Plan', {
        database: cdk.ManagedPostgresDatabase.fromInstance(instance), backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 0 }] }, rpoHours: 0,
      });
    },
    pulumi: () => new pulumiAws.ManagedPostgresBackupPlan('plan', {
      database: pulumiAws.ManagedPostgresDatabase.fromInstance(pulumiInstance()),
      backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 0 }] },
      rpoHours: 0,
    }),
  },
  {
    name: 'SelfHostedPitrArchive with an archive_timeout of 10 s',
    cdk: () => new cdk.SelfHostedPitrArchive(databaseStack().stack, 'Archive', { postgresMajorVersion: 15, pitr: { archiveTimeoutSeconds: 10 } }),
    pulumi: () => new pulumiAws.SelfHostedPitrArchive('archive', { postgresMajorVersion: 15, pitr: { archiveTimeoutSeconds: 10 } }),
  },
  {
    name: 'SnapshotRestoreDrill with bad row bounds and an empty check',
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      return new cdk.SnapshotRestoreDrill(stack, 'Snapshot', {
        database: cdk.ManagedPostgresDatabase.fromInstance(instance, { databaseName: 'orders' }),
        vpc,
        image: CDK_IMAGE,
        postgresMajorVersion: 16,
        rowCounts: [{ table: 'orders' }, { table: 'orders', min: 10, max: 5 }],
        verification: { checks: [''] },
      });
    },
    pulumi: () => new pulumiAws.SnapshotRestoreDrill('snapshot', {
      database: pulumiAws.ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders', kind: 'instance' }),
      secretArn: SECRET,
      databaseName: 'orders',
      postgresMajorVersion: 16,
      vpcId: 'vpc-0123',
      scratchSubnetIds: ['subnet-a'],
      taskSubnetIds: ['subnet-b'],
      image: IMAGE,
      rowCounts: [{ table: 'orders' }, { table: 'orders', min: 10, max: 5 }],
      verification: { checks: [''] },
    }),
  },
  {
    name: 'PostgresBackupBlueprint with a server\'s override and bad database names',
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      return new cdk.PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.BRONZE,
        image: CDK_IMAGE,
        databases: [{ id: 'orders-db', database: instance, databaseNames: BAD_DATABASE_NAMES, overrides: { logicalDump: { retentionDays: 0 } } }],
      });
    },
    pulumi: () => new pulumiAws.PostgresBackupBlueprint('fleet', {
      ...NETWORK,
      image: IMAGE,
      tier: BackupTier.BRONZE,
      databases: [{ id: 'orders-db', database: PULUMI_DATABASE, databaseNames: BAD_DATABASE_NAMES, overrides: { logicalDump: { retentionDays: 0 } } }],
    }),
  },
  {
    name: 'PostgresBackupBlueprint with a copy vault ARN in tierOptions whose vault name is too short',
    cdk: () => {
      const { stack, vpc, instance } = databaseStack();
      return new cdk.PostgresBackupBlueprint(stack, 'Fleet', {
        vpc,
        tier: BackupTier.SILVER,
        tierOptions: { copyRegion: 'eu-central-1', copyRegionVaultArn: BAD_COPY_VAULT },
        image: CDK_IMAGE,
        databases: [{ id: 'orders-db', database: instance }],
      });
    },
    pulumi: () => {
      const instance = pulumiInstance();
      return new pulumiAws.PostgresBackupBlueprint('fleet', {
        ...NETWORK,
        image: IMAGE,
        tier: BackupTier.SILVER,
        tierOptions: { copyRegion: 'eu-central-1', copyRegionVaultArn: BAD_COPY_VAULT },
        databases: [{
          id: 'orders-db', database: PULUMI_DATABASE, managedDatabase: pulumiAws.ManagedPostgresDatabase.fromInstance(instance),
        }],
      });
    },
    line: /^tierOptions\.copyRegionVaultArn is ".*:backup-vault:a"; allowed: an AWS Backup vault ARN, .* \(its vault name "a" has 1 character; a vault name has 2 to 50\)$/,
  },
  {
    name: 'PostgresBackupVault with an event AWS Backup no longer sends, an unknown event and a vault name with a space',
    cdk: () => {
      const { stack } = databaseStack();
      return new cdk.PostgresBackupVault(stack, 'Vault', {
        notifications: new cdk.BackupNotifications(stack, 'Alerts'),
        notificationEvents: ['BACKUP_JOB_FAILED', 'BACKUP_JOB_BROKEN'] as never[],
        backupVaultName: 'pg vault',
      });
    },
    pulumi: () => new pulumiAws.PostgresBackupVault('vault', {
      notificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:alerts',
      notificationEvents: ['BACKUP_JOB_FAILED', 'BACKUP_JOB_BROKEN'],
      backupVaultName: 'pg vault',
    }),
    line: /^notificationEvents\[0\] is "BACKUP_JOB_FAILED"; allowed: an event AWS Backup still sends: BACKUP_JOB_COMPLETED, whose State says FAILED \(AWS Backup no longer sends this event, so a topic subscribed to it hears nothing\)$/,
  },
  {
    name: 'PostgresBackupVault with events and no topic to send them to',
    cdk: () => new cdk.PostgresBackupVault(databaseStack().stack, 'Vault', { notificationEvents: ['BACKUP_JOB_COMPLETED'] as never[] }),
    pulumi: () => new pulumiAws.PostgresBackupVault('vault', { notificationEvents: ['BACKUP_JOB_COMPLETED'] }),
    line: /^notificationEvents is \["BACKUP_JOB_COMPLETED"\]; allowed: no events without a notification topic/,
  },
];

describe('the same bad options give the same messages in CDK and Pulumi AWS', () => {
  test.each(cases)('$name', ({ cdk: buildCdk, pulumi: buildPulumi, line }) => {
    const cdkLines = validationLines(validationErrorOf(buildCdk));
    expect(validationLines(validationErrorOf(buildPulumi))).toEqual(cdkLines);
    expect(cdkLines.length).toBeGreaterThan(0);
    if (line) expect(cdkLines).toContainEqual(expect.stringMatching(line));
  });
});
