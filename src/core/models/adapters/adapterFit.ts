import { HouseStyleError } from '../../errors';
import { familyMatches } from './modelFamily';
import type { AdapterDimensions } from './peftTensors';

/** What a base model's GGUF key-values (Ollama's `/api/show` `model_info`) say about its shape. */
export interface BaseShape {
  architecture: string;
  embeddingLength?: number;
  blockCount?: number;
  headCount?: number;
  headCountKv?: number;
}

/** Reads the shape from GGUF key-values (`general.architecture`, `<arch>.embedding_length`, …); undefined without an architecture. */
export function baseShape(info: Record<string, unknown>): BaseShape | undefined {
  const architecture = info['general.architecture'];
  if (typeof architecture !== 'string') return undefined;
  const number = (key: string) => {
    const value = info[`${architecture}.${key}`];
    return typeof value === 'number' ? value : undefined;
  };
  const [embeddingLength, blockCount, headCount] = ['embedding_length', 'block_count', 'attention.head_count'].map(number);
  const headCountKv = number('attention.head_count_kv') ?? headCount; // llama.cpp's default when the key is absent
  return {
    architecture,
    ...(embeddingLength !== undefined && { embeddingLength }),
    ...(blockCount !== undefined && { blockCount }),
    ...(headCount !== undefined && { headCount }),
    ...(headCountKv !== undefined && { headCountKv }),
  };
}

/** The size in a model name, in billions: "Qwen2.5-Coder-7B-Instruct" → 7, "qwen2.5-coder:32b" → 32, "x:1.5b-q4" → 1.5. */
export function parameterBillions(name: string): number | undefined {
  const match = /(?:^|[-_:/])(\d+(?:\.\d+)?)b(?:$|[-_.])/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Why a model trained on `trainedOn` (a Hugging Face id such as Qwen/Qwen2.5-Coder-7B-Instruct) cannot serve on the
 * Ollama model `base`, by family or size in the names; undefined when it fits or the names do not tell.
 */
export function baseNameMismatch(trainedOn: string, base: string): string | undefined {
  const family = /^([^:]*\/)?([^:]+)/.exec(base)?.[2] ?? base;
  const [trained, served] = [parameterBillions(trainedOn), parameterBillions(base)];
  if (familyMatches(trainedOn, family) === false) return 'another model family';
  if (trained !== undefined && served !== undefined && trained !== served) return `${served}B parameters, not ${trained}B`;
  return undefined;
}

/** Refuses, in one line and before anything is pulled or uploaded, an adapter whose base model name does not fit `base`. */
export function checkAdapterName(adapterBase: string | undefined, base: string): void {
  const wrong = adapterBase && baseNameMismatch(adapterBase, base);
  if (wrong) throw mismatch(adapterBase, base, wrong);
}

/** Refuses an adapter whose architecture, hidden size or layers do not fit the base Ollama reports. */
export function checkAdapterShape(adapter: { baseModel?: string; architecture?: string; dimensions: AdapterDimensions }, base: string, shape: BaseShape): void {
  const { dimensions } = adapter;
  const trained = adapter.baseModel ?? 'its base';
  if (adapter.architecture !== undefined && adapter.architecture !== shape.architecture) throw mismatch(trained, base, `architecture ${shape.architecture}, the adapter's is ${adapter.architecture}`);
  if (adapter.baseModel && familyMatches(adapter.baseModel, shape.architecture) === false) throw mismatch(trained, base, `architecture ${shape.architecture}`);
  if (dimensions.hiddenSize !== undefined && shape.embeddingLength !== undefined && dimensions.hiddenSize !== shape.embeddingLength) {
    throw mismatch(trained, base, `hidden size ${shape.embeddingLength}, the adapter's is ${dimensions.hiddenSize}`);
  }
  if (dimensions.layers !== undefined && shape.blockCount !== undefined && dimensions.layers > shape.blockCount) throw mismatch(trained, base, `${shape.blockCount} layers, the adapter adapts ${dimensions.layers}`);
}

function mismatch(trained: string, base: string, detail: string): HouseStyleError {
  return new HouseStyleError(
    `The adapter was trained on ${trained}, which does not fit ${base} (${detail}); nothing was pulled, uploaded or registered.`,
    'Import it with --base set to the Ollama model it was trained on (same family and size).',
    'adapter-invalid',
    { fix: ['import-onto-trained-base'] },
  );
}
