"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.checkIntegerAtLeast = checkIntegerAtLeast;
exports.checkNonBlank = checkNonBlank;
exports.isKnownNumber = isKnownNumber;
/**
 * Checks a whole number of at least `min` with no upper bound; `undefined` and unresolved values pass.
 * Returns whether it passed.
 */
function checkIntegerAtLeast(validator, path, value, min, unit = '') {
    if (value === undefined || validator.isUnresolved(value))
        return true;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
        validator.report({ path, value, allowed: `an integer of at least ${min}${unit ? ` ${unit}` : ''}` });
        return false;
    }
    return true;
}
/** Checks that a string, when given, is not empty or blank. Returns whether it passed. */
function checkNonBlank(validator, path, value, allowed) {
    if (value === undefined || validator.isUnresolved(value))
        return true;
    if (typeof value !== 'string' || value.trim() === '') {
        validator.report({ path, value, allowed });
        return false;
    }
    return true;
}
/** True when `value` is a number that can be compared (given, resolved, finite). */
function isKnownNumber(validator, value) {
    return typeof value === 'number' && Number.isFinite(value) && !validator.isUnresolved(value);
}
