"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkAlarms = checkAlarms;
const defaults_1 = require("../defaults");
const schedule_1 = require("../schedule");
const validation_1 = require("../validation");
const bounds_1 = require("./bounds");
/**
 * Checks alarms: an RPO from 1 hour to a year, not shorter than the gap between two runs of the most
 * frequent watched backup (it would alarm between every two backups), and a non-empty notification target.
 */
function checkAlarms(validator, policy) {
    const alarms = policy.alarms;
    if (alarms === undefined || validator.isUnresolved(alarms))
        return;
    (0, bounds_1.checkNonBlank)(validator, 'alarms.notificationTarget', alarms.notificationTarget, 'a topic ARN or action group id');
    const rpoValid = validator.integer('alarms.rpoHours', alarms.rpoHours, 1, 8784, 'hours');
    if (!rpoValid || alarms.rpoHours === undefined || validator.isUnresolved(alarms.rpoHours))
        return;
    // Schedules that are invalid are reported where they are; unresolved ones cannot be measured.
    const gaps = (0, defaults_1.rpoSchedules)(policy)
        .filter(({ schedule }) => !validator.isUnresolved(schedule, schedule.expression, schedule.timezone))
        .map(({ path, schedule }) => ({ path, minutes: measure(() => (0, schedule_1.longestIntervalMinutes)(schedule, path)) }))
        .filter((gap) => gap.minutes !== undefined);
    if (gaps.length === 0)
        return;
    const shortest = gaps.reduce((best, gap) => (gap.minutes < best.minutes ? gap : best));
    const leastHours = Math.ceil(shortest.minutes / 60);
    if (alarms.rpoHours < leastHours) {
        validator.report({
            path: 'alarms.rpoHours',
            value: alarms.rpoHours,
            allowed: `an integer from ${leastHours} to 8784 hours`,
            reason: `${validator.propPath(shortest.path)} runs up to ${leastHours} hours apart, so a shorter RPO alarms between every two backups`,
        });
    }
}
function measure(interval) {
    try {
        return interval();
    }
    catch (error) {
        if (error instanceof validation_1.PolicyValidationError)
            return undefined;
        throw error;
    }
}
