import * as path from 'node:path';
import type { Config } from '../config';
import { HouseStyleError, throwIfCancelled } from '../errors';
import { indexUri } from '../knowledge/indexUri';
import { noProgress, silentLogger, type Logger, type Progress } from '../log';
import type { ChatMessage, ChatModel, ModelMetrics } from '../models/chatModel';
import { contextWindow } from '../models/contextWindow';
import { diffTargets } from './diffTargets';
import { compareFindings, findingsJsonSchema, type Finding } from './finding';
import { buildPrompt } from '../prompt/taskPrompt';
import type { ReviewPromptVariant } from '../promptVariant';
import { readFileTarget, fileTarget, selectionTarget, workspacePath, type ReviewTarget } from './reviewTarget';
import type { RerankOptions } from './rerankRules';
import { reviewWindows, type ReviewWindow } from './reviewWindow';
import { rulesForWindow, type RuleSearch, type WindowRules } from './ruleRetrieval';
import { addDrops, mergeIdenticalFindings, noDrops, validateAnswer, type DroppedFindings } from './validateFindings';

export interface ReviewOptions {
  workspace: string;
  config: Config;
  knowledgeBase: RuleSearch;
  client: ChatModel;
  /** Defaults to config.ollama.model. */
  model?: string;
  logger?: Logger;
  progress?: Progress;
  signal?: AbortSignal;
  /** Streams the model's answer as it is written. */
  onToken?: (token: string, window: ReviewWindow) => void;
  /** `without-rules` (the fine-tuned route): no retrieval, and findings carry no citations. */
  promptVariant?: ReviewPromptVariant;
}

export interface ReviewResult {
  /** Validated findings with resolved citations, by file and line. */
  findings: Finding[];
  model: string;
  /** Workspace-relative paths of the files reviewed, with or without findings. */
  paths: string[];
  /** Review windows the files were split into (one model call each, before retries). */
  windows: number;
  /** Windows no rule applied to: the model was not asked about them. */
  windowsWithoutRules: number;
  /** Summed over every model call, retries and reranks (`review.rerank`) included. */
  metrics: { calls: number; retries: number; promptTokens: number; completionTokens: number; totalDurationMs: number; wallMs: number };
  /** Prompt size as we estimated it: summed over windows, and the largest single prompt. */
  prompt: { tokens: number; maxTokens: number; contextTokens: number; passages: number };
  /** Retrieved passages left out of prompts, by reason. */
  passagesDropped: { outOfScope: number; duplicate: number; overBudget: number };
  /** Findings the model wrote that failed validation, by reason. */
  dropped: DroppedFindings;
}

/** Reviews a whole file (from disk, or the given text such as an editor buffer). */
export async function reviewFile(options: ReviewOptions, file: string, text?: string): Promise<ReviewResult> {
  const target = text === undefined ? await readFileTarget(options.workspace, file) : fileTarget(workspacePath(options.workspace, file), text);
  return reviewTargets(options, [target]);
}

/** Reviews lines startLine..endLine of a file's text, with the whole file available for line numbers. */
export async function reviewSelection(options: ReviewOptions, file: string, text: string, startLine: number, endLine: number): Promise<ReviewResult> {
  return reviewTargets(options, [selectionTarget(workspacePath(options.workspace, file), text, { startLine, endLine })]);
}

/** Reviews the working tree's changes against HEAD, or against the merge base with `base`. */
export async function reviewDiff(options: ReviewOptions, base?: string): Promise<ReviewResult> {
  return reviewTargets(options, await changedTargets(options.workspace, options.config, base));
}

/** The changed lines to review; House Style's own files (index, cache, feedback, rules) are not code under review. */
export async function changedTargets(workspace: string, config: Config, base?: string): Promise<ReviewTarget[]> {
  const exclude = ['.housestyle/**'];
  const index = path.relative(workspace, indexUri(workspace, config));
  if (!index.startsWith('..') && !path.isAbsolute(index)) exclude.push(`${index.split(path.sep).join('/')}/**`);
  return diffTargets({ workspace, ...(base !== undefined ? { base } : {}), contextLines: config.review.diffContextLines, exclude });
}

/** The rules that each window of the targets would be reviewed against, without calling a model. */
export async function rulesForTargets(options: Pick<ReviewOptions, 'config' | 'knowledgeBase' | 'signal'>, targets: readonly ReviewTarget[]): Promise<WindowRules[]> {
  const result: WindowRules[] = [];
  for (const window of targets.flatMap((target) => reviewWindows(target, options.config.review.windowLines))) {
    throwIfCancelled(options.signal);
    result.push(await rulesForWindow(options.knowledgeBase, window, options.config));
  }
  return result;
}

