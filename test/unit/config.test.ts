import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HouseStyleError } from '../../src/core/errors';
import { knowledgeBase, loadConfig, ollamaHost, parseConfig } from '../../src/core/config';

describe('config', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-config-'));
    await mkdir(path.join(workspace, '.housestyle'));
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('fills every default from an empty file and keeps what the file sets', async () => {
    await writeFile(path.join(workspace, '.housestyle/config.json'), JSON.stringify({ chunking: { maxTokens: 256 }, knowledgeBases: { architecture: { include: ['adr/**/*.md'] } } }));
    const config = await loadConfig(workspace);
    assert.equal(config.chunking.maxTokens, 256);
    assert.equal(config.chunking.overlapTokens, 50);
    assert.deepEqual(knowledgeBase(config, 'architecture').include, ['adr/**/*.md']);
    assert.equal(knowledgeBase(config, 'architecture').codeComments, false);
    assert.equal(config.index.uri, '.housestyle/index');
  });

  it('names every invalid field, including misspelled keys', () => {
    assert.throws(
      () => parseConfig({ chunking: { maxTokens: 100, overlapTokens: 100 }, indx: {} }, 'test config'),
      (error: unknown) => error instanceof HouseStyleError && /Unrecognized key: "indx"/.test(error.message) && /overlapTokens must be smaller/.test(error.message) && /test config/.test(error.message),
    );
  });

  it('reports broken JSON with the file name and a way out', async () => {
    await writeFile(path.join(workspace, '.housestyle/config.json'), '{ "chunking": ');
    await assert.rejects(loadConfig(workspace), (error: unknown) => error instanceof HouseStyleError && error.message.includes('config.json is not valid JSON') && /delete the file/.test(error.hint ?? ''));
  });

  it('lists the configured knowledge bases when an unknown one is asked for', () => {
    assert.throws(() => knowledgeBase(parseConfig({}), 'archi'), /Unknown knowledge base "archi" \(configured: style\)/);
  });

  it('takes the Ollama host from the setting, then OLLAMA_HOST, then the default', () => {
    assert.equal(ollamaHost(parseConfig({ ollama: { host: 'http://gpu-box:11434' } }), { OLLAMA_HOST: 'http://other:1' }), 'http://gpu-box:11434');
    assert.equal(ollamaHost(parseConfig({}), { OLLAMA_HOST: 'http://other:1' }), 'http://other:1');
    assert.equal(ollamaHost(parseConfig({}), {}), 'http://127.0.0.1:11434');
  });
  it('declares in the editor the defaults core applies, so the Settings UI shows what a run uses', () => {
    // The editor passes on only what a user set (src/vscode/settings.ts), so a stale declared default misleads without failing.
    const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8'));
    const defaults: unknown = parseConfig({});
    let compared = 0;
    for (const [key, setting] of Object.entries<{ default?: unknown }>(manifest.contributes.configuration.properties)) {
      const applied = key.split('.').slice(1).reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], defaults);
      if (setting.default === undefined || applied === undefined) continue;
      assert.deepEqual(setting.default, applied, key);
      compared++;
    }
    assert.ok(compared >= 20, `only ${compared} settings compared`);
  });
});
