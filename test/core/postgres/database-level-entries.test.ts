import { databaseLevelListEntries, databaseLevelStatements } from '../../../src/core/postgres/database-level-entries';

describe('the database-level entries of an archive', () => {
  test('the list keeps the database, its properties, comment, privileges and security label, and nothing else', () => {
    const listing = [
      ';',
      '; Archive created at 2026-12-06 05:00:00 UTC',
      '3391; 1262 16384 DATABASE - shop shop_owner',
      '3392; 0 0 DATABASE PROPERTIES - shop shop_owner',
      '3393; 0 0 COMMENT - DATABASE shop shop_owner',
      '3394; 0 0 ACL - DATABASE shop shop_owner',
      '3395; 0 0 SECURITY LABEL - DATABASE shop shop_owner',
      '215; 1259 16385 TABLE public customers shop_owner',
      '3396; 0 0 COMMENT - TABLE customers shop_owner',
      '3397; 0 0 ACL - SCHEMA public pg_database_owner',
    ].join('\n');
    expect(databaseLevelListEntries(listing)).toEqual([
      '3391; 1262 16384 DATABASE - shop shop_owner',
      '3392; 0 0 DATABASE PROPERTIES - shop shop_owner',
      '3393; 0 0 COMMENT - DATABASE shop shop_owner',
      '3394; 0 0 ACL - DATABASE shop shop_owner',
      '3395; 0 0 SECURITY LABEL - DATABASE shop shop_owner',
    ]);
  });

  test('the statements are renamed to the target; CREATE DATABASE, \\connect and session settings are left out', () => {
    const script = [
      '--',
      '-- PostgreSQL database dump',
      '--',
      'SET statement_timeout = 0;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
      '--',
      '-- Name: shop; Type: DATABASE; Schema: -; Owner: shop_owner',
      '--',
      "CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8' LOCALE_PROVIDER = libc LOCALE = 'C.UTF-8';",
      'ALTER DATABASE shop OWNER TO shop_owner;',
      '\\connect shop',
      'SET statement_timeout = 0;',
      "COMMENT ON DATABASE shop IS 'the DATABASE shop; of record';",
      'ALTER DATABASE shop SET search_path TO \'store\', \'public\';',
      'ALTER ROLE reporting IN DATABASE shop SET work_mem TO \'64MB\';',
      'REVOKE CONNECT,TEMPORARY ON DATABASE shop FROM PUBLIC;',
      'GRANT CONNECT ON DATABASE shop TO reporting;',
    ].join('\n');
    expect(databaseLevelStatements(script, 'shop', 'shop copy')).toEqual([
      'ALTER DATABASE "shop copy" OWNER TO shop_owner',
      "COMMENT ON DATABASE \"shop copy\" IS 'the DATABASE shop; of record'",
      'ALTER DATABASE "shop copy" SET search_path TO \'store\', \'public\'',
      'ALTER ROLE reporting IN DATABASE "shop copy" SET work_mem TO \'64MB\'',
      'REVOKE CONNECT,TEMPORARY ON DATABASE "shop copy" FROM PUBLIC',
      'GRANT CONNECT ON DATABASE "shop copy" TO reporting',
    ]);
  });

  test('a dumped name that needs quotes is found quoted, and a role whose name holds it is left alone', () => {
    const script = [
      'ALTER DATABASE "Sales ""DB""" OWNER TO "DATABASE Sales";',
      'ALTER ROLE "a DATABASE x" IN DATABASE "Sales ""DB""" SET work_mem TO \'8MB\';',
    ].join('\n');
    expect(databaseLevelStatements(script, 'Sales "DB"', 'sales')).toEqual([
      'ALTER DATABASE "sales" OWNER TO "DATABASE Sales"',
      'ALTER ROLE "a DATABASE x" IN DATABASE "sales" SET work_mem TO \'8MB\'',
    ]);
  });
});
