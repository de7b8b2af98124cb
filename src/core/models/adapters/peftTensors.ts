import { HouseStyleError } from '../../errors';
import type { SafetensorsHeader, TensorInfo } from './safetensors';

/** One LoRA pair of a PEFT adapter: the module it adapts and its lora_A ([rank, in]) and lora_B ([out, rank]) tensors. */
export interface LoraPair {
  /** The adapted module, e.g. `model.layers.3.self_attn.q_proj` (PEFT's `base_model.model.` prefix removed). */
  module: string;
  a: TensorInfo;
  b: TensorInfo;
}

/** The dimensions of the base model an adapter was trained on, as far as its tensors tell them. */
export interface AdapterDimensions {
  /** The input width of the attention and MLP input projections: the base's hidden size. */
  hiddenSize?: number;
  /** One more than the highest decoder layer adapted (a lower bound of the base's layer count). */
  layers?: number;
}

const NAME = /^(?:base_model\.model\.)?(.+)\.lora_(A|B)\.weight$/;
/** Projections whose input is the residual stream, so their lora_A width is the hidden size. */
const READS_HIDDEN = /\.(q_proj|k_proj|v_proj|gate_proj|up_proj)$/;

/**
 * Pairs a PEFT adapter's lora_A and lora_B tensors by module, as convert_lora_to_gguf.py's `get_tensors` does:
 * `.base_layer.weight` tensors are skipped, anything else that is not a LoRA half is refused.
 */
export function loraPairs(header: SafetensorsHeader, file: string): LoraPair[] {
  const halves = new Map<string, { a?: TensorInfo; b?: TensorInfo }>();
  for (const [name, tensor] of header.tensors) {
    if (name.endsWith('.base_layer.weight')) continue;
    const match = NAME.exec(name);
    if (!match) {
      throw new HouseStyleError(
        `${file} holds ${name}, which is not a LoRA tensor (lora_A/lora_B), so it cannot be converted to GGUF.`,
        'Save the adapter without extra trained modules (modules_to_save, embeddings), or convert it with llama.cpp\'s convert_lora_to_gguf.py.',
        'adapter-invalid',
      );
    }
    const entry = halves.get(match[1]!) ?? {};
    entry[match[2] === 'A' ? 'a' : 'b'] = tensor;
    halves.set(match[1]!, entry);
  }
  return [...halves].map(([module, { a, b }]) => {
    if (!a || !b || a.shape.length !== 2 || b.shape.length !== 2 || a.shape[0] !== b.shape[1]) {
      throw new HouseStyleError(`${file} has no matching lora_A [rank, in] and lora_B [out, rank] pair for ${module}.`, 'The adapter file is damaged or incomplete: export it again.', 'adapter-invalid');
    }
    return { module, a, b };
  });
}

export function adapterDimensions(pairs: LoraPair[]): AdapterDimensions {
  const hidden = pairs.find((p) => READS_HIDDEN.test(p.module))?.a.shape[1];
  const layers = pairs.map((p) => /(?:^|\.)layers\.(\d+)\./.exec(p.module)).filter((m) => m !== null).map((m) => Number(m[1]) + 1);
  return { ...(hidden !== undefined && { hiddenSize: hidden }), ...(layers.length > 0 && { layers: Math.max(...layers) }) };
}
