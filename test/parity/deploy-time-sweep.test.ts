/**
 * Every option of each AWS construct, given as a value known only at deploy time in the forms users write it: in CDK a
 * stack parameter's value (`valueAsNumber`, `valueAsString`, `valueAsList`, or a whole options object or list as
 * `Token.asAny`), in Pulumi an output of the whole value. Each front end either refuses it with a
 * {@link PolicyValidationError} naming the construct and the option, saying a literal is needed and why, or takes it
 * and lets it flow into the template or the resources untouched (the parameter is referenced, no token text, no
 * "[object Object]", no failure after the component was built); never a crash. A value CDK refuses, Pulumi refuses with
 * the same line.
 */
import * as rds from '@pulumi/aws/rds';
import * as pulumi from '@pulumi/pulumi';
import { App, Aspects, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as cdkRds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk from '../../src/cdk';
import { BackupTier } from '../../src/core/policy/backup-tier';
import { PolicyValidationError } from '../../src/core/policy/validation';
import * as pulumiAws from '../../src/pulumi/aws';
import { vpcWithDatabaseSubnets } from '../cdk/stacks';
import { AwsMockEngine, installAwsMocks } from '../pulumi/aws/aws-mocks';
import { validationLines } from '../support/validation-cases';
import { Options, errorOrOutcome, withValue } from '../support/validation-sweep';

const engine = new AwsMockEngine();
installAwsMocks(engine);
beforeEach(() => engine.reset());

/** Failures of resources registered after their component was built. */
const lateFailures: string[] = [];
process.on('unhandledRejection', (reason) => lateFailures.push(String((reason as Error)?.message ?? reason)));

const IMAGE = 'example.com/pg-backup:16';
const CDK_IMAGE = ecs.ContainerImage.fromRegistry(IMAGE);
const NETWORK = { vpcId: 'vpc-0123', subnetIds: ['subnet-a', 'subnet-b'] };
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-AbCdEf';
const AGE_RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const COPY_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:orders-copies';
const REPLICATION = {
  destinationBucketArn: 'arn:aws:s3:::orders-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const RULES = [{ name: 'daily', frequency: 'daily', retentionDays: 35 }];
/** The CDK parameter every case gives its deploy-time value through. */
const PARAMETER = 'DeployTimeValue';

/** A CDK app of its own per case, so that a case that is accepted is synthesized alone. */
function cdkApp() {
  const app = new App();
  const stack = new Stack(app, 'Backups', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = vpcWithDatabaseSubnets(stack);
  const instance = new cdkRds.DatabaseInstance(stack, 'Db', {
    engine: cdkRds.DatabaseInstanceEngine.postgres({ version: cdkRds.PostgresEngineVersion.VER_16_4 }), vpc, storageEncrypted: true,
  });
  return { app, stack, vpc, instance };
}
type CdkApp = ReturnType<typeof cdkApp>;

const pulumiDatabase = (options: Options = {}) => pulumiAws.PostgresDatabase.fromSecret({
  secretArn: SECRET, securityGroupId: 'sg-db', postgresMajorVersion: 16, ...options,
} as never);
const pulumiInstance = () => new rds.Instance('orders-db', {
  engine: 'postgres', engineVersion: '16.4', instanceClass: 'db.t4g.medium', allocatedStorage: 20, manageMasterUserPassword: true, username: 'postgres',
});
const cdkDump = (app: CdkApp, id = 'Source') => new cdk.ScheduledPgDump(app.stack, id, {
  vpc: app.vpc, database: cdk.PostgresDatabase.fromInstance(app.instance), image: CDK_IMAGE, databaseNames: ['orders'],
});
const pulumiDump = (name = 'source') => new pulumiAws.ScheduledPgDump(name, { ...NETWORK, image: IMAGE, database: pulumiDatabase(), databaseNames: ['orders'] });

/** A construct (or a factory of a handle) in both front ends: how each is built from the options, and each option with a good value. */
interface DeployTimeSubject {
  readonly name: string;
  readonly base: Options;
  /** Builds it in `app` under the id `Subject`, with `options`. */
  readonly cdk: (app: CdkApp, options: Options) => unknown;
  /** Builds it under the name `subject`, with `options`. */
  readonly pulumi: (options: Options) => unknown;
  /** Each option, as a path, with a good value: the whole of an options object or a list, an entry, a field. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The options an option's case starts from instead of `base`, by its path (a field of a list's entry needs the rest of the entry). */
  readonly bases?: Readonly<Record<string, Options>>;
  /** What the errors name: by default the CDK construct's path and the Pulumi resource's name. */
  readonly construct?: { readonly cdk: RegExp | string; readonly pulumi: RegExp | string };
  /** What the messages put before an option's path. */
  readonly messagePrefix?: string;
}

const SUBJECTS: readonly DeployTimeSubject[] = [
  {
    name: 'ScheduledPgDump',
    base: { databaseNames: ['orders'] },
    cdk: (app, options) => new cdk.ScheduledPgDump(app.stack, 'Subject', {
      vpc: app.vpc, database: cdk.PostgresDatabase.fromInstance(app.instance), image: CDK_IMAGE, ...options,
    } as never),
    pulumi: (options) => new pulumiAws.ScheduledPgDump('subject', { ...NETWORK, image: IMAGE, database: pulumiDatabase(), ...options } as never),
    options: {
      'databaseNames': ['orders'],
      'databaseNames[0]': 'orders',
      'rpoHours': 26,
      'postgresMajorVersion': 16,
      'metricNamespace': 'PostgresBackup',
      'prefix': 'pg-dumps',
      'cpu': 1024,
      'dump': { retentionDays: 30 },
      'dump.schedule': { expression: '0 2 * * *' },
      'dump.format': 'directory',
      'dump.jobs': 2,
      'dump.compression': 'zstd:3',
      'dump.largestTableGiB': 10,
      'dump.lockWaitTimeoutSeconds': 30,
      'dump.rowCounts': 'exact',
      'dump.tables': ['public.orders'],
      'dump.excludeSchemas': ['audit'],
      'dump.retentionDays': 30,
      'dump.retention.pruneSchedule': { expression: '0 4 * * *' },
      'objectLock.days': 7,
      'retryAttempts': 2,
      'memoryLimitMiB': 2048,
      'ephemeralStorageGiB': 40,
      'dump.retention': { daily: 7 },
      'dump.retention.minimumKept': 3,
      'objectLock': { mode: 'governance', days: 7 },
      'objectLock.mode': 'governance',
      'encryption': { recipients: [AGE_RECIPIENT] },
      'encryption.recipients': [AGE_RECIPIENT],
      'replication': REPLICATION,
      'replication.destinationExpirationDays': 90,
      'replication.latencyAlarmMinutes': 30,
    },
  },
  {
    name: 'VerifyRestore',
    base: {},
    cdk: (app, options) => new cdk.VerifyRestore(app.stack, 'Subject', { vpc: app.vpc, image: CDK_IMAGE, source: cdkDump(app), ...options } as never),
    pulumi: (options) => new pulumiAws.VerifyRestore('subject', {
      ...NETWORK, image: IMAGE, scratchSubnetIds: NETWORK.subnetIds, source: pulumiDump(), ...options,
    } as never),
    options: {
      'verification': { checks: ['SELECT true'] },
      'verification.schedule': { expression: '0 6 * * 1' },
      'verification.checks': ['SELECT true'],
      'verification.checks[0]': 'SELECT true',
      'verification.maxRestoreDurationMinutes': 60,
      'maxDrillAgeDays': 8,
      'databaseName': 'orders',
      'restoreTarget': 'scratch-rds',
      'scratchInstance': { instanceClass: 'db.t4g.micro' },
      'checkFiles': ['checks/orders.sql'],
      'jobs': 2,
    },
  },
  {
    name: 'PgDumpLocation.fromBucket',
    base: { prefix: 'pg-dumps', databaseNames: ['orders'], postgresMajorVersion: 16 },
    cdk: (app, options) => new cdk.VerifyRestore(app.stack, 'Subject', {
      vpc: app.vpc,
      image: CDK_IMAGE,
      source: cdk.PgDumpLocation.fromBucket({ bucket: s3.Bucket.fromBucketName(app.stack, 'Dumps', 'orders-dumps'), ...options } as never),
    }),
    pulumi: (options) => new pulumiAws.VerifyRestore('subject', {
      ...NETWORK,
      image: IMAGE,
      scratchSubnetIds: NETWORK.subnetIds,
      notificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:backups',
      source: pulumiAws.PgDumpLocation.fromBucket({ bucketName: 'orders-dumps', bucketArn: 'arn:aws:s3:::orders-dumps', ...options } as never),
    } as never),
    options: {
      'prefix': 'pg-dumps',
      'databaseNames': ['orders'],
      'databaseNames[0]': 'orders',
      'postgresMajorVersion': 16,
      'metricNamespace': 'PostgresBackup',
    },
    construct: { cdk: 'PgDumpLocation.fromBucket', pulumi: 'PgDumpLocation.fromBucket' },
  },
  {
    name: 'ManagedPostgresBackupPlan',
    base: { backupPlan: { rules: RULES } },
    cdk: (app, options) => new cdk.ManagedPostgresBackupPlan(app.stack, 'Subject', {
      database: cdk.ManagedPostgresDatabase.fromInstance(app.instance), ...options,
    } as never),
    pulumi: (options) => new pulumiAws.ManagedPostgresBackupPlan('subject', {
      database: pulumiAws.ManagedPostgresDatabase.fromInstance(pulumiInstance()), ...options,
    } as never),
    options: {
      'rpoHours': 26,
      'backupPlan': { rules: RULES },
      'backupPlan.rules': RULES,
      'backupPlan.rules[0]': RULES[0],
      'backupPlan.rules[0].frequency': 'daily',
      'backupPlan.rules[0].retentionDays': 35,
      'managedSnapshots': { backupRetentionDays: 7 },
      'managedSnapshots.backupRetentionDays': 7,
      'vaultLock': { changeableForDays: 3 },
      'copies': [{ destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULT }],
      'copies[0]': { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: COPY_VAULT },
      'copies[0].vaultArn': COPY_VAULT,
      'immutability': { mode: 'governance', days: 7 },
      'airGappedCopy': { retentionDays: 30 },
      'airGappedCopy.retentionDays': 30,
      'restoreTesting': { schedule: { expression: '0 5 ? * SUN *' } },
      'restoreTesting.vpcSecurityGroupIds': ['sg-0123456789abcdef0'],
      'maxRestorableTimeLagMinutes': 15,
      'metricNamespace': 'PostgresBackup',
    },
    bases: { 'copies[0].vaultArn': { backupPlan: { rules: RULES }, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 35 }] } },
  },
  {
    name: 'SnapshotRestoreDrill',
    base: { postgresMajorVersion: 16 },
    cdk: (app, options) => new cdk.SnapshotRestoreDrill(app.stack, 'Subject', {
      database: cdk.ManagedPostgresDatabase.fromInstance(app.instance, { databaseName: 'orders' }), vpc: app.vpc, image: CDK_IMAGE, ...options,
    } as never),
    pulumi: (options) => new pulumiAws.SnapshotRestoreDrill('subject', {
      database: pulumiAws.ManagedPostgresDatabase.fromIdentifier({ identifier: 'orders', kind: 'instance' }),
      secretArn: SECRET,
      databaseName: 'orders',
      vpcId: 'vpc-0123',
      scratchSubnetIds: ['subnet-a'],
      taskSubnetIds: ['subnet-b'],
      image: IMAGE,
      ...options,
    } as never),
    options: {
      'postgresMajorVersion': 16,
      'verification': { checks: ['SELECT true'] },
      'rowCounts': [{ table: 'public.orders', min: 1 }],
      'rowCounts[0]': { table: 'public.orders', min: 1 },
      'rowCounts[0].min': 1,
      'pointInTime': { targetLagMinutes: 5 },
      'snapshotType': 'automated',
      'checkFiles': ['checks/orders.sql'],
    },
  },
  {
    name: 'SelfHostedPitrArchive',
    base: { postgresMajorVersion: 15 },
    cdk: (app, options) => new cdk.SelfHostedPitrArchive(app.stack, 'Subject', options as never),
    pulumi: (options) => new pulumiAws.SelfHostedPitrArchive('subject', options as never),
    options: {
      'postgresMajorVersion': 15,
      'clusterName': 'orders',
      'prefix': 'wal',
      'dataDirectory': '/var/lib/postgresql/15/main',
      'postgresqlConfFile': '/etc/postgresql/15/main/postgresql.conf',
      'pgPort': 5432,
      'rpoArchiveTimeouts': 3,
      'metricNamespace': 'PostgresBackup',
      'pitr': { windowDays: 7 },
      'pitr.windowDays': 7,
      'pitr.fullBackupSchedule': { expression: '0 1 * * 0' },
      'immutability': { mode: 'governance', days: 7 },
      'estimate': { databaseSizeGb: 10 },
      'estimate.databaseSizeGb': 10,
    },
  },
  {
    name: 'OffsiteBackupBucket',
    base: { bucketName: 'orders-backups-offsite', replicationRoleNames: ['orders-dumps-replication'] },
    cdk: (app, options) => new cdk.OffsiteBackupBucket(new Stack(app.app, 'Offsite', { env: { account: '123456789012', region: 'eu-central-1' } }), 'Subject', options as never),
    pulumi: (options) => new pulumiAws.OffsiteBackupBucket('subject', { account: '123456789012', region: 'eu-central-1', ...options } as never),
    options: {
      'bucketName': 'orders-backups-offsite',
      'replicationRoleNames': ['orders-dumps-replication'],
      'replicationRoleNames[0]': 'orders-dumps-replication',
      'sourceAccount': '210987654321',
      'objectLock': { mode: 'governance', days: 7 },
      'expirationDays': 400,
    },
  },
  {
    name: 'PostgresBackupBlueprint',
    base: { tier: BackupTier.BRONZE, databases: [{ id: 'orders-db', databaseNames: ['orders'] }] },
    cdk: (app, options) => {
      // A server entry written out gets its database handle; a list or an entry given as a token stays as given.
      const entries = options.databases as unknown;
      const databases = Token.isUnresolved(entries) ? entries
        : (entries as Options[]).map((server) => (Token.isUnresolved(server) ? server : { database: app.instance, ...server }));
      return new cdk.PostgresBackupBlueprint(app.stack, 'Subject', { vpc: app.vpc, image: CDK_IMAGE, ...options, databases } as never);
    },
    pulumi: (options) => {
      const entries = options.databases as unknown;
      const databases = pulumi.Output.isInstance(entries) ? entries
        : (entries as Options[]).map((server) => (pulumi.Output.isInstance(server) ? server : { database: pulumiDatabase(), ...server }));
      return new pulumiAws.PostgresBackupBlueprint('subject', { ...NETWORK, image: IMAGE, ...options, databases } as never);
    },
    options: {
      'databases': [{ id: 'orders-db', databaseNames: ['orders'] }],
      'databases[0]': { id: 'orders-db', databaseNames: ['orders'] },
      'databases[0].id': 'orders-db',
      'databases[0].databaseNames': ['orders'],
      'databases[0].postgresMajorVersion': 16,
      'databases[0].tier': BackupTier.SILVER,
      'databases[0].overrides': { logicalDump: { retentionDays: 10 } },
      'databases[0].databaseNames[0]': 'orders',
      'databases[0].estimate': { databaseSizeGb: 10 },
      'databases[0].restoreTesting': false,
      'metricNamespace': 'PostgresBackup',
      'maxDrillAgeDays': 8,
      'bucketName': 'orders-fleet-backups',
      'tier': BackupTier.BRONZE,
      'tierOptions': { copyRegion: 'eu-central-1' },
      'retention': { daily: 7 },
      'vaultLock': { changeableForDays: 3 },
      'encryption': { recipients: [AGE_RECIPIENT] },
      'replication': REPLICATION,
      'restoreTesting': { schedule: { expression: '0 5 ? * SUN *' } },
      'maxConcurrentDrills': 2,
      'dumpCpu': 1024,
      'drillEphemeralStorageGiB': 50,
      'prefix': 'pg-dumps',
    },
  },
  {
    name: 'ManagedPostgresDatabase.fromIdentifier',
    base: { identifier: 'orders', kind: 'instance' },
    cdk: (app, options) => new cdk.ManagedPostgresBackupPlan(app.stack, 'Subject', {
      database: cdk.ManagedPostgresDatabase.fromIdentifier(options as never), backupPlan: { rules: RULES },
    } as never),
    pulumi: (options) => new pulumiAws.ManagedPostgresBackupPlan('subject', {
      database: pulumiAws.ManagedPostgresDatabase.fromIdentifier(options as never), backupPlan: { rules: RULES },
    } as never),
    options: { identifier: 'orders', kind: 'instance', engineVersion: '16.4', storageEncryption: 'aws-managed-key' },
    construct: { cdk: 'ManagedPostgresDatabase.fromIdentifier', pulumi: 'ManagedPostgresDatabase.fromIdentifier' },
  },
  {
    name: 'ManagedPostgresDatabase.fromInstance',
    base: {},
    cdk: (app, options) => new cdk.SnapshotRestoreDrill(app.stack, 'Subject', {
      database: cdk.ManagedPostgresDatabase.fromInstance(app.instance, options as never), vpc: app.vpc, image: CDK_IMAGE, postgresMajorVersion: 16,
    } as never),
    pulumi: (options) => new pulumiAws.SnapshotRestoreDrill('subject', {
      database: pulumiAws.ManagedPostgresDatabase.fromInstance(pulumiInstance(), options as never),
      secretArn: SECRET,
      databaseName: 'orders',
      vpcId: 'vpc-0123',
      scratchSubnetIds: ['subnet-a'],
      taskSubnetIds: ['subnet-b'],
      image: IMAGE,
      postgresMajorVersion: 16,
    } as never),
    options: { databaseName: 'orders', storageEncryption: 'aws-managed-key' },
    construct: { cdk: /^(Backups\/Subject|ManagedPostgresDatabase\.fromInstance)$/, pulumi: /^(subject|ManagedPostgresDatabase\.fromInstance)$/ },
  },
  {
    name: 'PostgresDatabase.fromInstance',
    base: {},
    cdk: (app, options) => new cdk.ScheduledPgDump(app.stack, 'Subject', {
      vpc: app.vpc, database: cdk.PostgresDatabase.fromInstance(app.instance, options as never), image: CDK_IMAGE, databaseNames: ['orders'],
    }),
    pulumi: (options) => new pulumiAws.ScheduledPgDump('subject', {
      ...NETWORK, image: IMAGE, database: pulumiAws.PostgresDatabase.fromInstance(pulumiInstance(), options as never), databaseNames: ['orders'],
    }),
    options: { postgresMajorVersion: 16 },
  },
  {
    name: 'PostgresBackupVault',
    base: {},
    cdk: (app, options) => new cdk.PostgresBackupVault(app.stack, 'Subject', options as never),
    pulumi: (options) => new pulumiAws.PostgresBackupVault('subject', options as never),
    options: {
      'lock': { mode: 'governance', minRetentionDays: 7 },
      'lock.mode': 'governance',
      'lock.minRetentionDays': 7,
    },
  },
  {
    name: 'RequirePostgresBackups',
    base: {},
    cdk: (app, options) => Aspects.of(app.stack).add(new cdk.RequirePostgresBackups(options as never)),
    pulumi: (options) => new pulumiAws.RequirePostgresBackups(options as never),
    options: { level: 'warning', includeReadReplicas: 'true' },
    // An Aspect has no construct of its own: its messages name its props after its class.
    construct: { cdk: /^$/, pulumi: /^$/ },
    messagePrefix: 'RequirePostgresBackups.',
  },
];

/** A CDK token of the kind a user passes for `good`: a stack parameter's value as a number, a string or a list, or a whole object. */
function cdkToken(stack: Stack, good: unknown): unknown {
  if (typeof good === 'number') return new CfnParameter(stack, PARAMETER, { type: 'Number' }).valueAsNumber;
  if (Array.isArray(good) && good.every((entry) => typeof entry === 'string')) {
    return new CfnParameter(stack, PARAMETER, { type: 'CommaDelimitedList' }).valueAsList;
  }
  const text = new CfnParameter(stack, PARAMETER, { type: 'String' }).valueAsString;
  return typeof good === 'string' ? text : Token.asAny(text);
}

/** What a CDK app did with a deploy-time value it accepted: synthesized with the parameter referenced, or not. */
function cdkSynthesized(app: App): string {
  try {
    const templates = JSON.stringify(app.synth().stacks.map((stack) => stack.template));
    if (/\$\{Token\[|#\{Token\[|-1\.888154589708\d*e\+289/.test(templates)) return 'synthesized with a token\'s placeholder text';
    if (!templates.includes(`{"Ref":"${PARAMETER}"}`)) return 'synthesized without the value (the parameter is referenced nowhere)';
    return 'accepted';
  } catch (error) {
    return `synthesis crashed: ${(error as Error).message}`;
  }
}

/** The lines of an error that refuse a deploy-time value of `path` or of an option inside it. */
function deployTimeLines(error: PolicyValidationError, path: string): string[] {
  return validationLines(error).filter((line) => (line.startsWith(`${path} `) || line.startsWith(`${path}.`) || line.startsWith(`${path}[`))
    && line.includes(' is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: '));
}

const cases = SUBJECTS.flatMap((subject) => Object.entries(subject.options).map(([path, good]) => ({ subject, path, good })));

describe('a value known only at deploy time is refused by name or flows into the template untouched, never crashed on', () => {
  test.each(cases)('$subject.name $path', async ({ subject, path: option, good }) => {
    const path = `${subject.messagePrefix ?? ''}${option}`;
    const app = cdkApp();
    const base = subject.bases?.[option] ?? subject.base;
    let cdkOutcome = errorOrOutcome(() => subject.cdk(app, withValue(base, option, cdkToken(app.stack, good))));
    if (cdkOutcome === 'accepted') cdkOutcome = cdkSynthesized(app.app);

    lateFailures.length = 0;
    let pulumiOutcome = errorOrOutcome(() => subject.pulumi(withValue(base, option, pulumi.output(good))));
    if (pulumiOutcome === 'accepted') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const unresolvedText = engine.resources.some((resource) => /Calling \[toString\]|\[object Object\]/.test(JSON.stringify(resource.inputs)));
      if (unresolvedText) pulumiOutcome = 'a resource holds an output\'s placeholder text';
      else if (lateFailures.length > 0) pulumiOutcome = `a resource failed after the component was built: ${lateFailures[0]}`;
    }

    const crashes = [cdkOutcome, pulumiOutcome].filter((outcome) => typeof outcome === 'string' && outcome !== 'accepted');
    expect(crashes).toEqual([]);
    const construct = subject.construct ?? { cdk: /^(Backups|Offsite)\/Subject$/, pulumi: 'subject' };
    if (cdkOutcome instanceof PolicyValidationError) {
      expect(cdkOutcome.construct ?? '').toMatch(construct.cdk);
      const lines = deployTimeLines(cdkOutcome, path);
      expect(lines.length > 0 ? lines : validationLines(cdkOutcome)).toEqual(lines.length > 0 ? lines : ['a line refusing the deploy-time value']);
      lines.forEach((line) => expect(line).toMatch(/ synthesized\)$/));
      expect(pulumiOutcome).toBeInstanceOf(PolicyValidationError);
      expect(deployTimeLines(pulumiOutcome as PolicyValidationError, path)).toEqual(lines);
    }
    if (pulumiOutcome instanceof PolicyValidationError) {
      expect(pulumiOutcome.construct ?? '').toMatch(construct.pulumi);
      const lines = deployTimeLines(pulumiOutcome, path);
      expect(lines.length > 0 ? lines : validationLines(pulumiOutcome)).toEqual(lines.length > 0 ? lines : ['a line refusing the deploy-time value']);
    }
  });
});

describe('RestoreRunbookArtifacts refuses a file name or directory known only at deploy time, instead of writing a file named by a token', () => {
  const line = (path: string) => `${path} is a value known only at deploy time (a CDK token or a Pulumi output); allowed: a literal: the value itself, `
    + 'written where the construct is declared (it names the file the runbook is written to, which is written when the program runs or the template is synthesized)';

  test('CDK: a runbook added under a stack parameter\'s value', () => {
    const app = new App();
    const stack = new Stack(app, 'Backups');
    const runbooks = new cdk.RestoreRunbookArtifacts(stack, 'Runbooks');
    const error = errorOrOutcome(() => runbooks.add(new CfnParameter(stack, PARAMETER).valueAsString, '# Restore orders'));
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyValidationError).construct).toBe('Backups/Runbooks');
    expect(validationLines(error as PolicyValidationError)).toEqual([line('name')]);
  });

  test('Pulumi: runbooks written to a directory given as an output', () => {
    const error = errorOrOutcome(() => new pulumiAws.RestoreRunbookArtifacts('runbooks', {
      directory: pulumi.output('runbooks') as never, runbooks: { 'orders-db/orders.md': '# Restore orders' },
    }));
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyValidationError).construct).toBe('runbooks');
    expect(validationLines(error as PolicyValidationError)).toEqual([line('directory')]);
  });
});
