import {
  BlobObjectReplicationOptions, checkBlobObjectReplication, planBlobObjectReplication, REPLICATE_ALL_BLOBS_SINCE, ReplicatedContainer,
} from '../../../src/core/azure/blob-object-replication';
import { resolveBackupRetention, retentionSafetyNetDays } from '../../../src/core/policy/backup-retention';
import { DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS, dumpBucketLifecycleRules } from '../../../src/core/policy/lifecycle';
import { LogicalDumpPolicy } from '../../../src/core/policy/policy';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { Validator } from '../../../src/core/policy/validation';

/** The dumps' container of a policy, as BackupStorage describes it. */
function dumpsOf(dump: LogicalDumpPolicy, location?: string): ReplicatedContainer {
  return {
    path: 'replication',
    contents: 'the dumps',
    containerName: 'pg-dumps',
    prefix: 'orders',
    lifecycleRules: dumpBucketLifecycleRules(dump, { prefix: 'orders/' }),
    ...(location ? { location } : {}),
  };
}

function problemsOf(options: BlobObjectReplicationOptions, source: ReplicatedContainer): string[] {
  const validator = new Validator();
  checkBlobObjectReplication(validator, options, source);
  return validator.issues.map((issue) => `${issue.path} is ${JSON.stringify(issue.value)}; allowed: ${issue.allowed}`);
}

describe('planBlobObjectReplication', () => {
  test('replicates every blob under the dumps\' prefix, those already there included, into the same container name', () => {
    const plan = planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retentionDays: 90 }));
    expect(plan).toMatchObject({
      location: 'northeurope',
      skuName: 'Standard_LRS',
      sourceContainer: 'pg-dumps',
      destinationContainer: 'pg-dumps',
      prefixMatch: ['orders/'],
      minCreationTime: REPLICATE_ALL_BLOBS_SINCE,
      metricsEnabled: true,
    });
  });

  test('the source gets versioning and a change feed, which object replication reads', () => {
    const plan = planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retentionDays: 90 }));
    expect(plan.sourceBlobService.isVersioningEnabled).toBe(true);
    expect(plan.sourceBlobService.changeFeed.enabled).toBe(true);
    expect(plan.sourceBlobService.changeFeed.retentionInDays).toBeGreaterThanOrEqual(1);
  });

  test('by default the destination keeps every replica as long as the source keeps the dump, and a pruned replica (a previous version) '
    + 'as long as the source keeps a pruned dump', () => {
    const retentionDays = 90;
    const plan = planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retentionDays }));
    expect(plan.replicasKeptDays).toBe(retentionDays);
    expect(plan.destinationLifecycleRules).toEqual([{
      name: 'expire-replicas',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: ['pg-dumps/orders/'] },
        actions: {
          baseBlob: { delete: { daysAfterModificationGreaterThan: retentionDays } },
          version: { delete: { daysAfterCreationGreaterThan: DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS } },
        },
      },
    }]);
  });

  test('under a grandfather-father-son retention the replicas are kept as long as the source\'s safety net', () => {
    const retention = { daily: 7, weekly: 4, monthly: 12 };
    const plan = planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retention }));
    expect(plan.replicasKeptDays).toBe(retentionSafetyNetDays(resolveBackupRetention(retention)));
  });

  test('a longer destination expiry and another container name are taken as given', () => {
    const plan = planBlobObjectReplication({ location: 'northeurope', expirationDays: 400, containerName: 'offsite' }, dumpsOf({ retentionDays: 90 }));
    expect(plan.replicasKeptDays).toBe(400);
    expect(plan.destinationContainer).toBe('offsite');
    expect(plan.destinationLifecycleRules[0].definition.filters.prefixMatch).toEqual(['offsite/orders/']);
  });

  test('alerts when blobs have waited for replication without a break over the window', () => {
    expect(planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({})).alert).toMatchObject({
      metricNamespace: 'Microsoft.Storage/storageAccounts/objectReplicationPolicies',
      metricName: 'PendingOperationsForReplication',
      timeAggregation: 'Minimum',
      operator: 'GreaterThan',
      threshold: 0,
      windowSize: 'PT6H',
    });
    expect(planBlobObjectReplication({ location: 'northeurope', pendingAlertHours: 24 }, dumpsOf({})).alert.windowSize).toBe('P1D');
  });
});

