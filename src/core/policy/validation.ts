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

/**
 * Stands in an issue for a value given as a CDK token or a Pulumi output where the prop needs a literal: such a value
 * has no text the user wrote (a token reads as `${Token[…]}` or -1.8e+289, an output as `[object Object]`), so the
 * message says what it is instead.
 */
export class DeployTimeValue {
  /** How the message names the value. */
  public toString(): string {
    return 'a value known only at deploy time (a CDK token or a Pulumi output)';
  }

  /** The same text in JSON, so issues compare and serialize by it. */
  public toJSON(): string {
    return this.toString();
  }
}

/**
 * Props whose value must be a literal, each with why, as the user writes them with list indexes left out
 * (`rpoHours`, `backupPlan.rules.retentionDays`, `dump.tables`): a prop's value decides at synth time which resources
 * exist or what their settings are (an alarm period, a lifecycle rule, a cron), so a deploy-time value cannot stand
 * for it. A prop listed covers what is inside it (`dump.schedule` covers `dump.schedule.expression`).
 */
export type LiteralProps = Readonly<Record<string, string>>;

/** Renders a value the way the user would have written it, for error messages. */
export function formatValue(value: unknown): string {
  if (value instanceof DeployTimeValue) return value.toString();
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
 * Where the parts of core's policy are in a construct's props: each key is a policy path or the first segments
 * of one (`logicalDump`, `alarms.rpoHours`, `backupPlan.rules`), each value the prop the user wrote instead
 * (`dump`, `rpoHours`, `databases[2].backupPlan.rules`; `''` for props at the top level). The longest key that
 * is a whole-segment prefix of a path wins; paths no key covers are already the user's.
 */
export type PropPaths = Readonly<Record<string, string>>;

/**
 * The prop path the user wrote for a policy path (see {@link PropPaths}):
 * `propPath('logicalDump.schedule.expression', { logicalDump: 'dump' })` is `dump.schedule.expression`.
 */
export function propPath(path: string, propPaths: PropPaths = {}): string {
  let best: string | undefined;
  for (const key of Object.keys(propPaths)) {
    const next = path.charAt(key.length);
    const covers = path.startsWith(key) && (next === '' || next === '.' || next === '[' || next === ' ');
    if (covers && (best === undefined || key.length > best.length)) best = key;
  }
  if (best === undefined) return path;
  const target = propPaths[best];
  const rest = path.slice(best.length);
  if (target === '') return rest.startsWith('.') ? rest.slice(1) : rest;
  return `${target}${rest}`;
}

/**
 * Thrown when a policy has one or more problems. The message lists every problem, one a line,
 * so a user fixes them all in one pass rather than one per deploy.
 */
export class PolicyValidationError extends Error {
  /** Every problem found, in the order the checks ran, each path as the user wrote it. */
  public readonly issues: readonly ValidationIssue[];
  /**
   * The construct whose props have the problems: its CDK node path or its Pulumi resource name.
   * @default - not known (a problem with a value core was called with directly)
   */
  public readonly construct?: string;

  /**
   * @param issues every problem found
   * @param construct the construct whose props have the problems; each line of the message starts with it
   * (`Backups/NightlyDump: dump.jobs is 0; allowed: an integer from 1 to 64`)
   */
  constructor(issues: readonly ValidationIssue[], construct?: string) {
    const where = construct ? `${construct}: ` : '';
    const lines = issues.map((issue) => `  - ${where}${formatIssue(issue)}`);
    super(`Invalid backup policy (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'PolicyValidationError';
    this.issues = issues;
    this.construct = construct;
  }
}

/**
 * Runs `build` and names `construct` in a {@link PolicyValidationError} it throws without one: a check core runs while
 * building a part of a construct (a state machine, a schedule) then names the construct like the construct's own checks.
 */
export function namingConstruct<T>(construct: string | undefined, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof PolicyValidationError && error.construct === undefined && construct !== undefined) {
      throw new PolicyValidationError(error.issues, construct);
    }
    throw error;
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
  /**
   * Where the policy's parts are in the props of the construct being checked: every path reported, and every
   * policy path a message mentions, reads as the user wrote it (see {@link PropPaths}).
   * @default - the policy's own paths
   */
  readonly propPaths?: PropPaths;
  /**
   * The construct being checked (its CDK node path, its Pulumi resource name): every line of the error names it.
   * @default - none named
   */
  readonly construct?: string;
  /**
   * Props that need a literal (see {@link LiteralProps}): a value `isUnresolved` recognizes is refused there, with the
   * range a literal must be in and why, instead of being skipped.
   * @default - none: every unresolved value is skipped
   */
  readonly literalProps?: LiteralProps;
  /**
   * How a plan checks again what was not known when it was planned: given the checked value (which may hold unresolved
   * values) and the check of its known values, re-run once they resolve (Pulumi: when its outputs do).
   * @default - no second check: an unresolved value is left to the cloud
   */
  readonly whenKnown?: (value: unknown, recheck: (known: unknown) => void) => void;
}

/** What makes two issues the same problem. */
function issueKey(issue: ValidationIssue): string {
  let value: string;
  try {
    value = JSON.stringify(issue.value) ?? String(issue.value);
  } catch {
    value = String(issue.value);
  }
  return JSON.stringify([issue.path, value, issue.allowed, issue.reason ?? '']);
}

/**
 * Collects issues across a whole policy. Each check skips values the front end cannot know yet,
 * so no individual rule has to think about tokens or outputs.
 */
export class Validator {
  private readonly found: ValidationIssue[] = [];
  private readonly unresolved: UnresolvedValueTest;
  private readonly propPaths: PropPaths;
  private readonly construct?: string;
  private literalProps: LiteralProps;

  constructor(options: ValidationOptions = {}) {
    this.unresolved = options.isUnresolved ?? (() => false);
    this.propPaths = options.propPaths ?? {};
    this.construct = options.construct;
    this.literalProps = options.literalProps ?? {};
  }

  /**
   * Adds props that need a literal (see {@link LiteralProps}): a construct's check declares its own before it runs, and
   * every check it runs through {@link optionsFor} sees them too. Given the props as the user wrote them, it also
   * refuses at once every unresolved value under such a prop, whether or not a check of its own reads it (else a
   * builder that gets the value later reports a token's placeholder text, or crashes on a list it cannot read); a
   * check that refuses the same prop with its range replaces that refusal. Returns false when it refused one: a check
   * that reads such a prop's contents (a list's entries, an option's fields) must not run then, for there are none.
   */
  public requireLiterals(props: LiteralProps, given?: object): boolean {
    this.literalProps = { ...this.literalProps, ...props };
    const before = this.found.length;
    if (given !== undefined) this.refuseUnresolvedLiterals(given, '', props);
    return this.found.length === before;
  }

  /**
   * Refuses each of `groups` (props that are objects of options, as the user writes them) given whole as a value known
   * only at deploy time, given the props as the user wrote them: the construct reads such a group's options one by one,
   * so it must be written out, though an option in it may be left to deploy time. Returns false when it refused one.
   */
  public requireWrittenOut(groups: readonly string[], given: object): boolean {
    const before = this.found.length;
    for (const group of groups) {
      const value = group.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), given);
      if (value === undefined || !this.isUnresolved(value)) continue;
      this.record({ path: group, value: new DeployTimeValue(), allowed: WRITTEN_OUT, reason: GROUP_READ_AT_SYNTH });
    }
    return this.found.length === before;
  }

  /**
   * Refuses each unresolved value under `path` whose prop needs a literal, or holds props that do, with the reason of the
   * construct's own props (`own`) before that of props every construct of a front end shares.
   */
  private refuseUnresolvedLiterals(value: unknown, path: string, own: LiteralProps): void {
    if (path !== '' && this.isUnresolved(value)) {
      const bare = path.replace(/\[\d+\]/g, '');
      const why = [own, this.literalProps].map((props) => literalReason(props, path)
        ?? Object.entries(props).find(([prop]) => prop.startsWith(`${bare}.`))?.[1]).find((reason) => reason !== undefined);
      if (why !== undefined) this.record({ path, value: new DeployTimeValue(), allowed: ANY_LITERAL, reason: why });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((entry, index) => this.refuseUnresolvedLiterals(entry, `${path}[${index}]`, own));
    } else if (isPlainObject(value)) {
      Object.entries(value).forEach(([key, child]) => this.refuseUnresolvedLiterals(child, path === '' ? key : `${path}.${key}`, own));
    }
  }

  /**
   * Whether a value the checks would skip as not known yet is refused instead, because its prop needs a literal: then
   * the issue is recorded at `path` with `allowed` (the range a literal must be in) and the reason. Returns true when
   * the value is unresolved and was skipped or refused, so the caller's check stops there.
   */
  public deferredOrRefused(path: string, value: unknown, allowed: string): boolean {
    if (value === undefined || !this.isUnresolved(value)) return false;
    const prop = this.propPath(path);
    const why = literalReason(this.literalProps, prop);
    if (why !== undefined) {
      this.record({ path: prop, value: new DeployTimeValue(), allowed: `a literal: ${allowed}`, reason: why });
    }
    return true;
  }

  /** Every issue found so far. */
  public get issues(): readonly ValidationIssue[] {
    return this.found;
  }

  /** True when `value` is not known yet, or is one of several values of which one is not known yet. */
  public isUnresolved(...values: unknown[]): boolean {
    return values.some((value) => value !== undefined && this.unresolved(value));
  }

  /**
   * The prop path the user wrote for a policy path, for messages that mention another prop than the one
   * reported (`an integer from 1 to 30 days (dump.retentionDays)`).
   */
  public propPath(path: string): string {
    return propPath(path, this.propPaths);
  }

  /**
   * Records an issue unless one of `dependsOn` (default: the value itself) is unresolved. Its path is a
   * policy path, recorded as the user wrote it ({@link ValidationOptions.propPaths}).
   */
  public report(issue: ValidationIssue, dependsOn: unknown[] = [issue.value]): void {
    if (this.isUnresolved(...dependsOn)) return;
    this.record({ ...issue, path: this.propPath(issue.path) });
  }

  /**
   * Options for a check whose issues this validator then {@link include}s: the same test for unresolved values,
   * and where that check's policy is in the props (`checkPolicy(policy, validator.optionsFor({ logicalDump: 'dump' }))`).
   */
  public optionsFor(propPaths?: PropPaths): ValidationOptions {
    return { isUnresolved: this.unresolved, propPaths, literalProps: this.literalProps };
  }

  /** Records issues another check has already found, as they are (their paths are already the user's). */
  public include(issues: readonly ValidationIssue[]): void {
    issues.forEach((issue) => this.record(issue));
  }

  /**
   * Keeps an issue unless the same one (path, value, allowed range, reason) is already kept: a value several parts
   * share (a blueprint's tier, read by each of its servers) is one problem for the user, told once.
   */
  private record(issue: ValidationIssue): void {
    const key = issueKey(issue);
    if (this.found.some((found) => issueKey(found) === key)) return;
    if (issue.value instanceof DeployTimeValue) {
      // One refusal of a deploy-time value per prop: the one naming its range rather than any literal.
      const refused = this.found.findIndex((found) => found.path === issue.path && found.value instanceof DeployTimeValue);
      if (refused >= 0 && issue.allowed === ANY_LITERAL) return;
      if (refused >= 0 && this.found[refused].allowed === ANY_LITERAL) {
        this.found[refused] = issue;
        return;
      }
    }
    this.found.push(issue);
  }

  /** Checks a whole number in `[min, max]`; `undefined` passes (optional props). Returns whether it passed. */
  public integer(path: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    const suffix = unit ? ` ${unit}` : '';
    if (this.deferredOrRefused(path, value, `an integer from ${min} to ${max}${suffix}`)) return this.passedUnlessRefused(path);
    if (value === undefined) return true;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.report({ path, value, allowed: `an integer from ${min} to ${max}${suffix}` });
      return false;
    }
    return true;
  }

  /** Checks a number in `[min, max]`; `undefined` passes. */
  public number(path: string, value: number | undefined, min: number, max: number, unit = ''): boolean {
    const suffix = unit ? ` ${unit}` : '';
    if (this.deferredOrRefused(path, value, `a number from ${min} to ${max}${suffix}`)) return this.passedUnlessRefused(path);
    if (value === undefined) return true;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      this.report({ path, value, allowed: `a number from ${min} to ${max}${suffix}` });
      return false;
    }
    return true;
  }

  /** Checks membership in a fixed set; `undefined` passes. */
  public oneOf<T>(path: string, value: T | undefined, allowed: readonly T[]): boolean {
    const described = `one of: ${allowed.map((a) => String(a)).join(', ')}`;
    if (this.deferredOrRefused(path, value, described)) return this.passedUnlessRefused(path);
    if (value === undefined) return true;
    if (!allowed.includes(value)) {
      this.report({ path, value, allowed: described });
      return false;
    }
    return true;
  }

  /** Checks a string against a pattern; `undefined` passes. */
  public matches(path: string, value: string | undefined, pattern: RegExp, allowed: string): boolean {
    if (this.deferredOrRefused(path, value, allowed)) return this.passedUnlessRefused(path);
    if (value === undefined) return true;
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.report({ path, value, allowed });
      return false;
    }
    return true;
  }

  /** Checks that a list (when given) has no empty or blank entries. */
  public nonEmptyStrings(path: string, values: readonly string[] | undefined): boolean {
    if (this.deferredOrRefused(path, values, 'a list of non-empty names')) return this.passedUnlessRefused(path);
    if (values === undefined) return true;
    let ok = true;
    values.forEach((value, index) => {
      if (this.deferredOrRefused(`${path}[${index}]`, value, 'a non-empty name')) return;
      if (typeof value !== 'string' || value.trim() === '') {
        this.report({ path: `${path}[${index}]`, value, allowed: 'a non-empty name' });
        ok = false;
      }
    });
    return ok;
  }

  /**
   * Checks that a list (when given) has no empty or blank entries and no entry twice (`what` says what an entry is: a
   * table name, a query…). Returns whether it passed.
   */
  public distinctNonEmptyStrings(path: string, values: readonly string[] | undefined, what = 'name'): boolean {
    if (this.deferredOrRefused(path, values, `a list of distinct non-empty ${what}s`)) return this.passedUnlessRefused(path);
    if (values === undefined) return true;
    if (!Array.isArray(values)) {
      this.report({ path, value: values, allowed: `a list of distinct non-empty ${what}s` });
      return false;
    }
    let ok = true;
    const seen = new Map<string, number>();
    values.forEach((value, index) => {
      if (this.deferredOrRefused(`${path}[${index}]`, value, `a non-empty ${what}`)) return;
      if (typeof value !== 'string' || value.trim() === '') {
        this.report({ path: `${path}[${index}]`, value, allowed: `a non-empty ${what}` });
        ok = false;
        return;
      }
      const first = seen.get(value);
      if (first === undefined) {
        seen.set(value, index);
      } else {
        this.report({ path: `${path}[${index}]`, value, allowed: `a ${what} not listed before (${this.propPath(path)}[${first}] has it)` });
        ok = false;
      }
    });
    return ok;
  }

  /** Whether the prop at `path` (a policy path) needs a literal: an unresolved value there is refused, not skipped. */
  public requiresLiteral(path: string): boolean {
    return literalReason(this.literalProps, this.propPath(path)) !== undefined;
  }

  /** What a check returns for a value it did not check: passed when it was skipped, failed when it was refused. */
  private passedUnlessRefused(path: string): boolean {
    return !this.requiresLiteral(path);
  }

  /** Throws a {@link PolicyValidationError} listing every issue, if any were found. */
  public throwIfInvalid(): void {
    if (this.found.length > 0) throw new PolicyValidationError(this.found, this.construct);
  }
}

/** What a prop that needs a literal allows, when no check of its own says its range. */
const ANY_LITERAL = 'a literal: the value itself, written where the construct is declared';

/** What a group of options given whole at deploy time allows instead. */
const WRITTEN_OUT = 'a literal: an object of its options, written where the construct is declared, each of which may be a value known only at deploy time';

/** Why a group of options cannot be given whole at deploy time. */
const GROUP_READ_AT_SYNTH = 'the construct reads its options one by one when the template is synthesized';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Why the prop at `path` (as the user wrote it) needs a literal, when a listed prop covers it. */
function literalReason(props: LiteralProps, path: string): string | undefined {
  const bare = path.replace(/\[\d+\]/g, '');
  for (const [prop, why] of Object.entries(props)) {
    if (bare === prop || bare.startsWith(`${prop}.`)) return why;
  }
  return undefined;
}
