import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../../errors';
import { readGgufHead } from './gguf';
import { adapterDimensions, loraPairs, type AdapterDimensions, type LoraPair } from './peftTensors';
import { readSafetensorsHeader } from './safetensors';

/** A LoRA adapter on disk, validated: the files Ollama will receive and what they say about themselves. */
export interface AdapterSource {
  kind: 'peft' | 'gguf';
  /** Absolute path given (the folder, or the .gguf file). */
  path: string;
  /** What Ollama's create request names each file, with its absolute path and size. */
  files: { name: string; path: string; size: number }[];
  /** PEFT's base_model_name_or_path, or GGUF's general.architecture. */
  baseModel?: string;
  rank?: number;
  alpha?: number;
  /** GGUF's general.architecture (a PEFT adapter names none). */
  architecture?: string;
  /** The base's hidden size and layers as the adapter's tensors tell them. */
  dimensions: AdapterDimensions;
  /** A PEFT adapter's weights file, where its data starts, and its LoRA pairs: what conversion to GGUF reads. */
  peft?: { weights: string; dataStart: number; pairs: LoraPair[] };
}

const PEFT_CONFIG = 'adapter_config.json';
const PEFT_WEIGHTS = 'adapter_model.safetensors';

/** Validates a PEFT LoRA folder or a GGUF adapter before anything is uploaded. */
export async function inspectAdapter(adapterPath: string): Promise<AdapterSource> {
  const absolute = path.resolve(adapterPath);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new HouseStyleError(`Adapter not found: ${absolute}.`, 'Pass a PEFT LoRA folder (adapter_config.json + adapter_model.safetensors) or a .gguf adapter with --adapter.', 'adapter-invalid', { fix: ['choose-adapter'] });
  if (info.isDirectory()) return inspectPeftFolder(absolute);
  // A file of a PEFT folder stands for its folder: the weights are never mistaken for a GGUF file.
  if ([PEFT_CONFIG, PEFT_WEIGHTS].includes(path.basename(absolute)) || absolute.endsWith('.safetensors')) return inspectPeftFolder(path.dirname(absolute));
  return inspectGguf(absolute, info.size);
}

async function inspectPeftFolder(folder: string): Promise<AdapterSource> {
  const sizes = await Promise.all([PEFT_CONFIG, PEFT_WEIGHTS].map((name) => stat(path.join(folder, name)).then((s) => s.size, () => undefined)));
  const missing = [PEFT_CONFIG, PEFT_WEIGHTS].filter((_, i) => sizes[i] === undefined);
  if (missing.length > 0) {
    const binOnly = missing.includes(PEFT_WEIGHTS) && (await stat(path.join(folder, 'adapter_model.bin')).catch(() => undefined));
    throw new HouseStyleError(
      `${folder} is not a PEFT LoRA adapter: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
      binOnly ? 'Save the adapter as safetensors (PEFT save_pretrained(..., safe_serialization=True)): House Style converts adapters from safetensors only, not from the pickled adapter_model.bin.' : 'Point --adapter at the folder LLaMA-Factory or PEFT saved the adapter in.',
      'adapter-invalid',
      { fix: ['choose-adapter'] },
    );
  }
  const configFile = path.join(folder, PEFT_CONFIG);
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new HouseStyleError(`${configFile} is not valid JSON: ${(error as Error).message}.`, 'Export the adapter again.', 'adapter-invalid', { cause: error });
  }
  const peftType = String(config.peft_type ?? '').toUpperCase();
  if (peftType !== 'LORA') {
    throw new HouseStyleError(`${folder} holds a ${peftType || 'untyped'} adapter; Ollama imports LoRA adapters only.`, 'Train with finetuning_type: lora (LLaMA-Factory) or a PEFT LoraConfig.', 'adapter-invalid');
  }
  const rank = typeof config.r === 'number' ? config.r : undefined;
  const alpha = typeof config.lora_alpha === 'number' ? config.lora_alpha : undefined;
  const weights = path.join(folder, PEFT_WEIGHTS);
  const header = await readSafetensorsHeader(weights);
  const pairs = loraPairs(header, weights);
  if (pairs.length === 0) throw new HouseStyleError(`${weights} holds no lora_A tensors, so it is not a LoRA adapter.`, 'Export the adapter again.', 'adapter-invalid');
  const wrongRank = rank !== undefined && pairs.find((p) => p.a.shape[0] !== rank);
  if (wrongRank) {
    throw new HouseStyleError(`${PEFT_CONFIG} says rank ${rank}, but the lora_A of ${wrongRank.module} has rank ${wrongRank.a.shape[0]}.`, 'The folder mixes files of two adapters: export it again.', 'adapter-invalid');
  }
  return {
    kind: 'peft',
    path: folder,
    files: [PEFT_CONFIG, PEFT_WEIGHTS].map((name, i) => ({ name, path: path.join(folder, name), size: sizes[i]! })),
    ...(typeof config.base_model_name_or_path === 'string' && { baseModel: config.base_model_name_or_path }),
    ...(rank !== undefined && { rank }),
    ...(alpha !== undefined && { alpha }),
    dimensions: adapterDimensions(pairs),
    peft: { weights, dataStart: header.dataStart, pairs },
  };
}

async function inspectGguf(file: string, size: number): Promise<AdapterSource> {
  const { metadata, tensors } = await readGgufHead(file);
  const type = metadata.get('general.type');
  if (type !== undefined && type !== 'adapter') {
    throw new HouseStyleError(`${file} is a GGUF ${String(type)}, not an adapter.`, 'Pass the LoRA adapter (convert_lora_to_gguf.py output), not a full model.', 'adapter-invalid');
  }
  const adapterType = metadata.get('adapter.type');
  if (adapterType !== undefined && adapterType !== 'lora') {
    throw new HouseStyleError(`${file} is a ${String(adapterType)} adapter; Ollama imports LoRA adapters only.`, 'Convert a LoRA adapter instead.', 'adapter-invalid');
  }
  const architecture = metadata.get('general.architecture');
  const alpha = metadata.get('adapter.lora.alpha');
  // GGUF records no rank: it is the small dimension of a lora_a tensor.
  const loraA = tensors.find((t) => /lora_a/i.test(t.name) && t.dims.length === 2);
  const rank = loraA ? Math.min(...loraA.dims) : undefined;
  return {
    kind: 'gguf',
    path: file,
    files: [{ name: path.basename(file), path: file, size }],
    ...(typeof architecture === 'string' && { baseModel: architecture }),
    ...(rank !== undefined && { rank }),
    ...(typeof alpha === 'number' && { alpha }),
    ...(typeof architecture === 'string' && { architecture }),
    dimensions: ggufDimensions(tensors),
  };
}

/** Hidden size and layers from llama.cpp tensor names: `blk.N.attn_q.weight.lora_a` has ggml dims [hidden, rank]. */
function ggufDimensions(tensors: { name: string; dims: number[] }[]): AdapterDimensions {
  const hidden = tensors.find((t) => /\.(attn_q|attn_k|attn_v|ffn_gate|ffn_up)\.weight\.lora_a$/.test(t.name))?.dims[0];
  const layers = tensors.map((t) => /^blk\.(\d+)\./.exec(t.name)).filter((m) => m !== null).map((m) => Number(m[1]) + 1);
  return { ...(hidden !== undefined && { hiddenSize: hidden }), ...(layers.length > 0 && { layers: Math.max(...layers) }) };
}
