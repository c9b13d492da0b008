"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DAYS_PER_MONTH = exports.DEFAULT_COMPRESSION_RATIO = void 0;
exports.estimateMonthlyCost = estimateMonthlyCost;
exports.runsPerDay = runsPerDay;
/**
 * How much storage a backup policy keeps at steady state, per storage class, and what it costs a month.
 * An estimate from a few numbers (database size, daily change, compression) and the policy's retention;
 * the model behind each item is written next to it so the figure can be checked by hand.
 */
const defaults_1 = require("./defaults");
const lifecycle_1 = require("./lifecycle");
const lifecycle_rules_1 = require("./lifecycle-rules");
const schedule_1 = require("./schedule");
const storage_class_1 = require("./storage-class");
const storage_prices_1 = require("./storage-prices");
const validation_1 = require("./validation");
/**
 * How much smaller a compressed backup is than the database: 3 is typical of a dump at the default `zstd:1`
 * (within a few percent of pg_dump's gzip level 6 on mixed OLTP data), and of pgBackRest, WAL-G and
 * barman-cloud compressing base backups and WAL.
 * Measure yours (a dump's manifest records its size) and pass it as `compressionRatio`.
 */
exports.DEFAULT_COMPRESSION_RATIO = 3;
/** The days of an average month (365 / 12). */
exports.DAYS_PER_MONTH = 365 / 12;
/**
 * Estimates the storage a policy keeps at steady state and its monthly cost.
 *
 * - Logical dumps: each dump is `databaseSizeGb / compressionRatio`; `runs a day × (retentionDays +
 *   noncurrentVersionDays)` dumps are kept, split between classes by `dumpTransitions`.
 * - WAL: `dailyChangeGb / compressionRatio` a day, kept `pitr.walRetentionDays` (default: the minimum that
 *   replays the oldest base backup) plus the noncurrent days.
 * - Base backups: a full is the compressed database; the differentials between two fulls, evenly spaced,
 *   hold the change since their full (at most the database). `retainFull` groups are kept (with lifecycle
 *   expiry: as many as fit in the base-backup expiration), plus what expired in the last noncurrent days.
 * - Snapshots (managed snapshots or a backup plan): incremental, so one full copy of the database plus the
 *   daily change over the longest warm retention; a recovery point moved to cold storage is kept whole.
 *   The free backup allowance of RDS is not subtracted.
 * - Copies: each copy keeps the snapshots (or, without snapshots, the dumps) again for its own retention,
 *   and a copy to another region moves the daily change (or each new dump) across regions.
 *
 * Bad inputs are reported to `validator` (default: thrown as a `PolicyValidationError`).
 */
