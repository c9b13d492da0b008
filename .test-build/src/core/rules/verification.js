"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkVerification = checkVerification;
const schedule_1 = require("../schedule");
/** Checks restore drills: schedule, non-empty SQL checks, and an RTO from 1 minute to 7 days. */
function checkVerification(validator, verification) {
    if (verification === undefined || validator.isUnresolved(verification))
        return;
    (0, schedule_1.checkSchedule)(validator, 'verification.schedule', verification.schedule);
    validator.nonEmptyStrings('verification.checks', verification.checks);
    validator.integer('verification.maxRestoreDurationMinutes', verification.maxRestoreDurationMinutes, 1, 10_080, 'minutes');
}
