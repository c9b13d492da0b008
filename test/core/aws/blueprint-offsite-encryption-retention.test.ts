import {
  PostgresBackupBlueprintOptions, blueprintDatabaseRunbook, blueprintDumpProtection, blueprintPruneCommand, planPostgresBackupBlueprint,
} from '../../../src/core/aws/postgres-backup-blueprint';
import { BackupTier } from '../../../src/core/policy/backup-tier';
import { DAYS_PER_MONTH, runsPerDay } from '../../../src/core/policy/cost-estimate';
import { REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS } from '../../../src/core/policy/lifecycle';
import { validationErrorOf } from '../../support/validation-cases';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const REPLICATION = {
  destinationBucketArn: 'arn:aws:s3:::fleet-offsite',
  replicaKmsKeyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const IDENTITY = { given: true, path: 'encryption.identitySecret' };

/** Two self-managed servers on PostgreSQL 16, BRONZE unless told otherwise (which drills monthly). */
function fleet(options: Partial<PostgresBackupBlueprintOptions> = {}, identitySecret = IDENTITY) {
  return planPostgresBackupBlueprint({
    tier: BackupTier.BRONZE,
    databases: [
      { id: 'orders', databaseNames: ['orders', 'audit'], postgresMajorVersion: 16 },
      { id: 'billing', databaseNames: ['billing'], postgresMajorVersion: 16 },
    ],
    ...options,
  }, { servers: [{ managed: false }, { managed: false }], validation: { construct: 'Stack/Fleet' }, identitySecret });
}

/** The problems of the validation error `run` throws, without their reasons. */
function problems(run: () => unknown): string[] {
  return validationErrorOf(run).issues.map((issue) => `${issue.path} is ${JSON.stringify(issue.value)}; allowed: ${issue.allowed}`);
}

describe('PostgresBackupBlueprint encryption', () => {
  test('the dump tasks get the recipients and nothing secret, and the drills the identity variable', () => {
    const plan = fleet({ encryption: { recipients: [RECIPIENT] } });
    expect(plan.dumpTask.environment).toEqual({ PG_BACKUP_AGE_RECIPIENTS: RECIPIENT });
    expect(plan.drills?.identityEnvironmentVariable).toBe('PG_BACKUP_AGE_IDENTITY');
  });

  test('unencrypted dumps give the tasks no environment and the drills no identity', () => {
    const plan = fleet();
    expect(plan.dumpTask.environment).toEqual({});
    expect(plan.drills?.identityEnvironmentVariable).toBeUndefined();
  });

  test('each database records the recipients its dumps are encrypted to, and its runbook shows the decrypt step', () => {
    const plan = fleet({ encryption: { recipients: [RECIPIENT] } });
    expect(blueprintDumpProtection(plan, plan.servers[0], 'orders')).toMatchObject({ encryptedTo: [RECIPIENT] });
    const runbook = blueprintDatabaseRunbook(plan, plan.servers[0], 'orders', { bucket: 'fleet', region: 'eu-west-1', notificationTopic: 'arn:aws:sns:eu-west-1:123456789012:t' });
    expect(runbook).toContain(`The dumps are encrypted with age to \`${RECIPIENT}\``);
    expect(runbook).toContain('age -d -i key.txt');
  });

  test('a fleet that drills encrypted dumps without the identity secret is refused, naming the prop', () => {
    expect(problems(() => fleet({ encryption: { recipients: [RECIPIENT] } }, { given: false, path: 'encryption.identitySecretArn' })))
      .toEqual(['encryption.identitySecretArn is undefined; allowed: a secret holding the age identity (AGE-SECRET-KEY-1…) of one of the recipients']);
  });

  test('a fleet that does not drill needs no identity secret', () => {
    expect(() => fleet({ tier: BackupTier.BRONZE.without('verification'), encryption: { recipients: [RECIPIENT] } }, { given: false, path: 'encryption.identitySecret' }))
      .not.toThrow();
  });

  test.each([
    [{ recipients: [] }, 'encryption.recipients is []; allowed: at least one age public key (age1…, as age-keygen prints it)'],
    [{ recipients: ['AGE-SECRET-KEY-1ABC'] }, 'encryption.recipients[0] is "AGE-SECRET-KEY-1ABC"; allowed: an age public key (age1 and 58 lowercase bech32 characters, as age-keygen prints it)'],
  ])('recipients %j are refused', (encryption, message) => {
    expect(problems(() => fleet({ encryption }))).toEqual([message]);
  });
});

describe('PostgresBackupBlueprint grandfather-father-son retention', () => {
  test('the blueprint\'s retention gives every server a prune schedule per database, with the server\'s RPO and dimension', () => {
    const plan = fleet({ retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 } });
    expect(plan.prune?.roleGrants.flatMap((group) => group.actions)).toContain('s3:DeleteObject');
    const orders = plan.servers[0];
    expect(orders.prune?.schedule.runs.map((run) => run.description)).toEqual([
      'pg-backup prune of orders on orders under pg-dumps/orders/', 'pg-backup prune of audit on orders under pg-dumps/orders/',
    ]);
    expect(blueprintPruneCommand(plan, orders, 'audit', 's3://bucket/pg-dumps/orders')).toEqual([
      'prune', '--from', 's3://bucket/pg-dumps/orders', '--database', 'audit', '--rpo', '26h',
      '--daily', '7', '--weekly', '4', '--monthly', '6', '--yearly', '0', '--minimum-kept', '3', '--metrics-namespace', 'PostgresBackup',
      '--metric-dimension', 'Server=orders',
    ]);
    expect(orders.prune?.alarms.map((alarm) => [alarm.id, alarm.metric])).toEqual([
      ['PruneAlarm-orders-orders', expect.objectContaining({ metricName: 'PruneFailed', dimensions: { Database: 'orders', Server: 'orders' } })],
      ['PruneAlarm-orders-audit', expect.objectContaining({ metricName: 'PruneFailed', dimensions: { Database: 'audit', Server: 'orders' } })],
    ]);
  });

  test('the tier\'s retentionDays gives way to the safety net, twice the longest class, in the bucket lifecycle', () => {
    const plan = fleet({ retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 } });
    expect(plan.lifecycleRules.map((rule) => [rule.prefix, rule.expirationDays])).toEqual([['pg-dumps/orders/', 372], ['pg-dumps/billing/', 372]]);
    expect(blueprintDumpProtection(plan, plan.servers[0], 'orders')).toMatchObject({
      retentionDays: 372, retention: { daily: 7, weekly: 4, monthly: 6, yearly: 0, minimumKept: 3 },
    });
  });

  test('a server\'s own retention in its overrides wins over the blueprint\'s', () => {
    const plan = fleet({
      retention: { daily: 7, weekly: 4, monthly: 6, minimumKept: 3 },
      databases: [
        { id: 'orders', databaseNames: ['orders'], postgresMajorVersion: 16, overrides: { logicalDump: { retention: { daily: 14, monthly: 0, weekly: 0, minimumKept: 5 } } } },
        { id: 'billing', databaseNames: ['billing'], postgresMajorVersion: 16 },
      ],
    });
    expect(plan.servers.map((server) => server.prune?.retention.minimumKept)).toEqual([5, 3]);
    expect(plan.lifecycleRules.map((rule) => rule.expirationDays)).toEqual([60, 372]);
  });

  test('without any retention no server is pruned and the tier\'s retentionDays expire the dumps', () => {
    const plan = fleet();
    expect(plan.prune).toBeUndefined();
    expect(plan.servers.map((server) => server.prune)).toEqual([undefined, undefined]);
    expect(plan.lifecycleRules.map((rule) => rule.expirationDays)).toEqual([7, 7]);
  });

  test('a tier whose logicalDump sets retention gets its prune task in the blueprint too', () => {
    const plan = fleet({ tier: BackupTier.BRONZE.with({ logicalDump: { retention: { daily: 3 }, retentionDays: 800 } }) });
    expect(plan.servers.map((server) => server.prune?.retention.daily)).toEqual([3, 3]);
    expect(plan.lifecycleRules.map((rule) => rule.expirationDays)).toEqual([800, 800]);
  });

  test.each([
    [{ retention: { daily: -1 } }, ['retention.daily is -1; allowed: an integer from 0 to 3660 backups']],
    [{ retention: { minimumKept: 0 } }, ['retention.minimumKept is 0; allowed: an integer from 1 to 1000 backups']],
    [{
      databases: [
        { id: 'orders', postgresMajorVersion: 16, overrides: { logicalDump: { retention: { monthly: 12 }, retentionDays: 40 } } },
        { id: 'billing', postgresMajorVersion: 16 },
      ],
    }, ['databases[0].overrides.logicalDump.retentionDays is 40; allowed: at least 744 days (twice the longest class of databases[0].overrides.logicalDump.retention)']],
  ])('bad retention %j is refused, named as the user wrote it', (options, messages) => {
    expect(problems(() => fleet(options as Partial<PostgresBackupBlueprintOptions>))).toEqual(messages);
  });
});

