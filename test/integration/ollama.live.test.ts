// The key OllamaClient checks against a real Ollama. Runs only where one exists:
//   OLLAMA_HOST=http://127.0.0.1:11434 HOUSESTYLE_LIVE_MODEL=qwen2.5-coder:0.5b \
//   HOUSESTYLE_LIVE_EMBED_MODEL=nomic-embed-text node --import tsx --test test/integration/ollama.live.test.ts
// Without OLLAMA_HOST every test is skipped with its reason; the models must already be pulled.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { createOllamaEmbedder } from '../../src/core/knowledge/embedders/ollamaEmbedder';
import type { ChatRequest } from '../../src/core/models/chatModel';
import { OllamaClient } from '../../src/core/models/ollama/client';

const host = process.env.OLLAMA_HOST?.trim();
const chatModel = process.env.HOUSESTYLE_LIVE_MODEL?.trim();
const embedModel = process.env.HOUSESTYLE_LIVE_EMBED_MODEL?.trim();

/** The client when the live lane is configured, or undefined after marking the test skipped with the reason. */
function liveClient(t: TestContext, needs: { chat?: boolean; embed?: boolean } = {}): OllamaClient | undefined {
  if (!host) return void t.skip('OLLAMA_HOST not set: no real Ollama to test against (set it to run the live lane)');
  if (needs.chat && !chatModel) return void t.skip('HOUSESTYLE_LIVE_MODEL not set: name a pulled chat model to run this test');
  if (needs.embed && !embedModel) return void t.skip('HOUSESTYLE_LIVE_EMBED_MODEL not set: name a pulled embedding model to run this test');
  return OllamaClient.fromConfig(parseConfig({ ollama: { timeoutMs: 300_000 } }), process.env);
}

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof HouseStyleError, String(error));
    return error.code;
  }
  assert.fail('the call succeeded');
}

const findingsSchema = {
  type: 'object',
  properties: { findings: { type: 'array', items: { type: 'object', properties: { rule: { type: 'string' } }, required: ['rule'] } } },
  required: ['findings'],
};

const review = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: chatModel ?? '',
  messages: [
    { role: 'system', content: 'Answer with JSON only: {"findings": [{"rule": "..."}]}. List at most one finding.' },
    { role: 'user', content: 'Review: var x = 1' },
  ],
  options: { temperature: 0, seed: 42, num_predict: 64 },
  ...extra,
});

test('live: reachable, versioned, lists models', async (t) => {
  const client = liveClient(t);
  if (!client) return;
  assert.equal(await client.isReachable(), true);
  assert.match(await client.version(), /^\d+\.\d+/);
  const models = await client.listModels();
  assert.ok(Array.isArray(models));
  assert.equal(await client.hasModel('housestyle-absent-model:never'), false);
});

test('live: an unknown model is model-not-found', async (t) => {
  const client = liveClient(t);
  if (!client) return;
  assert.equal(await codeOf(() => client.chat({ ...review(), model: 'housestyle-absent-model:never' })), 'model-not-found');
  assert.equal(await codeOf(() => client.show('housestyle-absent-model:never')), 'model-not-found');
});

test('live: structured chat returns schema-shaped JSON with metrics', async (t) => {
  const client = liveClient(t, { chat: true });
  if (!client) return;
  assert.equal(await client.hasModel(chatModel!), true, `${chatModel} is pulled`);
  const answer = await client.chat(review({ format: findingsSchema }));
  const parsed = JSON.parse(answer.content) as { findings: unknown };
  assert.ok(Array.isArray(parsed.findings));
  assert.ok(answer.metrics.promptTokens > 0);
  assert.ok(answer.metrics.completionTokens > 0);
  assert.ok(answer.metrics.totalDurationMs > 0);
  const shown = await client.show(chatModel!);
  assert.ok((shown.contextLength ?? 0) > 0);
});

test('live: streaming delivers the same text it returns; abort cancels', async (t) => {
  const client = liveClient(t, { chat: true });
  if (!client) return;
  const tokens: string[] = [];
  const answer = await client.chat(review({ onToken: (text) => tokens.push(text) }));
  assert.ok(tokens.length > 0);
  assert.equal(tokens.join(''), answer.content);
  const controller = new AbortController();
  const long = review({
    messages: [{ role: 'user', content: 'Count from 1 to 300, one number per line.' }],
    options: { temperature: 0, num_predict: 1024 },
    signal: controller.signal,
    onToken: () => controller.abort(), // the first token arrives long before the last
  });
  const code = await codeOf(() => client.chat(long));
  assert.equal(code, 'cancelled');
});

test('live: the Ollama embedder gives unit vectors of one dimension', async (t) => {
  const client = liveClient(t, { embed: true });
  if (!client) return;
  const embedder = await createOllamaEmbedder(client, embedModel!);
  const vectors = await embedder.embed(['Use camelCase for variables.', 'Prefer const over let.']);
  assert.equal(vectors.length, 2);
  for (const vector of vectors) {
    assert.equal(vector.length, embedder.dimension);
    assert.ok(Math.abs(Math.hypot(...vector) - 1) < 1e-3);
  }
});
