import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP server that speaks Ollama's documented REST API, so tests run the real `ollama` client without an
 * Ollama binary or model weights. Model answers are scripted by each test; failures can be scripted on purpose.
 */

/** The next model answer (/api/chat or /api/generate): a reply, or a failure. `delayMs` waits before answering. */
export type ScriptedAnswer =
  | {
      content: string;
      promptTokens?: number;
      completionTokens?: number;
      /** Reported in the final message, converted to Ollama's nanoseconds. */
      durationsMs?: { total?: number; load?: number; promptEval?: number; eval?: number };
      doneReason?: string;
      delayMs?: number;
      /** How the streamed content is split; by default one chunk per word. */
      chunks?: string[];
      /** Pause between streamed chunks, for a long answer that keeps arriving. */
      chunkDelayMs?: number;
    }
  | { fail: 'malformed' | 'truncated' | 'status'; status?: number; error?: string; delayMs?: number };

/** A /api/chat or /api/generate request body as the client sent it (`messages` for chat, `prompt` for generate). */
export type ModelRequestBody = { model: string; messages?: { role: string; content: string }[]; prompt?: string; stream?: boolean } & Record<string, unknown>;

/** `body` is the parsed JSON (the raw text if it was not JSON), `{ bytes }` for blob uploads, undefined when empty. */
export type RecordedRequest = { method: string; path: string; body: unknown };

export interface OllamaTestServer {
  /** 'http://127.0.0.1:PORT' */
  readonly host: string;
  readonly requests: RecordedRequest[];
  /** Installed models with the implicit ':latest' tag made explicit, as /api/tags lists them; pull and create add to it. */
  readonly models: Set<string>;
  enqueueChat(answer: ScriptedAnswer): void;
  /** Computes answers from the request once the queue is empty; without a handler, unscripted requests get HTTP 500. */
  onChat(handler?: (body: ModelRequestBody) => ScriptedAnswer | Promise<ScriptedAnswer>): void;
  embedWith(vector: (text: string) => number[]): void;
  /** Blob digests stored (`sha256:…`), as uploads and tests put them. */
  readonly blobs: Set<string>;
  /**
   * How the next blob uploads fail: `cut` drops the connection after half the bytes (once, then uploads
   * work), `server-error` answers 500 after half the bytes (every time), `stall` stops reading after half
   * the bytes and never answers (every time).
   */
  failBlobUploads(mode?: 'cut' | 'server-error' | 'stall'): void;
  /** The next /api/create streams this error after its first status line, as Ollama does for an adapter it cannot use. */
  rejectNextCreate(error: string): void;
  /** Each model a create built with adapters, with the adapter file names and digests it was sent. */
  readonly createdWithAdapters: { model: string; adapters: Record<string, string> }[];
  /** Where an uploaded blob is kept (only with the `blobDir` option). */
  blobFile(digest: string): string;
  /** Closes every connection and pending delay, so nothing keeps the process alive. */
  close(): Promise<void>;
}

export function withLatestTag(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).includes(':') ? name : `${name}:latest`;
}

/** Deterministic, deliberately unnormalized 8-dimensional vectors. */
export function defaultVector(text: string): number[] {
  const vector = Array.from({ length: 8 }, (_, i) => 1 + i);
  for (let c = 0; c < text.length; c++) vector[c % 8]! += (text.charCodeAt(c) % 13) * (c % 3 === 0 ? -1 : 1);
  return vector;
}

