import { createHash } from 'node:crypto';
import { closeSync, createWriteStream, openSync, readSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { connect, type AddressInfo } from 'node:net';

/**
 * A small HTTP server that speaks Ollama's documented REST API, so tests run the real `ollama` client without an
 * Ollama binary or model weights. Model answers are scripted by each test; failures can be scripted on purpose.
 * Each rule names the file of ollama/ollama (fb30760, 2026-08) it follows; test/integration/ollamaContract.test.ts
 * runs the same cases against a real Ollama when OLLAMA_HOST is set, so the two cannot drift apart silently.
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
      /**
       * A streamed answer fails after this many chunks with `{"error": …}` and no `done` line, as Ollama writes an
       * error its runner raises mid-answer (server/routes.go ChatHandler: `ch <- gin.H{"error": …}`, then
       * streamResponse encodes it on the open 200 stream).
       */
      errorAfterChunks?: { chunks: number; error: string };
      /**
       * The stream stops after this many chunks until `until` settles (or the client goes away), so a test can act
       * while an answer is visibly half-way without depending on how fast either side runs.
       */
      pauses?: { afterChunks: number; until: Promise<unknown> }[];
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
  /**
   * Each time a chat or generate request loaded its model: the first request for it, and every later one whose
   * runner options differ from those it was loaded with, as server/sched.go's needsReload compares
   * `api.Options.Runner` (num_ctx, num_batch, num_gpu, main_gpu, use_mmap, num_thread) and reloads on any change.
   * Compared as sent: Ollama first fills an omitted option with its default, so a request that leaves out an option
   * the model was loaded with at its default value reloads here but not there (House Style always sends num_ctx).
   */
  readonly loads: { model: string; runner: Record<string, unknown> }[];
  /** Where an uploaded blob is kept (only with the `blobDir` option). */
  blobFile(digest: string): string;
  /** Closes every connection and pending delay, so nothing keeps the process alive. */
  close(): Promise<void>;
}

/** The request options api/types.go's `Runner` holds ("must be set when the model is loaded"): a change to any of them reloads the model. */
const RUNNER_OPTIONS = ['num_ctx', 'num_batch', 'num_gpu', 'main_gpu', 'use_mmap', 'num_thread'];

export function withLatestTag(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).includes(':') ? name : `${name}:latest`;
}

/** Deterministic, deliberately unnormalized 8-dimensional vectors. */
export function defaultVector(text: string): number[] {
  const vector = Array.from({ length: 8 }, (_, i) => 1 + i);
  for (let c = 0; c < text.length; c++) vector[c % 8]! += (text.charCodeAt(c) % 13) * (c % 3 === 0 ? -1 : 1);
  return vector;
}

let deadEnd: Promise<string> | undefined;

/**
 * A loopback host that refuses connections, as a host with no Ollama running does. Port 1 (tcpmux) is
 * privileged and never handed out for port 0, so no test server beside this one can take it; it is checked once,
 * in case a machine serves something there. A listener that accepts and resets at once is not enough: under load
 * undici's fetch sometimes waits on such a connection until the client's inactivity timeout (26 of 1,000 calls
 * measured here), which left a CLI test waiting 120 s in CI.
 */
export function unreachableHost(): Promise<string> {
  deadEnd ??= new Promise((resolve, reject) => {
    const probe = connect(1, '127.0.0.1');
    probe.once('connect', () => {
      probe.destroy();
      reject(new Error('Something listens on 127.0.0.1:1, so the tests have no refused port to stand for a stopped Ollama.'));
    });
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNREFUSED' ? resolve('http://127.0.0.1:1') : reject(new Error(`Probing 127.0.0.1:1 for a refused port failed: ${error.message}`)),
    );
  });
  return deadEnd;
}

/**
 * The architecture (`details.family`, `general.architecture`) Ollama's library models report: read from the
 * GGUF's `general.architecture` (server/images.go GetModel → model Config.ModelFamily), so qwen2.5-coder is
 * `qwen2`, not a name prefix. A name the table lacks is taken to be a llama-architecture GGUF, the most common.
 */
const FAMILIES: Record<string, string> = {
  'qwen2.5-coder': 'qwen2',
  'qwen2.5': 'qwen2',
  qwen2: 'qwen2',
  qwen3: 'qwen3',
  'llama3.2': 'llama',
  'llama3.1': 'llama',
  llama3: 'llama',
  codellama: 'llama',
  mistral: 'llama',
  'deepseek-coder': 'llama',
  'deepseek-coder-v2': 'deepseek2',
  gemma2: 'gemma2',
  gemma3: 'gemma3',
  phi3: 'phi3',
  starcoder2: 'starcoder2',
  'all-minilm': 'bert',
  'nomic-embed-text': 'nomic-bert',
  'mxbai-embed-large': 'bert',
  'snowflake-arctic-embed': 'bert',
};
/** Embedding-only architectures: their models have the `embedding` capability and not `completion` (server/images.go Capabilities). */
const EMBEDDING_ARCHITECTURES = new Set(['bert', 'nomic-bert']);

