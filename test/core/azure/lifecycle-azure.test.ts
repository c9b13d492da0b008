import { renderAzureManagementPolicyRules } from '../../../src/core/azure/lifecycle-azure';
import { dumpBucketLifecycleRules, walArchiveLifecycleRules } from '../../../src/core/policy/lifecycle';
import { StorageClass } from '../../../src/core/policy/storage-class';
import { Validator } from '../../../src/core/policy/validation';

describe('renderAzureManagementPolicyRules', () => {
  test('renders the dump rule in the ARM shape, with the container in front of the prefix', () => {
    const rules = dumpBucketLifecycleRules({ retentionDays: 35 }, {
      prefix: 'orders/',
      transitions: [{ days: 0, storageClass: StorageClass.COOL }],
    });
    expect(renderAzureManagementPolicyRules(rules, { containerName: 'pg-dumps' })).toEqual([{
      name: 'pg-dumps',
      enabled: true,
      type: 'Lifecycle',
      definition: {
        filters: { blobTypes: ['blockBlob'], prefixMatch: ['pg-dumps/orders/'] },
        actions: {
          baseBlob: {
            tierToCool: { daysAfterModificationGreaterThan: 0 },
            delete: { daysAfterModificationGreaterThan: 35 },
          },
          version: { delete: { daysAfterCreationGreaterThan: 7 } },
        },
      },
    }]);
  });

  test('maps cool, cold and archive to their tier actions', () => {
    const [rule] = renderAzureManagementPolicyRules([{
      id: 'tiers',
      prefix: '',
      transitions: [
        { days: 10, storageClass: StorageClass.COOL },
        { days: 40, storageClass: StorageClass.COLD },
        { days: 130, storageClass: StorageClass.ARCHIVE },
      ],
      expirationDays: 400,
    }], { containerName: 'backups' });
    expect(rule.definition.actions.baseBlob).toEqual({
      tierToCool: { daysAfterModificationGreaterThan: 10 },
      tierToCold: { daysAfterModificationGreaterThan: 40 },
      tierToArchive: { daysAfterModificationGreaterThan: 130 },
      delete: { daysAfterModificationGreaterThan: 400 },
    });
    expect(rule.definition.filters.prefixMatch).toEqual(['backups/']);
  });

  test('keeps only noncurrent-version cleanup for an archive the archiver expires', () => {
    const rules = renderAzureManagementPolicyRules(walArchiveLifecycleRules({}, 21), { containerName: 'wal-archive' });
    expect(rules.map((r) => [r.name, r.definition.filters.prefixMatch, r.definition.actions])).toEqual([
      ['wal-archive', ['wal-archive/wal/'], { version: { delete: { daysAfterCreationGreaterThan: 7 } } }],
      ['base-backups', ['wal-archive/base/'], { version: { delete: { daysAfterCreationGreaterThan: 7 } } }],
    ]);
  });

  test('leaves out a rule whose only action is the multipart abort Azure does not have', () => {
    expect(renderAzureManagementPolicyRules([{ id: 'uploads', prefix: '', abortIncompleteMultipartUploadDays: 1 }], { containerName: 'c01' }))
      .toEqual([]);
  });

  test('rejects an S3 storage class, naming the Azure tiers', () => {
    const validator = new Validator();
    renderAzureManagementPolicyRules([{ id: 'r', prefix: '', transitions: [{ days: 30, storageClass: StorageClass.GLACIER_INSTANT }] }],
      { containerName: 'backups', validator });
    expect(validator.issues).toEqual([{
      path: 'lifecycleRules[0].transitions[0].storageClass',
      value: 'GLACIER_INSTANT',
      allowed: 'an Azure access tier: one of COOL, COLD, ARCHIVE',
      reason: 'this is an S3 storage class, which Azure does not have',
    }]);
  });

  test.each(['Backups', 'ab', 'a--b', '-backups', 'x'.repeat(64)])('rejects the container name %j', (containerName) => {
    expect(() => renderAzureManagementPolicyRules([{ id: 'r', prefix: '', expirationDays: 1 }], { containerName }))
      .toThrow(`containerName is ${JSON.stringify(containerName)}; allowed: 3 to 63 lowercase letters, digits and single hyphens`);
  });
});
