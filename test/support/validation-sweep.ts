import { PolicyValidationError } from '../../src/core/policy/validation';

/**
 * A sweep of bad option values: each option of a construct given values of the kinds users get wrong (negative, zero,
 * not a number, infinite, fractional, blank, too long, wrong case, listed twice), each of which must be refused by name.
 */

export type Options = Record<string, unknown>;

/** A copy of `options` with `path` (`dump.retention.monthly`, `backupPlan.rules[0].name`) set to `value`; `options` is left as it was. */
export function withValue(options: Options, path: string, value: unknown): Options {
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  const copy = (node: unknown, nextIsIndex: boolean): any => {
    if (Array.isArray(node)) return [...node];
    if (node !== null && typeof node === 'object') return { ...node };
    return nextIsIndex ? [] : {};
  };
  const root = copy(options, false);
  let node = root;
  keys.slice(0, -1).forEach((key, index) => {
    node[key] = copy(node[key], /^\d+$/.test(keys[index + 1]));
    node = node[key];
  });
  node[keys[keys.length - 1]] = value;
  return root;
}

/** One bad value: the option it is given to, and where the error must report it (an entry of a list, by default the option). */
export interface BadValue {
  readonly path: string;
  readonly value: unknown;
  /** The path the error names, when it is not `path` (`databaseNames[1]`). */
  readonly at?: string;
  /** The value the error names, when it is not `value` (the entry of a list). */
  readonly shown?: unknown;
}

export const WHOLE_POSITIVE = [-1, 0, 2.5, NaN, Infinity, 1e12];
export const WHOLE_NON_NEGATIVE = [-1, 2.5, NaN, Infinity, 1e12];
export const POSITIVE = [-1, 0, NaN, Infinity];
export const BLANK = ['', '   '];

export const values = (path: string, list: readonly unknown[]): BadValue[] => list.map((value) => ({ path, value }));
/** A list with a blank entry and a list with an entry twice, each reported at the entry. */
export const listEntries = (path: string, good: string, other: string): BadValue[] => [
  ...BLANK.map((blank) => ({ path, value: [good, blank], at: `${path}[1]`, shown: blank })),
  { path, value: [good, other, good], at: `${path}[2]`, shown: good },
];

/** A schedule's expression and time zone, each given values no cron or zone reader accepts. */
export const schedule = (path: string): BadValue[] => values(`${path}.expression`, ['', '   ', '0 25 * * *', 'every night', '0 2 * *'])
  .concat(values(`${path}.timezone`, ['', '   ', 'Mars/Olympus']));

/** Builds a construct and returns its error, or what it did instead of throwing one. */
export function errorOrOutcome(build: () => unknown): PolicyValidationError | string {
  try {
    build();
    return 'accepted';
  } catch (error) {
    if (error instanceof PolicyValidationError) return error;
    return `crashed: ${(error as Error).message}`;
  }
}

