import { BackupTier, checkPolicy, PolicyValidationError, resolveBackupPolicy, validatePolicy } from '../../../src/core';

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

const DESTINATIONS = { sourceRegion: 'eu-west-1', copyRegion: 'eu-central-1', copyAccount: '123456789012' };

describe('BackupTier.GOLD', () => {
  const policy = resolveBackupPolicy(BackupTier.GOLD.policy(DESTINATIONS));

  test('keeps PITR over 14 days, with enough weekly fulls and WAL for it', () => {
    expect(policy.pitr).toMatchObject({ windowDays: 14, retainFull: 3, expireBy: 'lifecycle', walRetentionDays: 35 });
    expect(policy.backupPlan?.continuousBackupRetentionDays).toBe(14);
  });

  test('takes hourly recovery points and alarms after 2 hours', () => {
    expect(policy.backupPlan?.rules.map((rule) => [rule.name, rule.schedule.expression, rule.retentionDays])).toEqual([
      ['hourly', '0 * * * *', 7],
      ['daily', '0 5 * * *', 35],
      ['weekly', '0 5 * * 0', 90],
      ['monthly', '0 5 1 * *', 365],
    ]);
    expect(policy.alarms.rpoHours).toBe(2);
  });

  test('dumps daily in parallel and keeps dumps 35 days', () => {
    expect(policy.logicalDump).toMatchObject({ schedule: { expression: '0 2 * * *' }, format: 'directory', jobs: 4, includeGlobals: true, retentionDays: 35 });
  });

  test('drills weekly with a one-hour RTO', () => {
    expect(policy.verification).toMatchObject({ schedule: { expression: '0 6 * * 1', timezone: 'UTC' }, maxRestoreDurationMinutes: 60 });
  });

  test('copies to the given region and account', () => {
    expect(policy.copies).toEqual([
      { destination: 'region', region: 'eu-central-1', retentionDays: 35 },
      { destination: 'account', account: '123456789012', retentionDays: 35 },
    ]);
  });

  test('locks backups in compliance mode', () => {
    expect(policy.immutability).toEqual({ mode: 'compliance', days: 7 });
  });
});

describe('BackupTier.SILVER', () => {
  const policy = resolveBackupPolicy(BackupTier.SILVER.policy(DESTINATIONS));

  test('keeps PITR over 7 days', () => {
    expect(policy.pitr).toMatchObject({ windowDays: 7, retainFull: 2, expireBy: 'lifecycle', walRetentionDays: 21 });
    expect(policy.backupPlan?.continuousBackupRetentionDays).toBe(7);
  });

  test('dumps daily and keeps dumps 14 days', () => {
    expect(policy.logicalDump).toMatchObject({ schedule: { expression: '0 2 * * *' }, format: 'custom', retentionDays: 14 });
  });

  test('drills weekly with a two-hour RTO', () => {
    expect(policy.verification).toMatchObject({ schedule: { expression: '0 6 * * 1' }, maxRestoreDurationMinutes: 120 });
  });

  test('copies to the given region only', () => {
    expect(policy.copies).toEqual([{ destination: 'region', region: 'eu-central-1', retentionDays: 14 }]);
  });

  test('locks backups in governance mode', () => {
    expect(policy.immutability).toEqual({ mode: 'governance', days: 7 });
  });
});

describe('BackupTier.BRONZE', () => {
  const policy = resolveBackupPolicy(BackupTier.BRONZE.policy({ sourceRegion: 'eu-west-1' }));

  test('dumps daily and keeps dumps 7 days', () => {
    expect(policy.logicalDump).toMatchObject({ schedule: { expression: '0 2 * * *' }, retentionDays: 7 });
    expect(policy.managedSnapshots?.backupRetentionDays).toBe(7);
  });

  test('drills monthly', () => {
    expect(policy.verification).toMatchObject({ schedule: { expression: '0 6 1 * *' }, maxRestoreDurationMinutes: 240 });
  });

  test('has no copies, no PITR and no lock', () => {
    expect(policy.copies).toEqual([]);
    expect(policy.pitr).toBeUndefined();
    expect(policy.immutability).toBeUndefined();
  });

  test('needs no destination', () => {
    expect(() => BackupTier.BRONZE.policy()).not.toThrow();
  });
});

