import type { Activity } from '../activity';
import type { Route } from '../config';
import { throwIfCancelled } from '../errors';
import type { Finding } from '../review/finding';
import { reviewTargets } from '../review/reviewer';
import type { ReviewTarget } from '../review/reviewTarget';
import type { Session } from '../session';
import { MeteredChatModel } from './meteredModel';
import { latencyAndTokenDelta, routeFigures, type RouteFigures } from './routeFigures';

export interface RouteReview extends RouteFigures {
  findings: Finding[];
  /** Passages the findings cite, as `source:start-end`, each once. */
  citedPassages: string[];
}

export interface Comparison {
  paths: string[];
  routes: RouteReview[];
  /** One sentence per route after the first, against the first. */
  summary: string[];
}

/** Reviews the same targets under each route, over one knowledge base, and says how the routes differ; `activity` shows it as a task. */
export async function compareRoutes(session: Session, targets: readonly ReviewTarget[], routes: readonly Route[], activity?: Activity): Promise<Comparison> {
  const results: RouteReview[] = [];
  const task = activity?.begin('comparing', routes.join(', '));
  try {
    for (const [i, name] of routes.entries()) {
      results.push(await reviewRoute(session, targets, name));
      task?.report(((i + 1) / routes.length) * 100);
    }
  } finally {
    task?.end();
  }
  const [baseline, ...others] = results;
  return { paths: targets.map((t) => t.path), routes: results, summary: baseline ? others.map((route) => describeDifference(route, baseline)) : [] };
}

/** One route's review of the targets, with the model calls metered and the wall time around them. */
async function reviewRoute(session: Session, targets: readonly ReviewTarget[], name: Route): Promise<RouteReview> {
  const options = session.reviewOptions(await session.resolveRoute(name));
  throwIfCancelled(options.signal);
  const metered = new MeteredChatModel(options.client);
  const started = performance.now();
  const review = await reviewTargets({ ...options, client: metered }, targets);
  const wallMs = performance.now() - started;
  const cited = new Set(review.findings.flatMap((f) => f.citations.map((c) => `${c.source}:${c.startLine}-${c.endLine}`)));
  return { ...routeFigures(name, review.model, metered.calls, metered.metrics, wallMs), findings: review.findings, citedPassages: [...cited].sort() };
}

function describeDifference(route: RouteReview, baseline: RouteReview): string {
  const parts = latencyAndTokenDelta(route, baseline);
  parts.push(`${route.findings.length} finding${route.findings.length === 1 ? '' : 's'} against ${baseline.findings.length}`);
  parts.push(route.citedPassages.length === 0 ? 'no sources' : `${route.citedPassages.length} cited passage${route.citedPassages.length === 1 ? '' : 's'} against ${baseline.citedPassages.length}`);
  return `${route.route} (vs ${baseline.route}): ${parts.join(', ')}.`;
}
