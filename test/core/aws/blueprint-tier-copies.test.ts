import { BlueprintServerHandle, planPostgresBackupBlueprint } from '../../../src/core/aws/postgres-backup-blueprint';
import { BackupTier, BackupTierOptions } from '../../../src/core/policy/backup-tier';
import { validationErrorOf } from '../../support/validation-cases';

const SERVER: BlueprintServerHandle = { managed: true, kind: 'instance', postgresMajorVersion: 16, storageEncryption: 'customer-managed-key' };
const REGION_VAULT = 'arn:aws:backup:eu-central-1:111122223333:backup-vault:copies';
const ACCOUNT_VAULT = 'arn:aws:backup:eu-west-1:444455556666:backup-vault:copies';

/** One managed server protected by `tier`, with the given tier options. */
function fleet(tier: BackupTier, tierOptions: BackupTierOptions) {
  return planPostgresBackupBlueprint({ tier, tierOptions, databases: [{ id: 'orders', databaseNames: ['orders'] }] },
    { servers: [SERVER], region: 'eu-west-1', validation: { construct: 'Stack/Fleet' }, name: 'StackFleet1234ABCD' });
}

describe('a blueprint on a tier that copies', () => {
  test('GOLD copies to the vaults tierOptions name, in the copy region and the copy account', () => {
    const plan = fleet(BackupTier.GOLD, { copyRegion: 'eu-central-1', copyAccount: '444455556666', copyRegionVaultArn: REGION_VAULT, copyAccountVaultArn: ACCOUNT_VAULT });
    expect(plan.backupPlans[0].policy.copies).toEqual([
      { destination: 'region', region: 'eu-central-1', vaultArn: REGION_VAULT, retentionDays: 35 },
      { destination: 'account', account: '444455556666', vaultArn: ACCOUNT_VAULT, retentionDays: 35 },
    ]);
  });

  test('SILVER copies to the region vault tierOptions name', () => {
    const plan = fleet(BackupTier.SILVER, { copyRegion: 'eu-central-1', copyRegionVaultArn: REGION_VAULT });
    expect(plan.backupPlans[0].policy.copies).toEqual([{ destination: 'region', region: 'eu-central-1', vaultArn: REGION_VAULT, retentionDays: 14 }]);
  });

  test('without the vaults, the refusal names the tier option that sets each', () => {
    const issues = validationErrorOf(() => fleet(BackupTier.GOLD, { copyRegion: 'eu-central-1', copyAccount: '444455556666' })).issues;
    expect(issues.map((issue) => `${issue.path}: ${issue.allowed}`)).toEqual([
      expect.stringMatching(/^tierOptions\.copyRegionVaultArn: the ARN of the destination vault, .*\(create it in the destination first\)$/),
      expect.stringMatching(/^tierOptions\.copyAccountVaultArn: the ARN of the destination vault, .*\(create it in the destination first\)$/),
    ]);
  });

  test('a bad vault or destination in tierOptions is named as the tier option the user wrote, with what is wrong with it', () => {
    const error = validationErrorOf(() => fleet(BackupTier.GOLD, {
      copyRegion: 'eu-west-1',
      copyRegionVaultArn: 'arn:aws:backup:eu-west-1:111122223333:backup-vault:a',
      copyAccount: '444455556666',
      copyAccountVaultArn: 'arn:aws:backup:eu-west-1:777755556666:backup-vault:copies',
    }));
    expect(error.message.split('\n').slice(1)).toEqual([
      '  - Stack/Fleet: tierOptions.copyRegion is "eu-west-1"; allowed: a region other than the source region "eu-west-1"',
      '  - Stack/Fleet: tierOptions.copyRegionVaultArn is "arn:aws:backup:eu-west-1:111122223333:backup-vault:a"; allowed: an AWS Backup vault ARN, '
        + '"arn:aws:backup:<region>:<account>:backup-vault:<name>" (its vault name "a" has 1 character; a vault name has 2 to 50)',
      '  - Stack/Fleet: tierOptions.copyAccountVaultArn is "arn:aws:backup:eu-west-1:777755556666:backup-vault:copies"; allowed: '
        + 'a vault in the copy\'s account "444455556666" (tierOptions.copyAccount)',
    ]);
  });

  test.each([
    ['the tier\'s own copies', BackupTier.SILVER.with({ copies: [{ destination: 'region', region: 'eu-central-1', vaultArn: 'copies', retentionDays: 14 }] }), undefined,
      'tier.copies[0].vaultArn'],
    ['a server\'s overrides', BackupTier.SILVER, { copies: [{ destination: 'region' as const, region: 'eu-central-1', vaultArn: 'copies', retentionDays: 14 }] },
      'databases[0].overrides.copies[0].vaultArn'],
  ])('a bad vault in %s is named where the user wrote it', (_, tier, overrides, path) => {
    const issues = validationErrorOf(() => planPostgresBackupBlueprint(
      { tier, tierOptions: { copyRegion: 'eu-central-1', copyRegionVaultArn: REGION_VAULT }, databases: [{ id: 'orders', databaseNames: ['orders'], overrides }] },
      { servers: [SERVER], region: 'eu-west-1', name: 'StackFleet1234ABCD' },
    )).issues;
    expect(issues.map((issue) => issue.path)).toEqual([path]);
  });
});