describe('checkBlobObjectReplication', () => {
  test('accepts a destination in another region that keeps replicas at least as long as the source', () => {
    expect(problemsOf({ location: 'northeurope', expirationDays: 90 }, dumpsOf({ retentionDays: 90 }, 'westeurope'))).toEqual([]);
  });

  const cases: Array<[string, BlobObjectReplicationOptions, ReplicatedContainer, string]> = [
    ['a destination expiry before the source\'s', { location: 'northeurope', expirationDays: 30 }, dumpsOf({ retentionDays: 90 }),
      'replication.expirationDays is 30; allowed: at least 90 days (the source keeps the dumps 90 days), or undefined (as long as the source)'],
    ['a destination expiry before a retention\'s safety net', { location: 'northeurope', expirationDays: 90 }, dumpsOf({ retention: { monthly: 12 } }),
      `replication.expirationDays is 90; allowed: at least ${retentionSafetyNetDays(resolveBackupRetention({ monthly: 12 }))} days`],
    ['the source\'s own region', { location: 'westeurope' }, dumpsOf({}, 'westeurope'),
      'replication.location is "westeurope"; allowed: an Azure region other than westeurope, where the dumps are'],
    ['no region', { location: undefined as unknown as string }, dumpsOf({}), 'replication.location is undefined; allowed: an Azure region other than'],
    ['a region that is not a region name', { location: 'North Europe' }, dumpsOf({}), 'replication.location is "North Europe"'],
    ['an account name Azure refuses', { location: 'northeurope', accountName: 'Orders-Offsite' }, dumpsOf({}),
      'replication.accountName is "Orders-Offsite"; allowed: 3 to 24 lowercase letters and digits'],
    ['a geo-redundant destination', { location: 'northeurope', skuName: 'Standard_GRS' as 'Standard_LRS' }, dumpsOf({}),
      'replication.skuName is "Standard_GRS"; allowed: one of: Standard_LRS, Standard_ZRS'],
    ['an alert window Azure does not offer', { location: 'northeurope', pendingAlertHours: 3 as 1 }, dumpsOf({}),
      'replication.pendingAlertHours is 3; allowed: one of: 1, 6, 12, 24'],
    ['an expiry that is not a whole number of days', { location: 'northeurope', expirationDays: 90.5 }, dumpsOf({}),
      'replication.expirationDays is 90.5; allowed: an integer from 1 to'],
  ];
  test.each(cases)('rejects %s, naming the option, the value and what is allowed', (_, options, source, message) => {
    expect(problemsOf(options, source).join('\n')).toContain(message);
  });
});

