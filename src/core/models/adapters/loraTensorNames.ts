import { HouseStyleError } from '../../errors';

/**
 * What llama.cpp's `convert_lora_to_gguf.py` does with a PEFT LoRA tensor, per GGUF architecture: the Hugging Face
 * module's name in gguf-py's tensor map (gguf-py/gguf/tensor_mapping.py) and, for `llama`, the row permutation
 * `LlamaModel.modify_tensors` applies to q_proj and k_proj (convert_hf_to_gguf.py `LlamaModel.permute`; on a LoRA
 * pair it acts on the output rows, that is lora_B). Only architectures whose conversion is exactly this are listed.
 */
const ARCHITECTURES: Record<string, { permuteQk: boolean }> = {
  llama: { permuteQk: true }, // also what Ollama reports for Mistral and Llama 2/3 bases
  qwen2: { permuteQk: false }, // Qwen2Model: no permutation
};

/** Linear modules of a decoder layer, by their Hugging Face name, with llama.cpp's names (LLM_TENSOR_*). */
const LAYER_MODULES: Record<string, string> = {
  'self_attn.q_proj': 'attn_q',
  'self_attn.k_proj': 'attn_k',
  'self_attn.v_proj': 'attn_v',
  'self_attn.o_proj': 'attn_output',
  'mlp.gate_proj': 'ffn_gate',
  'mlp.up_proj': 'ffn_up',
  'mlp.down_proj': 'ffn_down',
};

export const SUPPORTED_ARCHITECTURES = Object.keys(ARCHITECTURES);

export interface LoraTarget {
  /** llama.cpp's name of the base weight, e.g. `blk.3.attn_q.weight`; the pair is `<name>.lora_a` / `.lora_b`. */
  gguf: string;
  /** The decoder layer, undefined for `lm_head`. */
  layer?: number;
  /** `q` or `k` when lora_B's rows are permuted for rotary embeddings (llama only). */
  permute?: 'q' | 'k';
}

/** Refuses, in one line, an architecture this converter does not map. */
export function assertConvertible(architecture: string): void {
  if (ARCHITECTURES[architecture]) return;
  throw new HouseStyleError(
    `House Style cannot convert a PEFT adapter for a ${architecture} base to GGUF (it converts ${SUPPORTED_ARCHITECTURES.join(' and ')}).`,
    "Convert it with llama.cpp's convert_lora_to_gguf.py --base <the base model's Hugging Face folder>, then import the .gguf file with --adapter.",
    'adapter-invalid',
    { fix: ['convert-adapter'] },
  );
}

/**
 * Maps a PEFT module path (the tensor name less `base_model.model.` and `.lora_A.weight`, as
 * convert_lora_to_gguf.py's `get_base_tensor_name` does) onto llama.cpp's tensor, or says why it cannot.
 */
export function loraTarget(architecture: string, module: string): LoraTarget {
  assertConvertible(architecture);
  if (module === 'lm_head') return { gguf: 'output.weight' };
  const layer = /^model\.layers\.(\d+)\.(.+)$/.exec(module);
  const name = layer && LAYER_MODULES[layer[2]!];
  if (!layer || !name) {
    const embeddings = /embed_tokens/.test(module);
    throw new HouseStyleError(
      `The adapter trains ${module}, which House Style does not convert to GGUF${embeddings ? ' (token embeddings, usually from added tokens)' : ''}.`,
      embeddings
        ? "Train without new tokens or embedding modules (LLaMA-Factory: no additional_target), or convert it with llama.cpp's convert_lora_to_gguf.py."
        : `Train LoRA on the attention and MLP projections (${Object.keys(LAYER_MODULES).map((m) => m.split('.')[1]).join(', ')}), or convert it with llama.cpp's convert_lora_to_gguf.py.`,
      'adapter-invalid',
    );
  }
  const permute = ARCHITECTURES[architecture]!.permuteQk && (name === 'attn_q' ? 'q' : name === 'attn_k' ? 'k' : undefined);
  return { gguf: `blk.${layer[1]}.${name}.weight`, layer: Number(layer[1]), ...(permute && { permute }) };
}
