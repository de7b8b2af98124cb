// `auto` finds an installed Ollama embedding model without configuration: the real client against the
// Ollama-API test server's /api/tags, /api/show and /api/embed, and the index on real LanceDB.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseConfig, type Config } from '../../src/core/config';
import type { HouseStyleError } from '../../src/core/errors';
import { chooseEmbedder } from '../../src/core/knowledge/embedders/chooseEmbedder';
import { ollamaEmbeddingStatus } from '../../src/core/knowledge/embedders/ollamaEmbeddingModels';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { REPO_ROOT, runCli } from '../support/cli';
import { startOllamaTestServer, unreachableHost, type OllamaTestServer } from '../support/ollamaTestServer';

const servers: OllamaTestServer[] = [];
async function server(models: string[], options: { capabilities?: boolean } = {}): Promise<OllamaTestServer> {
  const started = await startOllamaTestServer({ models, ...options });
  servers.push(started);
  return started;
}
after(() => Promise.all(servers.map((s) => s.close())));

// Fetching the model is off: these tests are about the Ollama step that follows it (modelFetch.test.ts has the fetch).
const configFor = (host: string) => parseConfig({ ollama: { host }, index: { fetchModel: false } });
const workspace = REPO_ROOT; // only read for index.modelDir resolution; nothing is written there
/** What the workspace service passes: the configuration and its one model client. */
const envFor = (config: Config) => ({ config, workspace, client: OllamaClient.fromConfig(config) });
const clientFor = (config: Config) => OllamaClient.fromConfig(config);
const withClient = (config: Config) => ({ config, client: clientFor(config) });

