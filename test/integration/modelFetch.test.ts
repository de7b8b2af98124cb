// `auto` fetches its embedding model at first use: the real fetcher and the real transformers.js worker, against
// a stand-in of the Hugging Face hub (test/support/hubTestServer.ts) serving a tiny generated model. Nothing is
// downloaded from anywhere else.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadConfig, parseConfig, type Config } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { chooseEmbedder, type EmbedderEnvironment } from '../../src/core/knowledge/embedders/chooseEmbedder';
import { DEFAULT_HUB_MODEL, hubModelDir, type HubModel } from '../../src/core/knowledge/embedders/hubModel';
import type { Logger } from '../../src/core/log';
import { REPO_ROOT, runCli } from '../support/cli';
import { startHubTestServer, type HubTestServer } from '../support/hubTestServer';
import { unreachableHost } from '../support/ollamaTestServer';
import { writeTinyEmbeddingModel } from '../support/tinyEmbeddingModel';

// `npm test` turns model fetching off for every test (HF_HUB_OFFLINE); this file fetches from its local stand-in only.
delete process.env.HF_HUB_OFFLINE;
delete process.env.TRANSFORMERS_OFFLINE;

// The real model's file names: the int8 weights' name makes the worker ask transformers.js for its q8 dtype.
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];
const REVISION = '0123456789abcdef0123456789abcdef01234567';

let root: string;
let hub: HubTestServer;
let served: Record<string, Uint8Array>;
let model: HubModel;
let cache: string;

/** Lines logged at each level, to count what a user is told. */
function recordingLogger(): Logger & { lines: { level: string; message: string }[] } {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as Logger & { lines: typeof lines };
}

function env(config: Config, logger: Logger, extra: Partial<EmbedderEnvironment> = {}): EmbedderEnvironment {
  // No Ollama client: the fall-back after a failed fetch goes straight to hashing.
  return { config, workspace: root, logger, hubModel: model, modelCache: cache, ...extra };
}

const configFor = (modelHost: string, index: Record<string, unknown> = {}) => parseConfig({ index: { modelHost, ...index } });

/**
 * A loopback port nothing listens on: one the system just handed out and that was closed again. (The Ollama
 * stand-in's port 1 cannot serve here: fetch refuses the ports the Fetch standard lists as bad before connecting.)
 */
async function refusedHost(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

/** Whatever the cache holds, hidden staging folders included. */
async function cacheEntries(): Promise<string[]> {
  return readdir(cache).catch(() => []);
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'housestyle-model-fetch-'));
  const source = path.join(root, 'source');
  await writeTinyEmbeddingModel(source, { hiddenSize: 16 });
  served = Object.fromEntries(await Promise.all(FILES.map(async (file) => [file, await readFile(path.join(source, file.replace('_quantized', '')))] as const)));
  model = {
    name: 'housestyle-tiny',
    repo: 'housestyle-tests/tiny-embedder',
    revision: REVISION,
    // The weights pinned by SHA-256, the JSON files checked against the ETag, as the real model's are.
    files: FILES.map((file) => (file.endsWith('.onnx') ? { path: file, sha256: createHash('sha256').update(served[file]!).digest('hex') } : { path: file })),
    approximateMegabytes: 1,
  };
  hub = await startHubTestServer({ [model.repo]: { revision: REVISION, files: served, lfs: ['onnx/model_quantized.onnx'] } });
});

after(async () => {
  await hub?.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  cache = await mkdtemp(path.join(root, 'cache-'));
  hub.requests.length = 0;
  hub.faults.cut = [];
  hub.faults.alter = [];
});

