// Checks the packed CLI as a user gets it (`node scripts/check-cli-package.mjs housestyle-cli-<version>.tgz`):
// `npm install -g` into a fresh prefix, `housestyle --version`, then a review of a copy of the demo workspace with no
// Ollama reachable (`--fallback-to-rules`), which indexes with the installed LanceDB and prints the rules it found.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tarball = resolve(process.argv[2] ?? '');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
if (!process.argv[2]) {
  console.error('Usage: node scripts/check-cli-package.mjs housestyle-cli-<version>.tgz (from `npm run pack:cli`)');
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'housestyle-cli-check-'));
const prefix = join(scratch, 'prefix');
// A user's install: nothing of this project's node_modules or .npmrc; npm's cache serves what it already holds.
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, OLLAMA_HOST: 'http://127.0.0.1:9' };
function fail(message) {
  console.error(`housestyle-cli check: ${message}`);
  process.exitCode = 1;
}
try {
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: scratch, env, stdio: 'inherit' });
  const shown = execFileSync('housestyle', ['--version'], { cwd: scratch, env, encoding: 'utf8' }).trim();
  if (shown !== version) fail(`housestyle --version printed "${shown}", not ${version}`);
  else console.log(`housestyle --version: ${shown}`);

  const demo = join(scratch, 'demo');
  cpSync(join(root, 'test', 'fixtures', 'demo'), demo, { recursive: true });
  const review = spawnSync('housestyle', ['review', '--workspace', demo, '--fallback-to-rules', 'src/userService.ts'], { cwd: scratch, env, encoding: 'utf8' });
  console.log(review.stdout.trim());
  if (review.status !== 0) fail(`the demo review exited ${review.status}: ${review.stderr.trim()}`);
  else if (!/STYLE_GUIDE\.md:\d+-\d+/.test(review.stdout)) fail('the demo review printed no rule of the demo style guide');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
