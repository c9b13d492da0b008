import { splitSqlStatements } from '../../../src/core/postgres/sql-statements';

describe('SQL check files', () => {
  test('split at top-level semicolons only', () => {
    const script = `
      -- a comment; with a semicolon
      SELECT 'a;b' = 'a;b';
      SELECT "odd;name" FROM t;
      /* block; /* nested; */ still comment */ SELECT 1;
      SELECT $fn$ x; y $fn$ <> '';
      SELECT E'it\\'s;' IS NOT NULL
    `;
    expect(splitSqlStatements(script)).toEqual([
      "-- a comment; with a semicolon\n      SELECT 'a;b' = 'a;b'",
      'SELECT "odd;name" FROM t',
      '/* block; /* nested; */ still comment */ SELECT 1',
      "SELECT $fn$ x; y $fn$ <> ''",
      "SELECT E'it\\'s;' IS NOT NULL",
    ]);
  });

  test('drop statements made only of comments', () => {
    expect(splitSqlStatements('-- nothing\n;\n/* nor this */;')).toEqual([]);
  });
});
