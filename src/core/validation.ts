/**
 * One problem with a policy: where it is, what was given, and what is allowed.
 */
export interface ValidationIssue {
  /** Dotted path of the prop, e.g. `logicalDump.jobs` or `backupPlan.rules[1].retentionDays`. */
  readonly path: string;
  /** The value that was given (as the user wrote it). */
  readonly value: unknown;
  /** What is allowed instead, e.g. `an integer from 1 to 35` or `one of: custom, directory`. */
  readonly allowed: string;
  /** Why, when the rule involves more than the value itself (cross-field rules). */
  readonly reason?: string;
}

/** Renders a value the way the user would have written it, for error messages. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

/** The one-line message of an issue: `logicalDump.jobs is 0; allowed: an integer from 1 to 64`. */
export function formatIssue(issue: ValidationIssue): string {
  const reason = issue.reason ? ` (${issue.reason})` : '';
  return `${issue.path} is ${formatValue(issue.value)}; allowed: ${issue.allowed}${reason}`;
}

/**
 * Thrown when a policy has one or more problems. The message lists every problem, one a line,
 * so a user fixes them all in one pass rather than one per deploy.
 */
export class PolicyValidationError extends Error {
  /** Every problem found, in the order the checks ran. */
  public readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[]) {
    const lines = issues.map((issue) => `  - ${formatIssue(issue)}`);
    super(`Invalid backup policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'PolicyValidationError';
    this.issues = issues;
  }
}

/**
 * Tells whether a value is not known yet at validation time (a CDK token, a Pulumi output).
 * Such values are skipped by every check; the front end installs the test once.
 */
export type UnresolvedValueTest = (value: unknown) => boolean;

/** Options for a validation run. */
export interface ValidationOptions {
  /**
   * Values for which this returns true are not validated (they are checked by the cloud at deploy time).
   * @default - every value is known
   */
  readonly isUnresolved?: UnresolvedValueTest;
}

/**
 * Collects issues across a whole policy. Each check skips values the front end cannot know yet,
 * so no individual rule has to think about tokens or outputs.
 */
export class Validator {
  private readonly found: ValidationIssue[] = [];
  private readonly unresolved: UnresolvedValueTest;

  constructor(options: ValidationOptions = {}) {
    this.unresolved = options.isUnresolved ?? (() => false);
  }

  /** Every issue found so far. */
  public get issues(): readonly ValidationIssue[] {
    return this.found;
  }

  /** True when `value` is not known yet, or is one of several values of which one is not known yet. */
  public isUnresolved(...values: unknown[]): boolean {
    return values.some((value) => value !== undefined && this.unresolved(value));
  }

  /** Records an issue unless one of `dependsOn` (default: the value itself) is unresolved. */
  public report(issue: ValidationIssue, dependsOn: unknown[] = [issue.value]): void {
    if (this.isUnresolved(...dependsOn)) return;
    this.found.push(issue);
  }

  /** Checks a whole number in `[min, max]`; `undefined` passes (optional props). Returns whether it passed. */
  public integer(path: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    if (value === undefined || this.isUnresolved(value)) return true;
    const suffix = unit ? ` ${unit}` : '';
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.report({ path, value, allowed: `an integer from ${min} to ${max}${suffix}` });
      return false;
    }
    return true;
  }

  /** Checks a number in `[min, max]`; `undefined` passes. */
  public number(path: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    if (value === undefined || this.isUnresolved(value)) return true;
    const suffix = unit ? ` ${unit}` : '';
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.report({ path, value, allowed: `a number from ${min} to ${max}${suffix}` });
      return false;
    }
    return true;
  }

  /** Checks membership in a fixed set; `undefined` passes. */
  public oneOf<T>(path: string, value: T | undefined, allowed: readonly T[]): boolean {
    if (value === undefined || this.isUnresolved(value)) return true;
    if (!allowed.includes(value)) {
      this.report({ path, value, allowed: `one of: ${allowed.map((a) => String(a)).join(', ')}` });
      return false;
    }
    return true;
  }

  /** Checks a string against a pattern; `undefined` passes. */
  public matches(path: string, value: string | undefined, pattern: RegExp, allowed: string): boolean {
    if (value === undefined || this.isUnresolved(value)) return true;
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.report({ path, value, allowed });
      return false;
    }
    return true;
  }

  /** Checks that a list (when given) has no empty or blank entries. */
  public nonEmptyStrings(path: string, values: readonly string[] | undefined): boolean {
    if (values === undefined || this.isUnresolved(values)) return true;
    let ok = true;
    values.forEach((value, index) => {
      if (this.isUnresolved(value)) return;
      if (typeof value !== 'string' || value.trim() === '') {
        this.report({ path: `${path}[${index}]`, value, allowed: 'a non-empty name' });
        ok = false;
      }
    });
    return ok;
  }

  /** Throws a {@link PolicyValidationError} listing every issue, if any were found. */
  public throwIfInvalid(): void {
    if (this.found.length > 0) throw new PolicyValidationError(this.found);
  }
}
