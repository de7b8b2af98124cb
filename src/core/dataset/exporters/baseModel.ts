/**
 * The Hugging Face model a LoRA is trained on, and the LLaMA-Factory chat template of its family.
 * By default derived from the Ollama model the team reviews with (config.ollama.model), so that the
 * adapter fits the model it will be served with.
 */
export interface BaseModelChoice {
  /** Hugging Face id (or local path) for LLaMA-Factory's model_name_or_path. */
  model: string;
  /** LLaMA-Factory template name. */
  template: string;
  /** Warnings when the model or template had to be guessed. */
  warnings: string[];
}

/** Ollama library names to Hugging Face instruct checkpoints; `size` is the tag's parameter count ("7", "0.5"). */
const OLLAMA_FAMILIES: { name: string; defaultSize: string; huggingFace: (size: string) => string }[] = [
  { name: 'qwen2.5-coder', defaultSize: '7', huggingFace: (s) => `Qwen/Qwen2.5-Coder-${s}B-Instruct` },
  { name: 'qwen2.5', defaultSize: '7', huggingFace: (s) => `Qwen/Qwen2.5-${s}B-Instruct` },
  { name: 'qwen3', defaultSize: '8', huggingFace: (s) => `Qwen/Qwen3-${s}B` },
  { name: 'llama3.2', defaultSize: '3', huggingFace: (s) => `meta-llama/Llama-3.2-${s}B-Instruct` },
  { name: 'llama3.1', defaultSize: '8', huggingFace: (s) => `meta-llama/Llama-3.1-${s}B-Instruct` },
  { name: 'llama3', defaultSize: '8', huggingFace: (s) => `meta-llama/Meta-Llama-3-${s}B-Instruct` },
  { name: 'codellama', defaultSize: '7', huggingFace: (s) => `codellama/CodeLlama-${s}b-Instruct-hf` },
  { name: 'mistral', defaultSize: '7', huggingFace: () => 'mistralai/Mistral-7B-Instruct-v0.3' },
  { name: 'gemma3', defaultSize: '4', huggingFace: (s) => `google/gemma-3-${s}b-it` },
  { name: 'gemma2', defaultSize: '9', huggingFace: (s) => `google/gemma-2-${s}b-it` },
  { name: 'codegemma', defaultSize: '7', huggingFace: (s) => `google/codegemma-${s}b-it` },
  { name: 'deepseek-coder', defaultSize: '6.7', huggingFace: (s) => `deepseek-ai/deepseek-coder-${s}b-instruct` },
  { name: 'phi4', defaultSize: '14', huggingFace: () => 'microsoft/phi-4' },
];

/** Most specific family first. */
const TEMPLATES: [RegExp, string][] = [
  // Samples carry no thinking block, so Qwen3 trains with its non-thinking template.
  [/qwen-?3/, 'qwen3_nothink'],
  [/qwen/, 'qwen'],
  [/llama-?4/, 'llama4'],
  [/codellama|llama-?2/, 'llama2'],
  [/llama-?3/, 'llama3'],
  [/codestral|mistral|mixtral/, 'mistral'],
  [/gemma-?3/, 'gemma3'],
  [/gemma/, 'gemma'],
  [/deepseek-coder-v2/, 'deepseek'],
  [/deepseek-coder/, 'deepseekcoder'],
  [/deepseek-(?:v3|r1)/, 'deepseek3'],
  [/deepseek/, 'deepseek'],
  [/phi-?4/, 'phi4'],
  [/phi/, 'phi'],
];

/** The Hugging Face id for an Ollama model name such as `qwen2.5-coder:7b` or `hf.co/org/Repo-GGUF:Q4_K_M`. */
export function huggingFaceModelFor(ollamaModel: string): string | undefined {
  const [name = '', tag = 'latest'] = ollamaModel.trim().split(':');
  if (name.startsWith('hf.co/')) return name.slice('hf.co/'.length).replace(/-GGUF$/i, '');
  const family = OLLAMA_FAMILIES.find((f) => f.name === name.replace(/^library\//, ''));
  if (!family) return undefined;
  const size = /^(\d+(?:\.\d+)?)b\b/i.exec(tag)?.[1] ?? family.defaultSize;
  return family.huggingFace(size);
}

export function templateFor(model: string): string | undefined {
  const lower = model.toLowerCase();
  return TEMPLATES.find(([family]) => family.test(lower))?.[1];
}

/** `explicit` (a Hugging Face id or path) wins; otherwise the checkpoint behind the configured Ollama model. */
export function chooseBaseModel(explicit: string | undefined, ollamaModel: string): BaseModelChoice {
  const warnings: string[] = [];
  let model = explicit?.trim();
  if (!model) {
    model = huggingFaceModelFor(ollamaModel);
    if (!model) {
      model = ollamaModel;
      warnings.push(`No known Hugging Face checkpoint for the Ollama model "${ollamaModel}"; set model_name_or_path in train_lora.yaml (or pass --base-model).`);
    }
  }
  let template = templateFor(model);
  if (!template) {
    template = 'default';
    warnings.push(`No LLaMA-Factory template is known for "${model}"; train_lora.yaml uses "default" — set the template of its family.`);
  }
  return { model, template, warnings };
}
