import {
  ALL_STORAGE_CLASSES,
  STORAGE_CLASS_FACTS,
  StorageClass,
  initialStorageClass,
  storageClassFacts,
  transitionTargets,
} from '../../../src/core/policy/storage-class';

describe('storage classes', () => {
  test.each([
    [StorageClass.INFREQUENT_ACCESS, 30],
    [StorageClass.ONE_ZONE_INFREQUENT_ACCESS, 30],
    [StorageClass.GLACIER_INSTANT, 90],
    [StorageClass.GLACIER_FLEXIBLE, 90],
    [StorageClass.DEEP_ARCHIVE, 180],
    [StorageClass.INTELLIGENT_TIERING, 0],
    [StorageClass.COOL, 30],
    [StorageClass.COLD, 90],
    [StorageClass.ARCHIVE, 180],
  ])('%s has a minimum storage duration of %i days', (storageClass, days) => {
    expect(STORAGE_CLASS_FACTS[storageClass].minimumStorageDays).toBe(days);
  });

  test('only Standard-IA and One Zone-IA require objects to be 30 days old before a transition', () => {
    const requiringAge = ALL_STORAGE_CLASSES.filter((c) => STORAGE_CLASS_FACTS[c].minimumAgeBeforeTransitionDays > 0);
    expect(requiringAge).toEqual([StorageClass.INFREQUENT_ACCESS, StorageClass.ONE_ZONE_INFREQUENT_ACCESS]);
    expect(requiringAge.map((c) => STORAGE_CLASS_FACTS[c].minimumAgeBeforeTransitionDays)).toEqual([30, 30]);
  });

  test('every class names the page its numbers come from', () => {
    for (const storageClass of ALL_STORAGE_CLASSES) {
      expect(STORAGE_CLASS_FACTS[storageClass].source).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|learn\.microsoft\.com)\//);
    }
  });

  test('the S3 transition targets follow the waterfall, coldest last', () => {
    expect(transitionTargets('aws')).toEqual([
      StorageClass.INFREQUENT_ACCESS,
      StorageClass.INTELLIGENT_TIERING,
      StorageClass.ONE_ZONE_INFREQUENT_ACCESS,
      StorageClass.GLACIER_INSTANT,
      StorageClass.GLACIER_FLEXIBLE,
      StorageClass.DEEP_ARCHIVE,
    ]);
  });

  test('the Azure transition targets are cool, cold and archive, coldest last', () => {
    expect(transitionTargets('azure')).toEqual([StorageClass.COOL, StorageClass.COLD, StorageClass.ARCHIVE]);
  });

  test('objects start in STANDARD on S3 and HOT on Azure', () => {
    expect(initialStorageClass('aws')).toBe(StorageClass.STANDARD);
    expect(initialStorageClass('azure')).toBe(StorageClass.HOT);
  });

  test('only the offline classes need a restore request before a read', () => {
    const offline = ALL_STORAGE_CLASSES.filter((c) => !STORAGE_CLASS_FACTS[c].readableWithoutRestore);
    expect(offline).toEqual([StorageClass.GLACIER_FLEXIBLE, StorageClass.DEEP_ARCHIVE, StorageClass.ARCHIVE]);
  });

  test('looking up a value that is not a storage class gives undefined', () => {
    expect(storageClassFacts('GLACIER')).toBeUndefined();
    expect(storageClassFacts('toString')).toBeUndefined();
    expect(storageClassFacts(StorageClass.COOL)?.nativeName).toBe('Cool');
  });
});
