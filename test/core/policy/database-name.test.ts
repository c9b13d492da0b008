import { DATABASE_NAME_ALLOWED, checkDatabaseNames } from '../../../src/core/policy/database-name';
import { Validator, formatIssue } from '../../../src/core/policy/validation';

function problemsOf(names: string[]): string[] {
  const validator = new Validator();
  checkDatabaseNames(validator, 'databaseNames', names);
  return validator.issues.map(formatIssue);
}

describe('a database name is safe as a key folder, a metric dimension, a resource name and a pg_dump argument', () => {
  test.each([
    'postgres', 'orders', 'Orders', '_audit', 'orders-2024', 'orders_eu', 'o', 'a'.repeat(63),
  ])('%s is accepted', (name) => {
    expect(problemsOf([name])).toEqual([]);
  });

  test.each([
    ['a space', 'my db'],
    ['an empty name', ''],
    ['a leading digit', '2024_orders'],
    ['a leading hyphen', '-orders'],
    ['a dot', 'orders.eu'],
    ['a slash, which would add a key folder', 'orders/eu'],
    ['a dollar sign', 'orders$'],
    ['a quote', 'o"rders'],
    ['a letter outside ASCII', 'bestellungen_ä'],
    ['64 characters, one more than PostgreSQL keeps', 'a'.repeat(64)],
  ])('%s is refused, naming the entry, the value and the rule', (_case, name) => {
    expect(problemsOf(['postgres', name])).toEqual([`databaseNames[1] is ${JSON.stringify(name)}; allowed: ${DATABASE_NAME_ALLOWED}`]);
  });

  test('a name listed twice is refused at its second place, naming the first', () => {
    expect(problemsOf(['orders', 'billing', 'orders'])).toEqual(['databaseNames[2] is "orders"; allowed: a name not listed before (databaseNames[0] has it)']);
  });

  test('no name at all is refused', () => {
    expect(problemsOf([])).toEqual(['databaseNames is []; allowed: at least one database name']);
  });
});