/** The family of a library model the table knows, whatever its tag. */
export function libraryFamily(name: string): string | undefined {
  return FAMILIES[name.slice(name.lastIndexOf('/') + 1).replace(/:.*$/, '')];
}

function familyOf(name: string): string {
  return libraryFamily(name) ?? 'llama';
}

/**
 * Ollama's model-name rule (types/model/name.go isValidPart, IsFullyQualified): host/namespace/model:tag, each
 * part 1–80 characters (host 350) of letters, digits, `_`, `-` and `.` (not in a namespace), starting with a letter,
 * digit or `_`; a host may hold `:` (a port). Missing parts take the defaults registry.ollama.ai/library/…:latest.
 */
function isValidModelName(name: string): boolean {
  const slash = name.lastIndexOf('/');
  const [model = '', ...tagParts] = name.slice(slash + 1).split(':');
  const prefix = slash < 0 ? [] : name.slice(0, slash).split('/');
  if (prefix.length > 2 || tagParts.length > 1) return false;
  const host = prefix.length === 2 ? prefix[0]! : 'registry.ollama.ai';
  const namespace = prefix.at(-1) ?? 'library';
  const part = (s: string, max: number, allowed: RegExp): boolean => s.length >= 1 && s.length <= max && /^[A-Za-z0-9_]/.test(s) && allowed.test(s);
  return (
    part(host, 350, /^[\w.:-]+$/) && part(namespace, 80, /^[\w-]+$/) && part(model, 80, /^[\w.-]+$/) && part(tagParts[0] ?? 'latest', 80, /^[\w.-]+$/)
  );
}

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
  const loads: { model: string; runner: Record<string, unknown> }[] = [];
  const loadedWith = new Map<string, string>();

  const sendJson = (res: ServerResponse, status: number, value: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' }).end(JSON.stringify(value));
  };
  // server/routes.go (Chat, Generate, Show, Delete handlers): `model '%s' not found`, HTTP 404.
  const notFound = (res: ServerResponse, model: string): void => sendJson(res, 404, { error: `model '${model}' not found` });
  /**
   * server/routes.go writeModelRefParseError: a name that does not parse (types/model/name.go) is 400 "invalid model
   * name"; an empty one gets each handler's fallback (`emptyAnswer`). True when it answered.
   */
  const refusedName = (res: ServerResponse, model: string, emptyAnswer: [number, string] = [400, 'invalid model name']): boolean => {
    if (model !== '' && isValidModelName(model)) return false;
    const [status, error] = model === '' ? emptyAnswer : [400, 'invalid model name'];
    sendJson(res, status, { error });
    return true;
  };
  /** NDJSON, as Ollama streams; `gapMs` pauses after each line. */
  const sendLines = async (res: ServerResponse, lines: unknown[], gapMs = 0, pauses: { afterChunks: number; until: Promise<unknown> }[] = []): Promise<void> => {
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    for (const [index, line] of lines.entries()) {
      if (res.destroyed) return;
      res.write(`${JSON.stringify(line)}\n`);
      if (gapMs) await wait(gapMs, res);
      for (const pause of pauses.filter(({ afterChunks }) => afterChunks === index + 1)) if (!res.destroyed) await Promise.race([pause.until, once(res, 'close')]);
    }
    res.end();
  };

  async function answerModel(res: ServerResponse, body: ModelRequestBody, kind: 'chat' | 'generate'): Promise<void> {
    if (refusedName(res, body.model ?? '', kind === 'chat' ? [400, 'model is required'] : [404, `model '' not found`])) return;
    if (!models.has(withLatestTag(body.model))) return notFound(res, body.model);
    // server/routes.go ChatHandler/GenerateHandler: scheduleRunner fails with errCapabilityCompletion → 400 `%q does not support chat`.
    if (EMBEDDING_ARCHITECTURES.has(familyOf(body.model))) return sendJson(res, 400, { error: `${JSON.stringify(body.model)} does not support ${kind}` });
    // llm/llama_server.go Completion / llamaServerChatResponseFormat: only "json", a JSON Schema object, "" or null;
    // the error comes back before any content, so streamResponse answers it as HTTP 500 (no status attached).
    const format = body.format;
    if (format !== undefined && format !== null && format !== '' && format !== 'json' && (typeof format !== 'object' || Array.isArray(format))) {
      return sendJson(res, 500, { error: `invalid format: ${JSON.stringify(JSON.stringify(format))}; expected "json" or a valid JSON Schema object` });
    }
    // server/sched.go needsReload: a loaded model whose runner options differ from the request's is reloaded.
    const requested = (body.options ?? {}) as Record<string, unknown>;
    const runner = Object.fromEntries(RUNNER_OPTIONS.filter((name) => requested[name] !== undefined).map((name) => [name, requested[name]]));
    const key = withLatestTag(body.model);
    if (loadedWith.get(key) !== JSON.stringify(runner)) {
      loadedWith.set(key, JSON.stringify(runner));
      loads.push({ model: key, runner });
    }
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
    const cut = answer.errorAfterChunks;
    if (cut) return sendLines(res, [...pieces.slice(0, cut.chunks).map((piece) => part(piece, false)), { error: cut.error }], answer.chunkDelayMs);
    return sendLines(res, [...pieces.map((piece) => part(piece, false)), { ...part('', true), ...final }], answer.chunkDelayMs, answer.pauses);
  }

  function embed(res: ServerResponse, body: { model: string; input: string | string[] }): void {
    if (refusedName(res, body.model ?? '', [404, `model '' not found`])) return;
    // server/routes.go EmbedHandler: the missing manifest goes to handleScheduleError, `model %q not found, try pulling it first`.
    if (!models.has(withLatestTag(body.model))) return sendJson(res, 404, { error: `model ${JSON.stringify(body.model)} not found, try pulling it first` });
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    sendJson(res, 200, { model: body.model, embeddings: inputs.map((text) => vectorOf(text)), total_duration: 1_000_000, load_duration: 0, prompt_eval_count: inputs.length });
  }

  function modelEntry(name: string) {
    const known = MODEL_TABLE[name] ?? adapted.get(name);
    const family = known?.arch ?? familyOf(name);
    const tag = name.slice(name.lastIndexOf(':') + 1);
    const details = { parent_model: '', format: 'gguf', family, families: [family], parameter_size: /^\d+(\.\d+)?[bm]$/i.test(tag) ? tag.toUpperCase() : '1B', quantization_level: 'Q4_K_M' };
    const digest = createHash('sha256').update(name).digest('hex');
    return { name, model: name, modified_at: new Date(0).toISOString(), size: name.length * 100_000_000, digest, details };
  }

  function show(res: ServerResponse, { model }: { model: string }): void {
    if (refusedName(res, model ?? '', [400, 'model is required'])) return;
    // server/routes.go ShowHandler names the model as types/model/name.go DisplayShortest writes it: always with its tag.
    if (!models.has(withLatestTag(model))) return notFound(res, withLatestTag(model));
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
    const embedding = EMBEDDING_ARCHITECTURES.has(details.family);
    const capabilities = options.capabilities === false ? {} : { capabilities: [embedding ? 'embedding' : 'completion'] };
    sendJson(res, 200, { modelfile: `FROM ${model}`, parameters: embedding ? '' : 'stop "<|im_end|>"\ntemperature 0.7', template: embedding ? '' : '{{ .System }}\n{{ .Prompt }}', details, model_info: info, ...capabilities });
  }

  function pull(res: ServerResponse, body: { model?: string; name?: string; stream?: boolean }): void {
    const requested = body.model || body.name || '';
    // server/routes.go PullHandler: parseNormalizePullModelRef failing → 400 "invalid model name", before any pull.
    if (refusedName(res, requested)) return;
    const model = withLatestTag(requested);
    if (options.library && !options.library.map(withLatestTag).includes(model)) {
      // server/images.go PullModel reports `pulling manifest`, then the registry's 404 comes back as
      // `pull model manifest: file does not exist`; PullHandler has already answered 200 and streams it as
      // `{"error": …}` (waitForStream, for stream: false, answers it as HTTP 500).
      const error = 'pull model manifest: file does not exist';
      if (body.stream === false) return sendJson(res, 500, { error });
      return void sendLines(res, [{ status: 'pulling manifest' }, { error }]);
    }
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
    if (refusedName(res, body.model ?? '')) return; // server/create.go CreateHandler: !name.IsValid() → 400
    // server/create.go: neither From nor Files → errNeitherFromOrFiles, streamed before any content, so HTTP 400.
    if (!body.from && !Object.keys(body.files ?? {}).length) return sendJson(res, 400, { error: "neither 'from' or 'files' was specified" });
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
        const { model, name } = json as { model?: string; name?: string };
        const requested = model || name || '';
        if (!models.delete(withLatestTag(requested))) return notFound(res, requested); // server/routes.go DeleteHandler
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
    loads,
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
