import * as path from 'node:path';
import type { Activity } from '../activity';
import type { Route } from '../config';
import { HouseStyleError, throwIfCancelled } from '../errors';
import type { ChatRequest } from '../models/chatModel';
import { writeJsonAtomic } from '../jsonFile';
import { readRegistry, updateRegistry } from '../models/registry';
import type { ResolvedRoute } from '../models/route';
import { findingsJsonSchema } from '../review/finding';
import { buildPrompt, type PromptInput } from '../prompt/taskPrompt';
import { contextWindow } from '../models/contextWindow';
import { retrieveRules, rulesForWindow } from '../review/ruleRetrieval';
import type { Session } from '../session';
import { scoreAnswer, type AnswerScore } from './answerScore';
import { BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from './bootstrap';
import { GENERAL_PROBE, scoreProbeAnswer } from './generalProbe';
import { MeteredChatModel } from './meteredModel';
import { figuresByTask, qualityFigures, routeDifference, type QualityFigures, type RouteDifference } from './qualityFigures';
import { routeFigures, type RouteFigures } from './routeFigures';
import { readTestSplit, type TestExample } from './testSplit';
import { EVALUATED_TASKS, FEW_TEST_EXAMPLES, MIN_TEST_EXAMPLES } from '../dataset/testSplitSize';


/** One route's answers scored (BLEU-4 of the review text, exact match, valid answers, line agreement), overall and per task. */
export interface RouteEvaluation extends RouteFigures, QualityFigures {
  byTask: Record<string, QualityFigures>;
}

export interface ProbeScore {
  model: string;
  role: 'base' | 'adapted';
  correct: number;
  total: number;
}

export interface EvaluationReport {
  dataset: string;
  evaluatedAt: string;
  examples: number;
  byTask: Record<string, number>;
  routes: RouteEvaluation[];
  /** Each route against the baseline (rag when evaluated, else the first route), paired on the same examples. */
  differences: RouteDifference[];
  /** Figures are means over examples; intervals are percentile-bootstrap 95% intervals. */
  bootstrap: { resamples: number; seed: number };
  probe: ProbeScore[];
  warnings: string[];
  /** Where the report was written. */
  file: string;
}

/** The examples an evaluation scores, read and checked before any model is asked. */
export interface EvaluationSplit {
  /** The dataset folder, absolute. */
  dataset: string;
  examples: TestExample[];
  warnings: string[];
}

/**
 * The test split's examples of the evaluated tasks (at most `limit`). Under MIN_TEST_EXAMPLES it refuses, saying
 * how to get more; under FEW_TEST_EXAMPLES it warns that the intervals are wide.
 */
export async function readEvaluationSplit(dataset: string, limit?: number): Promise<EvaluationSplit> {
  const examples = await readTestSplit(dataset, EVALUATED_TASKS, limit);
  if (examples.length < MIN_TEST_EXAMPLES) {
    throw new HouseStyleError(
      `${dataset} has ${examples.length} test example${examples.length === 1 ? '' : 's'} of the evaluated tasks (${EVALUATED_TASKS.join(', ')}); at least ${MIN_TEST_EXAMPLES} are needed to measure anything${limit !== undefined && limit < MIN_TEST_EXAMPLES ? ` (limited to ${limit})` : ''}.`,
      'Add review comments (housestyle dataset fetch, or dataset build --comments FILE) and rebuild with housestyle dataset build, or pass a larger --limit.',
      'usage',
      { fix: ['fetch-review-comments'] },
    );
  }
  const warnings =
    examples.length < FEW_TEST_EXAMPLES
      ? [`Only ${examples.length} test examples: the intervals are wide, and a difference between routes is measured only where its interval excludes 0. ${FEW_TEST_EXAMPLES} or more make the figures useful.`]
      : [];
  return { dataset: path.resolve(dataset), examples, warnings };
}

export interface EvaluateOptions {
  split: EvaluationSplit;
  routes: readonly Route[];
  /** Where the run shows as a task with its percent. */
  activity?: Activity;
}

/**
 * Scores routes on the dataset's test split: each example's prompt is rebuilt from the dataset's metadata as the
 * route would send it (the fine-tuned route as trained; rag and hybrid with the retrieved rules), and the answers
 * are scored against the human's. A general-coding probe catches forgetting. The report is written under
 * `.housestyle/eval/` and recorded with each registered model version it measured.
 */
export async function evaluateRoutes(session: Session, options: EvaluateOptions): Promise<EvaluationReport> {
  const { examples, warnings } = options.split;
  const resolved: ResolvedRoute[] = [];
  for (const route of options.routes) resolved.push(await session.resolveRoute(route));
  const task = options.activity?.begin('evaluating', path.basename(options.split.dataset));
  const routes: RouteEvaluation[] = [];
  const scores = new Map<Route, AnswerScore[]>();
  let probe: ProbeScore[];
  try {
    for (const [i, route] of resolved.entries()) {
      const evaluated = await evaluateRoute(session, route, examples);
      routes.push(evaluated.figures);
      scores.set(route.route, evaluated.scores);
      task?.report(((i + 1) / (resolved.length + 1)) * 100);
    }
    probe = await probeModels(session, resolved);
  } finally {
    task?.end();
  }

  const byTask: Record<string, number> = {};
  for (const example of examples) byTask[example.task] = (byTask[example.task] ?? 0) + 1;
  const evaluatedAt = new Date().toISOString();
  const file = path.join(session.workspace, '.housestyle', 'eval', `eval-${evaluatedAt.replace(/[:.]/g, '-')}.json`);
  const baseline = scores.has('rag') ? 'rag' : resolved[0]!.route;
  const differences = resolved.filter((r) => r.route !== baseline).map((r) => routeDifference(r.route, scores.get(r.route)!, baseline, scores.get(baseline)!));
  const report: EvaluationReport = {
    dataset: options.split.dataset,
    evaluatedAt,
    examples: examples.length,
    byTask,
    routes,
    differences,
    bootstrap: { resamples: BOOTSTRAP_RESAMPLES, seed: BOOTSTRAP_SEED },
    probe,
    warnings,
    file,
  };
  await writeJsonAtomic(file, report);
  await recordWithVersions(session.workspace, report);
  return report;
}

/** One route over the examples that suit it: each asked as the route would ask it, the answers scored. */
async function evaluateRoute(session: Session, route: ResolvedRoute, examples: readonly TestExample[]): Promise<{ figures: RouteEvaluation; scores: AnswerScore[] }> {
  const { signal, progress } = session.reviewOptions();
  const metered = new MeteredChatModel(session.client);
  const started = performance.now();
  const scores: AnswerScore[] = [];
  const asked = examples.filter((example) => suitsRoute(example, route, examples));
  for (const [i, example] of asked.entries()) {
    throwIfCancelled(signal);
    progress?.report(`Evaluating ${route.route}`, i, asked.length);
    const request = await routeRequest(session, route, example);
    scores.push(scoreAnswer(example, (await metered.chat({ ...request, ...(signal && { signal }) })).content));
  }
  const figures = { ...routeFigures(route.route, route.model, metered.calls, metered.metrics, performance.now() - started), ...qualityFigures(scores), byTask: figuresByTask(scores) };
  return { figures, scores };
}

/** Whether the example's prompt was built with the retrieved rules (a review-findings sample of the hybrid variant). */
const carriesRules = (example: TestExample) => example.prompt.variant === 'with-rules';

/**
 * review-findings samples come in the reviewer's two prompt variants, with and without the rules block: each
 * route is scored on its own variant (the fine-tuned route on the one without rules), so no window counts twice.
 * Where a dataset has only one variant, rules are retrieved for the routes that use them.
 */
function suitsRoute(example: TestExample, route: ResolvedRoute, all: readonly TestExample[]): boolean {
  if (route.promptVariant === 'without-rules') return !carriesRules(example);
  return carriesRules(example) || !all.some((other) => other.task === example.task && carriesRules(other));
}

/**
 * The chat request for one example under one route: the prompt rebuilt from the dataset's record by the builder
 * serving uses, with the rules the route would retrieve where the record has none (a window as the reviewer
 * finds its rules; other changes by their text). A window no rule applies to is asked as it was built.
 */
async function routeRequest(session: Session, route: ResolvedRoute, example: TestExample): Promise<ChatRequest> {
  let input: PromptInput = example.prompt;
  if (route.promptVariant === 'with-rules' && !carriesRules(example)) {
    const { window, diff, code } = example.prompt;
    const rules = window
      ? (await rulesForWindow(session.knowledgeBase, window, session.config)).passages
      : (await retrieveRules(session.knowledgeBase, (diff ?? code)?.text.slice(0, 2000) ?? '', example.path, session.config, { language: (diff ?? code)?.language })).passages;
    if (rules.length > 0) input = { ...input, rules, ...(example.task === 'review-findings' && { variant: 'with-rules' }) };
  }
  const prompt = buildPrompt(input);
  return {
    model: route.model,
    messages: prompt.messages,
    ...(example.task === 'review-findings' && { format: findingsJsonSchema(input.variant) }),
    options: { temperature: session.config.review.temperature, seed: session.config.review.seed, num_ctx: contextWindow(prompt.tokens) },
  };
}

/** The probe for the base model and, when a route uses one, the adapted model. */
async function probeModels(session: Session, routes: readonly ResolvedRoute[]): Promise<ProbeScore[]> {
  const base = routes.find((r) => r.route === 'rag')?.model ?? (await session.resolveRoute('rag')).model;
  const adapted = routes.find((r) => r.route !== 'rag')?.model;
  const scores: ProbeScore[] = [];
  for (const [role, model] of [['base', base], ...(adapted ? [['adapted', adapted]] : [])] as ['base' | 'adapted', string][]) {
    let correct = 0;
    for (const question of GENERAL_PROBE) {
      throwIfCancelled(session.reviewOptions().signal);
      const answer = await session.client.chat({
        model,
        messages: [
          { role: 'system', content: 'Answer the programming question exactly as asked, as briefly as possible.' },
          { role: 'user', content: question.question },
        ],
        options: { temperature: 0, seed: session.config.review.seed },
      });
      if (scoreProbeAnswer(question, answer.content)) correct++;
    }
    scores.push({ model, role, correct, total: GENERAL_PROBE.length });
  }
  return scores;
}

/** Appends the report's summary to each registered version it measured. */
async function recordWithVersions(workspace: string, report: EvaluationReport): Promise<void> {
  const registered = new Set((await readRegistry(workspace)).models.map((m) => m.name));
  const measured = new Set(report.routes.map((r) => r.model).filter((m) => registered.has(m)));
  if (measured.size === 0) return;
  await updateRegistry(workspace, (registry) => {
    for (const version of registry.models) {
      if (!measured.has(version.name)) continue;
      version.evaluations.push({
        evaluatedAt: report.evaluatedAt,
        dataset: report.dataset,
        file: report.file,
        examples: report.examples,
        routes: report.routes.map(({ route, model, bleu4, bleu4WithStop, exactMatch, validRate, lineAgreement, latency, tokens, calls }) => ({ route, model, bleu4, bleu4WithStop, exactMatch, validRate, lineAgreement, latency, tokens, calls })),
        differences: report.differences,
        probe: report.probe,
      });
    }
  });
}
