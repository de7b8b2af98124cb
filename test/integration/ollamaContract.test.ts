// The Ollama test server's answers, held against what Ollama itself answers: the same HTTP cases run against the
// test server and, when OLLAMA_HOST is set, against that real Ollama, so the stand-in cannot drift silently.
//   OLLAMA_HOST=http://127.0.0.1:11434 HOUSESTYLE_LIVE_MODEL=qwen2.5-coder:0.5b \
//   HOUSESTYLE_LIVE_EMBED_MODEL=nomic-embed-text node --import tsx --test test/integration/ollamaContract.test.ts
// Both models must already be pulled on the real Ollama; nothing is created or pulled there that stays.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { libraryFamily, startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

const live = process.env.OLLAMA_HOST?.trim();
const CHAT = (live && process.env.HOUSESTYLE_LIVE_MODEL?.trim()) || 'qwen2.5-coder:7b';
const EMBED = (live && process.env.HOUSESTYLE_LIVE_EMBED_MODEL?.trim()) || 'nomic-embed-text';
/** A name no registry holds, so a pull of it fails at the manifest. */
const ABSENT = 'housestyle-contract-absent:0.0.1';

type Answer = { status: number; json?: unknown; lines?: Record<string, unknown>[] };

let server: OllamaTestServer | undefined;
let host: string;

before(async () => {
  if (live) {
    host = /^https?:\/\//.test(live) ? live.replace(/\/$/, '') : `http://${live}`;
    return;
  }
  // `library: []`: like a registry that holds none of the names these cases pull.
  server = await startOllamaTestServer({ models: [CHAT, EMBED], library: [] });
  host = server.host;
});
after(() => server?.close());

/** Skips a case that a real Ollama cannot be made to show, saying why. */
function scriptedOnly(t: TestContext, why: string): boolean {
  if (live) t.skip(`needs the test server: ${why}`);
  return Boolean(live);
}

async function call(path: string, body: unknown, method = 'POST'): Promise<Answer> {
  const response = await fetch(`${host}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('ndjson')) {
    return { status: response.status, lines: text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
  }
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const chatTo = (model: string, extra: Record<string, unknown> = {}) => call('/api/chat', { model, messages: [{ role: 'user', content: 'Say ok.' }], stream: false, options: { num_predict: 4 }, ...extra });

describe(`Ollama API contract (${live ? `real Ollama at ${live}` : 'test server'})`, () => {
  test('model names that do not parse are refused before anything runs', async () => {
    assert.deepEqual(await call('/api/pull', { model: '', stream: false }), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await call('/api/pull', { model: 'no spaces/in names!', stream: false }), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await chatTo(''), { status: 400, json: { error: 'model is required' } });
    assert.deepEqual(await chatTo('bad name!'), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await call('/api/show', { model: '' }), { status: 400, json: { error: 'model is required' } });
  });

  test("an unknown model is 404 `model 'x' not found` for chat, generate, embed, show and delete", async () => {
    const notFound = { status: 404, json: { error: `model '${ABSENT}' not found` } };
    assert.deepEqual(await chatTo(ABSENT), notFound);
    assert.deepEqual(await call('/api/generate', { model: ABSENT, prompt: 'ok', stream: false }), notFound);
    assert.deepEqual(await call('/api/embed', { model: ABSENT, input: ['ok'] }), notFound);
    assert.deepEqual(await call('/api/show', { model: ABSENT }), notFound);
    assert.deepEqual(await call('/api/delete', { model: ABSENT }, 'DELETE'), notFound);
  });

  test('a pull the registry cannot serve answers 200, streams `pulling manifest`, then an error line', async () => {
    const answer = await call('/api/pull', { model: ABSENT });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.lines?.[0], { status: 'pulling manifest' });
    assert.equal(answer.lines?.length, 2, JSON.stringify(answer.lines));
    assert.match(String(answer.lines?.[1]?.error), /^pull model manifest: /);
    const whole = await call('/api/pull', { model: ABSENT, stream: false });
    assert.equal(whole.status, 500);
    assert.match(String((whole.json as { error?: string }).error), /^pull model manifest: /);
  });

  test("create without `from` or `files` is 400 \"neither 'from' or 'files' was specified\"", async () => {
    assert.deepEqual(await call('/api/create', { model: 'housestyle-contract-probe:1', stream: false }), { status: 400, json: { error: "neither 'from' or 'files' was specified" } });
    assert.deepEqual(await call('/api/create', { model: 'bad name!', from: CHAT, stream: false }), { status: 400, json: { error: 'invalid model name' } });
  });

  test('an embedding-only model refuses chat and generate (its capabilities say so)', async () => {
    const shown = (await call('/api/show', { model: EMBED })).json as { capabilities?: string[] };
    assert.deepEqual(shown.capabilities, ['embedding']);
    assert.deepEqual(await chatTo(EMBED), { status: 400, json: { error: `"${EMBED}" does not support chat` } });
    assert.deepEqual(await call('/api/generate', { model: EMBED, prompt: 'ok', stream: false }), { status: 400, json: { error: `"${EMBED}" does not support generate` } });
  });

  test('`format` must be "json" or a JSON Schema object', async () => {
    const refused = await chatTo(CHAT, { format: 'xml' });
    assert.deepEqual(refused, { status: 500, json: { error: 'invalid format: "\\"xml\\""; expected "json" or a valid JSON Schema object' } });
    if (!live) server!.enqueueChat({ content: '{}' });
    assert.equal((await chatTo(CHAT, { format: 'json' })).status, 200);
  });

  test('a chat model reports its architecture as its family and can complete', async () => {
    const shown = (await call('/api/show', { model: CHAT })).json as { details: { family: string; families: string[] }; capabilities?: string[] };
    assert.ok(shown.capabilities?.includes('completion'), JSON.stringify(shown.capabilities));
    assert.ok(!shown.capabilities?.includes('embedding'));
    const expected = libraryFamily(CHAT);
    if (expected) assert.equal(shown.details.family, expected, `${CHAT} is a ${expected} model`);
    const listed = ((await call('/api/tags', undefined, 'GET')).json as { models: { name: string; details: { family: string } }[] }).models;
    assert.equal(listed.find((m) => m.name === CHAT || m.name === `${CHAT}:latest`)?.details.family, shown.details.family);
  });

  test('an error raised mid-answer arrives as an `error` line on the open 200 stream, with no `done` line', async (t) => {
    if (scriptedOnly(t, 'a real runner cannot be made to fail on demand')) return;
    server!.enqueueChat({ content: 'one two three four', errorAfterChunks: { chunks: 2, error: 'llama runner process has terminated: signal: killed' } });
    const answer = await call('/api/chat', { model: CHAT, messages: [{ role: 'user', content: 'ok' }] });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      answer.lines?.map((line) => ('error' in line ? line : (line.message as { content: string }).content)),
      ['one', ' two', { error: 'llama runner process has terminated: signal: killed' }],
    );
  });
});
