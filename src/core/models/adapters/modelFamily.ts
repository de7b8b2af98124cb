/** Ollama reports these families under another family's name (Mistral models are served as "llama"). */
const SERVED_AS: Record<string, string[]> = { llama: ['mistral', 'mixtral', 'codellama', 'deepseek', 'yi', 'vicuna'] };

interface Family {
  stem: string;
  /** The generation, when the name carries one ("qwen2.5" → 2); different generations have different shapes. */
  generation?: number;
}

function parseFamily(text: string): Family | undefined {
  const match = /([a-z]+)-?(\d+)?/.exec(text.toLowerCase());
  return match ? { stem: match[1]!, ...(match[2] ? { generation: Number(match[2]) } : {}) } : undefined;
}

/**
 * Whether an adapter trained on `baseModelPath` (PEFT's base_model_name_or_path, such as
 * "Qwen/Qwen2.5-Coder-7B-Instruct") fits a model of Ollama's `family` ("qwen2"). Undefined when the name
 * says nothing checkable (a local path without a family in it).
 */
export function familyMatches(baseModelPath: string, ollamaFamily: string): boolean | undefined {
  const served = parseFamily(ollamaFamily);
  const name = baseModelPath.split(/[\\/]/).filter(Boolean).pop()?.toLowerCase() ?? '';
  if (!served || !name) return undefined;
  const stems = [served.stem, ...(SERVED_AS[served.stem] ?? [])];
  const stem = stems.find((s) => name.includes(s));
  if (!stem) return /(llama|qwen|mistral|mixtral|gemma|phi|deepseek|starcoder|codellama|granite|yi)/.test(name) ? false : undefined;
  if (stem !== served.stem || served.generation === undefined) return true;
  const adapter = parseFamily(name.slice(name.indexOf(stem)));
  return adapter?.generation === undefined || adapter.generation === served.generation;
}
