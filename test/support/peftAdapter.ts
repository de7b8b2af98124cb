import { mkdir, open, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { seededRandom } from './seededRandom';

/** Qwen2.5-Coder-7B's projections, [out, in] (its config.json: hidden 3584, 4 kv heads of 128, intermediate 18944). */
export const QWEN25_CODER_7B_MODULES: Record<string, [number, number]> = {
  'self_attn.q_proj': [3584, 3584],
  'self_attn.k_proj': [512, 3584],
  'self_attn.v_proj': [512, 3584],
  'self_attn.o_proj': [3584, 3584],
  'mlp.gate_proj': [18944, 3584],
  'mlp.up_proj': [18944, 3584],
  'mlp.down_proj': [3584, 18944],
};

export interface PeftAdapterOptions {
  rank?: number;
  alpha?: number;
  baseModel?: string;
  /** Hidden size of each LoRA pair (lora_A is rank × hidden, lora_B hidden × rank); default that of qwen2.5-coder:7b. */
  hidden?: number;
  layers?: number;
  /** Overrides the config's peft_type (to make an unsupported adapter). */
  peftType?: string;
  /** Writes lora_A tensors of this rank instead of `rank` (to make a mismatched folder). */
  tensorRank?: number;
  /** Byte that fills the tensor data (different fills give different digests). */
  fill?: number;
  /**
   * The adapted modules of each layer by Hugging Face name, with the [out, in] shape of the weight they adapt
   * (default: `self_attn.q_proj`, hidden × hidden).
   */
  modules?: Record<string, [number, number]>;
  /** Fills the tensors with seeded random values in [-0.5, 0.5) instead of `fill` (for adapters that must change logits). */
  seed?: number;
  /**
   * How the tensors are stored (default F32). PEFT saves in the dtype it trained in: bf16 or f16 with LLaMA-Factory's
   * `bf16: true` / `fp16: true`. With `seed`, the values are multiples of 1/256, which all three store exactly.
   */
  dtype?: PeftDtype;
}

export type PeftDtype = 'F32' | 'F16' | 'BF16';
const DTYPE_BYTES: Record<PeftDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * Writes a small, valid PEFT LoRA folder: adapter_config.json and adapter_model.safetensors (an 8-byte
 * little-endian header length, the JSON header padded to 8 bytes, then F32 tensor data). The data is written in
 * 1 MB pieces, so a 500 MB adapter for benchmarks costs no memory (seeded random values are for small adapters).
 */
export async function writePeftAdapter(folder: string, options: PeftAdapterOptions = {}): Promise<{ folder: string; bytes: number }> {
  const rank = options.rank ?? 8;
  const tensorRank = options.tensorRank ?? rank;
  const hidden = options.hidden ?? 3584; // qwen2.5-coder:7b's, the default base
  const layers = options.layers ?? 2;
  const modules = options.modules ?? { 'self_attn.q_proj': [hidden, hidden] };
  const dtype = options.dtype ?? 'F32';
  await mkdir(folder, { recursive: true });
  const config = {
    peft_type: options.peftType ?? 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: options.baseModel ?? 'Qwen/Qwen2.5-Coder-7B-Instruct',
    r: rank,
    lora_alpha: options.alpha ?? rank * 2,
    lora_dropout: 0.05,
    target_modules: Object.keys(modules).map((m) => m.slice(m.lastIndexOf('.') + 1)),
  };
  await writeFile(path.join(folder, 'adapter_config.json'), `${JSON.stringify(config, null, 2)}\n`);

  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (let layer = 0; layer < layers; layer++) {
    for (const [module, [out, inner]] of Object.entries(modules)) {
      for (const [name, shape] of [
        ['lora_A', [tensorRank, inner]],
        ['lora_B', [out, tensorRank]],
      ] as const) {
        const bytes = shape[0] * shape[1] * DTYPE_BYTES[dtype];
        header[`base_model.model.model.layers.${layer}.${module}.${name}.weight`] = { dtype, shape, data_offsets: [offset, offset + bytes] };
        offset += bytes;
      }
    }
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  const file = await open(path.join(folder, 'adapter_model.safetensors'), 'w');
  try {
    await file.write(Buffer.concat([prefix, Buffer.from(json)]));
    if (options.seed !== undefined) {
      const random = seededRandom(options.seed);
      const values = Float32Array.from({ length: offset / DTYPE_BYTES[dtype] }, () => Math.floor((random() - 0.5) * 256) / 256);
      await file.write(encode(values, dtype));
    } else {
      const piece = Buffer.alloc(1 << 20, options.fill ?? 7);
      for (let left = offset; left > 0; left -= piece.length) await file.write(piece, 0, Math.min(piece.length, left));
    }
  } finally {
    await file.close();
  }
  return { folder, bytes: 8 + Buffer.byteLength(json) + offset };
}

/** The values as little-endian F32, BF16 (a float32's top half) or IEEE half (exact for the normal values given). */
function encode(values: Float32Array, dtype: PeftDtype): Uint8Array {
  if (dtype === 'F32') return new Uint8Array(values.buffer);
  const halves = new Uint16Array(values.length);
  const bits = new Uint32Array(values.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (dtype === 'BF16') halves[i] = bits[i]! >>> 16;
    else if (v !== 0) {
      const exponent = Math.floor(Math.log2(Math.abs(v)));
      halves[i] = (v < 0 ? 0x8000 : 0) | ((exponent + 15) << 10) | Math.round((Math.abs(v) / 2 ** exponent - 1) * 1024);
    }
  }
  return new Uint8Array(halves.buffer);
}

/** Decodes a tensor stored as `encode` writes it, for a reference computed apart from the converter's decoder. */
export function decodePeftTensor(bytes: Uint8Array, dtype: string): Float32Array {
  const aligned = Uint8Array.from(bytes);
  if (dtype === 'F32') return new Float32Array(aligned.buffer);
  const halves = new Uint16Array(aligned.buffer);
  return Float32Array.from(halves, (h) => {
    if (dtype === 'BF16') return new Float32Array(new Uint32Array([h << 16]).buffer)[0]!;
    const exponent = (h >> 10) & 0x1f;
    const magnitude = exponent === 0 ? (h & 0x3ff) * 2 ** -24 : 2 ** (exponent - 15) * (1 + (h & 0x3ff) / 1024);
    return h & 0x8000 ? -magnitude : magnitude;
  });
}
