import { open } from 'node:fs/promises';
import { HouseStyleError } from '../../errors';

/** GGUF metadata value types, by their numeric tag. */
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const STRING = 8;
const ARRAY = 9;
/** Adapter metadata sits at the start; this much covers it without reading tensors. */
const HEAD_BYTES = 1 << 20;

export interface GgufHead {
  /** Scalar and string key-values (arrays are skipped). */
  metadata: Map<string, string | number | boolean>;
  /** Tensor names and dimensions (ggml order: fastest-varying first), as far as the part read holds them. */
  tensors: { name: string; dims: number[] }[];
}

/** Reads the key-values and tensor descriptions at the head of a GGUF file. */
export async function readGgufHead(file: string): Promise<GgufHead> {
  const invalid = (detail: string) => new HouseStyleError(`${file} is not a valid GGUF file: ${detail}.`, 'Convert the adapter again (llama.cpp convert_lora_to_gguf.py).', 'adapter-invalid');
  const handle = await open(file, 'r');
  const buffer = Buffer.alloc(HEAD_BYTES);
  let length: number;
  try {
    length = (await handle.read(buffer, 0, HEAD_BYTES, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  const head = buffer.subarray(0, length);
  if (length < 24 || head.toString('latin1', 0, 4) !== 'GGUF') throw invalid('it does not start with the GGUF magic');
  const version = head.readUInt32LE(4);
  if (version < 2) throw invalid(`version ${version} is too old`);
  const tensorCount = Number(head.readBigUInt64LE(8));
  let at = 16;
  const kvCount = Number(head.readBigUInt64LE(at));
  at += 8;
  const need = (bytes: number) => {
    if (at + bytes > length) throw new RangeError('metadata runs past the part read');
  };
  const readString = (): string => {
    need(8);
    const size = Number(head.readBigUInt64LE(at));
    at += 8;
    need(size);
    const text = head.toString('utf8', at, at + size);
    at += size;
    return text;
  };
  const readScalar = (type: number): string | number | boolean => {
    if (type === STRING) return readString();
    const bytes = SCALAR_BYTES[type];
    if (bytes === undefined) throw invalid(`unknown metadata type ${type}`);
    need(bytes);
    const value =
      type === 6 ? head.readFloatLE(at) : type === 12 ? head.readDoubleLE(at) : type === 7 ? head[at] !== 0 : bytes === 8 ? Number(head.readBigUInt64LE(at)) : head.readUIntLE(at, bytes);
    at += bytes;
    return value;
  };
  const metadata: GgufHead['metadata'] = new Map();
  const tensors: GgufHead['tensors'] = [];
  try {
    for (let i = 0; i < kvCount; i++) {
      const key = readString();
      need(4);
      const type = head.readUInt32LE(at);
      at += 4;
      if (type !== ARRAY) {
        metadata.set(key, readScalar(type));
        continue;
      }
      need(12);
      const itemType = head.readUInt32LE(at);
      const count = Number(head.readBigUInt64LE(at + 4));
      at += 12;
      for (let j = 0; j < count; j++) readScalar(itemType);
    }
    for (let i = 0; i < tensorCount; i++) {
      const name = readString();
      need(4);
      const nDims = head.readUInt32LE(at);
      at += 4;
      need(nDims * 8 + 12);
      const dims = Array.from({ length: nDims }, (_, d) => Number(head.readBigUInt64LE(at + d * 8)));
      at += nDims * 8 + 12; // dims, then the type (u32) and the data offset (u64)
      tensors.push({ name, dims });
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return { metadata, tensors };
}
