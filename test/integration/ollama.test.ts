// The real `ollama` client, through OllamaClient, against the Ollama-API test server over loopback HTTP.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { HouseStyleError } from '../../src/core/errors';
import { createOllamaEmbedder } from '../../src/core/knowledge/embedders/ollamaEmbedder';
import type { ChatRequest } from '../../src/core/models/chatModel';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { startOllamaTestServer, unreachableHost, type OllamaTestServer } from '../support/ollamaTestServer';

const CHAT_MODEL = 'qwen2.5-coder:7b';
const EMBED_MODEL = 'nomic-embed-text';
/** Only the client of the silence test waits this little: on a loaded machine a first answer can take longer. */
const TIMEOUT_MS = 300;

let server: OllamaTestServer;
let client: OllamaClient;

before(async () => {
  server = await startOllamaTestServer({ models: [CHAT_MODEL, EMBED_MODEL] });
  client = new OllamaClient({ host: server.host, timeoutMs: 60_000 });
});
after(() => server.close());

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: CHAT_MODEL,
  messages: [
    { role: 'system', content: 'You review code.' },
    { role: 'user', content: 'Review this.' },
  ],
  ...extra,
});

/** Runs `call`, which must fail with a HouseStyleError of `code`, and returns that error. */
async function failure(call: () => Promise<unknown>, code: string): Promise<HouseStyleError> {
  try {
    await call();
  } catch (error) {
    assert.ok(error instanceof HouseStyleError, `expected a HouseStyleError, got ${String(error)}`);
    assert.equal(error.code, code, `${error.message} ${error.hint ?? ''}`);
    return error;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

function lastRequestTo(path: string): Record<string, unknown> {
  const request = server.requests.filter((r) => r.path === path).at(-1);
  assert.ok(request, `a request reached ${path}`);
  return request.body as Record<string, unknown>;
}

describe('chat', () => {
  test('non-streaming: returns the whole answer with metrics converted from nanoseconds', async () => {
    server.enqueueChat({
      content: '{"findings":[]}',
      promptTokens: 120,
      completionTokens: 8,
      durationsMs: { total: 950, load: 400, promptEval: 300, eval: 240 },
      doneReason: 'length',
    });
    const answer = await client.chat(ask({ options: { temperature: 0, seed: 42, num_ctx: 8192 }, keepAlive: '10m' }));
    assert.equal(answer.content, '{"findings":[]}');
    assert.equal(answer.model, CHAT_MODEL);
    assert.equal(answer.doneReason, 'length');
    const { wallMs: _measuredByTheClient, ...reported } = answer.metrics; // the client's own clock: nothing to compare it with
    assert.deepEqual(reported, { promptTokens: 120, completionTokens: 8, totalDurationMs: 950, loadDurationMs: 400, promptEvalDurationMs: 300, evalDurationMs: 240 });
    const body = lastRequestTo('/api/chat');
    assert.equal(body.stream, false);
    assert.deepEqual(body.messages, ask().messages);
    assert.deepEqual(body.options, { temperature: 0, seed: 42, num_ctx: 8192 });
    assert.equal(body.keep_alive, '10m');
  });

  test('a smaller num_ctx after a larger one for the same model is sent as the larger, so Ollama keeps the model loaded', async () => {
    const fresh = new OllamaClient({ host: server.host, timeoutMs: 60_000 });
    const loadsBefore = server.loads.length;
    const sent: unknown[] = [];
    const other = 'llama3.2:1b';
    server.models.add(other);
    for (const [model, numCtx] of [[CHAT_MODEL, 4096], [CHAT_MODEL, 8192], [CHAT_MODEL, 4096], [CHAT_MODEL, 6144], [other, 4096]] as const) {
      server.enqueueChat({ content: '{"findings":[]}' });
      await fresh.chat(ask({ model, options: { temperature: 0, num_ctx: numCtx } }));
      sent.push((lastRequestTo('/api/chat').options as { num_ctx: number }).num_ctx);
    }
    server.models.delete(other);
    assert.deepEqual(sent, [4096, 8192, 8192, 8192, 4096], 'each model keeps its own largest');
    // The test server loads a model as server/sched.go does: first use, and every change of its runner options.
    assert.deepEqual(server.loads.slice(loadsBefore).map((load) => [load.model, load.runner.num_ctx]), [[CHAT_MODEL, 4096], [CHAT_MODEL, 8192], [other, 4096]]);
  });

  test('streaming: onToken gets every token in order, metrics come from the final chunk', async () => {
    const chunks = ['{"find', 'ings":', ' [', ']}'];
    server.enqueueChat({ content: chunks.join(''), chunks, promptTokens: 33, completionTokens: 4, durationsMs: { eval: 12 } });
    const tokens: string[] = [];
    const answer = await client.chat(ask({ onToken: (text) => tokens.push(text) }));
    assert.deepEqual(tokens, chunks);
    assert.equal(answer.content, chunks.join(''));
    assert.equal(answer.metrics.promptTokens, 33);
    assert.equal(answer.metrics.completionTokens, 4);
    assert.equal(answer.metrics.evalDurationMs, 12);
    assert.equal(lastRequestTo('/api/chat').stream, true);
  });

  test('a structured-output schema is sent as `format`', async () => {
    const schema = { type: 'object', properties: { findings: { type: 'array' } }, required: ['findings'] };
    server.onChat((body) => ({ content: JSON.stringify({ findings: [], echoed: body.format }) }));
    try {
      const answer = await client.chat(ask({ format: schema }));
      assert.deepEqual(lastRequestTo('/api/chat').format, schema);
      assert.deepEqual(JSON.parse(answer.content).echoed, schema);
    } finally {
      server.onChat();
    }
  });

  test('an error thrown by onToken reaches the caller unchanged', async () => {
    server.enqueueChat({ content: 'one two three' });
    const mine = new Error('consumer failed');
    await assert.rejects(
      client.chat(ask({ onToken: () => { throw mine; } })),
      (error) => error === mine,
    );
  });
});

describe('failures become actionable HouseStyleErrors', () => {
  test('refused connection: ollama-unreachable naming the host', async () => {
    const host = await unreachableHost();
    // A refused port answers at once; a short idle timeout could win the race on a starved machine (timers run before I/O).
    const error = await failure(() => new OllamaClient({ host, timeoutMs: 60_000 }).chat(ask()), 'ollama-unreachable');
    assert.equal(error.message, `Cannot reach Ollama at ${host}.`);
    assert.match(error.hint ?? '', /ollama serve.*OLLAMA_HOST.*ollama\.host/);
  });

  test('unknown model: model-not-found with the pull command', async () => {
    const error = await failure(() => client.chat(ask({ model: 'llama9:70b' })), 'model-not-found');
    assert.match(error.message, /llama9:70b/);
    assert.match(error.hint ?? '', /`ollama pull llama9:70b`/);
  });

  test('HTTP 500: ollama-server-error carrying Ollama’s own text', async () => {
    server.enqueueChat({ fail: 'status', status: 500, error: 'llama runner process has terminated: boom' });
    const error = await failure(() => client.chat(ask()), 'ollama-server-error');
    assert.match(error.message, /llama runner process has terminated: boom/);
  });

  test('out of memory, streamed or not: model-too-large suggesting a smaller model', async () => {
    server.enqueueChat({ fail: 'status', status: 500, error: 'model requires more system memory (9.1 GiB) than is available (3.2 GiB)' });
    const error = await failure(() => client.chat(ask()), 'model-too-large');
    assert.match(error.message, new RegExp(CHAT_MODEL.replace('.', '\\.')));
    assert.match(error.hint ?? '', /smaller/);
    server.enqueueChat({ fail: 'status', status: 500, error: 'CUDA error: out of memory' });
    await failure(() => client.chat(ask({ onToken() {} })), 'model-too-large');
  });

  test('no answer within timeoutMs: ollama-timeout naming the setting', async () => {
    const hasty = new OllamaClient({ host: server.host, timeoutMs: TIMEOUT_MS });
    server.enqueueChat({ content: 'too late', delayMs: 60_000 });
    const error = await failure(() => hasty.chat(ask()), 'ollama-timeout');
    assert.match(error.hint ?? '', new RegExp(`ollama\\.timeoutMs \\(now ${TIMEOUT_MS}\\)`));
    server.enqueueChat({ content: 'too late', delayMs: 60_000 });
    await failure(() => hasty.chat(ask({ onToken() {} })), 'ollama-timeout');
  });

  // A patient client, so that only the caller's signal (not the inactivity timeout) can end these calls; the
  // test-level timeout only keeps a broken build from hanging the suite.
  test('the timeout is for silence, not for a long answer that keeps streaming', async () => {
    // Server and client share this process, so a stall of the whole process delays the chunks and the timer alike:
    // the 100 ms gaps leave a margin of almost 4 s before a stall could look like silence.
    const slowClient = new OllamaClient({ host: server.host, timeoutMs: 4000 });
    const chunks = Array.from({ length: 50 }, (_, i) => `t${i} `);
    server.enqueueChat({ content: chunks.join(''), chunks, chunkDelayMs: 100 }); // 5 s in all, never 4 s silent
    const tokens: string[] = [];
    const answer = await slowClient.chat(ask({ onToken: (text) => tokens.push(text) }));
    assert.deepEqual(tokens, chunks);
    assert.equal(answer.content, chunks.join(''));
  });

  test('caller abort, before or during the request: cancelled, and the request is dropped', { timeout: 20_000 }, async () => {
    const patient = new OllamaClient({ host: server.host, timeoutMs: 600_000 });
    const seen = server.requests.length;
    await failure(() => patient.chat(ask({ signal: AbortSignal.abort() })), 'cancelled');
    assert.equal(server.requests.length, seen, 'an already-aborted call sends nothing');
    const controller = new AbortController();
    server.onChat(() => {
      controller.abort(); // the request is in flight: the server holds it
      return { content: 'never sent', delayMs: 600_000 };
    });
    try {
      await failure(() => patient.chat(ask({ signal: controller.signal })), 'cancelled');
    } finally {
      server.onChat();
    }
  });

  test('truncated streams and bodies, malformed JSON: ollama-bad-response', async () => {
    server.enqueueChat({ fail: 'truncated' });
    const tokens: string[] = [];
    await failure(() => client.chat(ask({ onToken: (text) => tokens.push(text) })), 'ollama-bad-response');
    assert.ok(tokens.length > 0, 'the stream was cut after some tokens had arrived');
    server.enqueueChat({ fail: 'truncated' });
    await failure(() => client.chat(ask()), 'ollama-bad-response');
    server.enqueueChat({ fail: 'malformed' });
    const error = await failure(() => client.chat(ask()), 'ollama-bad-response');
    assert.match(error.message, /invalid JSON/);
  });

  test('errors Ollama sends after answering 200, or for requests it refuses: one line each, saying what failed', async () => {
    const oneLine = (error: HouseStyleError): void => assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /\n/);
    const tokens: string[] = [];
    server.enqueueChat({ content: 'one two three', errorAfterChunks: { chunks: 2, error: 'llama runner process has terminated: exit status 2' } });
    const midAnswer = await failure(() => client.chat(ask({ onToken: (text) => tokens.push(text) })), 'ollama-server-error');
    assert.deepEqual(tokens, ['one', ' two']);
    assert.match(midAnswer.message, /failed during chat with .*: llama runner process has terminated: exit status 2$/);
    server.enqueueChat({ content: 'one two', errorAfterChunks: { chunks: 1, error: 'CUDA error: out of memory' } });
    oneLine(await failure(() => client.chat(ask({ onToken() {} })), 'model-too-large'));
    const format = await failure(() => client.chat(ask({ format: 'yaml' as 'json' })), 'ollama-server-error');
    assert.match(format.message, /invalid format/);
    const embedOnly = await failure(() => client.chat(ask({ model: EMBED_MODEL })), 'ollama-rejected');
    assert.match(embedOnly.message, /does not support chat/);
    assert.match(embedOnly.hint ?? '', /supports chat/);
    const badName = await failure(() => client.pull('no spaces allowed!'), 'ollama-rejected');
    assert.match(badName.message, /invalid model name/);
    for (const error of [midAnswer, format, embedOnly, badName]) oneLine(error);
  });

  test('a pull the registry cannot serve streams its error after `pulling manifest`: model-not-found naming the library', async () => {
    const registryWithout = await startOllamaTestServer({ library: [] });
    try {
      const statuses: string[] = [];
      const error = await failure(() => new OllamaClient({ host: registryWithout.host, timeoutMs: 60_000 }).pull('qwen2.5-coder:99b', (status) => statuses.push(status)), 'model-not-found');
      assert.deepEqual(statuses, ['pulling manifest'], 'the error came on the 200 stream, after progress');
      assert.equal(error.message, `Model qwen2.5-coder:99b is not available on Ollama at ${registryWithout.host}.`);
      assert.match(error.hint ?? '', /ollama\.com\/library/);
    } finally {
      await registryWithout.close();
    }
  });

  test('the client still works after each failure', async () => {
    server.enqueueChat({ content: 'fine' });
    assert.equal((await client.chat(ask())).content, 'fine');
  });
});

describe('models', () => {
  test('hasModel tolerates the implicit :latest tag on either side', async () => {
    assert.equal(await client.hasModel(EMBED_MODEL), true);
    assert.equal(await client.hasModel(`${EMBED_MODEL}:latest`), true);
    assert.equal(await client.hasModel(CHAT_MODEL), true);
    assert.equal(await client.hasModel('qwen2.5-coder'), false, 'qwen2.5-coder means qwen2.5-coder:latest, which is not installed');
    assert.equal(await client.hasModel('qwen2.5-coder:14b'), false);
  });

  test('listModels and show report what Ollama lists', async () => {
    const models = await client.listModels();
    assert.deepEqual(models.map((m) => m.name).sort(), [CHAT_MODEL, `${EMBED_MODEL}:latest`].sort());
    const chat = models.find((m) => m.name === CHAT_MODEL);
    assert.equal(chat?.parameterSize, '7B');
    assert.match(chat?.digest ?? '', /^[0-9a-f]{64}$/);
    const shown = await client.show(CHAT_MODEL);
    assert.equal(shown.family, chat?.family);
    assert.equal(shown.contextLength, 32768);
    await failure(() => client.show('absent'), 'model-not-found');
  });

  test('pull reports progress and installs the model', async () => {
    assert.equal(await client.hasModel('llama3.2'), false);
    const progress: { status: string; completed?: number; total?: number }[] = [];
    await client.pull('llama3.2', (status, completed, total) => progress.push({ status, completed, total }));
    assert.equal(progress.at(-1)?.status, 'success');
    assert.ok(progress.some((p) => p.total !== undefined && p.completed === p.total), 'byte progress was reported');
    assert.equal(await client.hasModel('llama3.2'), true);
    assert.deepEqual(lastRequestTo('/api/pull'), { name: 'llama3.2', stream: true });
  });

  test('version and reachability', async () => {
    assert.match(await client.version(), /^\d+\.\d+\.\d+$/);
    assert.equal(await client.isReachable(), true);
  });

  test('hosts are normalized as ollama-js calls them; nonsense is a config error', () => {
    assert.equal(new OllamaClient({ host: '127.0.0.1', timeoutMs: 1 }).host, 'http://127.0.0.1:11434');
    assert.equal(new OllamaClient({ host: 'http://gpu-box:8080/', timeoutMs: 1 }).host, 'http://gpu-box:8080');
    assert.throws(() => new OllamaClient({ host: 'http://[::1', timeoutMs: 1 }), (error) => error instanceof HouseStyleError && error.code === 'config');
  });
});

describe('reachability probe', () => {
  test('a refused port is unreachable at once, without waiting out the silence limit', { timeout: 60_000 }, async () => {
    // A silence limit far past the test's own timeout: only an answer that does not wait for it passes.
    assert.equal(await new OllamaClient({ host: await unreachableHost(), timeoutMs: 60_000 }).isReachable(10 * 60_000), false);
  });

  test('a host that accepts the connection and never answers is unreachable once the silence limit has run', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      assert.equal(await new OllamaClient({ host: `http://127.0.0.1:${port}`, timeoutMs: 60_000 }).isReachable(200), false);
      assert.ok(sockets.size > 0, 'the probe connected before it gave up');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a process paused past the silence limit does not take a host that answers for a silent one', async () => {
    const probe = client.isReachable(1000);
    // The whole process stops (as a starved test runner or a module compiled on first import stops it), with
    // the test server in it: nothing could answer meanwhile, so the pause is no silence of the host's.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    assert.equal(await probe, true);
  });
});

