import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { GGML_TYPE, layoutGguf, type GgufTensorDescription, type GgufValue } from '../../src/core/models/adapters/ggufWriter';
import { readSafetensorsHeader } from '../../src/core/models/adapters/safetensors';
import { decodePeftTensor } from './peftAdapter';
import { seededRandom } from './seededRandom';

/**
 * A tiny random decoder model written as llama.cpp loads it, so a real llama.cpp (node-llama-cpp) can run it with
 * a LoRA adapter and no downloaded weights. Weights are made in Hugging Face's layout (PyTorch [out, in]) and written
 * as convert_hf_to_gguf.py would: llama.cpp's tensor names, ggml dims (the shape reversed), and for `llama` the
 * q/k row permutation of `LlamaModel.permute`. Keys and tensors follow llama.cpp's loader
 * (src/llama-model.cpp `load_hparams` / `load_tensors`, src/llama-vocab.cpp for the SPM vocabulary).
 */
export interface TinyModelShape {
  architecture: 'llama' | 'qwen2';
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffn: number;
}

export const TINY_SHAPE: Omit<TinyModelShape, 'architecture'> = { hidden: 64, layers: 2, heads: 4, kvHeads: 2, ffn: 128 };

/** Hugging Face weight name → values, [out, in] row-major. */
export type Weights = Map<string, { shape: number[]; data: Float32Array }>;

/** `<unk>`, `<s>`, `</s>`, the 256 byte tokens SPM falls back on (llama-vocab.cpp looks up `<0x0A>`), and a few words. */
function vocabulary(): { tokens: string[]; types: number[] } {
  const words = ['▁the', '▁code', '▁style', '▁review', '▁use', '▁const', '▁let', '▁function', 'a', 'b', 'c', 'd', 'e', '▁'];
  const bytes = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
  return { tokens: ['<unk>', '<s>', '</s>', ...bytes, ...words], types: [2, 3, 3, ...bytes.map(() => 6), ...words.map(() => 1)] };
}

export const TINY_VOCAB = vocabulary().tokens.length;

/** The modules a LoRA on every linear projection adapts, with the [out, in] shape of each weight. */
export function linearModules(shape: TinyModelShape): Record<string, [number, number]> {
  const kv = (shape.hidden / shape.heads) * shape.kvHeads;
  return {
    'self_attn.q_proj': [shape.hidden, shape.hidden],
    'self_attn.k_proj': [kv, shape.hidden],
    'self_attn.v_proj': [kv, shape.hidden],
    'self_attn.o_proj': [shape.hidden, shape.hidden],
    'mlp.gate_proj': [shape.ffn, shape.hidden],
    'mlp.up_proj': [shape.ffn, shape.hidden],
    'mlp.down_proj': [shape.hidden, shape.ffn],
  };
}

export function randomWeights(shape: TinyModelShape, seed: number): Weights {
  const random = seededRandom(seed);
  const weights: Weights = new Map();
  const add = (name: string, dims: number[], value?: number) => {
    const count = dims.reduce((a, b) => a * b, 1);
    weights.set(name, { shape: dims, data: Float32Array.from({ length: count }, () => value ?? (random() - 0.5) * 0.4) });
  };
  add('model.embed_tokens.weight', [TINY_VOCAB, shape.hidden]);
  add('model.norm.weight', [shape.hidden], 1);
  add('lm_head.weight', [TINY_VOCAB, shape.hidden]);
  for (let l = 0; l < shape.layers; l++) {
    add(`model.layers.${l}.input_layernorm.weight`, [shape.hidden], 1);
    add(`model.layers.${l}.post_attention_layernorm.weight`, [shape.hidden], 1);
    for (const [module, dims] of Object.entries(linearModules(shape))) add(`model.layers.${l}.${module}.weight`, dims);
    if (shape.architecture === 'qwen2') for (const p of ['q', 'k', 'v']) add(`model.layers.${l}.self_attn.${p}_proj.bias`, [linearModules(shape)[`self_attn.${p}_proj`]![0]]);
  }
  return weights;
}

/** Adds scale · B·A of each LoRA pair in a PEFT folder to the weights it adapts: what merging the adapter gives. */
export async function mergePeft(weights: Weights, folder: string, scale: number): Promise<Weights> {
  const file = path.join(folder, 'adapter_model.safetensors');
  const header = await readSafetensorsHeader(file);
  const bytes = await readFile(file);
  const tensor = (name: string) => {
    const info = header.tensors.get(name)!;
    return { shape: info.shape, data: decodePeftTensor(bytes.subarray(header.dataStart + info.dataOffsets[0], header.dataStart + info.dataOffsets[1]), info.dtype) };
  };
  const merged: Weights = new Map([...weights].map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }]));
  for (const name of header.tensors.keys()) {
    if (!name.includes('.lora_A.')) continue;
    const a = tensor(name);
    const b = tensor(name.replace('.lora_A.', '.lora_B.'));
    const target = merged.get(name.replace('base_model.model.', '').replace('.lora_A.weight', '.weight'))!;
    const [out, inner] = target.shape as [number, number];
    const rank = a.shape[0]!;
    for (let o = 0; o < out; o++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let r = 0; r < rank; r++) sum += b.data[o * rank + r]! * a.data[r * inner + i]!;
        target.data[o * inner + i]! += scale * sum;
      }
    }
  }
  return merged;
}

