"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.formatPostgresSettingValue = formatPostgresSettingValue;
exports.renderPostgresSettings = renderPostgresSettings;
/**
 * Writes a value the way `postgresql.conf` reads it: numbers and simple identifiers bare, everything
 * else in single quotes with `'` doubled and `\` doubled (the file's parser reads backslash escapes
 * inside quotes, so a lone backslash would be lost).
 */
function formatPostgresSettingValue(value) {
    if (typeof value === 'boolean')
        return value ? 'on' : 'off';
    if (typeof value === 'number')
        return String(value);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value))
        return value;
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
/** Renders settings as `postgresql.conf` lines below a `#` header (each header line is commented). */
function renderPostgresSettings(settings, header = []) {
    const lines = [
        ...header.map((line) => `# ${line}`.trimEnd()),
        ...settings.map((setting) => `${setting.name} = ${formatPostgresSettingValue(setting.value)}`),
    ];
    return `${lines.join('\n')}\n`;
}
