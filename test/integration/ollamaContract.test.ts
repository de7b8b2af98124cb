// The Ollama test server's answers, held against what Ollama itself answers: the same HTTP cases run against the
// test server always and, when OLLAMA_HOST is set, against that real Ollama too, so the stand-in cannot drift
// silently. Without OLLAMA_HOST the real-Ollama half is skipped with its reason.
//   OLLAMA_HOST=http://127.0.0.1:11434 HOUSESTYLE_LIVE_MODEL=qwen2.5-coder:0.5b \
//   HOUSESTYLE_LIVE_EMBED_MODEL=nomic-embed-text node --import tsx --test test/integration/ollamaContract.test.ts
// Both models must already be pulled on the real Ollama; nothing is created or pulled there that stays.
// Each expected answer is the one ollama/ollama (fb30760) writes: the handler is named beside each case.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { libraryFamily, startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

const live = process.env.OLLAMA_HOST?.trim();
/** A name no registry holds, so a pull of it fails at the manifest. */
const ABSENT = 'housestyle-contract-absent:0.0.1';

type Answer = { status: number; json?: unknown; lines?: Record<string, unknown>[] };

/** Where the cases run: the host, its chat and embedding models, and the test server when it is one. */
interface Target {
  host: string;
  chat: string;
  embed: string;
  server?: OllamaTestServer;
}