describe('auto fetches its embedding model at first use', () => {
  test('the first run fetches, checks and caches the files with progress; the next uses the cache without a request', async () => {
    const logger = recordingLogger();
    const reports: { phase: string; done: number; total?: number }[] = [];
    const progress = { report: (phase: string, done: number, total?: number) => void reports.push({ phase, done, ...(total !== undefined && { total }) }) };
    // What a run killed mid-fetch two hours ago left behind: hidden, so it never counts as a model, and cleared now.
    const stale = path.join(cache, `.housestyle-tiny@${REVISION}-killed`);
    await mkdir(path.join(stale, 'onnx'), { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    const first = await chooseEmbedder('auto', env(configFor(hub.host), logger, { progress }));
    try {
      assert.equal(first.embedder.id, `minilm:housestyle-tiny@${REVISION}`);
      assert.equal(first.embedder.dimension, 16);
      assert.equal((await first.embedder.embed(['use tabs']))[0]?.length, 16);
    } finally {
      await first.embedder.close();
    }
    assert.match(first.reason, new RegExp(`housestyle-tiny fetched from ${hub.host}`));
    // The hub's URLs at the pinned revision, the LFS file through its CDN redirect.
    const digest = createHash('sha256').update(served['onnx/model_quantized.onnx']!).digest('hex');
    assert.deepEqual(hub.requests, [...FILES.map((file) => `/${model.repo}/resolve/${REVISION}/${file}`), `/cdn/${digest}`]);
    const dir = hubModelDir(cache, model);
    for (const file of FILES) assert.deepEqual(await readFile(path.join(dir, file)), Buffer.from(served[file]!), `${file} is cached as served`);
    assert.deepEqual(await cacheEntries(), [path.basename(dir)], 'no staging folder is left, not even the killed run\'s');
    // Said once, before the request; then bytes of each file's total, ending at the total.
    const fetching = logger.lines.filter((line) => /Fetching/.test(line.message));
    assert.equal(fetching.length, 1);
    assert.match(fetching[0]!.message, new RegExp(`^Fetching the housestyle-tiny embedding model \\(about 1 MB\\) from ${hub.host} once; it is cached in ${cache}\\.$`));
    assert.deepEqual(logger.lines.filter((line) => line.level === 'warn' || line.level === 'error'), []);
    for (const file of FILES) {
      const last = reports.filter((report) => report.phase === `Fetching housestyle-tiny ${file}`).at(-1);
      assert.ok(last, `progress was reported for ${file}`);
      assert.equal(last.total, served[file]!.length);
      assert.equal(last.done, last.total);
    }

    hub.requests.length = 0;
    const second = await chooseEmbedder('auto', env(configFor(hub.host), recordingLogger()));
    await second.embedder.close();
    assert.equal(second.embedder.id, first.embedder.id);
    assert.deepEqual(hub.requests, [], 'the cached copy is used without asking the host');
  });

  test('a cut or altered download is refused, nothing is cached, and search falls back to hashing with one line', async () => {
    for (const fault of [{ cut: ['onnx/model_quantized.onnx'] }, { alter: ['onnx/model_quantized.onnx'] }, { alter: ['tokenizer.json'] }, { cut: ['config.json'] }]) {
      Object.assign(hub.faults, { cut: [], alter: [], ...fault });
      const logger = recordingLogger();
      const chosen = await chooseEmbedder('auto', env(configFor(hub.host), logger));
      const [file] = [...(fault.cut ?? []), ...(fault.alter ?? [])];
      assert.equal(chosen.embedder.id, 'hash-v1-384', JSON.stringify(fault));
      const warnings = logger.lines.filter((line) => line.level === 'warn').map((line) => line.message);
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
      assert.match(warnings[0]!, new RegExp(`^Semantic search is off: could not fetch housestyle-tiny from ${hub.host} \\(${file!.replace('.', '\\.')}: .+\\)\\. Index again when online, or set index\\.modelHost to a mirror\\.$`));
      const why = fault.cut ? /arrived|cut|closed/ : file!.endsWith('.onnx') ? /SHA-256 .* not the pinned/ : /git blob SHA-1 differs from the ETag/;
      assert.match(warnings[0]!, why);
      assert.deepEqual(await cacheEntries(), [], 'neither a model folder nor a staging folder is left');
    }
  });

  test('offline (the host refuses connections), the one line says so and hashing is used', async () => {
    const host = await refusedHost();
    const logger = recordingLogger();
    const chosen = await chooseEmbedder('auto', env(configFor(host), logger));
    assert.equal(chosen.embedder.id, 'hash-v1-384');
    assert.deepEqual(
      logger.lines.filter((line) => line.level === 'warn').map((line) => line.message),
      [`Semantic search is off: could not fetch housestyle-tiny from ${host} (config.json: connection refused). Index again when online, or set index.modelHost to a mirror.`],
    );
    assert.match(chosen.reason, /housestyle-tiny could not be fetched/);
    assert.deepEqual(await cacheEntries(), []);
  });

  test('index.fetchModel false sends no request; an explicit minilm choice then says what to do', async () => {
    const logger = recordingLogger();
    const chosen = await chooseEmbedder('auto', env(configFor(hub.host, { fetchModel: false }), logger));
    assert.equal(chosen.embedder.id, 'hash-v1-384');
    assert.deepEqual(hub.requests, []);
    assert.deepEqual(logger.lines, []);
    const refused = await chooseEmbedder('minilm', env(configFor(hub.host, { fetchModel: false }), logger)).catch((error: unknown) => error);
    assert.ok(refused instanceof HouseStyleError && refused.code === 'embedder-unavailable', String(refused));
    assert.deepEqual(hub.requests, []);

    // The Hugging Face tools' offline switch is honoured too.
    process.env.HF_HUB_OFFLINE = '1';
    try {
      assert.equal((await chooseEmbedder('auto', env(configFor(hub.host), logger))).embedder.id, 'hash-v1-384');
    } finally {
      delete process.env.HF_HUB_OFFLINE;
    }
    assert.deepEqual(hub.requests, []);
  });

  test('a cancelled fetch stops as cancelled and caches nothing', async () => {
    const controller = new AbortController();
    const progress = { report: () => controller.abort() };
    const outcome = await chooseEmbedder('auto', env(configFor(hub.host), recordingLogger(), { progress, signal: controller.signal })).catch((error: unknown) => error);
    assert.ok(outcome instanceof HouseStyleError && outcome.code === 'cancelled', String(outcome));
    assert.deepEqual(await cacheEntries(), []);
  });
});

describe('where the model is fetched from is the user\'s say', () => {
  test("the team's file cannot set index.modelHost or turn fetching on; it can turn fetching off", async () => {
    const workspace = await mkdtemp(path.join(root, 'workspace-'));
    await mkdir(path.join(workspace, '.housestyle'));
    const writeFile_ = (index: object) => writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify({ index }));
    await writeFile_({ modelHost: 'https://models.example.test' });
    assert.equal((await loadConfig(workspace)).index.modelHost, undefined);

    // In the editor: the workspace's settings are layered into the section, the user's own value is passed apart.
    const settings = { section: (name: string) => (name === 'index' ? { modelHost: 'https://models.example.test', fetchModel: true } : undefined) };
    assert.equal((await loadConfig(workspace, undefined, settings)).index.modelHost, undefined);
    assert.equal((await loadConfig(workspace, undefined, { ...settings, userModelHost: 'https://mirror.example.test' })).index.modelHost, 'https://mirror.example.test');

    await writeFile_({ fetchModel: false });
    assert.equal((await loadConfig(workspace, undefined, settings)).index.fetchModel, false, "the team's false wins over a workspace's true");
    await writeFile_({});
    assert.equal((await loadConfig(workspace, undefined, { ...settings, modelFetchOff: true })).index.fetchModel, false);
    assert.equal((await loadConfig(workspace)).index.fetchModel, true);
  });
});

describe('the command line', () => {
  test('fetches the pinned model from HF_ENDPOINT and refuses other bytes under its name, indexing on with one line', async () => {
    // A mirror that serves the real repository and revision, but not the real weights.
    const mirror = await startHubTestServer({ [DEFAULT_HUB_MODEL.repo]: { revision: DEFAULT_HUB_MODEL.revision, files: served, lfs: ['onnx/model_quantized.onnx'] } });
    const workspace = await mkdtemp(path.join(root, 'cli-'));
    try {
      await cp(path.join(REPO_ROOT, 'test/fixtures/demo'), workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
      const env = { HF_HUB_OFFLINE: '', HF_ENDPOINT: mirror.host, XDG_CACHE_HOME: cache, OLLAMA_HOST: await unreachableHost() };
      const result = await runCli(['index', '--workspace', workspace], { env });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Indexed "style" with hash-v1-384: /);
      assert.ok(mirror.requests.includes(`/${DEFAULT_HUB_MODEL.repo}/resolve/${DEFAULT_HUB_MODEL.revision}/onnx/model_quantized.onnx`));
      const offLines = result.stderr.split('\n').filter((line) => line.includes('Semantic search is off'));
      assert.equal(offLines.length, 1, result.stderr);
      assert.match(offLines[0]!, /could not fetch all-MiniLM-L6-v2 from http:\/\/127\.0\.0\.1:\d+ \(onnx\/model_quantized\.onnx: its SHA-256 is [0-9a-f]{12}…, not the pinned afdb6f1a0e45…\)\. Index again when online, or set index\.modelHost to a mirror\.$/);
      assert.deepEqual(await readdir(path.join(cache, 'housestyle', 'models')), [], 'nothing is cached');
    } finally {
      await mirror.close();
    }
  });
});
