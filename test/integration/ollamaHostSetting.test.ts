import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/core/config';
import { runCli } from '../support/cli';

// A host setting without its scheme ("localhost:11434", or a typo such as "htp://") is refused by the one
// config loader with the form it should have, whichever front end read it.

register('../support/vscodeLoader.ts', import.meta.url);
const { standIn } = await import('../support/vscodeStandIn');
const vscode = await import('vscode');
const { ErrorPresenter } = await import('../../src/vscode/errors');

const EXPECTED = /ollama\.host is "localhost:11434", not a URL: write it with http:\/\/ or https:\/\/, such as http:\/\/localhost:11434/;

test('the command line refuses a host without http:// in .housestyle/config.json, saying the form it should have', async () => {
  const workspace = await mkdtemp(path.join(tmpdir(), 'hs-host-'));
  await mkdir(path.join(workspace, '.housestyle'));
  await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host: 'localhost:11434' } }));
  const result = await runCli(['kb', 'health', '--workspace', workspace]);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, EXPECTED);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
});

test("the editor refuses the same host typed into its settings, in a toast whose button opens House Style's settings", async () => {
  const workspace = await mkdtemp(path.join(tmpdir(), 'hs-host-'));
  const settings = { section: (name: string) => (name === 'ollama' ? { host: 'localhost:11434' } : undefined), userHost: 'localhost:11434' };
  const error = await loadConfig(workspace, { env: {} }, settings).then(
    () => assert.fail('a host without its scheme was accepted'),
    (e: unknown) => e,
  );
  standIn.reset();
  await new ErrorPresenter({ output: vscode.window.createOutputChannel('House Style', { log: true }) as never, pullModel: async () => undefined }).present(error);
  const [shown] = standIn.shown;
  assert.match(shown!.message, EXPECTED);
  assert.deepEqual(shown!.actions, ['Open Settings', 'Show Log']);

  for (const good of ['http://127.0.0.1:11434', 'https://ollama.example.com']) {
    const config = await loadConfig(workspace, { env: {} }, { section: (name) => (name === 'ollama' ? { host: good } : undefined), userHost: good });
    assert.equal(config.ollama.host, good);
  }
});