function estimateMonthlyCost(inputs, prices = {}, validator) {
    const check = validator ?? new validation_1.Validator();
    const before = check.issues.length;
    check.number('databaseSizeGb', inputs.databaseSizeGb, 0, 10_000_000, 'GB');
    check.number('dailyChangeGb', inputs.dailyChangeGb, 0, 10_000_000, 'GB');
    check.number('compressionRatio', inputs.compressionRatio, 1, 100);
    check.integer('noncurrentVersionDays', inputs.noncurrentVersionDays, 0, lifecycle_rules_1.MAX_LIFECYCLE_DAYS, 'days');
    const table = (0, storage_prices_1.resolveStoragePrices)(prices, check);
    const model = new SteadyStateModel(inputs, check);
    const items = check.issues.length === before ? model.items(table) : [];
    if (!validator)
        check.throwIfInvalid();
    const gbMonthByStorageClass = {};
    for (const item of items) {
        if (item.storageClass)
            gbMonthByStorageClass[item.storageClass] = (gbMonthByStorageClass[item.storageClass] ?? 0) + item.quantity;
    }
    const totalGbMonth = sum(items.filter((item) => item.unit === 'GB-month').map((item) => item.quantity));
    const totalMonthlyUsd = sum(items.map((item) => item.monthlyUsd));
    const summary = `${inputs.label ?? 'backups'}: ${formatNumber(totalGbMonth)} GB-month, about $${formatUsd(totalMonthlyUsd)} a month `
        + `(estimate, list prices of ${table.asOf})`;
    return { items, gbMonthByStorageClass, totalGbMonth, totalMonthlyUsd, pricesAsOf: table.asOf, summary };
}
class SteadyStateModel {
    inputs;
    validator;
    policy;
    size;
    change;
    ratio;
    noncurrentDays;
    initialClass;
    dumpRunsPerDay;
    fullsPerDay;
    diffsPerDay;
    constructor(inputs, validator) {
        this.inputs = inputs;
        this.validator = validator;
        this.policy = inputs.policy;
        this.size = inputs.databaseSizeGb;
        this.change = inputs.dailyChangeGb;
        this.ratio = inputs.compressionRatio ?? exports.DEFAULT_COMPRESSION_RATIO;
        this.noncurrentDays = inputs.noncurrentVersionDays ?? lifecycle_1.DEFAULT_NONCURRENT_VERSION_EXPIRATION_DAYS;
        this.initialClass = (0, storage_class_1.initialStorageClass)(this.policy.platform === 'azure' ? 'azure' : 'aws');
        const dump = this.policy.logicalDump;
        if (dump) {
            this.dumpRunsPerDay = runsPerDay(dump.schedule ?? defaults_1.DEFAULT_LOGICAL_DUMP_SCHEDULE, 'logicalDump.schedule', validator);
            (0, lifecycle_rules_1.validateLifecycleRules)([{
                    id: 'logical-dumps', prefix: '', transitions: inputs.dumpTransitions, expirationDays: dump.retentionDays ?? defaults_1.DEFAULT_DUMP_RETENTION_DAYS,
                }], validator, 'dumpLifecycle');
        }
        const pitr = this.policy.pitr;
        if (pitr) {
            this.fullsPerDay = runsPerDay(pitr.fullBackupSchedule ?? defaults_1.DEFAULT_FULL_BACKUP_SCHEDULE, 'pitr.fullBackupSchedule', validator);
            this.diffsPerDay = runsPerDay(pitr.diffBackupSchedule ?? defaults_1.DEFAULT_DIFF_BACKUP_SCHEDULE, 'pitr.diffBackupSchedule', validator);
        }
    }
    items(prices) {
        const items = [];
        const stored = (item, description, quantity, unitPriceUsd, storageClass) => {
            if (quantity <= 0)
                return;
            items.push({ item, description, ...(storageClass ? { storageClass } : {}), quantity, unit: 'GB-month', unitPriceUsd, monthlyUsd: quantity * unitPriceUsd });
        };
        const storedInClass = (item, description, quantity, storageClass) => stored(item, description, quantity, prices.storageGbMonth[storageClass], storageClass);
        for (const segment of this.dumpSegments()) {
            storedInClass('logical-dumps', segment.description, segment.gbMonth, segment.storageClass);
        }
        if (this.policy.pitr) {
            const wal = this.walGbMonth();
            storedInClass('wal-archive', wal.description, wal.gbMonth, this.initialClass);
            const base = this.baseBackupGbMonth();
            storedInClass('base-backups', base.description, base.gbMonth, this.initialClass);
        }
        const snapshots = this.snapshotGbMonth();
        if (snapshots) {
            stored('snapshots', snapshots.description, snapshots.warm, prices.snapshotGbMonth);
            stored('cold-snapshots', 'recovery points in cold storage, each kept whole', snapshots.cold, prices.coldSnapshotGbMonth);
        }
        for (const copy of this.copies(snapshots !== undefined)) {
            if (copy.inClass) {
                storedInClass('copies', copy.description, copy.gbMonth, this.initialClass);
            }
            else {
                stored('copies', copy.description, copy.gbMonth, prices.snapshotGbMonth);
            }
            if (copy.transferGb > 0) {
                items.push({
                    item: 'copy-transfer',
                    description: `${formatNumber(copy.transferGb)} GB a month copied to ${copy.region}`,
                    quantity: copy.transferGb,
                    unit: 'GB',
                    unitPriceUsd: prices.interRegionTransferGb,
                    monthlyUsd: copy.transferGb * prices.interRegionTransferGb,
                });
            }
        }
        return items;
    }
    get dumpGb() {
        return this.size / this.ratio;
    }
    /** Dumps by the class they are in: ages `[0, t1)` in the first class, `[t1, t2)` in the next, …, up to expiry plus the noncurrent days. */
    dumpSegments() {
        const dump = this.policy.logicalDump;
        if (!dump || this.dumpRunsPerDay === undefined)
            return [];
        const retention = dump.retentionDays ?? defaults_1.DEFAULT_DUMP_RETENTION_DAYS;
        const lifetime = retention + this.noncurrentDays;
        const boundaries = [
            { day: 0, storageClass: this.initialClass },
            ...(this.inputs.dumpTransitions ?? []).filter((t) => t.days < lifetime).map((t) => ({ day: t.days, storageClass: t.storageClass })),
        ];
        return boundaries.map((boundary, index) => {
            const end = index + 1 < boundaries.length ? boundaries[index + 1].day : lifetime;
            const days = end - boundary.day;
            return {
                storageClass: boundary.storageClass,
                gbMonth: this.dumpGb * this.dumpRunsPerDay * days,
                description: `${formatNumber(this.dumpRunsPerDay * days)} dumps of ${formatNumber(this.dumpGb)} GB aged ${boundary.day}–${end} days`,
            };
        });
    }
    walGbMonth() {
        const walDays = (0, defaults_1.resolvePitr)(this.policy.pitr).walRetentionDays + this.noncurrentDays;
        const perDay = this.change / this.ratio;
        return { gbMonth: perDay * walDays, description: `${formatNumber(perDay)} GB of WAL a day kept ${walDays} days` };
    }
    baseBackupGbMonth() {
        const pitr = this.policy.pitr;
        const fullsPerDay = this.fullsPerDay ?? 0;
        if (fullsPerDay === 0)
            return { gbMonth: 0, description: 'no full base backups' };
        const diffsPerFull = Math.round((this.diffsPerDay ?? 0) / fullsPerDay);
        const spacingDays = 1 / (fullsPerDay * (diffsPerFull + 1));
        let diffs = 0;
        for (let i = 1; i <= diffsPerFull; i++)
            diffs += Math.min(i * spacingDays * this.change, this.size) / this.ratio;
        const group = this.dumpGb + diffs;
        const resolved = (0, defaults_1.resolvePitr)(pitr);
        const groupsKept = resolved.expireBy === 'lifecycle'
            ? ((0, lifecycle_1.baseBackupExpirationDays)(pitr, this.validator) ?? 0) * fullsPerDay
            : resolved.retainFull;
        const expiredPerDay = group * fullsPerDay;
        return {
            gbMonth: group * groupsKept + expiredPerDay * this.noncurrentDays,
            description: `${formatNumber(groupsKept)} fulls of ${formatNumber(this.dumpGb)} GB with ${diffsPerFull} differentials each (${formatNumber(diffs)} GB)`,
        };
    }
    snapshotGbMonth() {
        const { managedSnapshots, backupPlan } = this.policy;
        if (!managedSnapshots && !backupPlan)
            return undefined;
        const warmDays = [
            ...(managedSnapshots ? [managedSnapshots.backupRetentionDays ?? defaults_1.DEFAULT_MANAGED_BACKUP_RETENTION_DAYS] : []),
            ...(backupPlan?.continuousBackupRetentionDays !== undefined ? [backupPlan.continuousBackupRetentionDays] : []),
            ...(backupPlan?.rules ?? []).map((rule) => Math.min(rule.retentionDays, rule.moveToColdStorageAfterDays ?? rule.retentionDays)),
        ];
        const longest = Math.max(0, ...warmDays);
        let cold = 0;
        (backupPlan?.rules ?? []).forEach((rule, index) => {
            if (rule.moveToColdStorageAfterDays === undefined || rule.moveToColdStorageAfterDays >= rule.retentionDays)
                return;
            const perDay = runsPerDay(rule.schedule ?? (0, defaults_1.defaultBackupPlanSchedule)(rule.frequency), `backupPlan.rules[${index}].schedule`, this.validator) ?? 0;
            cold += perDay * (rule.retentionDays - rule.moveToColdStorageAfterDays) * this.size;
        });
        return {
            warm: this.size + this.change * longest,
            cold,
            description: `one full copy of ${formatNumber(this.size)} GB and ${longest} days of ${formatNumber(this.change)} GB daily change`,
        };
    }
    copies(hasSnapshots) {
        const dumpRuns = this.dumpRunsPerDay ?? 0;
        return (this.policy.copies ?? []).flatMap((copy) => {
            const crossRegion = copy.destination === 'region' || (copy.region !== undefined && copy.region !== this.policy.sourceRegion);
            const region = copy.region ?? 'another account';
            if (hasSnapshots) {
                return [{
                        gbMonth: this.size + this.change * copy.retentionDays,
                        transferGb: crossRegion ? this.change * exports.DAYS_PER_MONTH : 0,
                        inClass: false,
                        region,
                        description: `snapshots copied to ${region}, kept ${copy.retentionDays} days`,
                    }];
            }
            if (dumpRuns === 0)
                return [];
            return [{
                    gbMonth: this.dumpGb * dumpRuns * copy.retentionDays,
                    transferGb: crossRegion ? this.dumpGb * dumpRuns * exports.DAYS_PER_MONTH : 0,
                    inClass: true,
                    region,
                    description: `dumps copied to ${region}, kept ${copy.retentionDays} days`,
                }];
        });
    }
}
// 52 whole weeks, so weekly schedules average exactly 1/7 a day.
const SAMPLE_DAYS = 364;
const SAMPLE_START = Date.UTC(2025, 0, 1);
const MINUTES_PER_UNIT = { minute: 1, hour: 60, day: 1440 };
/**
 * Average runs a day of a schedule, over 52 weeks of calendar days (wall-clock, daylight saving time ignored).
 * Reports an invalid schedule under `path` and returns `undefined`.
 */
