"use strict";
/**
 * Storage classes of object storage, as one neutral list shared by the lifecycle model, its S3 and
 * Azure renderers and the cost estimate. Each class belongs to one cloud; its rules (minimum storage
 * duration, minimum age before a transition, whether it can be read without a restore request) are
 * written down once here with the page they come from.
 */
Object.defineProperty(exports, "__esModule", { value: true });
exports.ALL_STORAGE_CLASSES = exports.STORAGE_CLASS_FACTS = exports.StorageClass = void 0;
exports.initialStorageClass = initialStorageClass;
exports.transitionTargets = transitionTargets;
exports.storageClassFacts = storageClassFacts;
/** A storage class (S3) or access tier (Azure Blob Storage). */
var StorageClass;
(function (StorageClass) {
    /** S3 Standard: where every S3 object starts. */
    StorageClass["STANDARD"] = "STANDARD";
    /** S3 Standard-Infrequent Access (`STANDARD_IA`). */
    StorageClass["INFREQUENT_ACCESS"] = "INFREQUENT_ACCESS";
    /** S3 One Zone-Infrequent Access (`ONEZONE_IA`): one availability zone only. */
    StorageClass["ONE_ZONE_INFREQUENT_ACCESS"] = "ONE_ZONE_INFREQUENT_ACCESS";
    /** S3 Intelligent-Tiering (`INTELLIGENT_TIERING`). */
    StorageClass["INTELLIGENT_TIERING"] = "INTELLIGENT_TIERING";
    /** S3 Glacier Instant Retrieval (`GLACIER_IR`): millisecond reads. */
    StorageClass["GLACIER_INSTANT"] = "GLACIER_INSTANT";
    /** S3 Glacier Flexible Retrieval (`GLACIER`): reads need a restore request first (minutes to hours). */
    StorageClass["GLACIER_FLEXIBLE"] = "GLACIER_FLEXIBLE";
    /** S3 Glacier Deep Archive (`DEEP_ARCHIVE`): reads need a restore request first (up to 48 hours). */
    StorageClass["DEEP_ARCHIVE"] = "DEEP_ARCHIVE";
    /** Azure hot tier: where every Azure blob starts by default. */
    StorageClass["HOT"] = "HOT";
    /** Azure cool tier. */
    StorageClass["COOL"] = "COOL";
    /** Azure cold tier. */
    StorageClass["COLD"] = "COLD";
    /** Azure archive tier: offline, reads need rehydration first (up to 15 hours). */
    StorageClass["ARCHIVE"] = "ARCHIVE";
})(StorageClass || (exports.StorageClass = StorageClass = {}));
const S3_STORAGE_CLASSES_PAGE = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-class-intro.html#sc-compare';
const S3_TRANSITION_CONSTRAINTS_PAGE = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-transition-general-considerations.html';
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
exports.STORAGE_CLASS_FACTS = {
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
exports.ALL_STORAGE_CLASSES = Object.values(StorageClass);
/** The class a new object lands in on a cloud: `STANDARD` on S3, `HOT` on Azure. */
function initialStorageClass(cloud) {
    return cloud === 'azure' ? StorageClass.HOT : StorageClass.STANDARD;
}
/** The classes a lifecycle rule can move objects into on a cloud, coldest last. */
function transitionTargets(cloud) {
    return exports.ALL_STORAGE_CLASSES
        .filter((storageClass) => exports.STORAGE_CLASS_FACTS[storageClass].cloud === cloud && exports.STORAGE_CLASS_FACTS[storageClass].transitionTarget)
        .sort((a, b) => exports.STORAGE_CLASS_FACTS[a].rank - exports.STORAGE_CLASS_FACTS[b].rank);
}
/** The facts of a class, or `undefined` for a value that is not a storage class. */
function storageClassFacts(storageClass) {
    return typeof storageClass === 'string' && Object.prototype.hasOwnProperty.call(exports.STORAGE_CLASS_FACTS, storageClass)
        ? exports.STORAGE_CLASS_FACTS[storageClass]
        : undefined;
}