describe('auto picks an installed Ollama embedding model', () => {
  test('prefers all-minilm over nomic-embed-text and ignores chat models, by /api/show capabilities', async () => {
    const ollama = await server(['qwen2.5-coder:7b', 'nomic-embed-text', 'all-minilm']);
    const { embedder, reason } = await chooseEmbedder('auto', envFor(configFor(ollama.host)));
    assert.equal(embedder.id, 'ollama:all-minilm:latest');
    assert.match(reason, /all-minilm:latest .*embedding capability/);
    const shown = ollama.requests.filter((r) => r.path === '/api/show').map((r) => (r.body as { model: string }).model).sort();
    assert.deepEqual(shown, ['all-minilm:latest', 'nomic-embed-text:latest', 'qwen2.5-coder:7b']);
  });

  test('recognises an embedding model by its family where Ollama reports no capabilities', async () => {
    const ollama = await server(['llama3.2:1b', 'nomic-embed-text'], { capabilities: false });
    const { embedder, reason } = await chooseEmbedder('auto', envFor(configFor(ollama.host)));
    assert.equal(embedder.id, 'ollama:nomic-embed-text:latest');
    assert.match(reason, /family is nomic-bert/);
  });

  test('a configured ollama.embedModel wins over what is installed', async () => {
    const ollama = await server(['all-minilm', 'nomic-embed-text']);
    const config = parseConfig({ ollama: { host: ollama.host, embedModel: 'nomic-embed-text' }, index: { fetchModel: false } });
    const { embedder, reason } = await chooseEmbedder('auto', envFor(config));
    assert.equal(embedder.id, 'ollama:nomic-embed-text');
    assert.match(reason, /ollama\.embedModel/);
  });

  test('without an embedding model, or without Ollama, falls back to hashing and says how to get one', async () => {
    const chatOnly = await server(['qwen2.5-coder:7b']);
    const noModel = await chooseEmbedder('auto', envFor(configFor(chatOnly.host)));
    assert.equal(noModel.embedder.id, 'hash-v1-384');
    assert.match(noModel.reason, /no embedding model installed in Ollama .*`ollama pull all-minilm`/);

    const down = await chooseEmbedder('auto', envFor(configFor(await unreachableHost())));
    assert.equal(down.embedder.id, 'hash-v1-384');
    assert.match(down.reason, /not reachable .*`ollama pull all-minilm`/);
  });

  test('the status a front end needs to offer the pull, before and after pulling', async () => {
    const ollama = await server(['qwen2.5-coder:7b']);
    const config = configFor(ollama.host);
    assert.deepEqual(await ollamaEmbeddingStatus(clientFor(config)), { host: ollama.host, reachable: true, suggested: 'all-minilm' });
    ollama.models.add('all-minilm:latest'); // what /api/pull does
    const after = await ollamaEmbeddingStatus(clientFor(config));
    assert.equal(after.installed?.name, 'all-minilm:latest');
    assert.equal((await ollamaEmbeddingStatus(clientFor(configFor(await unreachableHost())))).reachable, false);
  });

  test('index and search use the installed model end to end, and the CLI names it', async () => {
    const ollama = await server(['qwen2.5-coder:7b', 'all-minilm']);
    const dir = await mkdtemp(path.join(tmpdir(), 'hs-auto-embed-'));
    try {
      await cp(path.join(REPO_ROOT, 'test/fixtures/demo'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
      const config = configFor(ollama.host);
      const report = await indexKnowledgeBase({ workspace: dir, config, client: clientFor(config) });
      assert.equal(report.embedder, 'ollama:all-minilm:latest');
      assert.match(report.embedderReason, /^Ollama embedding model all-minilm:latest at .*, installed there \(Ollama reports the embedding capability\)$/);
      const embedded = ollama.requests.filter((r) => r.path === '/api/embed').flatMap((r) => (r.body as { input: string[] }).input);
      assert.ok(embedded.length > report.rows, 'every chunk (and the probe) went through /api/embed');

      const kb = await openKnowledgeBase({ workspace: dir, config, client: clientFor(config) });
      assert.equal(kb.embedder, 'ollama:all-minilm:latest');
      assert.ok((await kb.search('var let const', { k: 3 })).length > 0);
      await kb.close();

      const cli = await runCli(['index', '--workspace', dir], { env: { OLLAMA_HOST: ollama.host } });
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /^Indexed "style" with ollama:all-minilm:latest: /);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('an index never loses meaning-based search without being asked', () => {
  test('with Ollama unreachable, Rebuild and an ordinary run ask first; a no keeps the index, a yes rebuilds with hashing', async () => {
    const ollama = await server(['qwen2.5-coder:7b', 'all-minilm']);
    const dir = await mkdtemp(path.join(tmpdir(), 'hs-embed-ask-'));
    try {
      await cp(path.join(REPO_ROOT, 'test/fixtures/demo'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
      const built = await indexKnowledgeBase({ workspace: dir, ...withClient(configFor(ollama.host)) });
      assert.equal(built.embedder, 'ollama:all-minilm:latest');

      const mistyped = await unreachableHost();
      const asked: object[] = [];
      const answer = (yes: boolean) => async (change: object) => (asked.push(change), yes);
      for (const rebuild of [true, false]) {
        await assert.rejects(indexKnowledgeBase({ workspace: dir, ...withClient(configFor(mistyped)), rebuild, confirmEmbedderChange: answer(false) }), (e: HouseStyleError) => e.code === 'cancelled');
        const kept = await openKnowledgeBase({ workspace: dir, ...withClient(configFor(ollama.host)) });
        assert.equal(kept.embedder, 'ollama:all-minilm:latest', `refused ${rebuild ? 'rebuild' : 'run'}: the index is as it was`);
        assert.ok((await kept.search('var let const', { k: 3 })).length > 0);
        await kept.close();
      }
      assert.equal(asked.length, 2);
      for (const [i, { reason, ...change }] of (asked as { reason: string }[]).entries()) {
        assert.deepEqual(change, { kb: 'style', from: 'ollama:all-minilm:latest', to: 'hash-v1-384', unreachableHost: mistyped, requested: i === 0 });
        assert.match(reason, /Ollama is not reachable at /);
      }

      const rebuilt = await indexKnowledgeBase({ workspace: dir, ...withClient(configFor(mistyped)), rebuild: true, confirmEmbedderChange: answer(true) });
      assert.equal(rebuilt.embedder, 'hash-v1-384');
      assert.ok(rebuilt.rows > 0);
      // From hashing to hashing there is nothing to lose: no question.
      await indexKnowledgeBase({ workspace: dir, ...withClient(configFor(mistyped)), rebuild: true, confirmEmbedderChange: () => assert.fail('asked with nothing to lose') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
