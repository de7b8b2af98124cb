import type { Config } from '../config';
import type { Passage } from '../knowledge/passage';
import type { Logger } from '../log';
import type { ChatModel, ModelMetrics } from '../models/chatModel';
import { contextWindow } from '../models/contextWindow';
import { buildPrompt } from '../prompt/taskPrompt';
import type { ReviewWindow } from './reviewWindow';
import { RULE_OPENING_CHARS, ruleOpenings } from './ruleOpenings';

/** How many of the search's passages the model reorders (issue 24, item 6). */
export const RERANK_CANDIDATES = 30;

/** The most tokens the order may take: 30 ids and their JSON. */
const ORDER_TOKENS = 512;

export interface RerankOptions {
  client: ChatModel;
  model: string;
  config: Config;
  logger: Logger;
  signal?: AbortSignal;
  /** What each rerank call cost, for the review's figures. */
  onMetrics?: (metrics: ModelMetrics) => void;
}

/**
 * The passages in the order the review model gives them for `window`: the ids it lists first, the rest after in
 * the search's order. The model sees each passage's heading and the opening sentence of each rule it states
 * (`ruleOpenings`), as data. An answer that is not a valid order keeps the search's order, with one log line; a
 * failed call (unreachable, cancelled) fails.
 */
export async function rerankPassages(passages: readonly Passage[], window: ReviewWindow, options: RerankOptions): Promise<Passage[]> {
  if (passages.length < 2) return [...passages];
  const { client, model, config, signal } = options;
  const rules = passages.map((passage) => ({ passage, text: ruleOpenings(passage, RULE_OPENING_CHARS) }));
  const prompt = buildPrompt({ task: 'rule-rerank', window, rules });
  const ids = [...prompt.labels.keys()];
  const answer = await client.chat({
    model,
    messages: prompt.messages,
    format: { type: 'object', properties: { order: { type: 'array', items: { type: 'string', enum: ids } } }, required: ['order'] },
    options: { temperature: config.review.temperature, seed: config.review.seed, num_ctx: contextWindow(prompt.tokens), num_predict: ORDER_TOKENS },
    ...(signal && { signal }),
  });
  options.onMetrics?.(answer.metrics);
  const order = parseOrder(answer.content, prompt.labels);
  if (typeof order === 'string') {
    options.logger.warn(`${model} answered the rerank of ${window.target.path} with ${order}; its rules keep the search's order.`);
    return [...passages];
  }
  const chosen = new Set(order);
  return [...order, ...passages.filter((passage) => !chosen.has(passage))];
}

/** The passages an answer lists, in its order, or what is wrong with it. */
function parseOrder(content: string, labels: ReadonlyMap<string, Passage>): Passage[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return 'something other than JSON';
  }
  const order = (parsed as { order?: unknown } | null)?.order;
  if (!Array.isArray(order) || !order.every((id): id is string => typeof id === 'string')) return 'no "order" list of rule ids';
  const unknown = order.find((id) => !labels.has(id));
  if (unknown !== undefined) return `an id it was not given (${JSON.stringify(unknown).slice(0, 40)})`;
  return [...new Set(order)].map((id) => labels.get(id)!);
}
