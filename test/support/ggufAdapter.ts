import { writeFile } from 'node:fs/promises';

type Value = string | number | string[];

/** Writes the head of a GGUF v3 file (magic, version, key-values, tensor descriptions; no tensor data): enough for head readers. */
export async function writeGgufAdapter(file: string, metadata: Record<string, Value>, tensors: { name: string; dims: number[] }[] = []): Promise<void> {
  const parts: Buffer[] = [Buffer.from('GGUF', 'latin1'), u32(3), u64(tensors.length), u64(Object.keys(metadata).length)];
  for (const [key, value] of Object.entries(metadata)) {
    parts.push(text(key));
    if (typeof value === 'string') parts.push(u32(8), text(value));
    else if (typeof value === 'number') parts.push(u32(6), f32(value));
    else parts.push(u32(9), u32(8), u64(value.length), ...value.map(text));
  }
  for (const [i, tensor] of tensors.entries()) parts.push(text(tensor.name), u32(tensor.dims.length), ...tensor.dims.map(u64), u32(0), u64(i * 1024));
  await writeFile(file, Buffer.concat(parts));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function f32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(n);
  return b;
}
function text(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([u64(bytes.length), bytes]);
}
