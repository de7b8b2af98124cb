import { HouseStyleError } from '../errors';
import type { OllamaClient } from './ollama/client';
import { findVersion, readRegistry, updateRegistry } from './registry';

/** Makes a registered version the fine-tuned model of the fine-tuned and hybrid routes. */
export async function useVersion(workspace: string, name: string): Promise<void> {
  await updateRegistry(workspace, (registry) => {
    if (!findVersion(registry, name)) throw notRegistered(name);
    registry.active = name;
  });
}

/** Deletes a registered version from Ollama (already gone there is fine) and from the registry. Only versions House Style registered. */
export async function removeVersion(workspace: string, client: OllamaClient, name: string): Promise<void> {
  if (!findVersion(await readRegistry(workspace), name)) throw notRegistered(name);
  try {
    await client.deleteModel(name);
  } catch (error) {
    if (!(error instanceof HouseStyleError && (error.code === 'model-not-found' || error.code === 'ollama-rejected'))) throw error;
  }
  await updateRegistry(workspace, (registry) => {
    registry.models = registry.models.filter((m) => m.name !== name);
    if (registry.active === name) delete registry.active;
  });
}

function notRegistered(name: string): HouseStyleError {
  return new HouseStyleError(`${name} is not a registered model version.`, 'See housestyle model list (or the Models view); House Style manages only the versions it registered.', 'registry');
}
