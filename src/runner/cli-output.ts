import type { CommandContext, FlagDefinition, FlagReader } from './cli-options';

/** How `list` and `status` print: a table for a person, or only the JSON result line. */
export type OutputMode = 'table' | 'json';

/** `--output` of the commands that can print a table. */
export const OUTPUT_FLAG: FlagDefinition = {
  name: 'output', value: 'table|json', description: 'a table before the result line, or the JSON result line alone', default: 'table on a terminal, else json', example: '--output json',
};

/** Reads `--output`: a table when stdout is a terminal, unless asked otherwise. */
export function readOutputMode(reader: FlagReader, context: CommandContext): OutputMode {
  return reader.oneOf('output', ['table', 'json'] as const, context.stdoutIsTerminal ? 'table' : 'json');
}

/** Columns padded to their widest cell, numbers (cells given as numbers) aligned right. */
export function formatTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells: readonly (string | number)[]) => cells
    .map((cell, column) => (typeof cell === 'number' ? String(cell).padStart(widths[column]) : cell.padEnd(widths[column])))
    .join('  ')
    .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Bytes in the largest decimal unit that keeps the number at least 1, to three figures: `512 B`, `1.5 MB`, `340 MB`, `23.1 GB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A duration as its two largest units: `45s`, `12m 5s`, `3h 12m`, `2d 4h`. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const parts: [number, string][] = [[Math.floor(whole / 86_400), 'd'], [Math.floor(whole / 3600) % 24, 'h'], [Math.floor(whole / 60) % 60, 'm'], [whole % 60, 's']];
  const first = parts.findIndex(([value]) => value > 0);
  if (first < 0) return '0s';
  return parts.slice(first, first + 2).filter(([value], index) => index === 0 || value > 0).map(([value, unit]) => `${value}${unit}`).join(' ');
}