describe('BackupTier.policy', () => {
  test.each([BackupTier.GOLD, BackupTier.SILVER, BackupTier.BRONZE].map((tier) => [tier.name, tier]))(
    'gives a %s policy that passes validatePolicy', (_name, tier) => {
      expect(() => validatePolicy(tier.policy(DESTINATIONS))).not.toThrow();
    },
  );

  test('asks for both destinations of GOLD and their vaults at once, naming each option', () => {
    const error = thrownBy(() => BackupTier.GOLD.policy({ sourceRegion: 'eu-west-1' }));
    expect(error).toBeInstanceOf(PolicyValidationError);
    expect((error as PolicyValidationError).issues.map((issue) => issue.path)).toEqual(['copyRegion', 'copyRegionVaultArn', 'copyAccount', 'copyAccountVaultArn']);
    expect((error as Error).message).toContain('copyRegionVaultArn is undefined; allowed: the ARN of the destination vault, '
      + '"arn:aws:backup:<region>:<account>:backup-vault:<name>" (create it in the destination first)');
    expect((error as Error).message).toContain('copyRegion is undefined; allowed: a region for copies[0] (the GOLD tier copies every backup to a second region)');
  });

  test('asks only for what is missing: the vault of a destination that is given is left to the copy\'s own check', () => {
    const error = thrownBy(() => BackupTier.GOLD.policy({ copyRegion: 'eu-central-1', copyAccountVaultArn: 'arn:aws:backup:eu-west-1:210987654321:backup-vault:offsite' }));
    expect((error as PolicyValidationError).issues.map((issue) => issue.path)).toEqual(['copyAccount']);
  });

  test('asks SILVER for the copy region only', () => {
    expect(() => BackupTier.SILVER.policy({ copyAccount: '123456789012' })).toThrow(/copyRegion is undefined/);
    expect(() => BackupTier.SILVER.policy({ copyRegion: 'eu-central-1' })).not.toThrow();
  });

  test('passes the platform, source region and notification target through', () => {
    const policy = BackupTier.SILVER.policy({ ...DESTINATIONS, platform: 'self-hosted', notificationTarget: 'arn:aws:sns:eu-west-1:123456789012:ops' });
    expect(policy).toMatchObject({ platform: 'self-hosted', sourceRegion: 'eu-west-1', alarms: { notificationTarget: 'arn:aws:sns:eu-west-1:123456789012:ops' } });
  });

  test('leaves out options that were not given', () => {
    expect(BackupTier.BRONZE.policy()).not.toHaveProperty('platform');
    expect(BackupTier.BRONZE.policy().alarms).toEqual({ rpoHours: 26 });
  });

  test('lets a same-region copy reach validatePolicy, which rejects it', () => {
    const policy = BackupTier.SILVER.policy({ sourceRegion: 'eu-west-1', copyRegion: 'eu-west-1' });
    expect(checkPolicy(policy)).toContainEqual(expect.objectContaining({ path: 'copies[0].region', value: 'eu-west-1' }));
  });
});

describe('BackupTier.with', () => {
  test('merges a section prop by prop over the tier\'s', () => {
    const tier = BackupTier.SILVER.with({ logicalDump: { retentionDays: 30 } });
    expect(tier.policy(DESTINATIONS).logicalDump).toEqual({ format: 'custom', retentionDays: 30 });
  });

  test('replaces lists instead of merging them', () => {
    const tier = BackupTier.GOLD.with({ copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 35 }] });
    expect(tier.policy({ sourceRegion: 'eu-west-1' }).copies).toEqual([{ destination: 'region', region: 'us-east-1', retentionDays: 35 }]);
  });

  test('refines the lock without restating it', () => {
    expect(BackupTier.GOLD.with({ immutability: { days: 5 } }).policy(DESTINATIONS).immutability).toEqual({ mode: 'compliance', days: 5 });
  });

  test('leaves the original tier unchanged', () => {
    BackupTier.GOLD.with({ logicalDump: { retentionDays: 90 } });
    expect(BackupTier.GOLD.policy(DESTINATIONS).logicalDump?.retentionDays).toBe(35);
  });

  test('names the derived tier', () => {
    expect(BackupTier.GOLD.with({}, 'GOLD-EU').name).toBe('GOLD-EU');
    expect(BackupTier.GOLD.with({}).name).toBe('GOLD*');
  });

  test('can make a tier that validatePolicy rejects', () => {
    const policy = BackupTier.GOLD.with({ immutability: { days: 60 } }).policy(DESTINATIONS);
    expect(checkPolicy(policy).map((issue) => issue.path)).toContain('immutability.days');
  });
});

describe('BackupTier.without', () => {
  test('drops whole sections', () => {
    const policy = BackupTier.GOLD.without('pitr', 'logicalDump').policy(DESTINATIONS);
    expect(policy).not.toHaveProperty('pitr');
    expect(policy).not.toHaveProperty('logicalDump');
    expect(policy.backupPlan).toBeDefined();
  });

  test('drops the copies and with them the need for destinations', () => {
    expect(() => BackupTier.GOLD.without('copies').policy()).not.toThrow();
  });
});

describe('BackupTier.custom', () => {
  test('wraps a fixed policy', () => {
    const tier = BackupTier.custom('DEV', { logicalDump: { retentionDays: 3 } });
    expect(tier.name).toBe('DEV');
    expect(tier.policy()).toEqual({ logicalDump: { retentionDays: 3 } });
  });

  test('builds a policy from the options, asking for destinations like the presets', () => {
    const tier = BackupTier.custom('OFFSITE', (options) => ({ copies: [{ destination: 'region', region: options.copyRegion, retentionDays: 7 }] }));
    expect(tier.policy({ copyRegion: 'us-west-2' }).copies).toEqual([{ destination: 'region', region: 'us-west-2', retentionDays: 7 }]);
    expect(() => tier.policy()).toThrow(/copyRegion is undefined/);
  });
});