describe('PostgresBackupBlueprint replication', () => {
  test('the fleet bucket replicates every object, delete markers never, with failed and late replication alarms', () => {
    const plan = fleet({ replication: REPLICATION });
    expect(plan.replication).toMatchObject(REPLICATION);
    expect(plan.replication?.roleGrants.flatMap((group) => group.actions).filter((action) => /Delete/.test(action))).toEqual([]);
    expect(plan.alarms.map((alarm) => alarm.metric).filter((metric) => 'namespace' in metric && metric.namespace === 'AWS/S3')
      .map((metric) => 'metricName' in metric && metric.metricName)).toEqual(['OperationsFailedReplication', 'ReplicationLatency']);
    expect(blueprintDumpProtection(plan, plan.servers[1], 'billing')).toMatchObject({ replica: { destination: expect.stringContaining(REPLICATION.destinationBucketArn) } });
  });

  describe('cost estimate', () => {
    const SIZE_GB = 100;
    const RATIO = 4;
    const sized = (replication?: typeof REPLICATION & { destinationExpirationDays?: number }) => fleet({
      ...(replication ? { replication } : {}),
      retention: { daily: 7, weekly: 4, monthly: 12, minimumKept: 3 },
      databases: [
        { id: 'orders', databaseNames: ['orders'], postgresMajorVersion: 16, estimate: { databaseSizeGb: SIZE_GB, compressionRatio: RATIO } },
        { id: 'billing', databaseNames: ['billing'], postgresMajorVersion: 16 },
      ],
    });
    const itemOf = (plan: ReturnType<typeof fleet>, item: string) => plan.servers[0].costEstimate!.items.find((line) => line.item === item);

    test('prices the replicas of a server\'s dumps as the prune keeps them, since it prunes the offsite copy too, and their transfer', () => {
      const plan = sized(REPLICATION);
      const dumpsPerDay = runsPerDay(plan.servers[0].dump.schedule!, 'schedule')!;
      const kept = itemOf(plan, 'logical-dumps')!;
      const replicas = itemOf(plan, 'replicas')!;
      // The source keeps 21.7 nightly dumps of 25 GB; the offsite copy the same, plus each night's pruned replica for its one
      // noncurrent day: (21.7 + 1) × 25 ≈ 567.5 GB-month, where the lifecycle alone would keep 745 × 25 = 18,625.
      expect(kept.quantity).toBeCloseTo(21.7 * 25, 0);
      expect(replicas.quantity).toBeCloseTo(kept.quantity + (SIZE_GB / RATIO) * dumpsPerDay * REPLICA_NONCURRENT_VERSION_EXPIRATION_DAYS, 10);
      expect(replicas.description).toMatch(/^21\.7 replicas of 25 GB in eu-central-1 kept by the prune as at the source \(7 daily, 4 weekly, 12 monthly, 0 yearly, never fewer than 3\), plus 1 pruned replicas kept 1 noncurrent day$/);
      expect(itemOf(plan, 'replica-transfer')!.quantity).toBeCloseTo((SIZE_GB / RATIO) * dumpsPerDay * DAYS_PER_MONTH, 10);
      const withoutReplicas = sized().servers[0].costEstimate!;
      expect(plan.servers[0].costEstimate!.totalMonthlyUsd).toBeCloseTo(
        withoutReplicas.totalMonthlyUsd + replicas.monthlyUsd + itemOf(plan, 'replica-transfer')!.monthlyUsd, 10);
      // The summary says what it estimates, from what size, and what the GB stored are.
      expect(plan.servers[0].costEstimate!.summary).toMatch(new RegExp('^server orders \\(database orders\\), 100 GB compressed 4:1: about \\$[\\d.]+ a month '
        + 'for [\\d,]+ GB stored on average: dumps 717 GB, offsite replicas of the dumps 567 GB; 760 GB a month moved to another region '));
    });

    test('a longer destination expiry is only the offsite safety net: the prune still decides what is kept', () => {
      expect(itemOf(sized({ ...REPLICATION, destinationExpirationDays: 1000 }), 'replicas')!.quantity).toBeCloseTo(itemOf(sized(REPLICATION), 'replicas')!.quantity, 10);
    });

    test('the prune runs of each database prune the same folder of the offsite copy', () => {
      const plan = fleet({ replication: REPLICATION, retention: { daily: 7, minimumKept: 3 } });
      const command = blueprintPruneCommand(plan, plan.servers[1], 'billing', 's3://fleet-bucket/pg-dumps/billing');
      expect(command[command.indexOf('--replica') + 1]).toBe('s3://fleet-offsite/pg-dumps/billing');
      expect(plan.prune!.replica!.scopes['replica-objects'].resources).toEqual(['arn:aws:s3:::fleet-offsite/pg-dumps/*']);
    });

    test('prices no replicas without replication', () => {
      expect(sized().servers[0].costEstimate!.items.map((line) => line.item)).not.toContain('replicas');
    });
  });

  test('a destination that expires replicas before the longest-kept server is refused, naming the prop and the range', () => {
    expect(problems(() => fleet({
      replication: { ...REPLICATION, destinationExpirationDays: 30 },
      databases: [
        { id: 'orders', postgresMajorVersion: 16, overrides: { logicalDump: { retentionDays: 90 } } },
        { id: 'billing', postgresMajorVersion: 16 },
      ],
    }))).toEqual([
      'replication.destinationExpirationDays is 30; allowed: at least 90 days (the source keeps the fleet\'s dumps 90 days), or undefined (replicas never expire)',
    ]);
  });

  test('every problem is reported at once, the blueprint named', () => {
    const error = validationErrorOf(() => fleet({
      replication: { destinationBucketArn: 'offsite', replicaKmsKeyArn: REPLICATION.replicaKmsKeyArn }, encryption: { recipients: [] }, retention: { weekly: 9999 },
    }));
    expect(error.message).toContain('Stack/Fleet');
    expect(error.issues.map((issue) => issue.path)).toEqual(['retention.weekly', 'encryption.recipients', 'replication.destinationBucketArn']);
  });
});

describe('PostgresBackupBlueprint problems shared by servers', () => {
  test('a bad value of the blueprint\'s tier, read by both servers, is told once', () => {
    expect(problems(() => fleet({ tier: BackupTier.BRONZE.with({ logicalDump: { retentionDays: 0 } }) })))
      .toEqual(['tier.logicalDump.retentionDays is 0; allowed: an integer from 1 to 36500 days']);
  });
});
