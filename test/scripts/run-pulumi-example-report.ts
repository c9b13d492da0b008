/** The lines of a Pulumi example's report under one database, trimmed, up to the next database or the end. */
export function linesOf(report: string[], database: string): string[] {
  const start = report.findIndex((line) => line.startsWith(`    ${database} (`));
  expect(start).toBeGreaterThanOrEqual(0);
  const end = report.findIndex((line, index) => index > start && /^ {4}\S/.test(line));
  return report.slice(start + 1, end < 0 ? undefined : end).map((line) => line.trim());
}
