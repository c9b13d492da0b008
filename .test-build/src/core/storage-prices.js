"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_STORAGE_PRICES = void 0;
exports.resolveStoragePrices = resolveStoragePrices;
/**
 * The price table of the cost estimate: what a GB-month of each storage class, a GB-month of snapshot
 * storage and a GB copied between regions cost. The defaults are list prices, so the estimate is only
 * an estimate: overriding any entry (a negotiated discount, another region) is expected.
 */
const storage_class_1 = require("./storage-class");
const validation_1 = require("./validation");
/**
 * Public list prices in USD as of June 2025, first pricing tier: S3 in us-east-1 (Standard 0.023,
 * Standard-IA 0.0125, One Zone-IA 0.01, Intelligent-Tiering at its frequent-access price 0.023 — an upper
 * bound, since untouched objects move to cheaper tiers —, Glacier Instant Retrieval 0.004, Glacier Flexible
 * Retrieval 0.0036, Deep Archive 0.00099); Azure Blob Storage LRS in East US (hot 0.018, cool 0.01, cold
 * 0.0036, archive 0.002); RDS backup storage beyond the free allowance 0.095 (also used for Azure flexible
 * server backup storage, which is priced alike); AWS Backup cold storage 0.01; inter-region transfer 0.02
 * per GB. Requests, retrievals and early-deletion fees are not priced. Check the clouds' pricing pages
 * before relying on them.
 */
exports.DEFAULT_STORAGE_PRICES = {
    asOf: '2025-06',
    storageGbMonth: {
        [storage_class_1.StorageClass.STANDARD]: 0.023,
        [storage_class_1.StorageClass.INFREQUENT_ACCESS]: 0.0125,
        [storage_class_1.StorageClass.ONE_ZONE_INFREQUENT_ACCESS]: 0.01,
        [storage_class_1.StorageClass.INTELLIGENT_TIERING]: 0.023,
        [storage_class_1.StorageClass.GLACIER_INSTANT]: 0.004,
        [storage_class_1.StorageClass.GLACIER_FLEXIBLE]: 0.0036,
        [storage_class_1.StorageClass.DEEP_ARCHIVE]: 0.00099,
        [storage_class_1.StorageClass.HOT]: 0.018,
        [storage_class_1.StorageClass.COOL]: 0.01,
        [storage_class_1.StorageClass.COLD]: 0.0036,
        [storage_class_1.StorageClass.ARCHIVE]: 0.002,
    },
    snapshotGbMonth: 0.095,
    coldSnapshotGbMonth: 0.01,
    interRegionTransferGb: 0.02,
};
const MAX_PRICE = 1000;
/**
 * The default table with `overrides` applied, each override checked (a number from 0 to 1000 USD) and
 * reported to `validator` under `path`.
 */
function resolveStoragePrices(overrides = {}, validator = new validation_1.Validator(), path = 'prices', base = exports.DEFAULT_STORAGE_PRICES) {
    const storageGbMonth = { ...base.storageGbMonth };
    Object.entries(overrides.storageGbMonth ?? {}).forEach(([storageClass, price]) => {
        if (!validator.oneOf(`${path}.storageGbMonth`, storageClass, storage_class_1.ALL_STORAGE_CLASSES))
            return;
        if (validator.number(`${path}.storageGbMonth.${storageClass}`, price, 0, MAX_PRICE, 'USD') && price !== undefined) {
            storageGbMonth[storageClass] = price;
        }
    });
    const scalar = (name) => {
        const value = overrides[name];
        return validator.number(`${path}.${name}`, value, 0, MAX_PRICE, 'USD') && value !== undefined ? value : base[name];
    };
    return {
        asOf: overrides.asOf ?? base.asOf,
        storageGbMonth,
        snapshotGbMonth: scalar('snapshotGbMonth'),
        coldSnapshotGbMonth: scalar('coldSnapshotGbMonth'),
        interRegionTransferGb: scalar('interRegionTransferGb'),
    };
}
