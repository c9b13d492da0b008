/**
 * Writes API.md from the TSDoc of the public entry points (typedoc + typedoc-plugin-markdown), or with
 * `--check` fails when the committed API.md differs from what the sources would produce.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from 'typedoc';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const apiFile = path.join(root, 'API.md');

/** The import paths of the package (its `exports` but the root, which repeats `core`), in the order API.md presents them. */
const modules = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).exports)
  .filter((entry) => entry.startsWith('./') && entry !== './package.json')
  .map((entry) => entry.slice(2));
const entryPoints = modules.map((entry) => path.join(root, 'src', entry, 'index.ts'));

async function renderModules(outDir) {
  const app = await Application.bootstrapWithPlugins({
    entryPoints,
    tsconfig: path.join(root, 'tsconfig.json'),
    plugin: ['typedoc-plugin-markdown'],
    out: outDir,
    readme: 'none',
    disableSources: true,
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    hideGenerator: true,
    hidePageHeader: true,
    hideBreadcrumbs: true,
    router: 'module',
    entryFileName: 'index',
    gitRevision: 'main',
    logLevel: 'Warn',
    validation: { notExported: false, invalidLink: true, notDocumented: false },
  });
  const project = await app.convert();
  if (!project || app.logger.hasErrors()) throw new Error('typedoc could not read the public entry points');
  await app.generateOutputs(project);
}

function listMarkdown(dir) {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The index page first, then the modules in the order of `modules`. */
function rank(file) {
  const name = file.replace(/(\/index)?\.md$/, '');
  return name === 'index' ? -1 : modules.indexOf(name);
}

/** Joins the per-module pages into one file and turns links between pages into in-page anchors. */
function concatenate(dir) {
  const pages = listMarkdown(dir).map((file) => fs.readFileSync(path.join(dir, file), 'utf8'));
  const body = pages.join('\n\n')
    .replace(/\]\((?:\.\.\/)*[\w./-]*\.md#([^)]+)\)/g, '](#$1)')
    .replace(/\]\((?:\.\.\/)*([\w./-]*)\.md\)/g, (_match, page) =>
      `](#${page.replace(/\/index$/, '').replace(/[^\w-]+/g, '').toLowerCase()})`)
    .replace(/\n{3,}/g, '\n\n');
  return `# API reference\n\nGenerated from the TSDoc of the public exports by \`npx projen docgen\`; do not edit by hand.\n\n${body.trim()}\n`;
}

async function main() {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgbc-api-'));
  try {
    await renderModules(outDir);
    const rendered = concatenate(outDir);
    if (process.argv.includes('--check')) {
      const committed = fs.existsSync(apiFile) ? fs.readFileSync(apiFile, 'utf8') : '';
      if (committed !== rendered) {
        console.error('API.md is stale: the TSDoc of the public exports changed. Run `npx projen docgen` and commit API.md.');
        process.exitCode = 1;
      }
      return;
    }
    fs.writeFileSync(apiFile, rendered);
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
