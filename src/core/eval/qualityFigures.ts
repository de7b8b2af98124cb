import type { Route } from '../config';
import type { AnswerScore } from './answerScore';
import { round2 } from './bleu';
import { bootstrapInterval, type Interval } from './bootstrap';

/** A measured figure and its bootstrap 95% interval. */
export interface Figure extends Interval {
  value: number;
}

/** Answer quality over a set of examples: BLEU-4 0–100, rates 0–1. */
export interface QualityFigures {
  examples: number;
  valid: number;
  validRate: Figure;
  /** CodeReviewer's BLEU-4 as its evaluator returns it: stopwords removed. */
  bleu4: Figure;
  /** The same with stopwords kept: what the evaluator logs as "WithStop BLEU". */
  bleu4WithStop: Figure;
  exactMatch: Figure;
  /** Lines the findings flag against the lines the human's findings flag (findings examples only). */
  lineAgreement?: { precision: Figure; recall: Figure; examples: number };
}

/** One route against the baseline over the examples both answered: route minus baseline, with a paired interval. */
export interface RouteDifference {
  route: Route;
  baseline: Route;
  /** Examples both routes answered (the same window, in whichever prompt variant each route uses). */
  paired: number;
  bleu4: Figure;
  bleu4WithStop: Figure;
  exactMatch: Figure;
  validRate: Figure;
}

type Metric = (s: AnswerScore) => number;
const METRICS = {
  bleu4: (s) => s.bleu * 100,
  bleu4WithStop: (s) => s.bleuWithStop * 100,
  exactMatch: (s) => (s.exact ? 1 : 0),
  validRate: (s) => (s.valid ? 1 : 0),
} satisfies Record<string, Metric>;

const mean = (values: readonly number[], indices: readonly number[]) => indices.reduce((sum, i) => sum + values[i]!, 0) / indices.length;
const all = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Mean of a per-example value and its interval; BLEU rounded to 2 decimals as the evaluator reports it. */
function meanFigure(values: readonly number[], round: (x: number) => number): Figure {
  const interval = bootstrapInterval(values.length, (indices) => mean(values, indices));
  return { value: values.length ? round(mean(values, all(values.length))) : 0, low: round(interval.low), high: round(interval.high) };
}

const roundFor = (metric: keyof typeof METRICS) => (metric.startsWith('bleu') ? round2 : (x: number) => x);

function ratioFigure(numerators: readonly number[], denominators: readonly number[]): Figure {
  const ratio = (indices: readonly number[]) => {
    const below = indices.reduce((sum, i) => sum + denominators[i]!, 0);
    return below ? indices.reduce((sum, i) => sum + numerators[i]!, 0) / below : 0;
  };
  return { value: ratio(all(numerators.length)), ...bootstrapInterval(numerators.length, ratio) };
}

export function qualityFigures(scores: readonly AnswerScore[]): QualityFigures {
  const figure = (metric: keyof typeof METRICS) => meanFigure(scores.map(METRICS[metric]), roundFor(metric));
  const findings = scores.filter((s) => s.lines);
  return {
    examples: scores.length,
    valid: scores.filter((s) => s.valid).length,
    validRate: figure('validRate'),
    bleu4: figure('bleu4'),
    bleu4WithStop: figure('bleu4WithStop'),
    exactMatch: figure('exactMatch'),
    ...(findings.length > 0 && {
      lineAgreement: {
        precision: ratioFigure(findings.map((s) => s.lines!.truePositive), findings.map((s) => s.lines!.predicted)),
        recall: ratioFigure(findings.map((s) => s.lines!.truePositive), findings.map((s) => s.lines!.actual)),
        examples: findings.length,
      },
    }),
  };
}

/** The figures of each task apart. */
export function figuresByTask(scores: readonly AnswerScore[]): Record<string, QualityFigures> {
  const tasks = [...new Set(scores.map((s) => s.task))];
  return Object.fromEntries(tasks.map((task) => [task, qualityFigures(scores.filter((s) => s.task === task))]));
}

/** Route minus baseline on the examples both answered, each metric with its paired-bootstrap interval. */
export function routeDifference(route: Route, routeScores: readonly AnswerScore[], baseline: Route, baselineScores: readonly AnswerScore[]): RouteDifference {
  const byKey = new Map(baselineScores.map((s) => [s.key, s]));
  const pairs = routeScores.flatMap((s) => (byKey.has(s.key) ? [[s, byKey.get(s.key)!] as const] : []));
  const difference = (metric: keyof typeof METRICS) => meanFigure(pairs.map(([r, b]) => METRICS[metric](r) - METRICS[metric](b)), roundFor(metric));
  return { route, baseline, paired: pairs.length, bleu4: difference('bleu4'), bleu4WithStop: difference('bleu4WithStop'), exactMatch: difference('exactMatch'), validRate: difference('validRate') };
}
