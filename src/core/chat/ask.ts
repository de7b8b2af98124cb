import type { Route } from '../config';
import { throwIfCancelled } from '../errors';
import type { Passage } from '../knowledge/passage';
import type { ChatMessage, ModelMetrics } from '../models/chatModel';
import type { ResolvedRoute } from '../models/route';
import type { PackedPassage } from '../review/contextBudget';
import { buildPrompt } from '../prompt/taskPrompt';
import { contextWindow } from '../models/contextWindow';
import { fileTarget, selectionTarget } from '../review/reviewTarget';
import { reviewWindows, type ReviewWindow } from '../review/reviewWindow';
import { retrievalQuery, retrieveRules } from '../review/ruleRetrieval';
import type { Session } from '../session';

/** The code the user is looking at: a file's text, or a selection of it (1-based, inclusive lines). */
export interface CodeContext {
  /** Workspace-relative path. */
  path: string;
  text: string;
  selection?: { startLine: number; endLine: number };
}

export interface AskRequest {
  question: string;
  code?: CodeContext;
  /** Streams the answer as it is written. */
  onToken?: (token: string) => void;
  signal?: AbortSignal;
  /** Another route of the session than its own (compare). */
  route?: ResolvedRoute;
  /** Earlier turns of the conversation (questions and answers, without their data blocks), for follow-ups. */
  history?: readonly ChatMessage[];
}

/** A passage the answer cites, resolved from its id in the prompt. */
export interface AnswerCitation {
  label: string;
  source: string;
  startLine: number;
  endLine: number;
  heading: string;
}

export interface AskResult {
  answer: string;
  citations: AnswerCitation[];
  /** Ids the answer cited that were not in the prompt: dropped, never shown as sources. */
  unknownCitations: string[];
  route: Route;
  model: string;
  /** Passages the question was answered from (none on the fine-tuned route). */
  passages: number;
  metrics: ModelMetrics;
}

/**
 * Answers a question from the knowledge base, the way a review is made: retrieved passages and the code in
 * nonce-tagged data blocks, the answer streamed, and every cited id resolved to its passage. The editor's chat
 * view and `housestyle ask` are both front ends over this.
 */
export async function askQuestion(session: Session, request: AskRequest): Promise<AskResult> {
  const route = request.route ?? session.route;
  const { config } = session;
  const window = request.code && codeWindow(request.code, config.review.windowLines);
  const passages = route.promptVariant === 'with-rules' ? await retrieve(session, request, window) : [];
  throwIfCancelled(request.signal);
  const prompt = buildPrompt({ task: 'question', question: request.question, rules: passages, ...(window && { window }) });
  const [system, user] = prompt.messages as [ChatMessage, ChatMessage];
  const answer = await session.client.chat({
    model: route.model,
    messages: [system, ...(request.history ?? []).filter((m) => m.role !== 'system'), user],
    options: { temperature: config.review.temperature, seed: config.review.seed, num_ctx: contextWindow(prompt.tokens) },
    ...(request.onToken && { onToken: request.onToken }),
    ...(request.signal && { signal: request.signal }),
  });
  const { citations, unknown } = resolveCitations(answer.content, prompt.labels);
  return { answer: answer.content, citations, unknownCitations: unknown, route: route.route, model: route.model, passages: passages.length, metrics: answer.metrics };
}

/** The rules for the question, and for the code in view as a review of it would find them. */
async function retrieve(session: Session, request: AskRequest, window: ReviewWindow | undefined): Promise<PackedPassage[]> {
  const query = [request.question, window && retrievalQuery(window)].filter(Boolean).join('\n');
  return (await retrieveRules(session.knowledgeBase, query, request.code?.path, session.config, window && { language: window.target.language })).passages;
}

/** The code in view as one numbered window: the selection, or the file's first window. */
function codeWindow(code: CodeContext, windowLines: number) {
  const target = code.selection ? selectionTarget(code.path, code.text, code.selection) : fileTarget(code.path, code.text);
  return reviewWindows(target, windowLines)[0];
}

/** Ids cited as [R1] or [R1, R3]; those the prompt did not carry are dropped. */
export function resolveCitations(answer: string, labels: ReadonlyMap<string, Passage>): { citations: AnswerCitation[]; unknown: string[] } {
  const cited = new Set<string>();
  for (const match of answer.matchAll(/\[([^\]\n]{1,80})\]/g)) {
    for (const part of match[1]!.split(',')) if (/^R\d+$/.test(part.trim())) cited.add(part.trim());
  }
  const citations: AnswerCitation[] = [];
  const unknown: string[] = [];
  for (const label of cited) {
    const passage = labels.get(label);
    if (passage) citations.push({ label, source: passage.source, startLine: passage.startLine, endLine: passage.endLine, heading: passage.heading });
    else unknown.push(label);
  }
  return { citations, unknown };
}
