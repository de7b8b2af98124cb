// Where a local all-MiniLM-L6-v2 lives. Nothing is downloaded here: a folder counts only when its files are present.
import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const MINILM_MODEL_NAME = 'all-MiniLM-L6-v2';

/** The ONNX graph may sit in `onnx/` (the Hugging Face layout) or at the top of the folder. */
export const MINILM_ONNX_FILES = ['onnx/model.onnx', 'model.onnx'] as const;

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

/** Looks at the configured folder, then the copy bundled with the extension, then the user's cache. */
export function findMiniLmModel(options: { modelDir?: string; extensionRoot?: string; cacheDir?: string }): string | undefined {
  const cacheDir = options.cacheDir ?? path.join(os.homedir(), '.cache', 'housestyle', 'models');
  const candidates = [
    options.modelDir,
    options.extensionRoot && path.join(options.extensionRoot, 'models', MINILM_MODEL_NAME),
    path.join(cacheDir, MINILM_MODEL_NAME),
  ];
  return candidates.find((dir): dir is string => !!dir && missingMiniLmFiles(dir).length === 0);
}
