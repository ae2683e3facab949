// Builds the extension, the command-line tool, the decode worker and the webview bundles with
// esbuild, and (with --tests) every test file. Type checking is separate: `npm run typecheck`.
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const watch = args.has('--watch');
const withTests = args.has('--tests');
const production = args.has('--production');
// --dist=DIR builds the bundles into DIR instead of dist/ (packaging stages a copy there, so that a
// production build never replaces the development one in use).
const distArg = process.argv.slice(2).find((arg) => arg.startsWith('--dist='));
const dist = distArg === undefined ? join(root, 'dist') : resolve(root, distArg.slice('--dist='.length));

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const nodeOptions = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['vscode'],
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    ...nodeOptions,
    entryPoints: {
      extension: join(root, 'src/extension.ts'),
      cli: join(root, 'src/cli.ts'),
      decodeWorker: join(root, 'src/flowlogs/decodeWorker.ts'),
      mapWorker: join(root, 'src/flowlogs/mapWorker.ts'),
    },
    outdir: dist,
  },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { flowlogs: join(root, 'media/flowlogs/main.ts'), dependencyMap: join(root, 'media/dependencyMap/main.ts') },
    outdir: join(dist, 'webview'),
  },
];

function listTests(folder) {
  if (!existsSync(folder)) {
    return [];
  }
  const found = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      found.push(...listTests(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      found.push(path);
    }
  }
  return found;
}

// Scripts the tests add to the viewer's page (test/page) run in the browser; everything else under
// test/ and bench/ runs in Node.
const pageScripts = join(root, 'test', 'page');

if (withTests) {
  const entryPoints = Object.fromEntries(
    [...listTests(join(root, 'test')), ...listTests(join(root, 'bench'))]
      .filter((path) => !path.startsWith(pageScripts + sep))
      .map((path) => [relative(root, path).replace(/\.ts$/, ''), path]),
  );
  builds.push(
    {
      ...nodeOptions,
      sourcemap: 'inline',
      entryPoints,
      outdir: join(root, 'out'),
      external: ['vscode', 'mocha', 'playwright-core', '@vscode/test-electron', 'esbuild', 'typescript'],
    },
    {
      ...common,
      sourcemap: 'inline',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      entryPoints: { flowLogProbe: join(pageScripts, 'flowLogProbe.ts') },
      outdir: join(root, 'out', 'test', 'page'),
    },
  );
}

function copyAssets() {
  mkdirSync(join(dist, 'webview'), { recursive: true });
  for (const folder of ['media/flowlogs', 'media/dependencyMap']) {
    for (const name of readdirSync(join(root, folder))) {
      if (name.endsWith('.css')) {
        copyFileSync(join(root, folder, name), join(dist, 'webview', name));
      }
    }
  }
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  copyAssets();
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyAssets();
}
