import * as rds from '@pulumi/aws/rds';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cdk from '../../src/cdk';
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
const PULUMI_DATABASE = pulumiAws.PostgresDatabase.fromSecret({ secretArn: SECRET, securityGroupId: 'sg-db', postgresMajorVersion: 16 });

function pulumiInstance(): rds.Instance {
  return new rds.Instance('orders-db', {
    engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', allocatedStorage: 20, manageMasterUserPassword: true, username: 'postgres',
  });
}

/** The same bad options, built in each front end: the lines of both errors must be the same. */
const cases: Array<{ name: string; cdk: () => unknown; pulumi: () => unknown }> = [
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
];

describe('the same bad options give the same messages in CDK and Pulumi AWS', () => {
  test.each(cases)('$name', ({ cdk: buildCdk, pulumi: buildPulumi }) => {
    const cdkLines = validationLines(validationErrorOf(buildCdk));
    expect(validationLines(validationErrorOf(buildPulumi))).toEqual(cdkLines);
    expect(cdkLines.length).toBeGreaterThan(0);
  });
});
