// Builds the three outputs: the extension, the `housestyle` CLI (and their embedding and index-upkeep workers), and the
// webview front-end. One shared base so `--watch` and a one-shot build behave the same.
import { readdirSync, existsSync } from 'node:fs';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Native or very large packages stay outside the bundle and ship in node_modules.
const external = ['vscode', '@lancedb/lancedb', 'apache-arrow', '@huggingface/transformers', 'onnxruntime-node', 'sharp', 'unpdf'];

const base = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

// Sources are ES modules; the Node outputs are CommonJS, so `import.meta.url` is rebuilt from __filename.
const node = {
  ...base,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

const builds = [
  { ...node, entryPoints: { extension: 'src/vscode/extension.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' } },
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts', embedWorker: 'src/core/knowledge/embedders/embedWorker.ts', upkeepWorker: 'src/core/knowledge/upkeepWorker.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.cjs' },
    banner: { js: '#!/usr/bin/env node\n' + node.banner.js },
  },
  {
    ...base,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // One bundle per webview: every media/<name>/main.ts becomes dist/media/<name>.js (and .css).
    entryPoints: Object.fromEntries(
      readdirSync('media', { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(`media/${entry.name}/main.ts`))
        .map((entry) => [`media/${entry.name}`, `media/${entry.name}/main.ts`]),
    ),
    outdir: 'dist',
    loader: { '.css': 'css' },
  },
];

const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
