import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import type { OllamaClient } from './ollama/client';
import { findVersion, readRegistry } from './registry';

export interface ExportResult {
  adapter: string;
  modelfile: string;
}

/**
 * Writes a registered version as a teammate imports it: the GGUF adapter Ollama received and a Modelfile (FROM the
 * base, ADAPTER, and the base's TEMPLATE and PARAMETERs from /api/show), for `ollama create NAME -f Modelfile` or
 * `housestyle model import --adapter adapter.gguf`.
 */
export async function exportVersion(options: { workspace: string; client: OllamaClient; name: string; out: string }): Promise<ExportResult> {
  const version = findVersion(await readRegistry(options.workspace), options.name);
  if (!version) throw new HouseStyleError(`${options.name} is not a registered model version.`, 'See housestyle model list for the versions you can export.', 'registry', { fix: ['choose-version'] });
  if (!version.adapter.gguf) {
    throw new HouseStyleError(`${options.name} was registered before House Style kept the GGUF adapter it sent.`, `Import its adapter again (housestyle model import --adapter ${version.adapter.source} --base ${version.base} --force), then export the new version.`, 'registry', { fix: ['import-adapter'] });
  }
  const details = await options.client.show(version.base);
  await mkdir(options.out, { recursive: true });
  const adapter = path.join(options.out, 'adapter.gguf');
  await copyFile(path.resolve(options.workspace, version.adapter.gguf), adapter).catch((error: unknown) => {
    throw new HouseStyleError(`The adapter of ${options.name} is missing (${version.adapter.gguf}): ${(error as Error).message}.`, `Import it again with housestyle model import --adapter ${version.adapter.source} --base ${version.base} --force.`, 'registry', { cause: error, fix: ['import-adapter'] });
  });
  // Ollama prints parameters as "name   value" lines (server/routes.go ShowHandler); a Modelfile wants "PARAMETER name value".
  const parameters = (details.parameters ?? '').split('\n').map((line) => line.trim()).filter(Boolean).map((line) => `PARAMETER ${line.replace(/\s+/, ' ')}`);
  const lines = [`FROM ${version.base}`, 'ADAPTER ./adapter.gguf', ...(details.template ? [`TEMPLATE """${details.template}"""`] : []), ...parameters];
  const modelfile = path.join(options.out, 'Modelfile');
  await writeFile(modelfile, `${lines.join('\n')}\n`);
  return { adapter, modelfile };
}
