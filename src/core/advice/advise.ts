import type { Route } from '../config';
import type { Figure, RouteDifference } from '../eval/qualityFigures';
import { latencyPerCall, type WorkspaceFacts } from './workspaceFacts';
import type { FixStep } from '../errors';

/** Below this many training samples a LoRA adapter rarely learns a team's conventions. */
export const MIN_TRAIN_SAMPLES = 500;
/** At this pace (doc-changing commits per week) an adapter alone falls behind the rules between trainings. */
export const FAST_DOCS_PER_WEEK = 1;
/** More of the mined evidence dropped as noise than this (balancing caps left out) means the history is mostly noise. */
export const MAX_NOISE_SHARE = 0.5;
/** General-probe answers lost by the adapter, as a share of the base model's, before it counts as forgetting. */
export const PROBE_DROP = 0.25;

/** A route's BLEU-4 against rag, paired: a difference whose 95% interval holds 0 is no measured difference. */
export type Quality = 'better' | 'worse' | 'no measured difference';

export interface Advice {
  recommendation: Route;
  /** The row of the decision table (README, "Advice") that decided. */
  rule: number;
  /** The facts that decided it, each in words and numbers. */
  because: string[];
  /** Every fact measured, in words and numbers. */
  reasons: string[];
  nextStep: string;
  /** The next step as a fix step, for front ends that offer it as a command (none when it has no such step). */
  nextAction?: FixStep;
  /** What could not be measured, and why. */
  unmeasured: string[];
  facts: WorkspaceFacts;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const signed = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : '±'}${Math.abs(x).toFixed(2)}`;
const interval = (f: Figure) => `[${signed(f.low)}, ${signed(f.high)}]`;

export function quality(difference: RouteDifference): Quality | undefined {
  const { low, high } = difference.bleu4;
  // No paired examples: the interval is NaN, which a report on disk holds as null.
  if (!Number.isFinite(low) || !Number.isFinite(high)) return undefined;
  return low > 0 ? 'better' : high < 0 ? 'worse' : 'no measured difference';
}

/** What the facts say, each judged once, with the sentence that quotes it. */
function judge(facts: WorkspaceFacts) {
  const { docs, dataset, evaluation } = facts;
  const target = facts.latencyTargetMs;

  const perWeek = docs ? docs.commits / (docs.days / 7) : undefined;
  const fastDocs = perWeek !== undefined && perWeek >= FAST_DOCS_PER_WEEK;
  const docsText =
    docs &&
    `Docs: ${docs.commits} commit${docs.commits === 1 ? '' : 's'} changed ${docs.filesChanged} of ${docs.files} indexed doc${docs.files === 1 ? '' : 's'} in the ${docs.days} days up to the last commit (${perWeek!.toFixed(1)} a week): ${fastDocs ? 'they change faster than an adapter alone can follow between trainings; retrieval follows them' : 'stable enough for an adapter to learn'}.`;

  const bigEnough = dataset !== undefined && dataset.trainSamples >= MIN_TRAIN_SAMPLES;
  const clean = dataset !== undefined && dataset.noiseShare <= MAX_NOISE_SHARE;
  const datasetText =
    dataset &&
    `Dataset ${dataset.path}: ${fmt(dataset.trainSamples)} training samples of ${fmt(dataset.samples)} (${bigEnough ? 'enough' : `at least ${MIN_TRAIN_SAMPLES} needed`}); ${Math.round(dataset.noiseShare * 100)}% of mined evidence dropped as noise${clean ? '' : ' (too much)'} (${fmt(dataset.noiseDrops)} of ${fmt(dataset.noiseDrops + dataset.keptEvidence)}), and ${fmt(dataset.balancingDrops)} quality-estimation samples left out by the balancing caps, which is not noise; ${fmt(dataset.reviewComments)} review comment${dataset.reviewComments === 1 ? '' : 's'} kept as evidence.`;

  // Each route's latency from the newer of the evaluation and the last Compare Routes run that measured it.
  const latency = new Map<Route, number>();
  const fromComparison = new Set<Route>();
  const { comparison } = facts;
  for (const route of ['rag', 'fine-tuned', 'hybrid'] as const) {
    const evaluated = latencyPerCall(evaluation, route);
    const compared = latencyPerCall(comparison, route);
    const useComparison = compared !== undefined && (evaluated === undefined || comparison!.comparedAt > evaluation!.evaluatedAt);
    if (useComparison) fromComparison.add(route);
    const ms = useComparison ? compared : evaluated;
    if (ms !== undefined) latency.set(route, ms);
  }
  const comparedOn = comparison && `Compare Routes on ${comparison.paths.length === 1 ? comparison.paths[0] : `${comparison.paths.length} files`}, ${comparison.comparedAt.slice(0, 16).replace('T', ' ')} UTC`;
  const over = (route: Route) => (latency.get(route) ?? 0) > target;
  const latencyText = (route: Route) =>
    `Latency: ${route} takes ${fmt(latency.get(route)!)} ms a call${fromComparison.has(route) ? ` (${comparedOn})` : ''} against a target of ${fmt(target)} ms${over(route) ? ': too slow' : ''}.`;

  const differences = new Map<Route, { quality: Quality; text: string; delta: number }>();
  for (const difference of evaluation?.differences ?? []) {
    const judged = difference.baseline === 'rag' ? quality(difference) : undefined;
    if (!judged) continue;
    const text = `Evaluation (${difference.paired} paired test examples): ${difference.route} BLEU-4 ${signed(difference.bleu4.value)} ${interval(difference.bleu4)} against rag: ${judged === 'better' ? 'measurably better' : judged === 'worse' ? 'measurably worse' : 'no measured difference (the 95% interval holds 0)'}.`;
    differences.set(difference.route, { quality: judged, text, delta: difference.bleu4.value });
  }

  const base = evaluation?.probe.find((p) => p.role === 'base');
  const adapted = evaluation?.probe.find((p) => p.role === 'adapted');
  const drop = base && adapted && base.correct > 0 ? (base.correct - adapted.correct) / base.correct : undefined;
  const forgot = drop !== undefined && drop >= PROBE_DROP;
  const probeText = base && adapted && `General coding probe: ${adapted.correct}/${adapted.total} for the adapted model against ${base.correct}/${base.total} for the base${forgot ? ': it forgot general skills' : ''}.`;

  return { fastDocs, docsText, bigEnough, clean, datasetText, latency, over, latencyText, differences, forgot, probeText, target };
}

type Judgement = ReturnType<typeof judge>;
type Decision = { recommendation: Route; rule: number; because: (string | undefined)[]; nextStep: string; nextAction?: FixStep };

/**
 * RAG, fine-tuned or hybrid, from the workspace's facts. The first row of the decision table that holds decides
 * (the README's "Advice" section is this table in words); each row quotes the facts it read.
 */
export function advise(facts: WorkspaceFacts): Advice {
  const j = judge(facts);
  const decision = decide(facts, j);
  const reasons = [j.docsText, j.datasetText, ...[...j.latency.keys()].map(j.latencyText), ...[...j.differences.values()].map((d) => d.text), j.probeText].filter((r): r is string => r !== undefined);
  const unmeasured = [...facts.unmeasured];
  if (!j.latency.has('rag')) unmeasured.push(`latency against the ${fmt(j.target)} ms target: no rag measurement yet`);
  return { ...decision, because: decision.because.filter((b): b is string => b !== undefined), reasons, unmeasured, facts };
}

function decide(facts: WorkspaceFacts, j: Judgement): Decision {
  const { differences: d, latency } = j;
  const fine = d.get('fine-tuned');
  const hybrid = d.get('hybrid');
  const ragText = latency.has('rag') ? j.latencyText('rag') : undefined;
  const routeLatency = (route: Route) => (latency.has(route) ? j.latencyText(route) : undefined);

  // 1. Nothing measured of a route with the adapter: rag, and the step that leads to a measurement.
  if (!fine && !hybrid) return { recommendation: 'rag', rule: 1, because: ['No evaluation measured a fine-tuned or hybrid route against rag.', j.datasetText, j.docsText], nextStep: firstMeasurement(facts, j), ...withAction(firstMeasurementAction(facts, j)) };

  // 2. The adapter forgot general skills: both routes that use it are out.
  if (j.forgot) {
    return {
      recommendation: 'rag',
      rule: 2,
      because: [j.probeText, fine?.text, hybrid?.text],
      nextStep: `Retrain with fewer epochs or a lower learning rate (housestyle train --dataset ${facts.dataset?.path ?? 'DIR'}), then evaluate again; keep models.route at rag meanwhile.`,
      nextAction: 'train-adapter',
    };
  }

  // 3–4. A route measurably better than rag, if it meets the latency target or rag does not either.
  const affordable = (route: Route) => !j.over(route) || j.over('rag');
  const hybridWins = hybrid?.quality === 'better' && affordable('hybrid') && (fine?.quality !== 'better' || !affordable('fine-tuned') || j.fastDocs || hybrid.delta >= fine.delta);
  if (hybridWins) {
    return {
      recommendation: 'hybrid',
      rule: 3,
      because: [hybrid.text, fine?.quality === 'better' ? j.docsText : fine?.text, routeLatency('hybrid')],
      nextStep: setRoute('hybrid', facts),
      nextAction: 'choose-route',
    };
  }
  if (fine?.quality === 'better' && affordable('fine-tuned')) {
    return {
      recommendation: 'fine-tuned',
      rule: 4,
      because: [fine.text, hybrid?.text, routeLatency('fine-tuned'), j.fastDocs ? j.docsText : undefined],
      nextStep: j.fastDocs ? `${setRoute('fine-tuned', facts)} The docs change often: retrain after they change and evaluate again, hybrid included.` : setRoute('fine-tuned', facts),
      nextAction: 'choose-route',
    };
  }

  // 5. rag misses the latency target and a faster route with the adapter is no worse: the fastest such route;
  //    fine-tuned alone only where the docs are stable.
  if (j.over('rag')) {
    const candidates = (['fine-tuned', 'hybrid'] as const).filter((r) => d.get(r)?.quality === 'no measured difference' && latency.has(r) && !j.over(r) && (r === 'hybrid' || !j.fastDocs));
    const fastest = candidates.sort((a, b) => latency.get(a)! - latency.get(b)!)[0];
    if (fastest) {
      return { recommendation: fastest, rule: 5, because: [ragText, d.get(fastest)!.text, j.latencyText(fastest), j.docsText], nextStep: setRoute(fastest, facts), nextAction: 'choose-route' };
    }
  }

  // 6. Otherwise rag: no route with the adapter is measurably better at an affordable latency.
  const worse = [fine, hybrid].filter((x) => x?.quality === 'worse');
  return {
    recommendation: 'rag',
    rule: 6,
    because: [fine?.text, hybrid?.text, ...(fine?.quality === 'better' ? [routeLatency('fine-tuned')] : []), ...(hybrid?.quality === 'better' ? [routeLatency('hybrid')] : []), ragText, j.over('rag') ? j.docsText : undefined],
    nextStep: notYet(facts, j, worse.length > 0),
    ...(worse.length > 0 && facts.dataset && (!j.bigEnough || !j.clean) && { nextAction: 'build-dataset' as const }),
  };
}

function setRoute(route: Route, facts: WorkspaceFacts): string {
  return `Set models.route to ${route} in .housestyle/config.json${facts.fineTunedModel ? ` (fine-tuned model ${facts.fineTunedModel})` : ''}.`;
}

/** Row 1's next step: the first thing missing on the way to a measurement of the adapter. */
function firstMeasurement(facts: WorkspaceFacts, j: Judgement): string {
  const refs = facts.pullRequestRefs ?? 0;
  if (!facts.dataset) return `Build a dataset from your review history: housestyle dataset build (${fmt(refs)} pull-request references in git history).`;
  if (!j.bigEnough || !j.clean) return grow(facts, j);
  if (!facts.fineTunedModel) return `Train an adapter on the dataset: housestyle train --dataset ${facts.dataset.path}, then evaluate it.`;
  return `Measure it: housestyle eval --dataset ${facts.dataset.path} --routes rag,fine-tuned,hybrid.`;
}

function withAction(nextAction: FixStep | undefined): { nextAction?: FixStep } {
  return nextAction ? { nextAction } : {};
}

/** Row 1's next step as a fix step; an evaluation (the command line's `eval`) is none. */
function firstMeasurementAction(facts: WorkspaceFacts, j: Judgement): FixStep | undefined {
  if (!facts.dataset || !j.bigEnough || !j.clean) return 'build-dataset';
  return facts.fineTunedModel ? undefined : 'train-adapter';
}

function grow(facts: WorkspaceFacts, j: Judgement): string {
  const dataset = facts.dataset!;
  if (!j.clean) return `Clean the history the dataset is mined from (${Math.round(dataset.noiseShare * 100)}% dropped as noise): see the reasons in ${dataset.path}/README.md, narrow the build with --since or paths, then rebuild.`;
  return `Grow the dataset to ${MIN_TRAIN_SAMPLES}+ clean training samples: export your review comments (${fmt(facts.pullRequestRefs ?? 0)} PR references, ${fmt(dataset.reviewComments)} review comments kept) and rebuild with housestyle dataset build --comments FILE.`;
}

/** Row 6's next step. */
function notYet(facts: WorkspaceFacts, j: Judgement, adapterWorse: boolean): string {
  const latency = j.over('rag') ? ` rag misses the latency target: lower review.k or choose a smaller base model, or raise models.latencyTargetMs.` : '';
  if (adapterWorse && facts.dataset && (!j.bigEnough || !j.clean)) return `Keep models.route at rag. ${grow(facts, j)} Then retrain and evaluate again.${latency}`;
  if (adapterWorse) return `Keep models.route at rag; the adapter needs better data or training before it can replace retrieval (evaluate again after retraining).${latency}`;
  return `Keep models.route at rag; evaluate again with more test examples to narrow the intervals.${latency}`;
}
