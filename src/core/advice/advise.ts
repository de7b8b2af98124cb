import type { Route } from '../config';
import { latencyPerCall, type WorkspaceFacts } from './workspaceFacts';

/** Below this many training samples a LoRA adapter rarely learns a team's conventions. */
const MIN_SAMPLES = 500;
/** At this pace (doc-changing commits per week) an adapter trained on today's rules is soon stale. */
const FAST_DOCS_PER_WEEK = 1;
/** More of the mined evidence dropped than this means the history is mostly noise. */
const MAX_DROP_SHARE = 0.5;
/** General-probe answers lost to fine-tuning before it counts as forgetting. */
const PROBE_DROP = 0.25;

export interface Advice {
  recommendation: Route;
  /** The measured facts behind it, each in words and numbers. */
  reasons: string[];
  nextStep: string;
  /** What could not be measured, and why. */
  unmeasured: string[];
  facts: WorkspaceFacts;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * RAG, fine-tuned or hybrid, from this workspace's facts: retrieval keeps up with docs that change often;
 * fine-tuning needs a large, clean dataset and pays off when retrieval's prompts are too slow; both together
 * call for hybrid. Evaluation deltas and forgetting are reported beside the decision.
 */
export function advise(facts: WorkspaceFacts): Advice {
  const reasons: string[] = [];
  const { docs, dataset, evaluation } = facts;
  const perWeek = docs ? docs.commits / (docs.days / 7) : undefined;
  const fastDocs = perWeek !== undefined && perWeek >= FAST_DOCS_PER_WEEK;
  if (docs) {
    reasons.push(
      `Docs: ${docs.commits} commit${docs.commits === 1 ? '' : 's'} changed ${docs.filesChanged} of ${docs.files} indexed doc${docs.files === 1 ? '' : 's'} in the ${docs.days} days up to the last commit (${perWeek!.toFixed(1)} a week): ${fastDocs ? 'they change too often for an adapter to keep up; retrieval does' : 'stable enough to learn'}.`,
    );
  }
  const clean = dataset !== undefined && dataset.dropShare <= MAX_DROP_SHARE;
  const ready = dataset !== undefined && dataset.trainSamples >= MIN_SAMPLES && clean;
  if (dataset) {
    reasons.push(
      `Dataset: ${fmt(dataset.trainSamples)} training samples of ${fmt(dataset.samples)} (${ready ? 'enough' : `at least ${MIN_SAMPLES} needed`}), ${Math.round(dataset.dropShare * 100)}% of mined evidence dropped as noise${clean ? '' : ' (too much)'}.`,
    );
  }
  const target = facts.latencyTargetMs;
  const ragLatency = latencyPerCall(evaluation, 'rag');
  const tight = ragLatency !== undefined && ragLatency > target;
  if (ragLatency !== undefined) reasons.push(`Latency: rag takes ${fmt(Math.round(ragLatency))} ms a call against a target of ${fmt(target)} ms${tight ? ': too slow' : ''}.`);
  reasons.push(...evaluationDeltas(facts));
  const forgetting = probeDrop(facts);
  if (forgetting !== undefined) reasons.push(forgetting.text);

  const recommendation: Route = ready && fastDocs ? 'hybrid' : ready && tight ? 'fine-tuned' : ready && betterWithAdapter(facts) ? 'hybrid' : 'rag';
  const unmeasured = [...facts.unmeasured];
  if (ragLatency === undefined) unmeasured.push(`latency against the ${fmt(target)} ms target: no rag measurement yet`);
  return { recommendation, reasons, nextStep: nextStep(recommendation, facts, ready, forgetting?.drop ?? 0), unmeasured, facts };
}

function evaluationDeltas(facts: WorkspaceFacts): string[] {
  const routes = facts.evaluation?.routes ?? [];
  const rag = routes.find((r) => r.route === 'rag');
  if (!rag) return [];
  return routes
    .filter((r) => r.route !== 'rag')
    .map((r) => {
      const delta = r.bleu4.value - rag.bleu4.value;
      return `Evaluation: ${r.route} BLEU-4 ${r.bleu4.value.toFixed(2)} against rag ${rag.bleu4.value.toFixed(2)} (${delta >= 0 ? '+' : ''}${delta.toFixed(2)}), valid answers ${Math.round(r.validRate.value * 100)}% against ${Math.round(rag.validRate.value * 100)}%.`;
    });
}

function betterWithAdapter(facts: WorkspaceFacts): boolean {
  const routes = facts.evaluation?.routes ?? [];
  const rag = routes.find((r) => r.route === 'rag');
  const hybrid = routes.find((r) => r.route === 'hybrid');
  return rag !== undefined && hybrid !== undefined && hybrid.bleu4.value > rag.bleu4.value;
}

function probeDrop(facts: WorkspaceFacts): { drop: number; text: string } | undefined {
  const base = facts.evaluation?.probe.find((p) => p.role === 'base');
  const adapted = facts.evaluation?.probe.find((p) => p.role === 'adapted');
  if (!base || !adapted || base.total === 0) return undefined;
  const drop = (base.correct - adapted.correct) / base.total;
  return {
    drop,
    text: `General coding probe: ${adapted.correct}/${adapted.total} for the adapted model against ${base.correct}/${base.total} for the base${drop >= PROBE_DROP ? ': it forgot general skills' : ''}.`,
  };
}

function nextStep(recommendation: Route, facts: WorkspaceFacts, ready: boolean, drop: number): string {
  const refs = facts.pullRequestRefs ?? 0;
  if (!facts.dataset) return `Build a dataset from your review history: housestyle dataset build (${fmt(refs)} pull-request references in git history).`;
  if (!ready) {
    return `Grow the dataset to ${MIN_SAMPLES}+ clean samples: export your review comments (${fmt(refs)} PR references, ${fmt(facts.dataset.commentsImported)} comments imported) and rebuild with housestyle dataset build --comments FILE.`;
  }
  if (recommendation === 'rag') return 'Keep models.route at rag; evaluate again after the next dataset build (housestyle eval --dataset DIR).';
  if (!facts.fineTunedModel) return `Train an adapter on the dataset: housestyle train --dataset ${facts.dataset.path}, then set models.route to ${recommendation}.`;
  if (drop >= PROBE_DROP) return `Retrain with fewer epochs or a lower learning rate (the adapter forgot general skills), then evaluate again; meanwhile use hybrid.`;
  if (!facts.evaluation) return `Measure it: housestyle eval --dataset ${facts.dataset.path} --routes rag,fine-tuned,hybrid.`;
  return `Set models.route to ${recommendation} in .housestyle/config.json (fine-tuned model ${facts.fineTunedModel}).`;
}