function runsPerDay(spec, path, validator = new validation_1.Validator()) {
    if (validator.isUnresolved(spec, spec.expression, spec.timezone))
        return undefined;
    let parsed;
    try {
        parsed = (0, schedule_1.parseSchedule)(spec, path);
    }
    catch (error) {
        if (!(error instanceof validation_1.PolicyValidationError))
            throw error;
        error.issues.forEach((issue) => validator.report(issue, []));
        return undefined;
    }
    if (parsed.kind === 'rate')
        return 1440 / (parsed.value * MINUTES_PER_UNIT[parsed.unit]);
    let days = 0;
    for (let day = 0; day < SAMPLE_DAYS; day++) {
        const date = new Date(SAMPLE_START + day * 86_400_000);
        const matches = (parsed.months === undefined || parsed.months.includes(date.getUTCMonth() + 1))
            && (parsed.daysOfMonth === undefined || parsed.daysOfMonth.includes(date.getUTCDate()))
            && (parsed.daysOfWeek === undefined || parsed.daysOfWeek.includes(date.getUTCDay()));
        if (matches)
            days++;
    }
    return (parsed.minutes.length * parsed.hours.length * days) / SAMPLE_DAYS;
}
/** Dollars and cents, rounding half up after clearing binary noise (21.275 is stored as 21.27499…). */
function formatUsd(value) {
    return (Math.round(Number((value * 100).toFixed(6))) / 100).toFixed(2);
}
function sum(values) {
    return values.reduce((total, value) => total + value, 0);
}
function formatNumber(value) {
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}
