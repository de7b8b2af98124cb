// The real transformers.js and onnxruntime-node, in the real worker, on a tiny generated model.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import onnxProto from 'onnx-proto';
import { HouseStyleError } from '../../src/core/errors';
import type { Embedder } from '../../src/core/knowledge/embedder';
import { createTransformersEmbedder } from '../../src/core/knowledge/embedders/transformersEmbedder';
import { writeTinyEmbeddingModel } from '../support/tinyEmbeddingModel';

const HIDDEN_SIZE = 24;
const embedderSource = fileURLToPath(new URL('../../src/core/knowledge/embedders/transformersEmbedder.ts', import.meta.url));

let root: string;
let modelDir: string;
let vocab: string[];
let weights: Float32Array;
let embedder: Embedder;

/** The embedding table as written to disk, read back independently of the generator. */
async function readEmbeddingTable(dir: string): Promise<Float32Array> {
  const model = onnxProto.onnx.ModelProto.decode(await readFile(path.join(dir, 'onnx', 'model.onnx')));
  const raw = model.graph!.initializer![0]!.rawData!;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** What all-MiniLM-style pooling must give: [CLS] words [SEP] looked up, averaged, scaled to unit length. */
function expectedVector(words: string[]): Float32Array {
  const ids = ['[CLS]', ...words, '[SEP]'].map((token) => {
    const id = vocab.indexOf(token);
    assert.ok(id >= 0, `${token} is in the vocabulary`);
    return id;
  });
  const mean = new Float32Array(HIDDEN_SIZE);
  for (const id of ids) for (let j = 0; j < HIDDEN_SIZE; j++) mean[j]! += weights[id * HIDDEN_SIZE + j]! / ids.length;
  const norm = Math.hypot(...mean);
  return mean.map((value) => value / norm);
}

function assertClose(actual: Float32Array | undefined, expected: Float32Array, tolerance = 1e-5): void {
  assert.ok(actual, 'a vector came back');
  assert.equal(actual.length, expected.length);
  actual.forEach((value, j) => assert.ok(Math.abs(value - expected[j]!) <= tolerance, `component ${j}: ${value} vs ${expected[j]}`));
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<HouseStyleError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof HouseStyleError, `a HouseStyleError, got ${String(error)}`);
  assert.equal(error.code, code);
  return error;
}

before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'housestyle-minilm-'));
  // A folder name no model hub knows, so loading can only succeed from the local files.
  modelDir = path.join(root, `housestyle-tiny-${process.pid}`);
  ({ vocab } = await writeTinyEmbeddingModel(modelDir, { hiddenSize: HIDDEN_SIZE }));
  weights = await readEmbeddingTable(modelDir);
  embedder = await createTransformersEmbedder({ modelDir, batchSize: 3 });
});

after(async () => {
  await embedder?.close();
  await rm(root, { recursive: true, force: true });
});

