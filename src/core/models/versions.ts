import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import { ADAPTERS_DIR } from './adapters/importAdapter';
import type { OllamaClient } from './ollama/client';
import { findVersion, readRegistry, updateRegistry, type ModelVersion } from './registry';

/** Makes a registered version the fine-tuned model of the fine-tuned and hybrid routes. */
export async function useVersion(workspace: string, name: string): Promise<void> {
  await updateRegistry(workspace, (registry) => {
    if (!findVersion(registry, name)) throw notRegistered(name);
    registry.active = name;
  });
}

/** What removing a version left: the version now active (the newest remaining, when the active one was removed). */
export interface RemoveResult {
  active?: string;
  /** Whether the active version changed because the removed one was active. */
  activeChanged: boolean;
}

/**
 * Deletes a registered version from Ollama (already gone there is fine), from the registry and its converted GGUF
 * adapter. Its name is retired, never given again. Removing the active version makes the newest remaining one active.
 */
export async function removeVersion(workspace: string, client: OllamaClient, name: string): Promise<RemoveResult> {
  const version = findVersion(await readRegistry(workspace), name);
  if (!version) throw notRegistered(name);
  try {
    await client.deleteModel(name);
  } catch (error) {
    if (!(error instanceof HouseStyleError && (error.code === 'model-not-found' || error.code === 'ollama-rejected'))) throw error;
  }
  const result = await updateRegistry(workspace, (registry): RemoveResult => {
    registry.models = registry.models.filter((m) => m.name !== name);
    registry.retired = [...(registry.retired ?? []), name];
    if (registry.active !== name) return { ...(registry.active && { active: registry.active }), activeChanged: false };
    const newest = registry.models.reduce<ModelVersion | undefined>((best, m) => (!best || m.createdAt >= best.createdAt ? m : best), undefined);
    if (newest) registry.active = newest.name;
    else delete registry.active;
    return { ...(newest && { active: newest.name }), activeChanged: true };
  });
  // Only the GGUF House Style converted (inside .housestyle/adapters/) is its to delete; an imported .gguf is the user's.
  if (version.adapter.kind === 'peft' && version.adapter.gguf?.startsWith(`${ADAPTERS_DIR}/`)) await rm(path.join(workspace, version.adapter.gguf), { force: true });
  return result;
}

function notRegistered(name: string): HouseStyleError {
  return new HouseStyleError(`${name} is not a registered model version.`, 'See housestyle model list (or the Models view); House Style manages only the versions it registered.', 'registry', { fix: ['choose-version'] });
}
