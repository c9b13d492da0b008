import { exactRelationPattern, pgNamePatternToRegex } from '../../../src/core';

describe('pgNamePatternToRegex', () => {
  test.each([
    ['measurements', { name: '^(measurements)$' }],
    ['Sales.Measurements', { schema: '^(sales)$', name: '^(measurements)$' }],
    ['sales.*', { schema: '^(sales)$', name: '^(.*)$' }],
    ['ord?rs', { name: '^(ord.rs)$' }],
    ['"Mixed Case"."Order Lines"', { schema: '^(Mixed Case)$', name: '^(Order Lines)$' }],
    ['"a.b*"', { name: '^(a\\.b\\*)$' }],
    ['"say ""hi"""', { name: '^(say "hi")$' }],
    ['price$', { name: '^(price\\$)$' }],
    ['int[]', { name: '^(int\\[])$' }],
    ['(foo|bar)', { name: '^((foo|bar))$' }],
    ['shop.sales.orders', { database: '^(shop)$', schema: '^(sales)$', name: '^(orders)$' }],
  ])('turns %s into the regular expressions psql would', (pattern, expected) => {
    expect(pgNamePatternToRegex(pattern)).toEqual(expected);
  });

  test('an exact pattern quotes every part so nothing in it is a pattern character', () => {
    expect(exactRelationPattern('Mixed Case', 'a"b*')).toBe('"Mixed Case"."a""b*"');
    expect(pgNamePatternToRegex(exactRelationPattern('Mixed Case', 'a"b*'))).toEqual({ schema: '^(Mixed Case)$', name: '^(a"b\\*)$' });
  });
});