describe('createTransformersEmbedder', () => {
  test('loads the local folder and names itself after it', () => {
    assert.equal(embedder.id, `minilm:${path.basename(modelDir)}`);
    assert.equal(embedder.dimension, HIDDEN_SIZE);
  });

  test('mean-pools over the attention mask and normalizes', async () => {
    const long = 'Never use var for variables in any module';
    const short = 'Prefer const';
    // One batch: the short text is padded, and [PAD] rows must not enter its mean.
    const [longVector, shortVector] = await embedder.embed([long, short]);
    assertClose(longVector, expectedVector(long.toLowerCase().split(' ')));
    assertClose(shortVector, expectedVector(['prefer', 'const']));
    assert.ok(Math.abs(Math.hypot(...shortVector!) - 1) < 1e-5);
  });

  test('keeps order across batches; equal texts give equal vectors, different texts different ones', async () => {
    const texts = ['avoid null', 'return value', 'use tabs', 'avoid null', 'name files', 'log errors', 'sort keys', 'use tabs'];
    const vectors = await embedder.embed(texts);
    assert.equal(vectors.length, texts.length);
    texts.forEach((text, i) => assertClose(vectors[i], expectedVector(text.split(' '))));
    assert.deepEqual(vectors[0], vectors[3]);
    assert.deepEqual(vectors[2], vectors[7]);
    assert.notDeepEqual(vectors[0], vectors[1]);
    assert.deepEqual(await embedder.embed([]), []);
  });

  test('reads the dimension from the model output when config.json lacks hidden_size', async () => {
    const dir = path.join(root, 'no-hidden-size');
    await writeTinyEmbeddingModel(dir, { hiddenSize: 8 });
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config.hidden_size;
    await writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
    const small = await createTransformersEmbedder({ modelDir: dir });
    try {
      assert.equal(small.dimension, 8);
      assert.equal((await small.embed(['use tabs']))[0]?.length, 8);
    } finally {
      await small.close();
    }
  });

  test('an aborted embed rejects as cancelled, and the embedder stays usable', async () => {
    const controller = new AbortController();
    controller.abort();
    await rejectsWithCode(embedder.embed(['use tabs'], controller.signal), 'cancelled');

    const inFlight = new AbortController();
    const pending = embedder.embed(Array.from({ length: 30 }, () => 'avoid null values'), inFlight.signal);
    inFlight.abort();
    // Rejected at once, not when the worker answers the batch in flight: replies arrive as events,
    // which run only after this setImmediate.
    const settled = await Promise.race([pending.then(undefined, () => 'rejected'), new Promise((resolve) => setImmediate(() => resolve('waiting')))]);
    assert.equal(settled, 'rejected');
    await rejectsWithCode(pending, 'cancelled');
    // The aborted batch's late reply must not be taken for this call's.
    assertClose((await embedder.embed(['sort keys']))[0], expectedVector(['sort', 'keys']));
  });

  test('a folder with missing files is refused with the files named and the hash fallback', async () => {
    const dir = path.join(root, 'incomplete');
    await writeTinyEmbeddingModel(dir);
    await rm(path.join(dir, 'tokenizer.json'));
    const error = await rejectsWithCode(createTransformersEmbedder({ modelDir: dir }), 'embedder-model');
    assert.match(error.message, /incomplete/);
    assert.match(error.message, /tokenizer\.json/);
    assert.doesNotMatch(error.message, /config\.json/);
    assert.match(error.hint ?? '', /--embedder hash/);
  });

  test('a corrupt model or tokenizer gives a clear error, not a crash', async () => {
    for (const [file, content] of [
      ['onnx/model.onnx', 'not a protobuf'],
      ['tokenizer.json', '{ truncated'],
    ] as const) {
      const dir = path.join(root, `corrupt-${path.basename(file, path.extname(file))}`);
      await writeTinyEmbeddingModel(dir);
      await writeFile(path.join(dir, file), content);
      const error = await rejectsWithCode(createTransformersEmbedder({ modelDir: dir }), 'embedder-model');
      assert.match(error.message, new RegExp(`Could not load the MiniLM model from .*${path.basename(dir)}`));
      assert.match(error.hint ?? '', /--embedder hash/);
    }
  });

  test('close() ends the worker, so the process exits, and later calls are refused', async () => {
    const script = path.join(root, 'close.mts');
    await writeFile(
      script,
      [
        `import { createTransformersEmbedder } from ${JSON.stringify(embedderSource)};`,
        `const embedder = await createTransformersEmbedder({ modelDir: ${JSON.stringify(modelDir)} });`,
        `const [vector] = await embedder.embed(['use tabs']);`,
        `await embedder.close();`,
        `console.log(vector.length);`,
      ].join('\n'),
    );
    // Without close() the worker would keep this child alive until the guard timeout kills it. The guard is far
    // above a loaded machine's run (about 20 s measured at load 25 on 2 cores), so only a child that hangs meets it.
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 300_000 });
    assert.equal(stdout.trim(), String(HIDDEN_SIZE));

    const closing = await createTransformersEmbedder({ modelDir });
    await closing.close();
    await rejectsWithCode(closing.embed(['use tabs']), 'cancelled');
  });
});
