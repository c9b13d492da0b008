"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Validator = exports.PolicyValidationError = void 0;
exports.formatValue = formatValue;
exports.formatIssue = formatIssue;
exports.propPath = propPath;
/** Renders a value the way the user would have written it, for error messages. */
function formatValue(value) {
    if (typeof value === 'string')
        return JSON.stringify(value);
    if (value === undefined)
        return 'undefined';
    if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
        try {
            return JSON.stringify(value);
        }
        catch {
            return String(value);
        }
    }
    return String(value);
}
/** The one-line message of an issue: `logicalDump.jobs is 0; allowed: an integer from 1 to 64`. */
function formatIssue(issue) {
    const reason = issue.reason ? ` (${issue.reason})` : '';
    return `${issue.path} is ${formatValue(issue.value)}; allowed: ${issue.allowed}${reason}`;
}
/**
 * The prop path the user wrote for a policy path (see {@link PropPaths}):
 * `propPath('logicalDump.schedule.expression', { logicalDump: 'dump' })` is `dump.schedule.expression`.
 */
function propPath(path, propPaths = {}) {
    let best;
    for (const key of Object.keys(propPaths)) {
        const next = path.charAt(key.length);
        const covers = path.startsWith(key) && (next === '' || next === '.' || next === '[' || next === ' ');
        if (covers && (best === undefined || key.length > best.length))
            best = key;
    }
    if (best === undefined)
        return path;
    const target = propPaths[best];
    const rest = path.slice(best.length);
    if (target === '')
        return rest.startsWith('.') ? rest.slice(1) : rest;
    return `${target}${rest}`;
}
/**
 * Thrown when a policy has one or more problems. The message lists every problem, one a line,
 * so a user fixes them all in one pass rather than one per deploy.
 */
class PolicyValidationError extends Error {
    /** Every problem found, in the order the checks ran, each path as the user wrote it. */
    issues;
    /**
     * The construct whose props have the problems: its CDK node path or its Pulumi resource name.
     * @default - not known (a problem with a value core was called with directly)
     */
    construct;
    /**
     * @param issues every problem found
     * @param construct the construct whose props have the problems; each line of the message starts with it
     * (`Backups/NightlyDump: dump.jobs is 0; allowed: an integer from 1 to 64`)
     */
    constructor(issues, construct) {
        const where = construct ? `${construct}: ` : '';
        const lines = issues.map((issue) => `  - ${where}${formatIssue(issue)}`);
        super(`Invalid backup policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
        this.name = 'PolicyValidationError';
        this.issues = issues;
        this.construct = construct;
    }
}
exports.PolicyValidationError = PolicyValidationError;
/**
 * Collects issues across a whole policy. Each check skips values the front end cannot know yet,
 * so no individual rule has to think about tokens or outputs.
 */
class Validator {
    found = [];
    unresolved;
    propPaths;
    construct;
    constructor(options = {}) {
        this.unresolved = options.isUnresolved ?? (() => false);
        this.propPaths = options.propPaths ?? {};
        this.construct = options.construct;
    }
    /** Every issue found so far. */
    get issues() {
        return this.found;
    }
    /** True when `value` is not known yet, or is one of several values of which one is not known yet. */
    isUnresolved(...values) {
        return values.some((value) => value !== undefined && this.unresolved(value));
    }
    /**
     * The prop path the user wrote for a policy path, for messages that mention another prop than the one
     * reported (`an integer from 1 to 30 days (dump.retentionDays)`).
     */
    propPath(path) {
        return propPath(path, this.propPaths);
    }
    /**
     * Records an issue unless one of `dependsOn` (default: the value itself) is unresolved. Its path is a
     * policy path, recorded as the user wrote it ({@link ValidationOptions.propPaths}).
     */
    report(issue, dependsOn = [issue.value]) {
        if (this.isUnresolved(...dependsOn))
            return;
        this.found.push({ ...issue, path: this.propPath(issue.path) });
    }
    /**
     * Options for a check whose issues this validator then {@link include}s: the same test for unresolved values,
     * and where that check's policy is in the props (`checkPolicy(policy, validator.optionsFor({ logicalDump: 'dump' }))`).
     */
    optionsFor(propPaths) {
        return { isUnresolved: this.unresolved, propPaths };
    }
    /** Records issues another check has already found, as they are (their paths are already the user's). */
    include(issues) {
        this.found.push(...issues);
    }
    /** Checks a whole number in `[min, max]`; `undefined` passes (optional props). Returns whether it passed. */
    integer(path, value, min, max, unit = '') {
        if (value === undefined || this.isUnresolved(value))
            return true;
        const suffix = unit ? ` ${unit}` : '';
        if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
            this.report({ path, value, allowed: `an integer from ${min} to ${max}${suffix}` });
            return false;
        }
        return true;
    }
    /** Checks a number in `[min, max]`; `undefined` passes. */
    number(path, value, min, max, unit = '') {
        if (value === undefined || this.isUnresolved(value))
            return true;
        const suffix = unit ? ` ${unit}` : '';
        if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
            this.report({ path, value, allowed: `a number from ${min} to ${max}${suffix}` });
            return false;
        }
        return true;
    }
    /** Checks membership in a fixed set; `undefined` passes. */
    oneOf(path, value, allowed) {
        if (value === undefined || this.isUnresolved(value))
            return true;
        if (!allowed.includes(value)) {
            this.report({ path, value, allowed: `one of: ${allowed.map((a) => String(a)).join(', ')}` });
            return false;
        }
        return true;
    }
    /** Checks a string against a pattern; `undefined` passes. */
    matches(path, value, pattern, allowed) {
        if (value === undefined || this.isUnresolved(value))
            return true;
        if (typeof value !== 'string' || !pattern.test(value)) {
            this.report({ path, value, allowed });
            return false;
        }
        return true;
    }
    /** Checks that a list (when given) has no empty or blank entries. */
    nonEmptyStrings(path, values) {
        if (values === undefined || this.isUnresolved(values))
            return true;
        let ok = true;
        values.forEach((value, index) => {
            if (this.isUnresolved(value))
                return;
            if (typeof value !== 'string' || value.trim() === '') {
                this.report({ path: `${path}[${index}]`, value, allowed: 'a non-empty name' });
                ok = false;
            }
        });
        return ok;
    }
    /** Throws a {@link PolicyValidationError} listing every issue, if any were found. */
    throwIfInvalid() {
        if (this.found.length > 0)
            throw new PolicyValidationError(this.found, this.construct);
    }
}
exports.Validator = Validator;
