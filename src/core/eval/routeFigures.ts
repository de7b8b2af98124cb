import type { Route } from '../config';
import type { ModelMetrics } from '../models/chatModel';

/** What one route cost over a run: latency as Ollama reports it, tokens, and what House Style added around the calls. */
export interface RouteFigures {
  route: Route;
  model: string;
  calls: number;
  latency: {
    /** Ollama's total_duration, summed over calls. */
    totalMs: number;
    loadMs: number;
    promptEvalMs: number;
    generationMs: number;
    /** Measured by us around the whole route, model calls included. */
    wallMs: number;
    /** Wall time outside the model calls: retrieval, prompt building, validation. */
    overheadMs: number;
  };
  tokens: { prompt: number; completion: number };
}

export function routeFigures(route: Route, model: string, calls: number, metrics: ModelMetrics, wallMs: number): RouteFigures {
  return {
    route,
    model,
    calls,
    latency: {
      totalMs: metrics.totalDurationMs,
      loadMs: metrics.loadDurationMs,
      promptEvalMs: metrics.promptEvalDurationMs,
      generationMs: metrics.evalDurationMs,
      wallMs,
      overheadMs: Math.max(0, wallMs - metrics.wallMs),
    },
    tokens: { prompt: metrics.promptTokens, completion: metrics.completionTokens },
  };
}

/** "1.5 s faster", "23% fewer prompt tokens": one route against the baseline, in words and numbers. */
export function latencyAndTokenDelta(route: RouteFigures, baseline: RouteFigures): string[] {
  const parts: string[] = [];
  const seconds = (baseline.latency.totalMs - route.latency.totalMs) / 1000;
  parts.push(Math.abs(seconds) < 0.05 ? 'as fast' : `${Math.abs(seconds).toFixed(1)} s ${seconds > 0 ? 'faster' : 'slower'}`);
  if (baseline.tokens.prompt > 0) {
    const percent = Math.round(((baseline.tokens.prompt - route.tokens.prompt) / baseline.tokens.prompt) * 100);
    parts.push(percent === 0 ? 'the same prompt tokens' : `${Math.abs(percent)}% ${percent > 0 ? 'fewer' : 'more'} prompt tokens`);
  }
  return parts;
}
