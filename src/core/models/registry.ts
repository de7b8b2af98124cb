import * as path from 'node:path';
import * as z from 'zod';
import { HouseStyleError } from '../errors';
import { readJsonFile, writeJsonAtomic } from '../jsonFile';

/** The workspace's fine-tuned model versions: what each was built from, and how it measured. */
export const REGISTRY_FILE = '.housestyle/models.json';

const RESTORE_HINT = 'Restore it from version control, or delete it and import the adapters again.';

const trainingRunSchema = z.object({
  runDir: z.string(),
  host: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  steps: z.number(),
  finalLoss: z.number().optional(),
});

const modelVersionSchema = z.object({
  /** The Ollama model name, `housestyle-<project>:<date>-<n>`. */
  name: z.string().min(1),
  base: z.string().min(1),
  createdAt: z.string(),
  adapter: z.object({
    kind: z.enum(['peft', 'gguf']),
    /** What was imported; relative to the workspace when inside it, so a teammate's checkout finds it. */
    source: z.string(),
    /** The GGUF adapter Ollama received (converted from PEFT into .housestyle/adapters/, or the .gguf imported). */
    gguf: z.string().optional(),
    /** Ollama blob digest of each adapter file, by file name. */
    digests: z.record(z.string(), z.string()),
    rank: z.number().optional(),
    alpha: z.number().optional(),
    baseModel: z.string().optional(),
  }),
  /** The dataset it was trained on: its folder and the SHA-256 of its card and report, so a rebuilt dataset is told apart. */
  dataset: z.object({ path: z.string(), cardSha256: z.string() }).optional(),
  training: trainingRunSchema.optional(),
  /** Evaluation results (see eval/evaluate.ts), newest last; kept as written. */
  evaluations: z.array(z.record(z.string(), z.unknown())).default([]),
});

const registrySchema = z.object({
  version: z.literal(1),
  /** The version the fine-tuned and hybrid routes use unless models.fineTuned says otherwise. */
  active: z.string().optional(),
  models: z.array(modelVersionSchema),
  /** Names of removed versions: never given again, so an old evaluation never passes to a new adapter. */
  retired: z.array(z.string()).optional(),
});

export type ModelVersion = z.infer<typeof modelVersionSchema>;
export type TrainingRun = z.infer<typeof trainingRunSchema>;
export type ModelRegistry = z.infer<typeof registrySchema>;

export async function readRegistry(workspace: string): Promise<ModelRegistry> {
  const file = path.join(workspace, REGISTRY_FILE);
  const json = await readJsonFile(file, { missing: { version: 1, models: [] }, code: 'registry', badJsonHint: RESTORE_HINT });
  const result = registrySchema.safeParse(json);
  if (!result.success) {
    throw new HouseStyleError(`${file} is not a House Style model registry: ${z.prettifyError(result.error)}`, RESTORE_HINT, 'registry');
  }
  return result.data;
}

/** Reads, changes and writes the registry; the write is atomic (a reader sees the old file or the new one). */
export async function updateRegistry<T>(workspace: string, change: (registry: ModelRegistry) => T): Promise<T> {
  const registry = await readRegistry(workspace);
  const result = change(registry);
  await writeJsonAtomic(path.join(workspace, REGISTRY_FILE), registry);
  return result;
}

export function findVersion(registry: ModelRegistry, name: string): ModelVersion | undefined {
  return registry.models.find((m) => m.name === name);
}

/** `housestyle-<project>:<yyyymmdd>-<n>`, n counting that day's versions from 1. */
export function nextVersionName(workspace: string, registry: ModelRegistry, now: Date = new Date()): string {
  const project = path.basename(path.resolve(workspace)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace';
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const prefix = `housestyle-${project}:${day}-`;
  const taken = [...registry.models.map((m) => m.name), ...(registry.retired ?? [])].filter((n) => n.startsWith(prefix)).map((n) => Number(n.slice(prefix.length)) || 0);
  return `${prefix}${Math.max(0, ...taken) + 1}`;
}
