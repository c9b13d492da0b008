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
      expect.stringMatching(/^databases\[0\]\.copies\[0\]\.vaultArn: the ARN of the destination vault, .*a tier's copies take it from tierOptions\.copyRegionVaultArn\)$/),
      expect.stringMatching(/^databases\[0\]\.copies\[1\]\.vaultArn: the ARN of the destination vault, .*a tier's copies take it from tierOptions\.copyAccountVaultArn\)$/),
    ]);
  });
});
