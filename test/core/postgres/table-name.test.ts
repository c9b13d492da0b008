import { Validator } from '../../../src/core/policy/validation';
import { checkTableName, parseTableName, TABLE_NAME_ALLOWED } from '../../../src/core/postgres/table-name';

describe('parseTableName reads a table name as PostgreSQL reads an identifier', () => {
  test.each([
    ['orders', { schema: 'public', name: 'orders' }],
    ['Sales.Orders', { schema: 'sales', name: 'orders' }],
    ['"Sales Dept"."Customer Orders"', { schema: 'Sales Dept', name: 'Customer Orders' }],
    ['"dotted.schema"."table.with=dots"', { schema: 'dotted.schema', name: 'table.with=dots' }],
    ['public."MixedCase"', { schema: 'public', name: 'MixedCase' }],
    ['"say ""hi"""', { schema: 'public', name: 'say "hi"' }],
    ['ventes.commandes_été', { schema: 'ventes', name: 'commandes_été' }],
    ['"Ünïcødé 表"', { schema: 'public', name: 'Ünïcødé 表' }],
    ['  audit$log  ', { schema: 'public', name: 'audit$log' }],
  ])('%s names %o', (text, expected) => {
    expect(parseTableName(text)).toEqual(expected);
  });

  test.each(['', '""', '"unterminated', 'a.b.c', 'Sales Dept.orders', '1orders', 'sales.', '.orders', '"a"b', 'orders;drop', '$x'])(
    'refuses %j', (text) => {
      expect(parseTableName(text)).toBeUndefined();
    });

  test('a construct\'s check names the prop, the value and what is allowed', () => {
    const validator = new Validator();
    expect(checkTableName(validator, 'rowCounts[0].table', 'Sales Dept.orders')).toBe(false);
    expect(checkTableName(validator, 'rowCounts[1].table', '"Sales Dept".orders')).toBe(true);
    expect(validator.issues).toEqual([expect.objectContaining({ path: 'rowCounts[0].table', value: 'Sales Dept.orders', allowed: TABLE_NAME_ALLOWED })]);
  });
});
