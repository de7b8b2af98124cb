// Where a local all-MiniLM-L6-v2 lives. Nothing is downloaded here: a folder counts only when its files are present.
import { statSync } from 'node:fs';
import path from 'node:path';
import { hubModelDir, userModelCache, type HubModel } from './hubModel';

export const MINILM_MODEL_NAME = 'all-MiniLM-L6-v2';

/** The ONNX graph may sit in `onnx/` (the Hugging Face layout) or at the top of the folder; the fetched copy is int8-quantized. */
export const MINILM_ONNX_FILES = ['onnx/model.onnx', 'model.onnx', 'onnx/model_quantized.onnx'] as const;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The ONNX file inside `dir`, relative to it, or undefined when there is none. */
export function miniLmOnnxFile(dir: string): string | undefined {
  return MINILM_ONNX_FILES.find((file) => isFile(path.join(dir, file)));
}

/** Files a model folder lacks, as the user should look for them (empty when the folder is complete). */
export function missingMiniLmFiles(dir: string): string[] {
  const missing = ['tokenizer.json', 'config.json'].filter((file) => !isFile(path.join(dir, file)));
  if (!miniLmOnnxFile(dir)) missing.push(MINILM_ONNX_FILES.join(' or '));
  return missing;
}

/** Looks at the configured folder, then the copy bundled with the extension, then the user's cache (a copy put there, then a fetched one). */
export function findMiniLmModel(options: { modelDir?: string; extensionRoot?: string; cacheDir?: string; fetched?: HubModel }): string | undefined {
  const cacheDir = options.cacheDir ?? userModelCache();
  const candidates = [
    options.modelDir,
    options.extensionRoot && path.join(options.extensionRoot, 'models', MINILM_MODEL_NAME),
    path.join(cacheDir, MINILM_MODEL_NAME),
    options.fetched && hubModelDir(cacheDir, options.fetched),
  ];
  return candidates.find((dir): dir is string => !!dir && missingMiniLmFiles(dir).length === 0);
}
