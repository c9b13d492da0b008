/**
 * Splits an SQL script into statements at top-level semicolons. Semicolons inside quoted strings,
 * quoted identifiers, dollar-quoted bodies and comments do not split; empty statements are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const flush = () => {
    const statement = current.trim();
    // A statement made only of comments is not a statement.
    if (statement.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '') statements.push(statement);
    current = '';
  };
  while (i < script.length) {
    const char = script[i];
    const next = script[i + 1];
    if (char === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      const stop = end === -1 ? script.length : end;
      current += script.slice(i, stop);
      i = stop;
    } else if (char === '/' && next === '*') {
      // PostgreSQL block comments nest.
      let depth = 0;
      let j = i;
      do {
        if (script[j] === '/' && script[j + 1] === '*') {
          depth += 1;
          j += 2;
        } else if (script[j] === '*' && script[j + 1] === '/') {
          depth -= 1;
          j += 2;
        } else {
          j += 1;
        }
      } while (depth > 0 && j < script.length);
      current += script.slice(i, j);
      i = j;
    } else if (char === "'" || char === '"') {
      let j = i + 1;
      while (j < script.length) {
        if (script[j] === char) {
          // A doubled quote is an escaped quote, not the end.
          if (script[j + 1] === char) {
            j += 2;
            continue;
          }
          break;
        }
        if (char === "'" && script[j] === '\\' && /[eE]$/.test(script.slice(0, i))) j += 1;
        j += 1;
      }
      current += script.slice(i, j + 1);
      i = j + 1;
    } else if (char === '$' && /^\$[A-Za-z_\u0080-\uffff]?[A-Za-z0-9_\u0080-\uffff]*\$/.test(script.slice(i)) && !/[A-Za-z0-9_]$/.test(current)) {
      const tag = /^\$[A-Za-z_\u0080-\uffff]?[A-Za-z0-9_\u0080-\uffff]*\$/.exec(script.slice(i))![0];
      const end = script.indexOf(tag, i + tag.length);
      const stop = end === -1 ? script.length : end + tag.length;
      current += script.slice(i, stop);
      i = stop;
    } else if (char === ';') {
      flush();
      i += 1;
    } else {
      current += char;
      i += 1;
    }
  }
  flush();
  return statements;
}