function contractCases(target: Target): void {
  async function call(path: string, body: unknown, method = 'POST'): Promise<Answer> {
    const response = await fetch(`${target.host}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if ((response.headers.get('content-type') ?? '').includes('ndjson')) {
      return { status: response.status, lines: text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
    }
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }
  const chatTo = (model: string, extra: Record<string, unknown> = {}) => call('/api/chat', { model, messages: [{ role: 'user', content: 'Say ok.' }], stream: false, options: { num_predict: 4 }, ...extra });
  /** Skips a case that a real Ollama cannot be made to show, saying why; the test server is then undefined. */
  const scripted = (t: TestContext, why: string): OllamaTestServer | undefined => {
    if (!target.server) t.skip(`needs the test server: ${why}`);
    return target.server;
  };

  // server/routes.go writeModelRefParseError: ChatHandler and ShowHandler fall back to "model is required" for an
  // empty name (internal/modelref ParseRef: ErrModelRequired), PullHandler to "invalid model name".
  test('model names that do not parse are refused before anything runs', async () => {
    assert.deepEqual(await call('/api/pull', { model: '', stream: false }), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await call('/api/pull', { model: 'no spaces/in names!', stream: false }), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await chatTo(''), { status: 400, json: { error: 'model is required' } });
    assert.deepEqual(await chatTo('bad name!'), { status: 400, json: { error: 'invalid model name' } });
    assert.deepEqual(await call('/api/show', { model: '' }), { status: 400, json: { error: 'model is required' } });
  });

  // server/routes.go: Chat, Generate, Show and Delete handlers answer `model '%s' not found` themselves; EmbedHandler
  // passes the missing manifest to handleScheduleError, which words it `model %q not found, try pulling it first`.
  test('an unknown model is 404 for chat, generate, embed, show and delete, in each handler’s words', async () => {
    const notFound = { status: 404, json: { error: `model '${ABSENT}' not found` } };
    assert.deepEqual(await chatTo(ABSENT), notFound);
    assert.deepEqual(await call('/api/generate', { model: ABSENT, prompt: 'ok', stream: false }), notFound);
    assert.deepEqual(await call('/api/embed', { model: ABSENT, input: ['ok'] }), { status: 404, json: { error: `model "${ABSENT}" not found, try pulling it first` } });
    assert.deepEqual(await call('/api/show', { model: ABSENT }), notFound);
    const untagged = ABSENT.slice(0, ABSENT.indexOf(':'));
    assert.deepEqual(await call('/api/show', { model: untagged }), { status: 404, json: { error: `model '${untagged}:latest' not found` } }, 'show names it with its tag (DisplayShortest)');
    assert.deepEqual(await call('/api/delete', { model: ABSENT }, 'DELETE'), notFound);
  });

  // server/routes.go PullHandler → streamResponse: the progress line is written first, so the error that follows
  // goes on the open 200 stream; with stream false, waitForStream answers the error alone with 500.
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

  // server/create.go CreateHandler: the name is checked first; errNeitherFromOrFiles carries status 400.
  test("create without `from` or `files` is 400 \"neither 'from' or 'files' was specified\"", async () => {
    assert.deepEqual(await call('/api/create', { model: 'housestyle-contract-probe:1', stream: false }), { status: 400, json: { error: "neither 'from' or 'files' was specified" } });
    assert.deepEqual(await call('/api/create', { model: 'bad name!', from: target.chat, stream: false }), { status: 400, json: { error: 'invalid model name' } });
  });

  // server/routes.go ChatHandler/GenerateHandler: scheduleRunner fails with errCapabilityCompletion.
  test('an embedding-only model refuses chat and generate (its capabilities say so)', async () => {
    const shown = (await call('/api/show', { model: target.embed })).json as { capabilities?: string[] };
    assert.deepEqual(shown.capabilities, ['embedding']);
    assert.deepEqual(await chatTo(target.embed), { status: 400, json: { error: `"${target.embed}" does not support chat` } });
    assert.deepEqual(await call('/api/generate', { model: target.embed, prompt: 'ok', stream: false }), { status: 400, json: { error: `"${target.embed}" does not support generate` } });
  });

  // llm/llama_server.go Completion: anything but "json" or an object is refused; writeChatResponse answers it 500.
  test('`format` must be "json" or a JSON Schema object', async () => {
    const refused = await chatTo(target.chat, { format: 'xml' });
    assert.deepEqual(refused, { status: 500, json: { error: 'invalid format: "\\"xml\\""; expected "json" or a valid JSON Schema object' } });
    target.server?.enqueueChat({ content: '{}' });
    assert.equal((await chatTo(target.chat, { format: 'json' })).status, 200);
  });

  // server/images.go GetModel: the family is the GGUF's general.architecture, in show and in the list alike.
  test('a chat model reports its architecture as its family and can complete', async () => {
    const shown = (await call('/api/show', { model: target.chat })).json as { details: { family: string; families: string[] }; capabilities?: string[] };
    assert.ok(shown.capabilities?.includes('completion'), JSON.stringify(shown.capabilities));
    assert.ok(!shown.capabilities?.includes('embedding'));
    const expected = libraryFamily(target.chat);
    if (expected) assert.equal(shown.details.family, expected, `${target.chat} is a ${expected} model`);
    const listed = ((await call('/api/tags', undefined, 'GET')).json as { models: { name: string; details: { family: string } }[] }).models;
    assert.equal(listed.find((m) => m.name === target.chat || m.name === `${target.chat}:latest`)?.details.family, shown.details.family);
  });

  // server/routes.go ChatHandler: `ch <- gin.H{"error": …}` after content, encoded by streamResponse on the 200 stream.
  test('an error raised mid-answer arrives as an `error` line on the open 200 stream, with no `done` line', async (t) => {
    const server = scripted(t, 'a real runner cannot be made to fail on demand');
    if (!server) return;
    server.enqueueChat({ content: 'one two three four', errorAfterChunks: { chunks: 2, error: 'llama runner process has terminated: signal: killed' } });
    const answer = await call('/api/chat', { model: target.chat, messages: [{ role: 'user', content: 'ok' }] });
    assert.equal(answer.status, 200);
    assert.deepEqual(
      answer.lines?.map((line) => ('error' in line ? line : (line.message as { content: string }).content)),
      ['one', ' two', { error: 'llama runner process has terminated: signal: killed' }],
    );
  });
}

describe('Ollama API contract: the test server', () => {
  const target: Target = { host: '', chat: 'qwen2.5-coder:7b', embed: 'nomic-embed-text' };
  before(async () => {
    // `library: []`: like a registry that holds none of the names these cases pull.
    target.server = await startOllamaTestServer({ models: [target.chat, target.embed], library: [] });
    target.host = target.server.host;
  });
  after(() => target.server?.close());
  contractCases(target);
});

describe(`Ollama API contract: a real Ollama${live ? ` at ${live}` : ''}`, { skip: live ? false : 'OLLAMA_HOST not set: no real Ollama to hold the test server against (set it to run these cases live)' }, () => {
  const target: Target = {
    host: live && /^https?:\/\//.test(live) ? live.replace(/\/$/, '') : `http://${live}`,
    chat: process.env.HOUSESTYLE_LIVE_MODEL?.trim() || 'qwen2.5-coder:7b',
    embed: process.env.HOUSESTYLE_LIVE_EMBED_MODEL?.trim() || 'nomic-embed-text',
  };
  contractCases(target);
});
