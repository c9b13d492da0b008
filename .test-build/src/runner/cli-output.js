"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OUTPUT_FLAG = void 0;
exports.readOutputMode = readOutputMode;
exports.formatTable = formatTable;
exports.formatBytes = formatBytes;
exports.formatDuration = formatDuration;
/** `--output` of the commands that can print a table. */
exports.OUTPUT_FLAG = {
    name: 'output', value: 'table|json', description: 'a table before the result line, or the JSON result line alone', default: 'table on a terminal, else json', example: '--output json',
};
/** Reads `--output`: a table when stdout is a terminal, unless asked otherwise. */
function readOutputMode(reader, context) {
    return reader.oneOf('output', ['table', 'json'], context.stdoutIsTerminal ? 'table' : 'json');
}
/** Columns padded to their widest cell, numbers (cells given as numbers) aligned right. */
function formatTable(headers, rows) {
    const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => String(row[column]).length)));
    const line = (cells) => cells
        .map((cell, column) => (typeof cell === 'number' ? String(cell).padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd();
    return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
/** Bytes in the largest unit that keeps the number at least 1: `512 B`, `1.5 MB`, `2.31 GB`. */
function formatBytes(bytes) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
        value /= 1000;
        unit += 1;
    }
    return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}
/** A duration as its two largest units: `45s`, `12m 5s`, `3h 12m`, `2d 4h`. */
function formatDuration(seconds) {
    const whole = Math.max(0, Math.round(seconds));
    const parts = [[Math.floor(whole / 86_400), 'd'], [Math.floor(whole / 3600) % 24, 'h'], [Math.floor(whole / 60) % 60, 'm'], [whole % 60, 's']];
    const first = parts.findIndex(([value]) => value > 0);
    if (first < 0)
        return '0s';
    return parts.slice(first, first + 2).filter(([value], index) => index === 0 || value > 0).map(([value, unit]) => `${value}${unit}`).join(' ');
}