describe('Ollama embedder', () => {
  const vectorFor = (text: string): number[] => [text.length, 3, -4, Number(/\d+/.exec(text)?.[0] ?? 0)];

  test('probes the dimension, batches requests, keeps order, L2-normalizes', async () => {
    server.embedWith(vectorFor);
    const embedder = await createOllamaEmbedder(client, EMBED_MODEL);
    assert.equal(embedder.id, `ollama:${EMBED_MODEL}`);
    assert.equal(embedder.dimension, 4);
    const before = server.requests.length;
    const texts = Array.from({ length: 70 }, (_, i) => `passage ${i}`);
    const vectors = await embedder.embed(texts);
    const batches = server.requests.slice(before).filter((r) => r.path === '/api/embed').map((r) => (r.body as { input: string[] }).input);
    assert.deepEqual(batches.map((b) => b.length), [32, 32, 6]);
    assert.deepEqual(batches.flat(), texts);
    assert.equal(vectors.length, texts.length);
    texts.forEach((text, i) => {
      const raw = vectorFor(text);
      const norm = Math.sqrt(raw.reduce((sum, v) => sum + v * v, 0));
      const vector = vectors[i]!;
      assert.ok(vector instanceof Float32Array);
      raw.forEach((value, j) => assert.ok(Math.abs(vector[j]! - value / norm) < 1e-6, `component ${j} of vector ${i}`));
    });
    assert.deepEqual(await embedder.embed([]), []);
  });

  test('a missing embedding model fails at creation with the client’s error', async () => {
    await failure(() => createOllamaEmbedder(client, 'mxbai-embed-large'), 'model-not-found');
  });

  test('vectors of a changed dimension are refused', async () => {
    server.embedWith(vectorFor);
    const embedder = await createOllamaEmbedder(client, EMBED_MODEL);
    server.embedWith((text) => [...vectorFor(text), 1]);
    await failure(() => embedder.embed(['a', 'b']), 'ollama-bad-response');
  });
});
