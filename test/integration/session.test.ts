import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { buildDataset } from '../../src/core/dataset/build';
import { HouseStyleError, isCancellation } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { KnowledgeBaseCache } from '../../src/core/knowledge/knowledgeBaseCache';
import { Activity, type ActivityState } from '../../src/core/activity';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { withSession } from '../../src/core/session';
import { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, unreachableHost, type OllamaTestServer } from '../support/ollamaTestServer';

const MODEL = 'qwen2.5-coder:7b';
let root: string;
let server: OllamaTestServer;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-session-'));
  server = await startOllamaTestServer({ models: [MODEL] });
});

after(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

async function workspaceWith(name: string, files: Record<string, string>): Promise<string> {
  const workspace = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  return workspace;
}

const GUIDES = {
  'docs/tabs.md': '# Indentation\n\nIndent with tabs, never with spaces.\n',
  'docs/naming.md': '# Naming in Python\n\nName booleans as questions: is_ready, has_items.\n',
};

test('a changed setting reaches the next search without reloading: another index location is searched at once', async () => {
  const workspace = await workspaceWith('settings', GUIDES);
  const only = (file: string, uri: string) =>
    parseConfig({ index: { embedder: 'hash', uri }, knowledgeBases: { style: { include: [file] } }, ollama: { host: server.host } });
  const tabs = only('docs/tabs.md', '.housestyle/index-tabs');
  const naming = only('docs/naming.md', '.housestyle/index-naming');
  await indexKnowledgeBase({ workspace, config: tabs });
  await indexKnowledgeBase({ workspace, config: naming });

  const cache = new KnowledgeBaseCache(workspace);
  const sources = async (config: typeof tabs) => (await (await cache.get(workspace, config, OllamaClient.fromConfig(config))).search('indent tabs naming booleans', { k: 5 })).map((p) => p.source);
  assert.deepEqual(await sources(tabs), ['docs/tabs.md']);
  // The user edits index.uri: no invalidation call, no reload.
  assert.deepEqual(await sources(naming), ['docs/naming.md']);
  assert.deepEqual(await sources(tabs), ['docs/tabs.md']);
  cache.invalidate();
});

test('a session checks the model before anything else: with Ollama down nothing is indexed and the host is named', async () => {
  const workspace = await workspaceWith('down', GUIDES);
  const host = await unreachableHost();
  const config = parseConfig({ index: { embedder: 'hash' }, ollama: { host, timeoutMs: 60_000 } }); // refused at once: no timeout to race
  const activity = new Activity();
  await assert.rejects(
    withSession({ workspace, config, client: OllamaClient.fromConfig(config), activity }, async () => assert.fail('the body must not run')),
    (error: unknown) => error instanceof HouseStyleError && error.code === 'ollama-unreachable' && error.message.includes(host),
  );
  await assert.rejects(stat(path.join(workspace, '.housestyle', 'index')), { code: 'ENOENT' });
  assert.equal(activity.state.ollama, 'unreachable');

  await assert.rejects(
    withSession({ workspace, config: parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host } }), client: new OllamaClient({ host: server.host, timeoutMs: 5000 }), model: 'missing:1b' }, async () => undefined),
    (error: unknown) => error instanceof HouseStyleError && error.code === 'model-not-found' && /ollama pull missing:1b/.test(error.hint ?? ''),
  );
});

test('a session brings the rules up to date, hands the reviewer everything it needs, and reports model and Ollama state', async () => {
  const workspace = await workspaceWith('ready', GUIDES);
  const config = parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host } });
  const activity = new Activity();
  const seen: ActivityState[] = [];
  activity.onChange((state) => seen.push(state));
  const cache = new KnowledgeBaseCache(workspace);
  const first = await withSession({ workspace, config, client: OllamaClient.fromConfig(config), activity, knowledgeBases: cache }, async (session) => {
    assert.equal(session.model, MODEL);
    const options = session.reviewOptions();
    assert.equal(options.client, session.client);
    assert.equal(options.knowledgeBase, session.knowledgeBase);
    const overview = await session.knowledgeBase.overview();
    // Each source with the languages its rules are for, as indexing found them (the title names Python; the other names none).
    assert.deepEqual(overview.sources, [{ source: 'docs/naming.md', passages: 1, languages: ['Python'] }, { source: 'docs/tabs.md', passages: 1, languages: [] }]);
    assert.ok(overview.updated instanceof Date && Date.now() - overview.updated.getTime() < 3600_000, 'the last index run is now');
    return { index: session.index, kb: session.knowledgeBase, passages: overview.passages };
  });
  assert.equal(first.index?.updated, 2);
  assert.equal(first.passages, 2);
  assert.deepEqual([seen.at(-1)!.ollama, seen.at(-1)!.model, seen.at(-1)!.host], ['reachable', MODEL, server.host]);

  // Nothing changed: the cached knowledge base is reused; a changed doc replaces it.
  const second = await withSession({ workspace, config, client: OllamaClient.fromConfig(config), knowledgeBases: cache }, async (session) => ({ index: session.index, kb: session.knowledgeBase }));
  assert.equal(second.index?.updated, 0);
  assert.equal(second.kb, first.kb);
  await writeFile(path.join(workspace, 'docs/tabs.md'), '# Indentation\n\nIndent with two spaces.\n');
  const third = await withSession({ workspace, config, client: OllamaClient.fromConfig(config), knowledgeBases: cache }, async (session) => ({ index: session.index, kb: session.knowledgeBase, hits: await session.knowledgeBase.search('two spaces', { k: 1 }) }));
  assert.equal(third.index?.updated, 1);
  assert.notEqual(third.kb, first.kb);
  assert.match(third.hits[0]!.text, /two spaces/);
  cache.invalidate();
});

test('cancelling an index run and a dataset build yields the same cancellation', async () => {
  const workspace = await workspaceWith('cancel', GUIDES);
  const config = parseConfig({ index: { embedder: 'hash' } });
  const cancelled = new AbortController();
  cancelled.abort();
  const indexing = await indexKnowledgeBase({ workspace, config, signal: cancelled.signal }).catch((error: unknown) => error);

  const repo = GitTestRepo.create();
  try {
    repo.write('a.ts', 'export const a = 1;\n').commit('first');
    repo.write('a.ts', 'export const a = 2;\n').commit('fixup! first');
    const controller = new AbortController();
    const building = await buildDataset({
      repo: repo.dir,
      out: path.join(root, 'dataset'),
      format: 'openai',
      config,
      signal: controller.signal,
      progress: { report: () => controller.abort() },
    }).catch((error: unknown) => error);

    for (const error of [indexing, building]) {
      assert.ok(error instanceof HouseStyleError, String(error));
      assert.equal(error.code, 'cancelled');
      assert.ok(isCancellation(error));
    }
    assert.ok(isCancellation(new DOMException('aborted', 'AbortError')));
    assert.ok(!isCancellation(new HouseStyleError('x', undefined, 'git')));
  } finally {
    repo.remove();
  }
});
