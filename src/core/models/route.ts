import type { Config, Route } from '../config';
import { HouseStyleError } from '../errors';
import type { ReviewPromptVariant } from '../promptVariant';
import { readRegistry } from './registry';

export const ROUTES: readonly Route[] = ['rag', 'fine-tuned', 'hybrid'];

/** What shows in place of the model of a route that has none. */
export const NO_FINE_TUNED_MODEL = 'no fine-tuned model yet';

/** What a route means for one call: which model, and whether the prompt carries the retrieved rules. */
export interface ResolvedRoute {
  route: Route;
  model: string;
  /** `without-rules` on the fine-tuned route: its findings carry no citations. */
  promptVariant: ReviewPromptVariant;
}

/**
 * rag = the base model with retrieved rules; fine-tuned = the adapted model without rules (it learned them);
 * hybrid = the adapted model with retrieved rules. The adapted model is `models.fineTuned`, else the
 * registry's active version. `model` overrides whichever model the route would use.
 */
export async function resolveRoute(workspace: string, config: Config, route: Route, model?: string): Promise<ResolvedRoute> {
  if (route === 'rag') return { route, model: model ?? config.ollama.model, promptVariant: 'with-rules' };
  const adapted = model ?? config.models.fineTuned ?? (await readRegistry(workspace)).active;
  if (!adapted) {
    throw new HouseStyleError(
      `The ${route} route needs a fine-tuned model, and none is configured or registered.`,
      'Train one (housestyle train --dataset DIR), import one (housestyle model import --adapter PATH --base MODEL), or set models.fineTuned; or use --route rag.',
      'route-unavailable',
      { fix: ['import-adapter', 'train-adapter', 'use-rag-route'] },
    );
  }
  return { route, model: adapted, promptVariant: route === 'fine-tuned' ? 'without-rules' : 'with-rules' };
}

/** Parses a comma-separated list of routes (`--routes rag,hybrid`). */
export function parseRoutes(text: string): Route[] {
  const routes = [...new Set(text.split(',').map((r) => r.trim()).filter(Boolean))];
  const unknown = routes.filter((r) => !ROUTES.includes(r as Route));
  if (routes.length === 0 || unknown.length > 0) {
    throw new HouseStyleError(`Unknown route${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ') || '(none)'}.`, `Routes are ${ROUTES.join(', ')}, comma-separated.`, 'usage');
  }
  return routes as Route[];
}
