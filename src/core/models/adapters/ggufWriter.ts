/**
 * The head of a GGUF v3 file, as llama.cpp's gguf-py `GGUFWriter` lays it out (gguf-py/gguf/gguf_writer.py,
 * constants.py): magic, version, tensor count, key-value count, the key-values, the tensor descriptions, then
 * padding to the alignment; tensor data follows, each tensor at an aligned offset from the data start.
 */

/** A typed metadata value; GGUF stores the type beside each value, and llama.cpp reads each key as one type. */
export type GgufValue =
  | { type: 'string'; value: string }
  | { type: 'u32' | 'i32' | 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'string[]'; value: string[] }
  | { type: 'i32[]' | 'f32[]'; value: number[] };

/** ggml tensor types (ggml/include/ggml.h `enum ggml_type`) that House Style writes. */
export const GGML_TYPE = { F32: 0, F16: 1 } as const;
const GGML_TYPE_BYTES: Record<number, number> = { [GGML_TYPE.F32]: 4, [GGML_TYPE.F16]: 2 };

export interface GgufTensorDescription {
  name: string;
  /** ggml order: the fastest-varying dimension first (the reverse of a PyTorch/safetensors shape). */
  dims: number[];
  type: number;
}

/** `general.alignment` when absent (gguf-py constants.py GGUF_DEFAULT_ALIGNMENT). */
const ALIGNMENT = 32;
/** gguf-py `GGUFValueType`. */
const VALUE_TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9 } as const;

export interface GgufLayout {
  /** Everything before the first tensor's data, padding included. */
  head: Buffer;
  /** Where each tensor's data starts, from the start of the file, in the order given. */
  offsets: number[];
  /** Bytes of each tensor's data. */
  sizes: number[];
  /** The whole file's length. */
  fileSize: number;
}

export function tensorBytes(tensor: GgufTensorDescription): number {
  return tensor.dims.reduce((product, d) => product * d, 1) * GGML_TYPE_BYTES[tensor.type]!;
}

/** Lays out a GGUF file: its head and where each tensor's data goes, so the data can be streamed in after. */
export function layoutGguf(metadata: Record<string, GgufValue>, tensors: GgufTensorDescription[]): GgufLayout {
  const parts: Buffer[] = [Buffer.from('GGUF', 'latin1'), u32(3), u64(tensors.length), u64(Object.keys(metadata).length)];
  for (const [key, value] of Object.entries(metadata)) parts.push(text(key), ...encodeValue(value));
  const sizes = tensors.map(tensorBytes);
  const relative: number[] = [];
  let at = 0;
  for (const [i, tensor] of tensors.entries()) {
    relative.push(at);
    parts.push(text(tensor.name), u32(tensor.dims.length), ...tensor.dims.map(u64), u32(tensor.type), u64(at));
    at = align(at + sizes[i]!);
  }
  const unpadded = Buffer.concat(parts);
  const head = Buffer.concat([unpadded, Buffer.alloc(align(unpadded.length) - unpadded.length)]);
  const offsets = relative.map((offset) => head.length + offset);
  return { head, offsets, sizes, fileSize: head.length + at };
}

export function align(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

function encodeValue(value: GgufValue): Buffer[] {
  switch (value.type) {
    case 'string':
      return [u32(VALUE_TYPE.string), text(value.value)];
    case 'bool':
      return [u32(VALUE_TYPE.bool), Buffer.from([value.value ? 1 : 0])];
    case 'u32':
    case 'i32':
    case 'f32':
      return [u32(VALUE_TYPE[value.type]), scalar(value.type, value.value)];
    case 'string[]':
      return [u32(VALUE_TYPE.array), u32(VALUE_TYPE.string), u64(value.value.length), ...value.value.map(text)];
    case 'i32[]':
    case 'f32[]': {
      const item = value.type === 'i32[]' ? 'i32' : 'f32';
      return [u32(VALUE_TYPE.array), u32(VALUE_TYPE[item]), u64(value.value.length), ...value.value.map((v) => scalar(item, v))];
    }
  }
}

function scalar(type: 'u32' | 'i32' | 'f32', n: number): Buffer {
  const b = Buffer.alloc(4);
  if (type === 'u32') b.writeUInt32LE(n);
  else if (type === 'i32') b.writeInt32LE(n);
  else b.writeFloatLE(n);
  return b;
}
function u32(n: number): Buffer {
  return scalar('u32', n);
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function text(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u64(bytes.length), bytes]);
}
