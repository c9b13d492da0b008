import * as fs from 'node:fs';

/** Median of a list of figures. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Writes one benchmark's section into `file` (BENCHMARKS.md): `text` runs from `startMarker` to `endMarker` and
 * replaces what was between them, or is appended when the file has no such section yet, so each benchmark rewrites
 * only its own figures.
 */
export function writeBenchmarkSection(file: string, startMarker: string, endMarker: string, text: string): void {
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  const next = start >= 0 && end > start
    ? `${current.slice(0, start)}${text}${current.slice(end + endMarker.length)}`
    : `${current.replace(/\n*$/, '')}\n\n${text}\n`;
  fs.writeFileSync(file, next);
}
