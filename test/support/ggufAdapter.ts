import { writeFile } from 'node:fs/promises';
import { GGML_TYPE, layoutGguf, type GgufValue } from '../../src/core/models/adapters/ggufWriter';

type Value = string | number | string[];

/** Writes the head of a GGUF v3 file (magic, version, key-values, tensor descriptions; no tensor data): enough for head readers. */
export async function writeGgufAdapter(file: string, metadata: Record<string, Value>, tensors: { name: string; dims: number[] }[] = []): Promise<void> {
  const typed = Object.fromEntries(
    Object.entries(metadata).map(([key, value]): [string, GgufValue] => [key, typeof value === 'string' ? { type: 'string', value } : typeof value === 'number' ? { type: 'f32', value } : { type: 'string[]', value }]),
  );
  await writeFile(file, layoutGguf(typed, tensors.map((t) => ({ ...t, type: GGML_TYPE.F32 }))).head);
}