/** A host on a loopback port that nothing listens on, for refused-connection tests. */
export async function unreachableHost(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Families of the embedding models Ollama's library serves, as its /api/show reports them. */
const EMBEDDING_FAMILIES: Record<string, string> = { 'all-minilm': 'bert', 'nomic-embed-text': 'nomic-bert', 'mxbai-embed-large': 'bert', 'snowflake-arctic-embed': 'bert' };

/**
 * The shapes of library models as Ollama's /api/show reports them (`details` and `model_info`, the GGUF key-values
 * its server/routes.go `GetModelInfo` returns): architecture, family, hidden size, layers and heads, read from each
 * model's config.json on Hugging Face. Ollama serves Mistral models as `llama` (convert/convert_mistral.go).
 */
const MODEL_TABLE: Record<string, { arch: string; hidden: number; layers: number; heads: number; kvHeads: number }> = {
  'qwen2.5-coder:1.5b': { arch: 'qwen2', hidden: 1536, layers: 28, heads: 12, kvHeads: 2 },
  'qwen2.5-coder:7b': { arch: 'qwen2', hidden: 3584, layers: 28, heads: 28, kvHeads: 4 },
  'qwen2.5-coder:14b': { arch: 'qwen2', hidden: 5120, layers: 48, heads: 40, kvHeads: 8 },
  'qwen2.5-coder:32b': { arch: 'qwen2', hidden: 5120, layers: 64, heads: 40, kvHeads: 8 },
  'llama3.1:8b': { arch: 'llama', hidden: 4096, layers: 32, heads: 32, kvHeads: 8 },
  'llama3.2:1b': { arch: 'llama', hidden: 2048, layers: 16, heads: 32, kvHeads: 8 },
  'mistral:7b': { arch: 'llama', hidden: 4096, layers: 32, heads: 32, kvHeads: 8 },
  'gemma2:2b': { arch: 'gemma2', hidden: 2304, layers: 26, heads: 8, kvHeads: 4 },
};

/** Architectures whose Safetensors LoRA adapters Ollama converts (convert/convert.go `ConvertAdapter`: llama, gemma2). */
const SAFETENSORS_ADAPTER_ARCHS = ['llama', 'gemma2'];

/**
 * `library`: the models a pull can find (default: any name); others fail as Ollama's registry does.
 * `capabilities: false` answers /api/show as Ollama before 0.6.4 did, without the capabilities list.
 */
export async function startOllamaTestServer(options: { models?: string[]; version?: string; library?: string[]; capabilities?: boolean; blobDir?: string } = {}): Promise<OllamaTestServer> {
  const models = new Set((options.models ?? []).map(withLatestTag));
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const blobs = new Set<string>();
  let chatHandler: ((body: ModelRequestBody) => ScriptedAnswer | Promise<ScriptedAnswer>) | undefined;
  let vectorOf = defaultVector;
  let blobFailure: 'cut' | 'server-error' | 'stall' | undefined;
  let createRejection: string | undefined;
  /** Models created with an adapter, and the shape of the base they were made from (Ollama's show reports the base's). */
  const adapted = new Map<string, (typeof MODEL_TABLE)[string]>();
  const received: { model: string; adapters: Record<string, string> }[] = [];

  const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
  };
  const notFound = (res: ServerResponse, model: string): void =>
    sendJson(res, 404, { error: `model "${model}" not found, try pulling it first` });
  /** NDJSON, as Ollama streams; `gapMs` pauses after each line. */
  const sendLines = async (res: ServerResponse, lines: unknown[], gapMs = 0): Promise<void> => {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const line of lines) {
      if (res.destroyed) return;
      res.write(`${JSON.stringify(line)}\n`);
      if (gapMs) await wait(gapMs, res);
    }
    res.end();
  };

  async function answerModel(res: ServerResponse, body: ModelRequestBody, kind: 'chat' | 'generate'): Promise<void> {
    if (!models.has(withLatestTag(body.model))) return notFound(res, body.model);
    const answer = queue.shift() ?? (chatHandler ? await chatHandler(body) : { fail: 'status', error: `test server: no answer scripted for /api/${kind}` });
    if (answer.delayMs) await wait(answer.delayMs, res);
    if (res.destroyed) return;
    const streaming = body.stream !== false; // Ollama streams unless told not to
    const part = (text: string, done: boolean): Record<string, unknown> => ({
      model: body.model,
      created_at: new Date().toISOString(),
      ...(kind === 'chat' ? { message: { role: 'assistant', content: text } } : { response: text }),
      done,
    });
    if ('fail' in answer) {
      if (answer.fail === 'status') return sendJson(res, answer.status ?? 500, { error: answer.error ?? 'internal error' });
      const start = streaming ? `${JSON.stringify(part('Hel', false))}\n` : JSON.stringify(part('Hello', true));
      if (answer.fail === 'malformed') {
        res.writeHead(200, { 'Content-Type': streaming ? 'application/x-ndjson' : 'application/json' });
        res.end(streaming ? `${start}{"model": "${body.model}", "mess\n` : start.slice(0, start.length - 9));
      } else {
        // Headers and part of the body reach the client, then the connection drops: no `done` chunk ever comes.
        res.writeHead(200, { 'Content-Type': streaming ? 'application/x-ndjson' : 'application/json', ...(streaming ? {} : { 'Content-Length': start.length }) });
        res.write(streaming ? start : start.slice(0, 10), () => res.destroy());
      }
      return;
    }
    const promptTokens = answer.promptTokens ?? 10;
    const completionTokens = answer.completionTokens ?? 5;
    const ms = { load: 1, promptEval: promptTokens, eval: completionTokens * 3, ...answer.durationsMs };
    const final = {
      done_reason: answer.doneReason ?? 'stop',
      total_duration: (ms.total ?? ms.load + ms.promptEval + ms.eval) * 1e6,
      load_duration: ms.load * 1e6,
      prompt_eval_count: promptTokens,
      prompt_eval_duration: ms.promptEval * 1e6,
      eval_count: completionTokens,
      eval_duration: ms.eval * 1e6,
    };
    if (!streaming) return sendJson(res, 200, { ...part(answer.content, true), ...final });
    const pieces = answer.chunks ?? answer.content.match(/\s*\S+|\s+/g) ?? [];
    return sendLines(res, [...pieces.map((piece) => part(piece, false)), { ...part('', true), ...final }], answer.chunkDelayMs);
  }

  function embed(res: ServerResponse, body: { model: string; input: string | string[] }): void {
    if (!models.has(withLatestTag(body.model))) return notFound(res, body.model);
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    sendJson(res, 200, { model: body.model, embeddings: inputs.map((text) => vectorOf(text)), total_duration: 1_000_000, load_duration: 0, prompt_eval_count: inputs.length });
  }

  function modelEntry(name: string) {
    const base = name.slice(name.lastIndexOf('/') + 1).replace(/:.*$/, '');
    const known = MODEL_TABLE[name] ?? adapted.get(name);
    const family = known?.arch ?? EMBEDDING_FAMILIES[base] ?? /^[a-z]+/i.exec(base)?.[0] ?? 'llama';
    const tag = name.slice(name.lastIndexOf(':') + 1);
    const details = { parent_model: '', format: 'gguf', family, families: [family], parameter_size: /^\d+(\.\d+)?[bm]$/i.test(tag) ? tag.toUpperCase() : '1B', quantization_level: 'Q4_K_M' };
    const digest = createHash('sha256').update(name).digest('hex');
    return { name, model: name, modified_at: new Date(0).toISOString(), size: name.length * 100_000_000, digest, details };
  }

  function show(res: ServerResponse, { model }: { model: string }): void {
    if (!models.has(withLatestTag(model))) return notFound(res, model);
    const { details } = modelEntry(withLatestTag(model));
    const known = MODEL_TABLE[withLatestTag(model)] ?? adapted.get(withLatestTag(model));
    const info = {
      'general.architecture': details.family,
      [`${details.family}.context_length`]: 32768,
      ...(known && {
        [`${known.arch}.embedding_length`]: known.hidden,
        [`${known.arch}.block_count`]: known.layers,
        [`${known.arch}.attention.head_count`]: known.heads,
        [`${known.arch}.attention.head_count_kv`]: known.kvHeads,
      }),
    };
    const embedding = Object.values(EMBEDDING_FAMILIES).includes(details.family);
    const capabilities = options.capabilities === false ? {} : { capabilities: [embedding ? 'embedding' : 'completion'] };
    sendJson(res, 200, { modelfile: `FROM ${model}`, parameters: embedding ? '' : 'stop "<|im_end|>"\ntemperature 0.7', template: embedding ? '' : '{{ .System }}\n{{ .Prompt }}', details, model_info: info, ...capabilities });
  }

  function pull(res: ServerResponse, body: { model?: string; name?: string; stream?: boolean }): void {
    const model = withLatestTag(body.model ?? body.name ?? '');
    if (options.library && !options.library.map(withLatestTag).includes(model)) return sendJson(res, 404, { error: 'pull model manifest: file does not exist' });
    const digest = `sha256:${createHash('sha256').update(model).digest('hex')}`;
    models.add(model);
    if (body.stream === false) return sendJson(res, 200, { status: 'success' });
    sendLines(res, [
      { status: 'pulling manifest' },
      { status: `pulling ${digest.slice(7, 19)}`, digest, total: 1000, completed: 0 },
      { status: `pulling ${digest.slice(7, 19)}`, digest, total: 1000, completed: 1000 },
      { status: 'verifying sha256 digest' },
      { status: 'writing manifest' },
      { status: 'success' },
    ]);
  }

  function create(res: ServerResponse, body: { model: string; from?: string; files?: Record<string, string>; adapters?: Record<string, string>; stream?: boolean }): void {
    if (body.from && !models.has(withLatestTag(body.from))) return notFound(res, body.from);
    const missing = Object.values({ ...body.files, ...body.adapters }).find((digest) => !blobs.has(digest));
    if (missing) return sendJson(res, 400, { error: `blob ${missing} not found; upload it to /api/blobs first` });
    if (createRejection) {
      const error = createRejection;
      createRejection = undefined;
      return void sendLines(res, [{ status: 'parsing GGUF' }, { error }]);
    }
    const adapters = Object.entries(body.adapters ?? {});
    if (adapters.length > 0) {
      // server/create.go `detectModelTypeFromFiles`: the file names decide (.safetensors, .gguf; else the GGUF magic).
      const names = adapters.map(([name]) => name);
      const type = names.some((n) => n.endsWith('.safetensors')) ? 'safetensors' : names.some((n) => n.endsWith('.gguf')) || adapters.some(([, digest]) => ggufMagic(digest)) ? 'gguf' : '';
      // server/create.go `convertModelFromFiles`: errUnknownType, errOnlyOneAdapterSupported.
      if (!type) return void sendLines(res, [{ error: 'unknown type' }]);
      if (type === 'gguf' && adapters.length > 1) return void sendLines(res, [{ error: 'only one adapter is currently supported' }]);
      const baseArch = body.from ? modelEntry(withLatestTag(body.from)).details.family : '';
      // convert/convert.go `ConvertAdapter`: only llama and gemma2 bases take a Safetensors adapter.
      if (type === 'safetensors' && !SAFETENSORS_ADAPTER_ARCHS.includes(baseArch)) return void sendLines(res, [{ status: 'converting adapter' }, { error: 'unsupported architecture' }]);
      received.push({ model: withLatestTag(body.model), adapters: body.adapters! });
      const base = body.from && (MODEL_TABLE[withLatestTag(body.from)] ?? adapted.get(withLatestTag(body.from)));
      if (base) adapted.set(withLatestTag(body.model), base);
    }
    models.add(withLatestTag(body.model));
    if (body.stream === false) return sendJson(res, 200, { status: 'success' });
    const adapterLines = adapters.length ? [{ status: 'using existing layer' }, { status: 'creating adapter layer' }] : [{ status: 'using existing layer' }];
    sendLines(res, [{ status: 'parsing GGUF' }, ...adapterLines, { status: 'writing manifest' }, { status: 'success' }]);
  }

  /** Whether a stored blob starts with the GGUF magic (ggml.DetectContentType); false when blobs are not kept. */
  function ggufMagic(digest: string): boolean {
    if (!options.blobDir) return false;
    const head = Buffer.alloc(4);
    const fd = openSync(blobPath(digest), 'r');
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    return head.toString('latin1') === 'GGUF';
  }

  const blobPath = (digest: string) => join(options.blobDir!, digest.replace(':', '-'));

  /** Streams an upload through SHA-256 without holding it, so large adapters cost the test process no memory. */
  async function storeBlob(req: IncomingMessage, res: ServerResponse, digest: string): Promise<void> {
    const expected = Number(req.headers['content-length'] ?? NaN);
    const hash = createHash('sha256');
    let bytes = 0;
    const failure = blobFailure;
    if (failure === 'cut') blobFailure = undefined;
    const kept = options.blobDir ? createWriteStream(blobPath(digest)) : undefined;
    for await (const chunk of req) {
      hash.update(chunk as Buffer);
      if (kept && !kept.write(chunk)) await once(kept, 'drain');
      bytes += (chunk as Buffer).length;
      if (failure && Number.isFinite(expected) && bytes >= expected / 2) {
        requests.push({ method: 'POST', path: `/api/blobs/${digest}`, body: { bytes, failed: failure } });
        if (failure === 'cut') return void req.socket.destroy();
        if (failure === 'stall') return new Promise<void>((resolve) => res.once('close', resolve));
        return sendJson(res.setHeader('Connection', 'close'), 500, { error: 'write /root/.ollama/models/blobs/partial: no space left on device' });
      }
    }
    requests.push({ method: 'POST', path: `/api/blobs/${digest}`, body: { bytes } });
    if (kept) await new Promise((resolve) => kept.end(resolve));
    if (`sha256:${hash.digest('hex')}` !== digest) return sendJson(res, 400, { error: 'digest mismatch' });
    blobs.add(digest);
    res.writeHead(201).end();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const upload = req.method === 'POST' && /^\/api\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    if (upload) return storeBlob(req, res, upload[1]!);
    const raw = await readBody(req);
    const blob = /^\/api\/blobs\/(sha256:[0-9a-f]{64})$/.exec(path);
    const body = blob ? undefined : raw.length > 0 ? parsedOrText(raw) : undefined;
    requests.push({ method: req.method ?? '', path, body });
    if (typeof body === 'string') return sendJson(res, 400, { error: 'invalid character in request body' });
    const json = (body ?? {}) as never; // request bodies are the test's own client input; each handler names the fields it reads
    if (blob) {
      const digest = blob[1]!;
      return void res.writeHead(req.method === 'HEAD' && blobs.has(digest) ? 200 : 404).end();
    }
    switch (`${req.method} ${path}`) {
      case 'POST /api/chat':
        return answerModel(res, json, 'chat');
      case 'POST /api/generate':
        return answerModel(res, json, 'generate');
      case 'POST /api/embed':
        return embed(res, json);
      case 'GET /api/tags':
        return sendJson(res, 200, { models: [...models].map(modelEntry) });
      case 'POST /api/show':
        return show(res, json);
      case 'POST /api/pull':
        return pull(res, json);
      case 'POST /api/create':
        return create(res, json);
      case 'DELETE /api/delete': {
        const name = withLatestTag((json as { model?: string; name?: string }).model ?? (json as { name?: string }).name ?? '');
        if (!models.delete(name)) return notFound(res, name);
        return void res.writeHead(200).end();
      }
      case 'GET /api/version':
        return sendJson(res, 200, { version: options.version ?? '0.12.6' });
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    }
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `test server: ${(error as Error).message}` });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    models,
    enqueueChat: (answer) => void queue.push(answer),
    onChat: (handler) => void (chatHandler = handler),
    embedWith: (vector) => void (vectorOf = vector),
    blobs,
    failBlobUploads: (mode) => void (blobFailure = mode),
    rejectNextCreate: (error) => void (createRejection = error),
    createdWithAdapters: received,
    blobFile: (digest) => {
      if (!options.blobDir) throw new Error('start the test server with blobDir to keep blobs');
      return blobPath(digest);
    },
    close: async () => {
      server.closeAllConnections(); // every pending delay ends with its connection (see `wait`)
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Resolves after `ms`, or at once when the connection closes (the caller then finds `res` destroyed). */
function wait(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      res.off('close', finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    res.once('close', finish);
  });
}

function parsedOrText(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return raw.toString('utf8');
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
