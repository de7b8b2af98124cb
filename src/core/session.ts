import type { Activity } from './activity';
import type { Config, Route } from './config';
import { HouseStyleError } from './errors';
import { indexKnowledgeBase, requireRules, type IndexOptions, type IndexReport } from './knowledge/indexer';
import type { KnowledgeBase } from './knowledge/knowledgeBase';
import type { KnowledgeBaseCache } from './knowledge/knowledgeBaseCache';
import { openKnowledgeBase } from './knowledge/knowledgeBase';
import { noProgress, silentLogger, type Logger, type Progress } from './log';
import type { OllamaClient } from './models/ollama/client';
import { resolveRoute, type ResolvedRoute } from './models/route';
import type { ReviewOptions } from './review/reviewer';

export interface SessionOptions {
  workspace: string;
  config: Config;
  /** The model client of the configuration (the workspace service owns it). */
  client: OllamaClient;
  /** Knowledge base name; defaults to the one reviews use. */
  kb?: string;
  /** Asked before the index run loses meaning-based search (IndexOptions). */
  confirmEmbedderChange?: IndexOptions['confirmEmbedderChange'];
  /** Where bundled models live (the extension's folder, or the CLI's). */
  extensionRoot?: string;
  logger?: Logger;
  progress?: Progress;
  signal?: AbortSignal;
  /** The model to use instead of the route's (`ollama.model` on the rag route). */
  model?: string;
  /** Which model and prompt serve the session; defaults to `models.route`. */
  route?: Route;
  /**
   * `require` (the default) fails first, with the host named and what to do, when Ollama or the model is
   * missing; `skip` opens the rules only (for rules-only output and searches).
   */
  modelCheck?: 'require' | 'skip';
  /** Open knowledge bases reused between sessions (the editor keeps one); without it the session closes its own. */
  knowledgeBases?: KnowledgeBaseCache;
  /** Where the session says which model it uses and whether Ollama answered, for a status line. */
  activity?: Activity;
}

/** Everything a front end needs for "the rules, up to date, and a model". */
export interface Session {
  readonly workspace: string;
  readonly config: Config;
  readonly knowledgeBase: KnowledgeBase;
  /** What the incremental index run before opening did; none for a shared, read-only index (index.readOnly). */
  readonly index?: IndexReport;
  readonly client: OllamaClient;
  readonly model: string;
  /** The session's route, with its model and prompt variant. */
  readonly route: ResolvedRoute;
  /** The reviewer's options for this session (or for another route of it), with the caller's progress and signal. */
  reviewOptions(route?: ResolvedRoute): ReviewOptions;
  /** Resolves another route over the same knowledge base (compare, eval), checking its model like the session's. */
  resolveRoute(route: Route): Promise<ResolvedRoute>;
  close(): Promise<void>;
}

/**
 * The workspace service's inner step for review, chat, compare and eval: checks the model first (so nothing
 * is indexed for a review that cannot run), brings the index up to date incrementally, opens the knowledge
 * base, and closes what it opened.
 */
export async function openSession(options: SessionOptions): Promise<Session> {
  const { workspace, config, client, activity } = options;
  const logger = options.logger ?? silentLogger;
  const progress = options.progress ?? noProgress;
  const route = await resolveRoute(workspace, config, options.route ?? config.models.route, options.model);
  const { model } = route;
  // The status bar shows what the next review uses: the configured route, not another one a compare or a chat question asked for.
  if (!options.model && route.route === config.models.route) activity?.modelChosen(model, route.route);
  const checkModels = (options.modelCheck ?? 'require') === 'require';
  if (checkModels) await requireRouteModel(client, route, activity);

  // A shared index is written by its one writer (CI) only: it is searched as it is.
  const index = config.index.readOnly
    ? undefined
    : await indexKnowledgeBase({ workspace, config, client, kb: options.kb, extensionRoot: options.extensionRoot, logger, progress, signal: options.signal, ...(options.confirmEmbedderChange && { confirmEmbedderChange: options.confirmEmbedderChange }) });
  if (index) requireRules(index);
  const cache = options.knowledgeBases;
  // Changed rows make cached handles stale (and a switched embedder makes them wrong).
  if (cache && index && index.updated + index.removed > 0) await cache.invalidate();
  const knowledgeBase = cache
    ? await cache.get(workspace, config, client, options.kb)
    : await openKnowledgeBase({ workspace, config, client, kb: options.kb, extensionRoot: options.extensionRoot, logger });

  let closed = false;
  return {
    workspace,
    config,
    knowledgeBase,
    ...(index && { index }),
    client,
    model,
    route,
    reviewOptions: (chosen = route) => ({
      workspace,
      config,
      knowledgeBase,
      client,
      model: chosen.model,
      promptVariant: chosen.promptVariant,
      logger,
      progress,
      ...(options.signal && { signal: options.signal }),
    }),
    async resolveRoute(other) {
      const resolved = other === route.route ? route : await resolveRoute(workspace, config, other);
      if (checkModels && resolved.model !== model) await requireRouteModel(client, resolved, activity);
      return resolved;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!cache) await knowledgeBase.close();
    },
  };
}

/** requireModel, with what to do about a fine-tuned model Ollama lacks (it cannot be pulled). */
async function requireRouteModel(client: OllamaClient, route: ResolvedRoute, activity: Activity | undefined): Promise<void> {
  try {
    await requireModel(client, route.model, activity);
  } catch (error) {
    if (route.route === 'rag' || !(error instanceof HouseStyleError) || error.code !== 'model-not-found') throw error;
    throw new HouseStyleError(
      `The fine-tuned model ${route.model} (${route.route} route) is not on Ollama at ${client.host}.`,
      'Import it again (housestyle model import --adapter PATH --base MODEL), choose another version (housestyle model list, housestyle model use NAME), or use --route rag.',
      'model-not-found',
      { cause: error, fix: ['import-adapter', 'choose-version', 'use-rag-route'] },
    );
  }
}

/** Opens a session, runs `body` with it, and closes it however `body` ends. */
export async function withSession<T>(options: SessionOptions, body: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(options);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/** Fails with the host named when Ollama is down, and with the pull command when the model is missing; tells `activity` what it saw. */
export async function requireModel(client: OllamaClient, model: string, activity: Activity | undefined): Promise<void> {
  let present: boolean;
  try {
    present = await client.hasModel(model);
    activity?.ollamaSeen(client.host, true);
  } catch (error) {
    if (error instanceof HouseStyleError && error.code === 'ollama-unreachable') activity?.ollamaSeen(client.host, false);
    throw error;
  }
  if (!present) {
    throw new HouseStyleError(
      `Model ${model} is not available on Ollama at ${client.host}.`,
      `Pull it with \`ollama pull ${model}\`, or choose a model that \`ollama list\` shows (--model, or the ollama.model setting).`,
      'model-not-found',
      { fix: ['pull-model'] },
    );
  }
}
