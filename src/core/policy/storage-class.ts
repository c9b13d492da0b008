/**
 * Storage classes of object storage, as one neutral list shared by the lifecycle model, its S3 and
 * Azure renderers and the cost estimate. Each class belongs to one cloud; its rules (minimum storage
 * duration, minimum age before a transition, whether it can be read without a restore request) are
 * written down once here with the page they come from.
 */

/** A storage class (S3) or access tier (Azure Blob Storage). */
export enum StorageClass {
  /** S3 Standard: where every S3 object starts. */
  STANDARD = 'STANDARD',
  /** S3 Standard-Infrequent Access (`STANDARD_IA`). */
  INFREQUENT_ACCESS = 'INFREQUENT_ACCESS',
  /** S3 One Zone-Infrequent Access (`ONEZONE_IA`): one availability zone only. */
  ONE_ZONE_INFREQUENT_ACCESS = 'ONE_ZONE_INFREQUENT_ACCESS',
  /** S3 Intelligent-Tiering (`INTELLIGENT_TIERING`). */
  INTELLIGENT_TIERING = 'INTELLIGENT_TIERING',
  /** S3 Glacier Instant Retrieval (`GLACIER_IR`): millisecond reads. */
  GLACIER_INSTANT = 'GLACIER_INSTANT',
  /** S3 Glacier Flexible Retrieval (`GLACIER`): reads need a restore request first (minutes to hours). */
  GLACIER_FLEXIBLE = 'GLACIER_FLEXIBLE',
  /** S3 Glacier Deep Archive (`DEEP_ARCHIVE`): reads need a restore request first (up to 48 hours). */
  DEEP_ARCHIVE = 'DEEP_ARCHIVE',
  /** Azure hot tier: where every Azure blob starts by default. */
  HOT = 'HOT',
  /** Azure cool tier. */
  COOL = 'COOL',
  /** Azure cold tier. */
  COLD = 'COLD',
  /** Azure archive tier: offline, reads need rehydration first (up to 15 hours). */
  ARCHIVE = 'ARCHIVE',
}

/** The cloud a storage class belongs to. */
export type StorageCloud = 'aws' | 'azure';

/** What a cloud documents about one storage class. */
export interface StorageClassFacts {
  /** The cloud that offers the class. */
  readonly cloud: StorageCloud;
  /** The class's name in that cloud's API (`STANDARD_IA`, `GLACIER_IR`, `Cool`…). */
  readonly nativeName: string;
  /**
   * Days an object is billed for at least once it is in this class: deleting or moving it earlier
   * costs the remaining days anyway (S3 minimum storage duration, Azure early-deletion period).
   */
  readonly minimumStorageDays: number;
  /**
   * The least object age, in days since creation, that a lifecycle rule may move an object into
   * this class at; the cloud rejects an earlier transition.
   */
  readonly minimumAgeBeforeTransitionDays: number;
  /**
   * Position on the cloud's transition waterfall: objects only move to a class of a higher rank.
   */
  readonly rank: number;
  /** Whether an object can be read at once; `false` means a restore (rehydration) request first. */
  readonly readableWithoutRestore: boolean;
  /** Whether a lifecycle rule can move objects into the class (the starting classes cannot). */
  readonly transitionTarget: boolean;
  /** Where the numbers come from. */
  readonly source: string;
}

const S3_STORAGE_CLASSES_PAGE = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare';
const S3_TRANSITION_CONSTRAINTS_PAGE =
  'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html';
const AZURE_ACCESS_TIERS_PAGE = 'https://learn.microsoft.com/en-us/azure/storage/blobs/access-tiers-overview';

/**
 * The documented rules of every storage class.
 *
 * - S3 minimum storage durations (Standard-IA and One Zone-IA 30 days, Glacier Instant Retrieval and
 *   Glacier Flexible Retrieval 90 days, Deep Archive 180 days) are from the storage-class comparison
 *   table of the S3 User Guide; Intelligent-Tiering has none.
 * - S3 lifecycle rules cannot move an object to Standard-IA or One Zone-IA before it is 30 days old
 *   ("Constraints and considerations for transitions", S3 User Guide; the `Transition` API reference
 *   gives the same bound); the other classes accept day 0.
 * - S3 transitions follow the waterfall Standard → Standard-IA → Intelligent-Tiering → One Zone-IA →
 *   Glacier Instant Retrieval → Glacier Flexible Retrieval → Deep Archive (same page).
 * - Azure early-deletion periods (cool 30 days, cold 90 days, archive 180 days) are from the
 *   "Access tiers for blob data" overview; Azure has no minimum age before a lifecycle tier change.
 */