export async function reviewTargets(options: ReviewOptions, targets: readonly ReviewTarget[]): Promise<ReviewResult> {
  const { config } = options;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const model = options.model ?? config.ollama.model;
  const windows = targets.flatMap((target) => reviewWindows(target, config.review.windowLines));
  const result: ReviewResult = {
    findings: [],
    model,
    paths: targets.map((target) => target.path),
    windows: windows.length,
    windowsWithoutRules: 0,
    metrics: { calls: 0, retries: 0, promptTokens: 0, completionTokens: 0, totalDurationMs: 0, wallMs: 0 },
    prompt: { tokens: 0, maxTokens: 0, contextTokens: 0, passages: 0 },
    passagesDropped: { outOfScope: 0, duplicate: 0, overBudget: 0 },
    dropped: noDrops(),
  };
  const variant = options.promptVariant ?? 'with-rules';
  const format = findingsJsonSchema(variant);
  const rerank: RerankOptions | undefined = config.review.rerank
    ? { client: options.client, model, config, logger, ...(options.signal && { signal: options.signal }), onMetrics: (metrics) => addMetrics(result.metrics, metrics) }
    : undefined;
  for (const [i, window] of windows.entries()) {
    throwIfCancelled(options.signal);
    progress.report('Reviewing', i, windows.length);
    const rules = variant === 'with-rules' ? await rulesForWindow(options.knowledgeBase, window, config, rerank) : unretrieved(window);
    for (const reason of ['outOfScope', 'duplicate', 'overBudget'] as const) result.passagesDropped[reason] += rules.dropped[reason];
    if (variant === 'with-rules' && rules.passages.length === 0) {
      logger.info(`No rules apply to ${describeWindow(window)}; not sent to the model.`);
      result.windowsWithoutRules++;
      continue;
    }
    const prompt = buildPrompt({ task: 'review-findings', variant, window, rules: rules.passages });
    result.prompt.tokens += prompt.tokens;
    result.prompt.maxTokens = Math.max(result.prompt.maxTokens, prompt.tokens);
    result.prompt.contextTokens += rules.tokens;
    result.prompt.passages += rules.passages.length;

    let messages: ChatMessage[] = prompt.messages;
    for (let attempt = 0; ; attempt++) {
      const answer = await options.client.chat({
        model,
        messages,
        format,
        options: { temperature: config.review.temperature, seed: config.review.seed, num_ctx: contextWindow(prompt.tokens) },
        ...(options.onToken ? { onToken: (token: string) => options.onToken!(token, window) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      addMetrics(result.metrics, answer.metrics);
      const check = validateAnswer(answer.content, window, prompt.labels, variant);
      if (check.ok) {
        result.findings.push(...check.findings);
        addDrops(result.dropped, check.dropped);
        break;
      }
      if (attempt > 0) {
        throw new HouseStyleError(
          `${model} did not answer the review of ${describeWindow(window)} with valid findings, twice: ${check.reason}${answer.doneReason === 'length' ? ' (the answer was cut off at the length limit)' : ''}.`,
          'Try again, or use a model that supports structured outputs (Ollama 0.5 or later, an instruction-tuned model).',
          'review-bad-answer',
        );
      }
      logger.warn(`${model} answered ${describeWindow(window)} with something other than the findings JSON (${check.reason}); asking once more.`);
      result.metrics.retries++;
      // At temperature 0 the same request gives the same answer: show the model its answer and what was wrong.
      messages = [...prompt.messages, { role: 'assistant', content: echoed(answer.content) }, { role: 'user', content: `That answer is not valid: ${check.reason}. Answer again with JSON only, {"findings": [...]}, matching the schema.` }];
    }
  }
  progress.report('Reviewing', windows.length, windows.length);
  result.findings = mergeIdenticalFindings(result.findings).sort(compareFindings);
  return result;
}

/** One model call (a review or its rerank) added to a review's figures. */
function addMetrics(total: ReviewResult['metrics'], metrics: ModelMetrics): void {
  total.calls++;
  total.promptTokens += metrics.promptTokens;
  total.completionTokens += metrics.completionTokens;
  total.totalDurationMs += metrics.totalDurationMs;
  total.wallMs += metrics.wallMs;
}

/** Characters of an invalid answer shown back to the model: enough to see the mistake, not a runaway answer sent whole again. */
const ECHO_CHARS = 4000;

function echoed(answer: string): string {
  return answer.length <= ECHO_CHARS ? answer : `${answer.slice(0, ECHO_CHARS)}\n[… ${answer.length - ECHO_CHARS} more characters cut]`;
}

/** A window of the fine-tuned route: nothing retrieved, nothing dropped. */
function unretrieved(window: ReviewWindow): WindowRules {
  return { window, passages: [], tokens: 0, retrieved: 0, dropped: { outOfScope: 0, duplicate: 0, overBudget: 0 } };
}

function describeWindow(window: ReviewWindow): string {
  return `${window.target.path}:${window.segments.map((s) => `${s.startLine}-${s.endLine}`).join(',')}`;
}