/** LlamaModel.permute: rows viewed as (heads, 2, half) are written as (heads, half, 2). */
function permuted(data: Float32Array, rows: number, heads: number): Float32Array {
  const width = data.length / rows;
  const half = rows / heads / 2;
  const out = new Float32Array(data.length);
  const row = (h: number, k: number) => h * 2 * half + k;
  for (let h = 0; h < heads; h++) {
    for (let two = 0; two < 2; two++) {
      for (let i = 0; i < half; i++) {
        const from = row(h, two * half + i) * width;
        out.set(data.subarray(from, from + width), row(h, i * 2 + two) * width);
      }
    }
  }
  return out;
}

const LLAMA_CPP_NAMES: [RegExp, string][] = [
  [/^model\.embed_tokens\.weight$/, 'token_embd.weight'],
  [/^model\.norm\.weight$/, 'output_norm.weight'],
  [/^lm_head\.weight$/, 'output.weight'],
  [/^model\.layers\.(\d+)\.input_layernorm\.weight$/, 'blk.$1.attn_norm.weight'],
  [/^model\.layers\.(\d+)\.post_attention_layernorm\.weight$/, 'blk.$1.ffn_norm.weight'],
  [/^model\.layers\.(\d+)\.self_attn\.q_proj\.(weight|bias)$/, 'blk.$1.attn_q.$2'],
  [/^model\.layers\.(\d+)\.self_attn\.k_proj\.(weight|bias)$/, 'blk.$1.attn_k.$2'],
  [/^model\.layers\.(\d+)\.self_attn\.v_proj\.(weight|bias)$/, 'blk.$1.attn_v.$2'],
  [/^model\.layers\.(\d+)\.self_attn\.o_proj\.weight$/, 'blk.$1.attn_output.weight'],
  [/^model\.layers\.(\d+)\.mlp\.gate_proj\.weight$/, 'blk.$1.ffn_gate.weight'],
  [/^model\.layers\.(\d+)\.mlp\.up_proj\.weight$/, 'blk.$1.ffn_up.weight'],
  [/^model\.layers\.(\d+)\.mlp\.down_proj\.weight$/, 'blk.$1.ffn_down.weight'],
];

export async function writeTinyGgufModel(file: string, shape: TinyModelShape, weights: Weights): Promise<void> {
  const arch = shape.architecture;
  const { tokens, types } = vocabulary();
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: arch },
    'general.type': { type: 'string', value: 'model' },
    'general.name': { type: 'string', value: `tiny ${arch}` },
    [`${arch}.context_length`]: { type: 'u32', value: 256 },
    [`${arch}.embedding_length`]: { type: 'u32', value: shape.hidden },
    [`${arch}.block_count`]: { type: 'u32', value: shape.layers },
    [`${arch}.feed_forward_length`]: { type: 'u32', value: shape.ffn },
    [`${arch}.attention.head_count`]: { type: 'u32', value: shape.heads },
    [`${arch}.attention.head_count_kv`]: { type: 'u32', value: shape.kvHeads },
    [`${arch}.attention.layer_norm_rms_epsilon`]: { type: 'f32', value: 1e-6 },
    [`${arch}.rope.freq_base`]: { type: 'f32', value: 10000 },
    'tokenizer.ggml.model': { type: 'string', value: 'llama' },
    'tokenizer.ggml.tokens': { type: 'string[]', value: tokens },
    'tokenizer.ggml.scores': { type: 'f32[]', value: tokens.map((_, i) => -i) },
    'tokenizer.ggml.token_type': { type: 'i32[]', value: types },
    'tokenizer.ggml.unknown_token_id': { type: 'u32', value: 0 },
    'tokenizer.ggml.bos_token_id': { type: 'u32', value: 1 },
    'tokenizer.ggml.eos_token_id': { type: 'u32', value: 2 },
  };
  const tensors: (GgufTensorDescription & { data: Float32Array })[] = [];
  for (const [name, { shape: dims, data }] of weights) {
    const rule = LLAMA_CPP_NAMES.find(([pattern]) => pattern.test(name))!;
    const heads = arch === 'llama' && /q_proj\.weight$/.test(name) ? shape.heads : arch === 'llama' && /k_proj\.weight$/.test(name) ? shape.kvHeads : 0;
    tensors.push({ name: name.replace(rule[0], rule[1]), dims: [...dims].reverse(), type: GGML_TYPE.F32, data: heads ? permuted(data, dims[0]!, heads) : data });
  }
  const layout = layoutGguf(metadata, tensors);
  const bytes = Buffer.alloc(layout.fileSize);
  layout.head.copy(bytes);
  for (const [i, t] of tensors.entries()) Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(bytes, layout.offsets[i]);
  await writeFile(file, bytes);
}
