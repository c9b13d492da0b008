import {
  ManagedBackupPlanCheck, checkManagedBackupPlan, effectiveBackupRetentionDays, parseBackupVaultArn, resolveVaultLock,
  validateManagedBackupPlan,
} from '../../../src/core/aws/managed-backup-plan';
import { BackupPolicy } from '../../../src/core/policy/policy';
import { formatIssue } from '../../../src/core/policy/validation';

const VAULT_IN_FRANKFURT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:orders-copies';
const VAULT_IN_OTHER_ACCOUNT = 'arn:aws:backup:eu-west-1:210987654321:backup-vault:orders-offsite';

const daily: BackupPolicy = {
  sourceRegion: 'eu-west-1',
  backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }] },
};

function messages(check: Partial<ManagedBackupPlanCheck> & { policy: BackupPolicy }): string[] {
  return checkManagedBackupPlan({ storageEncryption: 'customer-managed-key', sourceAccount: '123456789012', ...check }).map(formatIssue);
}

describe('checkManagedBackupPlan rejects', () => {
  const cases: Array<{ name: string; check: Partial<ManagedBackupPlanCheck> & { policy: BackupPolicy }; message: RegExp }> = [
    {
      name: 'automated retention of 0 days',
      check: { policy: { ...daily, managedSnapshots: { backupRetentionDays: 0 } } },
      message: /^managedSnapshots\.backupRetentionDays is 0; allowed: an integer from 1 to 35 days$/,
    },
    {
      name: 'automated retention of 36 days',
      check: { policy: { ...daily, managedSnapshots: { backupRetentionDays: 36 } } },
      message: /^managedSnapshots\.backupRetentionDays is 36; allowed: an integer from 1 to 35 days$/,
    },
    {
      name: 'a backup window under 30 minutes',
      check: { policy: { ...daily, managedSnapshots: { preferredBackupWindow: '03:00-03:20' } } },
      message: /^managedSnapshots\.preferredBackupWindow is "03:00-03:20"; allowed: a daily window .* \(it lasts 20 minutes\)$/,
    },
    {
      name: 'a backup window overlapping the maintenance window',
      check: { policy: { ...daily, managedSnapshots: { preferredBackupWindow: '04:30-05:30', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' } } },
      message: /^managedSnapshots\.preferredBackupWindow is "04:30-05:30"; allowed: a window that does not overlap the maintenance window "sun:05:00-sun:06:00"$/,
    },
    {
      // AWS Backup ignores a lifecycle's cold storage for resource types outside its "Feature availability by resource"
      // table (API reference, Lifecycle), and RDS and Aurora are outside it.
      name: 'cold storage, which AWS Backup ignores for RDS and Aurora',
      check: { policy: { backupPlan: { rules: [{ name: 'monthly', frequency: 'monthly', retentionDays: 365, moveToColdStorageAfterDays: 90 }] } } },
      message: /^backupPlan\.rules\[0\]\.moveToColdStorageAfterDays is 90; allowed: unset on AWS \(AWS Backup does not move RDS or Aurora recovery points to cold storage/,
    },
    {
      name: 'a vault-lock minimum above a rule\'s retention',
      check: { policy: { ...daily, immutability: { days: 40 } } },
      message: /^immutability\.days is 40; allowed: an integer from 1 to 35 days \(backupPlan\.rules\[0\]\.retentionDays\)/,
    },
    {
      name: 'a copy into the source region',
      check: { policy: { ...daily, copies: [{ destination: 'region', region: 'eu-west-1', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:x1' }] } },
      message: /^copies\[0\]\.region is "eu-west-1"; allowed: a region other than the source region "eu-west-1"$/,
    },
    {
      name: 'continuous backup kept 40 days',
      check: { policy: { backupPlan: { continuousBackupRetentionDays: 40 } } },
      message: /^backupPlan\.continuousBackupRetentionDays is 40; allowed: an integer from 1 to 35 days$/,
    },
    {
      name: 'a changeable-for time on a governance lock',
      check: { policy: { ...daily, immutability: { days: 7 } }, vaultLock: { changeableForDays: 7 } },
      message: /^vaultLock\.changeableForDays is 7; allowed: unset in governance mode; set immutability\.mode to "compliance"/,
    },
    {
      name: 'a compliance lock changeable for less than 3 days',
      check: { policy: { ...daily, immutability: { mode: 'compliance', days: 7 } }, vaultLock: { changeableForDays: 1 } },
      message: /^vaultLock\.changeableForDays is 1; allowed: an integer from 3 to 36500 days$/,
    },
    {
      name: 'a lock maximum below a rule\'s retention',
      check: { policy: { ...daily, immutability: { days: 7 } }, vaultLock: { maxRetentionDays: 30 } },
      message: /^vaultLock\.maxRetentionDays is 30; allowed: an integer from 35 to 36500 days \(backupPlan\.rules\[0\]\.retentionDays is 35\)/,
    },
    {
      name: 'lock settings without a lock',
      check: { policy: daily, vaultLock: { maxRetentionDays: 365 } },
      message: /^vaultLock is \{"maxRetentionDays":365\}; allowed: unset, or set together with immutability\.days/,
    },
    {
      name: 'a copy without a destination vault',
      check: { policy: { ...daily, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 35 }] } },
      message: /^copies\[0\]\.vaultArn is undefined; allowed: the ARN of the destination vault/,
    },
    {
      name: 'a copy vault that is not a vault ARN',
      check: { policy: { ...daily, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: 'orders-copies' }] } },
      message: /^copies\[0\]\.vaultArn is "orders-copies"; allowed: an AWS Backup vault ARN, .* \(it does not have the 7 parts of an ARN separated by ":" \(it has 1\)\)$/,
    },
    ...[
      ['a one-letter vault name', 'arn:aws:backup:eu-central-1:123456789012:backup-vault:a', 'its vault name "a" has 1 character; a vault name has 2 to 50'],
      ['a vault name with a space', 'arn:aws:backup:eu-central-1:123456789012:backup-vault:my vault', 'its vault name "my vault" has characters other than letters, digits, "-" and "_"'],
      ['a vault name of 51 characters', `arn:aws:backup:eu-central-1:123456789012:backup-vault:${'v'.repeat(51)}`, `its vault name "${'v'.repeat(51)}" has 51 characters; a vault name has 2 to 50`],
      ['an 11-digit account', 'arn:aws:backup:eu-central-1:12345678901:backup-vault:copies', 'its account "12345678901" is not a 12-digit AWS account id'],
      ['a region with a typo', 'arn:aws:backup:eu-central:123456789012:backup-vault:copies', 'its region "eu-central" is not an AWS region such as "eu-west-1"'],
      ['an S3 bucket ARN', 'arn:aws:s3:eu-central-1:123456789012:backup-vault:copies', 'its service is "s3", not "backup"'],
      ['a backup plan ARN', 'arn:aws:backup:eu-central-1:123456789012:backup-plan:copies', 'its resource type is "backup-plan", not "backup-vault"'],
    ].map(([what, vaultArn, reason]) => ({
      name: `a copy vault ARN with ${what}`,
      check: { policy: { ...daily, copies: [{ destination: 'region' as const, region: 'eu-central-1', retentionDays: 35, vaultArn }] } },
      message: new RegExp(`^copies\\[0\\]\\.vaultArn is ".*"; allowed: an AWS Backup vault ARN, "arn:aws:backup:<region>:<account>:backup-vault:<name>" \\(${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`),
    })),
    {
      name: 'a copy vault in another region than the copy\'s',
      check: { policy: { ...daily, copies: [{ destination: 'region', region: 'us-east-1', retentionDays: 35, vaultArn: VAULT_IN_FRANKFURT }] } },
      message: /^copies\[0\]\.vaultArn is ".*"; allowed: a vault in the copy's region "us-east-1" \(copies\[0\]\.region\)$/,
    },
    {
      name: 'a copy vault in another account than the copy\'s',
      check: { policy: { ...daily, copies: [{ destination: 'account', account: '333333333333', retentionDays: 35, vaultArn: VAULT_IN_OTHER_ACCOUNT }] } },
      message: /^copies\[0\]\.vaultArn is ".*"; allowed: a vault in the copy's account "333333333333" \(copies\[0\]\.account\)$/,
    },
    {
      name: 'an account copy into the source account',
      check: { policy: { ...daily, copies: [{ destination: 'account', account: '123456789012', retentionDays: 35, vaultArn: 'arn:aws:backup:eu-west-1:123456789012:backup-vault:x1' }] } },
      message: /^copies\[0\]\.account is "123456789012"; allowed: an account other than the source account/,
    },
    {
      name: 'an account copy of a database encrypted with aws/rds',
      check: {
        policy: { ...daily, copies: [{ destination: 'account', account: '210987654321', retentionDays: 35, vaultArn: VAULT_IN_OTHER_ACCOUNT }] },
        storageEncryption: 'aws-managed-key',
      },
      message: /^copies\[0\]\.destination is "account"; allowed: "region" for a database encrypted with the AWS managed key aws\/rds \(snapshots encrypted with aws\/rds cannot be shared/,
    },
    {
      name: 'automated retention that differs from the continuous backup\'s',
      check: { policy: { managedSnapshots: { backupRetentionDays: 7 }, backupPlan: { continuousBackupRetentionDays: 14 } } },
      message: /^managedSnapshots\.backupRetentionDays is 7; allowed: 14 days, the value of backupPlan\.continuousBackupRetentionDays \(or unset\) \(AWS Backup continuous backup manages/,
    },
  ];

  test.each(cases)('$name', ({ check, message }) => {
    const found = messages(check);
    expect(found.some((line) => message.test(line)) ? [] : found).toEqual([]);
    expect(found.length).toBeGreaterThan(0);
  });
});

describe('checkManagedBackupPlan accepts', () => {
  test('a plan with a compliance lock, a region copy and an account copy of a database with its own key', () => {
    expect(messages({
      policy: {
        ...daily,
        managedSnapshots: { backupRetentionDays: 14, preferredBackupWindow: '03:00-03:30', preferredMaintenanceWindow: 'sun:05:00-sun:06:00' },
        backupPlan: { rules: [{ name: 'daily', frequency: 'daily', retentionDays: 35 }], continuousBackupRetentionDays: 14 },
        copies: [
          { destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: VAULT_IN_FRANKFURT },
          { destination: 'account', account: '210987654321', retentionDays: 35, vaultArn: VAULT_IN_OTHER_ACCOUNT },
        ],
        immutability: { mode: 'compliance', days: 7 },
      },
      vaultLock: { changeableForDays: 3, maxRetentionDays: 365 },
    })).toEqual([]);
  });

  test('a region copy of a database encrypted with aws/rds', () => {
    expect(messages({
      policy: { ...daily, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: VAULT_IN_FRANKFURT }] },
      storageEncryption: 'aws-managed-key',
    })).toEqual([]);
  });

  test('values not known yet are skipped', () => {
    const unresolved = '${Token[TOKEN.1]}';
    expect(checkManagedBackupPlan({
      policy: { ...daily, copies: [{ destination: 'region', region: 'eu-central-1', retentionDays: 35, vaultArn: unresolved }] },
      storageEncryption: 'unknown',
    }, { isUnresolved: (value) => value === unresolved })).toEqual([]);
  });
});

test('validateManagedBackupPlan reports every problem at once', () => {
  expect(() => validateManagedBackupPlan({
    policy: { ...daily, managedSnapshots: { backupRetentionDays: 0 }, immutability: { days: 40 } },
    storageEncryption: 'customer-managed-key',
  })).toThrow(/\(2 problems\):\n {2}- managedSnapshots\.backupRetentionDays is 0.*\n {2}- immutability\.days is 40/);
});

describe('resolveVaultLock', () => {
  test('is absent without immutability', () => {
    expect(resolveVaultLock(daily)).toBeUndefined();
  });

  test('is a governance lock, without a changeable-for time, unless compliance is asked for', () => {
    expect(resolveVaultLock({ ...daily, immutability: { days: 7 } }, { maxRetentionDays: 400 })).toEqual({
      mode: 'governance', minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: undefined,
    });
  });

  test('a compliance lock stays changeable 3 days unless told otherwise', () => {
    expect(resolveVaultLock({ ...daily, immutability: { mode: 'compliance', days: 7 } })?.changeableForDays).toBe(3);
    expect(resolveVaultLock({ ...daily, immutability: { mode: 'compliance', days: 7 } }, { changeableForDays: 10 })?.changeableForDays).toBe(10);
  });
});

describe('effectiveBackupRetentionDays', () => {
  test.each([
    { name: 'the policy\'s value first', policy: { managedSnapshots: { backupRetentionDays: 10 }, backupPlan: { continuousBackupRetentionDays: 10 } }, current: 3, days: 10 },
    { name: 'then the continuous backup\'s', policy: { backupPlan: { continuousBackupRetentionDays: 21 } }, current: 3, days: 21 },
    { name: 'then the database\'s own', policy: {}, current: 3, days: 3 },
    { name: 'then the fallback', policy: {}, current: undefined, days: 7 },
  ])('takes $name', ({ policy, current, days }) => {
    expect(effectiveBackupRetentionDays(policy, current, 7)).toBe(days);
  });
});

test('parseBackupVaultArn splits a vault ARN and refuses anything else', () => {
  expect(parseBackupVaultArn(VAULT_IN_FRANKFURT)).toEqual({ region: 'eu-central-1', account: '123456789012', name: 'orders-copies' });
  expect(parseBackupVaultArn('arn:aws:s3:::bucket')).toBeUndefined();
});
