import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { GGML_TYPE, layoutGguf, type GgufTensorDescription, type GgufValue } from './ggufWriter';
import { loraTarget } from './loraTensorNames';
import type { LoraPair } from './peftTensors';
import type { TensorInfo } from './safetensors';

export interface PeftToGgufOptions {
  /** adapter_model.safetensors, and where its data section starts. */
  weights: string;
  dataStart: number;
  pairs: LoraPair[];
  /** PEFT's lora_alpha. */
  alpha: number;
  /** The base's GGUF architecture (Ollama's `general.architecture`). */
  architecture: string;
  /** Attention heads and key-value heads of the base: `llama` permutes q/k rows by them. */
  headCount?: number;
  headCountKv?: number;
  /** The .gguf to write (atomically: a temporary file beside it, renamed when complete). */
  out: string;
  /** Source bytes converted so far, of the total. */
  onBytes?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface GgufAdapterFile {
  path: string;
  size: number;
  /** `sha256:<hex>` of the file, hashed as it was written, as Ollama names blobs. */
  digest: string;
}

/** Bytes read from the adapter per step: memory stays near this whatever the adapter's size. */
const PIECE_BYTES = 4 << 20;
const ELEMENT_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * Converts a PEFT LoRA adapter to the GGUF LoRA adapter llama.cpp's `convert_lora_to_gguf.py` writes with its
 * default `--outtype f32`: metadata `general.architecture`, `general.type` = adapter, `adapter.type` = lora,
 * `adapter.lora.alpha`; per adapted weight `<llama.cpp name>.lora_a` (ggml dims [in, rank]) and `.lora_b`
 * ([rank, out]), the PyTorch shapes reversed as gguf-py writes them. llama.cpp's loader (src/llama-adapter.cpp)
 * checks exactly those names, keys and dims. The tensors are streamed piece by piece, so memory stays flat.
 */
export async function convertPeftToGguf(options: PeftToGgufOptions): Promise<GgufAdapterFile> {
  const { pairs, architecture } = options;
  const targets = pairs.map((pair) => ({ pair, target: loraTarget(architecture, pair.module) }));
  for (const { pair, target } of targets) {
    for (const tensor of [pair.a, pair.b]) {
      if (!ELEMENT_BYTES[tensor.dtype]) {
        throw new HouseStyleError(`The adapter's ${pair.module} is stored as ${tensor.dtype}; House Style converts F32, F16 and BF16 adapters.`, "Save the adapter in one of those (PEFT's default), or convert it with llama.cpp's convert_lora_to_gguf.py.", 'adapter-invalid');
      }
    }
    if (target.permute && !(options.headCount && options.headCountKv)) {
      throw new HouseStyleError(`Converting a ${architecture} adapter needs the base's attention head counts, and Ollama did not report them.`, "Convert it with llama.cpp's convert_lora_to_gguf.py, then import the .gguf file.", 'adapter-invalid');
    }
  }
  // Layer order, then the module order llama.cpp's loader is indifferent to but a reader expects.
  targets.sort((x, y) => (x.target.layer ?? Infinity) - (y.target.layer ?? Infinity) || x.target.gguf.localeCompare(y.target.gguf));
  const tensors: GgufTensorDescription[] = targets.flatMap(({ pair, target }) => [
    { name: `${target.gguf}.lora_a`, dims: [...pair.a.shape].reverse(), type: GGML_TYPE.F32 },
    { name: `${target.gguf}.lora_b`, dims: [...pair.b.shape].reverse(), type: GGML_TYPE.F32 },
  ]);
  const metadata: Record<string, GgufValue> = {
    'general.architecture': { type: 'string', value: architecture },
    'general.type': { type: 'string', value: 'adapter' },
    'adapter.type': { type: 'string', value: 'lora' },
    'adapter.lora.alpha': { type: 'f32', value: options.alpha },
    'general.file_type': { type: 'u32', value: 0 }, // LlamaFileType.ALL_F32
    'general.quantization_version': { type: 'u32', value: 2 }, // gguf-py GGML_QUANT_VERSION
  };
  const layout = layoutGguf(metadata, tensors);
  const total = targets.reduce((sum, { pair }) => sum + byteLength(pair.a) + byteLength(pair.b), 0);

  await mkdir(path.dirname(options.out), { recursive: true });
  const temp = `${options.out}.${randomBytes(4).toString('hex')}.tmp`;
  const input = await open(options.weights, 'r');
  const output = await open(temp, 'w');
  const hash = createHash('sha256');
  let written = 0;
  let converted = 0;
  const write = async (data: Uint8Array | Float32Array): Promise<void> => {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    hash.update(bytes);
    await output.write(bytes);
    written += bytes.length;
  };
  try {
    await write(layout.head);
    let index = 0;
    for (const { pair, target } of targets) {
      for (const [tensor, permute] of [
        [pair.a, undefined],
        [pair.b, target.permute],
      ] as const) {
        throwIfCancelled(options.signal, 'Conversion cancelled; nothing was imported.');
        await write(new Uint8Array(layout.offsets[index++]! - written)); // alignment padding
        const source = { handle: input, at: options.dataStart + tensor.dataOffsets[0], tensor };
        if (permute) await write(permuteRows(await readF32(source, 0, elements(tensor)), tensor.shape, permute === 'q' ? options.headCount! : options.headCountKv!));
        else {
          const step = PIECE_BYTES / ELEMENT_BYTES[tensor.dtype]!;
          for (let from = 0; from < elements(tensor); from += step) {
            await write(await readF32(source, from, Math.min(step, elements(tensor) - from)));
            throwIfCancelled(options.signal, 'Conversion cancelled; nothing was imported.');
            options.onBytes?.(converted + Math.min(from + step, elements(tensor)) * ELEMENT_BYTES[tensor.dtype]!, total);
          }
        }
        converted += byteLength(tensor);
        options.onBytes?.(converted, total);
      }
    }
    await output.datasync();
  } catch (error) {
    await output.close();
    await input.close();
    await rm(temp, { force: true });
    throw error;
  }
  await output.close();
  await input.close();
  await rename(temp, options.out);
  return { path: options.out, size: written, digest: `sha256:${hash.digest('hex')}` };
}

function elements(tensor: TensorInfo): number {
  return tensor.shape.reduce((product, d) => product * d, 1);
}

function byteLength(tensor: TensorInfo): number {
  return tensor.dataOffsets[1] - tensor.dataOffsets[0];
}

/** Reads `count` elements from element `from` of a tensor as little-endian float32. */
async function readF32(source: { handle: FileHandle; at: number; tensor: TensorInfo }, from: number, count: number): Promise<Float32Array> {
  const size = ELEMENT_BYTES[source.tensor.dtype]!;
  const bytes = Buffer.alloc(count * size);
  const { bytesRead } = await source.handle.read(bytes, 0, bytes.length, source.at + from * size);
  if (bytesRead !== bytes.length) throw new HouseStyleError(`The adapter file ended inside tensor data.`, 'The adapter file is truncated: export it again.', 'adapter-invalid');
  if (source.tensor.dtype === 'F32') return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Float32Array(count);
  if (source.tensor.dtype === 'BF16') {
    // bfloat16 is the top half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = halves[i]! << 16;
  } else {
    const table = halfTable();
    for (let i = 0; i < count; i++) out[i] = table[halves[i]!]!;
  }
  return out;
}

let halfValues: Float32Array | undefined;
/** Every IEEE half's float32 value, computed once. */
function halfTable(): Float32Array {
  if (halfValues) return halfValues;
  halfValues = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    halfValues[h] = exponent === 0 ? sign * 2 ** -14 * (fraction / 1024) : exponent === 31 ? (fraction ? NaN : sign * Infinity) : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return halfValues;
}

/**
 * convert_hf_to_gguf.py `LlamaModel.permute` on lora_B's rows ([out, rank]): rows grouped per head as
 * (2, half) are regrouped as (half, 2), undoing Hugging Face's rotary layout for llama.cpp's.
 */
function permuteRows(values: Float32Array, shape: number[], heads: number): Float32Array {
  const [rows, rank] = shape as [number, number];
  const half = rows / heads / 2;
  if (!Number.isInteger(half)) throw new HouseStyleError(`A lora_B of ${rows} rows does not split into ${heads} heads.`, 'The adapter was trained on another base model: import it onto the base it was trained on.', 'adapter-invalid');
  const out = new Float32Array(values.length);
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < half; i++) {
        const from = (h * 2 * half + j * half + i) * rank;
        out.set(values.subarray(from, from + rank), (h * 2 * half + i * 2 + j) * rank);
      }
    }
  }
  return out;
}
