import { PolicyValidationError, formatIssue } from '../../src/core/policy/validation';

/**
 * Table-driven tests of validation messages, shared by the front ends: each case builds a construct with one bad
 * option and names the line its error must hold.
 */

/** One bad option: how to build the construct with it, and the line of the error that must name it. */
export interface ValidationCase<Fixture = void> {
  /** The test's name: the construct and what is wrong. */
  readonly name: string;
  /** The construct the error names (CDK node path, Pulumi resource name); none for a check core is called with directly. */
  readonly construct?: string;
  /** Builds the construct; it must throw a {@link PolicyValidationError}. */
  readonly build: (fixture: Fixture) => unknown;
  /** The line of the error, with the construct's name: `Backups/NightlyDump: dump.retentionDays is 0; allowed: …`. */
  readonly line: string;
}

/** The {@link PolicyValidationError} `build` throws; any other error is rethrown, and throwing nothing fails. */
export function validationErrorOf(build: () => unknown): PolicyValidationError {
  try {
    build();
  } catch (error) {
    if (error instanceof PolicyValidationError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

/** The lines of a validation error, each without the construct's name: what the user is told, comparable across front ends. */
export function validationLines(error: PolicyValidationError): string[] {
  return error.issues.map((issue) => formatIssue(issue));
}

/** One test per case: the error names the construct, and holds the case's line. */
export function testValidationCases<Fixture>(cases: readonly ValidationCase<Fixture>[], fixture: () => Fixture): void {
  test.each(cases)('$name', ({ construct, build, line }) => {
    const error = validationErrorOf(() => build(fixture()));
    expect(error.construct).toBe(construct);
    expect(error.message.split('\n')).toContain(`  - ${line}`);
  });
}

/** Database names that break the one database-name rule: a space, a repeat. */
export const BAD_DATABASE_NAMES = ['orders', 'my db', 'orders'];

/** The lines every front end gives for {@link BAD_DATABASE_NAMES} under `databaseNames`. */
export const BAD_DATABASE_NAME_LINES = [
  'databaseNames[1] is "my db"; allowed: a database name of 1 to 63 letters, digits, "_" and "-", starting with a letter or "_"',
  'databaseNames[2] is "orders"; allowed: a name not listed before (databaseNames[0] has it)',
];
