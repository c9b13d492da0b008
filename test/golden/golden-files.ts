import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Golden files: what each example provisions, committed, so that a change of behaviour shows as a diff. A test
 * compares what the example produces now with its golden file; `UPDATE_GOLDEN=1 npx jest test/golden` rewrites the
 * files instead, deliberately, and the diff then goes into the commit with the reason for it.
 */
export const GOLDEN_DIRECTORY = path.join(__dirname, 'examples');

/** Whether this run rewrites the golden files instead of comparing with them. */
export const UPDATING_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** Stable JSON: keys sorted at every level, two-space indentation, a final newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), undefined, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/** Compares `actual` with the golden file `name` (under {@link GOLDEN_DIRECTORY}), or writes it when updating. */
export function expectGolden(name: string, actual: unknown): void {
  const file = path.join(GOLDEN_DIRECTORY, name);
  const text = stableJson(actual);
  if (UPDATING_GOLDEN) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`no golden file ${path.relative(process.cwd(), file)}: run UPDATE_GOLDEN=1 npx jest test/golden to write it`);
  expect(JSON.parse(text)).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** A content hash CDK computes for an asset: it changes with any edit of the package, not with what a resource is. */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;

/**
 * A synthesized template without what changes with unrelated edits: asset hashes (in S3 keys, image tags, asset
 * metadata) become `<asset-hash>`, and the bootstrap-version parameter and rule go. Everything a resource is stays.
 */
export function normalizeTemplate(template: Record<string, any>): Record<string, any> {
  const { Parameters, Rules, ...rest } = JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '<asset-hash>'));
  const parameters = Object.fromEntries(Object.entries(Parameters ?? {}).filter(([name]) => name !== 'BootstrapVersion'));
  const rules = Object.fromEntries(Object.entries(Rules ?? {}).filter(([name]) => name !== 'CheckBootstrapVersion'));
  return {
    ...rest,
    ...(Object.keys(parameters).length > 0 ? { Parameters: parameters } : {}),
    ...(Object.keys(rules).length > 0 ? { Rules: rules } : {}),
  };
}
