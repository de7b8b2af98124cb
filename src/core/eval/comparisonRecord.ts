import * as path from 'node:path';
import { writeJsonAtomic } from '../jsonFile';
import type { Comparison } from './compare';
import type { RouteFigures } from './routeFigures';

/**
 * The newest Compare Routes run, kept so that advice can quote the latency it measured (a comparison measures no
 * quality: that takes an evaluation). Findings are left out: they belong to the code as it was then.
 */
export interface ComparisonRecord {
  comparedAt: string;
  paths: string[];
  routes: RouteFigures[];
}

export const COMPARISON_FILE = path.join('.housestyle', 'compare', 'latest.json');

export async function recordComparison(workspace: string, comparison: Comparison, comparedAt = new Date()): Promise<void> {
  const record: ComparisonRecord = { comparedAt: comparedAt.toISOString(), paths: comparison.paths, routes: comparison.routes.map(({ route, model, calls, latency, tokens }) => ({ route, model, calls, latency, tokens })) };
  await writeJsonAtomic(path.join(workspace, COMPARISON_FILE), record);
}
