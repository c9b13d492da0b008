/** One `name = value` line of `postgresql.conf`. */
export interface PostgresSetting {
  /** Parameter name, e.g. `archive_mode`. */
  readonly name: string;
  /** Value: strings are quoted when PostgreSQL needs it, booleans become `on`/`off`. */
  readonly value: string | number | boolean;
}

/** Settings as ordered data and as the text of a `postgresql.conf` block. */
export interface RenderedPostgresSettings {
  /** The settings, in the order they are written. */
  readonly settings: PostgresSetting[];
  /** A header comment and one `name = value` line a setting, ending with a newline. */
  readonly text: string;
}

/**
 * Writes a value the way `postgresql.conf` reads it: numbers and simple identifiers bare, everything
 * else in single quotes with `'` doubled and `\` doubled (the file's parser reads backslash escapes
 * inside quotes, so a lone backslash would be lost).
 */
export function formatPostgresSettingValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number') return String(value);
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Renders settings as `postgresql.conf` lines below a `#` header (each header line is commented). */
export function renderPostgresSettings(settings: readonly PostgresSetting[], header: readonly string[] = []): string {
  const lines = [
    ...header.map((line) => `# ${line}`.trimEnd()),
    ...settings.map((setting) => `${setting.name} = ${formatPostgresSettingValue(setting.value)}`),
  ];
  return `${lines.join('\n')}\n`;
}
