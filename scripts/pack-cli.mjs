// Packs the `housestyle` command line as its own npm package, housestyle-cli-<version>.tgz (`npm run pack:cli`):
// the esbuild bundle (dist/cli.cjs and its workers) plus, as dependencies, the packages esbuild leaves external,
// at this project's pinned versions. npm installs each platform's native parts (LanceDB, onnxruntime, sharp).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const project = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// What the CLI bundle requires at run time (esbuild.mjs `external`); onnxruntime-node and sharp come with transformers.js.
const runtime = ['@huggingface/transformers', '@lancedb/lancedb', 'apache-arrow', 'unpdf'];
const bundle = ['cli.cjs', 'embedWorker.cjs', 'upkeepWorker.cjs'];

if (!existsSync(join(root, 'dist', 'cli.cjs'))) {
  console.error('No dist/cli.cjs: run `npm run build:production` first (`npm run pack:cli` does).');
  process.exit(2);
}
const stage = join(root, 'build', 'cli');
rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, 'dist'), { recursive: true });
for (const file of bundle) copyFileSync(join(root, 'dist', file), join(stage, 'dist', file));
copyFileSync(join(root, 'packages', 'cli', 'README.md'), join(stage, 'README.md'));
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
writeFileSync(
  join(stage, 'package.json'),
  JSON.stringify(
    {
      name: 'housestyle-cli',
      version: project.version,
      description: project.description,
      license: project.license,
      keywords: project.keywords,
      bin: { housestyle: 'dist/cli.cjs' },
      files: bundle.map((file) => `dist/${file}`),
      engines: { node: project.engines.node },
      dependencies: Object.fromEntries(runtime.map((name) => [name, project.dependencies[name]])),
    },
    null,
    2,
  ),
);
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', root], { cwd: stage, encoding: 'utf8', shell: process.platform === 'win32' }).trim().split('\n').pop();
console.log(join(root, tarball));
