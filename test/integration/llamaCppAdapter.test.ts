// A real llama.cpp (node-llama-cpp's prebuilt binaries, CPU only) loads a tiny random base model with the GGUF
// LoRA adapter House Style converts from PEFT. Accepting it proves the names, dims and keys llama.cpp's loader
// checks; matching the logits of the same model with the adapter merged into its weights (W + alpha/r · B·A,
// converted as convert_hf_to_gguf.py would) proves the layout, the llama q/k permutation and the scale.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getLlama, type Llama, type LlamaModel } from 'node-llama-cpp';
import { checkAdapterShape, baseShape } from '../../src/core/models/adapters/adapterFit';
import { inspectAdapter } from '../../src/core/models/adapters/adapterSource';
import { readGgufHead } from '../../src/core/models/adapters/gguf';
import { convertPeftToGguf } from '../../src/core/models/adapters/peftToGguf';
import { writePeftAdapter, type PeftDtype } from '../support/peftAdapter';
import { linearModules, mergePeft, randomWeights, TINY_SHAPE, TINY_VOCAB, writeTinyGgufModel, type TinyModelShape } from '../support/tinyGgufModel';

const RANK = 4;
const ALPHA = 8;
/** <s> and a few word tokens of the tiny vocabulary. */
const PROMPT = [1, 259, 260, 261, 262, 263];

let root: string;
let llama: Llama;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-llamacpp-'));
  llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never, progressLogs: false });
});
after(async () => {
  await llama?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Next-token probabilities after the prompt, over the whole vocabulary, indexed by token id. */
async function nextTokenProbabilities(model: LlamaModel, adapter?: string): Promise<number[]> {
  const context = await model.createContext({ contextSize: 64, ...(adapter && { lora: { adapters: [{ filePath: adapter }] } }) });
  try {
    const sequence = context.getSequence();
    const input = PROMPT.map((token, i) => (i === PROMPT.length - 1 ? ([token, { generateNext: { probabilities: true } }] as const) : token));
    const [last] = (await sequence.controlledEvaluate(input as never)).slice(-1);
    const probabilities = last?.next?.probabilities;
    assert.ok(probabilities, 'llama.cpp returned next-token probabilities');
    return Array.from({ length: TINY_VOCAB }, (_, t) => probabilities.get(t as never) ?? 0);
  } finally {
    await context.dispose();
  }
}

const maxDifference = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

// F32 on both architectures; then the half-precision dtypes LLaMA-Factory saves with `bf16: true` / `fp16: true`
// (F16 on llama, whose q/k permutation reads each tensor whole).
const CASES = [
  ['qwen2', 'F32'],
  ['llama', 'F32'],
  ['qwen2', 'BF16'],
  ['llama', 'F16'],
] as const satisfies readonly (readonly ['qwen2' | 'llama', PeftDtype])[];

for (const [architecture, dtype] of CASES) {
  describe(`a ${dtype} PEFT adapter for a ${architecture} base, converted to GGUF`, () => {
    const shape: TinyModelShape = { architecture, ...TINY_SHAPE };
    const weights = randomWeights(shape, 11);

    test('loads in llama.cpp and gives the logits of the merged model', async () => {
      const dir = path.join(root, `${architecture}-${dtype}`);
      const basePath = path.join(dir, 'base.gguf');
      await mkdir(dir, { recursive: true });
      await writeTinyGgufModel(basePath, shape, weights);
      const folder = path.join(dir, 'peft');
      await writePeftAdapter(folder, { rank: RANK, alpha: ALPHA, layers: shape.layers, modules: linearModules(shape), seed: 5, dtype, baseModel: architecture === 'llama' ? 'meta-llama/Llama-3.2-1B' : 'Qwen/Qwen2.5-Coder-0.5B' });
      const mergedPath = path.join(dir, 'merged.gguf');
      await writeTinyGgufModel(mergedPath, shape, await mergePeft(weights, folder, ALPHA / RANK));

      const source = await inspectAdapter(folder);
      assert.deepEqual(new Set(source.peft!.pairs.flatMap((pair) => [pair.a.dtype, pair.b.dtype])), new Set([dtype]), `the PEFT tensors are stored as ${dtype}`);
      const base = baseShape(Object.fromEntries((await readGgufHead(basePath)).metadata))!;
      checkAdapterShape(source, 'tiny', base);
      const adapter = await convertPeftToGguf({ ...source.peft!, alpha: ALPHA, architecture, headCount: base.headCount, headCountKv: base.headCountKv, out: path.join(dir, 'adapter.gguf') });

      const head = await readGgufHead(adapter.path);
      assert.deepEqual(
        ['general.architecture', 'general.type', 'adapter.type', 'adapter.lora.alpha'].map((k) => head.metadata.get(k)),
        [architecture, 'adapter', 'lora', ALPHA],
      );
      assert.deepEqual(head.tensors.slice(0, 2), [
        { name: 'blk.0.attn_k.weight.lora_a', dims: [shape.hidden, RANK] },
        { name: 'blk.0.attn_k.weight.lora_b', dims: [RANK, (shape.hidden / shape.heads) * shape.kvHeads] },
      ]);
      assert.equal(head.tensors.length, shape.layers * 7 * 2);

      const model = await llama.loadModel({ modelPath: basePath });
      const merged = await llama.loadModel({ modelPath: mergedPath });
      try {
        const plain = await nextTokenProbabilities(model);
        const adapted = await nextTokenProbabilities(model, adapter.path);
        const reference = await nextTokenProbabilities(merged);
        assert.ok(maxDifference(plain, adapted) > 0.01, `the adapter changes the next-token probabilities (max change ${maxDifference(plain, adapted)})`);
        assert.ok(maxDifference(adapted, reference) < 1e-3, `base + adapter matches the merged model (max difference ${maxDifference(adapted, reference)})`);
      } finally {
        await model.dispose();
        await merged.dispose();
      }
    });
  });
}

test('an adapter for another hidden size is refused by our check before llama.cpp sees it', async () => {
  const folder = path.join(root, 'narrow');
  await writePeftAdapter(folder, { rank: RANK, hidden: 32, layers: 2, baseModel: 'Qwen/Qwen2.5-Coder-0.5B' });
  const source = await inspectAdapter(folder);
  assert.throws(
    () => checkAdapterShape(source, 'tiny-qwen', { architecture: 'qwen2', embeddingLength: 64, blockCount: 2 }),
    (error: Error) => /does not fit tiny-qwen \(hidden size 64, the adapter's is 32\); nothing was pulled, uploaded or registered\.$/.test(error.message),
  );
});