export const STORAGE_CLASS_FACTS: Readonly<Record<StorageClass, StorageClassFacts>> = {
  [StorageClass.STANDARD]: {
    cloud: 'aws',
    nativeName: 'STANDARD',
    minimumStorageDays: 0,
    minimumAgeBeforeTransitionDays: 0,
    rank: 0,
    readableWithoutRestore: true,
    transitionTarget: false,
    source: S3_STORAGE_CLASSES_PAGE,
  },
  [StorageClass.INFREQUENT_ACCESS]: {
    cloud: 'aws',
    nativeName: 'STANDARD_IA',
    minimumStorageDays: 30,
    minimumAgeBeforeTransitionDays: 30,
    rank: 1,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: S3_TRANSITION_CONSTRAINTS_PAGE,
  },
  [StorageClass.INTELLIGENT_TIERING]: {
    cloud: 'aws',
    nativeName: 'INTELLIGENT_TIERING',
    minimumStorageDays: 0,
    minimumAgeBeforeTransitionDays: 0,
    rank: 2,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: S3_STORAGE_CLASSES_PAGE,
  },
  [StorageClass.ONE_ZONE_INFREQUENT_ACCESS]: {
    cloud: 'aws',
    nativeName: 'ONEZONE_IA',
    minimumStorageDays: 30,
    minimumAgeBeforeTransitionDays: 30,
    rank: 3,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: S3_TRANSITION_CONSTRAINTS_PAGE,
  },
  [StorageClass.GLACIER_INSTANT]: {
    cloud: 'aws',
    nativeName: 'GLACIER_IR',
    minimumStorageDays: 90,
    minimumAgeBeforeTransitionDays: 0,
    rank: 4,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: S3_STORAGE_CLASSES_PAGE,
  },
  [StorageClass.GLACIER_FLEXIBLE]: {
    cloud: 'aws',
    nativeName: 'GLACIER',
    minimumStorageDays: 90,
    minimumAgeBeforeTransitionDays: 0,
    rank: 5,
    readableWithoutRestore: false,
    transitionTarget: true,
    source: S3_STORAGE_CLASSES_PAGE,
  },
  [StorageClass.DEEP_ARCHIVE]: {
    cloud: 'aws',
    nativeName: 'DEEP_ARCHIVE',
    minimumStorageDays: 180,
    minimumAgeBeforeTransitionDays: 0,
    rank: 6,
    readableWithoutRestore: false,
    transitionTarget: true,
    source: S3_STORAGE_CLASSES_PAGE,
  },
  [StorageClass.HOT]: {
    cloud: 'azure',
    nativeName: 'Hot',
    minimumStorageDays: 0,
    minimumAgeBeforeTransitionDays: 0,
    rank: 0,
    readableWithoutRestore: true,
    transitionTarget: false,
    source: AZURE_ACCESS_TIERS_PAGE,
  },
  [StorageClass.COOL]: {
    cloud: 'azure',
    nativeName: 'Cool',
    minimumStorageDays: 30,
    minimumAgeBeforeTransitionDays: 0,
    rank: 1,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: AZURE_ACCESS_TIERS_PAGE,
  },
  [StorageClass.COLD]: {
    cloud: 'azure',
    nativeName: 'Cold',
    minimumStorageDays: 90,
    minimumAgeBeforeTransitionDays: 0,
    rank: 2,
    readableWithoutRestore: true,
    transitionTarget: true,
    source: AZURE_ACCESS_TIERS_PAGE,
  },
  [StorageClass.ARCHIVE]: {
    cloud: 'azure',
    nativeName: 'Archive',
    minimumStorageDays: 180,
    minimumAgeBeforeTransitionDays: 0,
    rank: 3,
    readableWithoutRestore: false,
    transitionTarget: true,
    source: AZURE_ACCESS_TIERS_PAGE,
  },
};

/** Every storage class, in declaration order. */
export const ALL_STORAGE_CLASSES: readonly StorageClass[] = Object.values(StorageClass);

/** The class a new object lands in on a cloud: `STANDARD` on S3, `HOT` on Azure. */
export function initialStorageClass(cloud: StorageCloud): StorageClass {
  return cloud === 'azure' ? StorageClass.HOT : StorageClass.STANDARD;
}

/** The classes a lifecycle rule can move objects into on a cloud, coldest last. */
export function transitionTargets(cloud: StorageCloud): StorageClass[] {
  return ALL_STORAGE_CLASSES
    .filter((storageClass) => STORAGE_CLASS_FACTS[storageClass].cloud === cloud && STORAGE_CLASS_FACTS[storageClass].transitionTarget)
    .sort((a, b) => STORAGE_CLASS_FACTS[a].rank - STORAGE_CLASS_FACTS[b].rank);
}

/** The facts of a class, or `undefined` for a value that is not a storage class. */
export function storageClassFacts(storageClass: unknown): StorageClassFacts | undefined {
  return typeof storageClass === 'string' && Object.prototype.hasOwnProperty.call(STORAGE_CLASS_FACTS, storageClass)
    ? STORAGE_CLASS_FACTS[storageClass as StorageClass]
    : undefined;
}
