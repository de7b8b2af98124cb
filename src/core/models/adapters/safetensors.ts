import { open } from 'node:fs/promises';
import { HouseStyleError } from '../../errors';

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range in the data section that follows the header. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorInfo>;
  metadata: Record<string, string>;
  /** Where the data section starts in the file: tensor offsets count from here. */
  dataStart: number;
}

/** A header larger than this is not a LoRA adapter (and would be read into memory). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/**
 * Reads the header of a .safetensors file: an 8-byte little-endian length, then that many bytes of JSON
 * naming each tensor's dtype, shape and byte range. Only the header is read, so a large file costs nothing.
 */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const invalid = (detail: string) =>
    new HouseStyleError(`${file} is not a valid safetensors file: ${detail}.`, 'Export the adapter again (PEFT save_pretrained writes adapter_model.safetensors).', 'adapter-invalid');
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 8) throw invalid('it is shorter than its 8-byte header length');
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = prefix.readBigUInt64LE(0);
    if (length === 0n || length > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) throw invalid(`its header length ${length} does not fit the file of ${size} bytes`);
    const headerBytes = Buffer.alloc(Number(length));
    await handle.read(headerBytes, 0, headerBytes.length, 8);
    let json: unknown;
    try {
      json = JSON.parse(headerBytes.toString('utf8'));
    } catch (error) {
      throw invalid(`its header is not JSON (${(error as Error).message})`);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw invalid('its header is not a JSON object');
    const dataBytes = size - 8 - headerBytes.length;
    const tensors = new Map<string, TensorInfo>();
    let metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
      if (name === '__metadata__') {
        metadata = Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
        continue;
      }
      const entry = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      const shape = entry?.shape;
      const offsets = entry?.data_offsets;
      const validShape = Array.isArray(shape) && shape.every((d) => Number.isInteger(d) && d >= 0);
      const validOffsets = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isInteger(o)) && offsets[0] <= offsets[1] && offsets[1] <= dataBytes;
      if (typeof entry?.dtype !== 'string' || !validShape || !validOffsets) throw invalid(`tensor "${name}" has no valid dtype, shape and data_offsets within the file`);
      tensors.set(name, { dtype: entry.dtype, shape: shape as number[], dataOffsets: offsets as [number, number] });
    }
    return { tensors, metadata, dataStart: 8 + headerBytes.length };
  } finally {
    await handle.close();
  }
}