describe('the offsite replicas\' protection against deletion', () => {
  const LOCKED: ReplicatedContainer = { ...dumpsOf({ retentionDays: 90 }), immutability: { mode: 'compliance', days: 14 } };

  test('the replicas take the dumps\' own immutability by default, locked when the dumps\' is compliance', () => {
    expect(planBlobObjectReplication({ location: 'northeurope' }, LOCKED).immutability)
      .toEqual({ immutabilityPeriodSinceCreationInDays: 14, state: 'Locked', allowProtectedAppendWrites: false });
    expect(planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retentionDays: 90 })).immutability).toBeUndefined();
  });

  test('a replica immutability of its own is taken as given, unlocked in governance mode', () => {
    expect(planBlobObjectReplication({ location: 'northeurope', immutability: { days: 30 } }, dumpsOf({ retentionDays: 90 })).immutability)
      .toEqual({ immutabilityPeriodSinceCreationInDays: 30, state: 'Unlocked', allowProtectedAppendWrites: false });
  });

  test('the destination account is locked against deletion unless deleteLock is false', () => {
    expect(planBlobObjectReplication({ location: 'northeurope' }, dumpsOf({ retentionDays: 90 })).deleteLock)
      .toEqual({ level: 'CanNotDelete', notes: expect.stringContaining('remove this lock before deleting the account') });
    expect(planBlobObjectReplication({ location: 'northeurope', deleteLock: false }, dumpsOf({ retentionDays: 90 })).deleteLock).toBeUndefined();
  });

  test('accepts replicas immutable at least as long and as strictly as the dumps, and no longer than they are kept', () => {
    expect(problemsOf({ location: 'northeurope' }, LOCKED)).toEqual([]);
    expect(problemsOf({ location: 'northeurope', immutability: { mode: 'compliance', days: 90 } }, LOCKED)).toEqual([]);
  });

  test.each<[string, BlobObjectReplicationOptions, ReplicatedContainer, string]>([
    ['replicas immutable less long than the dumps', { location: 'northeurope', immutability: { mode: 'compliance', days: 7 } }, LOCKED,
      'replication.immutability.days is 7; allowed: at least 14 days (the dumps\' immutability is compliance 14 days; the offsite copy must stay immutable at least as long)'],
    ['replicas immutable less strictly than the dumps', { location: 'northeurope', immutability: { mode: 'governance', days: 14 } }, LOCKED,
      'replication.immutability.mode is "governance"; allowed: compliance (the dumps\' immutability is compliance 14 days; the offsite copy must be immutable at least as strictly)'],
    ['replicas immutable longer than they are kept', { location: 'northeurope', immutability: { days: 120 } }, dumpsOf({ retentionDays: 90 }),
      'replication.immutability.days is 120; allowed: at most 90 days (the replicas are kept 90 days)'],
    ['replicas immutable longer than the expiry given for them',
      { location: 'northeurope', expirationDays: 100, immutability: { days: 101 } }, dumpsOf({ retentionDays: 90 }),
      'replication.immutability.days is 101; allowed: at most 100 days (the replicas are kept 100 days)'],
    ['an immutability of no days', { location: 'northeurope', immutability: { days: 0 } }, dumpsOf({ retentionDays: 90 }),
      'replication.immutability.days is 0; allowed: an integer from 1 to 36500 days'],
  ])('refuses %s, naming the prop, the value and what is allowed', (_, options, source, message) => {
    expect(problemsOf(options, source)).toEqual([message]);
  });
});

describe('a replicated container never moves its dumps to the Archive tier', () => {
  const withTransitions = (transitions: Array<{ days: number; storageClass: StorageClass }>): ReplicatedContainer => ({
    ...dumpsOf({ retentionDays: 400 }),
    lifecycleRules: dumpBucketLifecycleRules({ retentionDays: 400 }, { prefix: 'orders/', transitions }),
  });

  test('an Archive transition is refused while replication is set, naming the transition, the tiers allowed and why', () => {
    const validator = new Validator({ construct: 'Shop/Dumps' });
    checkBlobObjectReplication(validator, { location: 'northeurope' }, withTransitions([
      { days: 30, storageClass: StorageClass.COOL }, { days: 180, storageClass: StorageClass.ARCHIVE },
    ]));
    expect(validator.issues).toEqual([{
      path: 'transitions[1].storageClass',
      value: 'ARCHIVE',
      allowed: 'COOL or COLD while replication is set',
      reason: 'Azure object replication does not copy blobs in the Archive tier: an archived dump would never reach the offsite copy',
    }]);
  });

  test('Cool and Cold transitions replicate and pass', () => {
    expect(problemsOf({ location: 'northeurope' }, withTransitions([
      { days: 30, storageClass: StorageClass.COOL }, { days: 90, storageClass: StorageClass.COLD },
    ]))).toEqual([]);
  });
});
