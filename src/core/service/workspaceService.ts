import type { Activity } from '../activity';
import type { AskRequest, AskResult } from '../chat/ask';
import { loadConfig, type Config, type EditorSettings, type Route } from '../config';
import { buildDataset, defaultDatasetFolder, defaultFeedbackLog, type BuildDatasetOptions } from '../dataset/build';
import type { DatasetReport } from '../dataset/datasetReport';
import { HouseStyleError } from '../errors';
import type { FetchReport, FetchReviewCommentsOptions } from '../forge/fetchReviewComments';
import { commentExportOrigin, fetchedCommentExports } from '../forge/forgeCache';
import { prepareHouseStyleFolder } from '../houseStyleFolder';
import type { Advice } from '../advice/advise';
import type { Comparison } from '../eval/compare';
import type { EvaluationReport } from '../eval/evaluate';
import type { EmbedderChoice } from '../knowledge/embedder';
import type { OllamaEmbeddingStatus } from '../knowledge/embedders/ollamaEmbeddingModels';
import type { HealthReport } from '../knowledge/health';
import type { IndexOptions, IndexReport } from '../knowledge/indexer';
import type { KnowledgeBaseCache } from '../knowledge/knowledgeBaseCache';
import type { Passage } from '../knowledge/passage';
import type { KnowledgeOverview, SearchOptions } from '../knowledge/knowledgeBase';
import { silentLogger, type Logger, type Progress } from '../log';
import type { HostChoice } from '../ollamaHostChoice';
import type { ImportResult } from '../models/adapters/importAdapter';
import { OllamaClient, type OllamaModelInfo } from '../models/ollama/client';
import type { ExportResult } from '../models/exportVersion';
import type { ModelRegistry } from '../models/registry';
import { NO_FINE_TUNED_MODEL, type ResolvedRoute } from '../models/route';
import type { TrainResult } from '../models/training/train';
import type { LineRange } from '../lineRange';
import type { FeedbackEntry } from '../review/feedbackEntry';
import type { Finding } from '../review/finding';
import type { ReviewResult } from '../review/reviewer';
import type { ReviewTarget } from '../review/reviewTarget';
import type { WindowRules } from '../review/ruleRetrieval';
import type { Session, SessionOptions } from '../session';

export interface WorkspaceServiceOptions {
  workspace: string;
  /** Where bundled models live (the extension's folder, or the CLI's). */
  extensionRoot: string;
  /** The user's say on where code may be sent; without it (commands that call no model) a repository's remote host is dropped. */
  hostChoice?: HostChoice;
  /** The editor's settings, read anew on each use case; the CLI has none (the config file alone). */
  settings?: () => EditorSettings;
  logger?: Logger;
  /** What House Style is doing and which model it uses, for a status line. */
  activity?: Activity;
  /** The front end's question before any index run (a review's too) loses meaning-based search; see IndexOptions. */
  confirmEmbedderChange?: IndexOptions['confirmEmbedderChange'];
}

/** What every use case accepts: a signal to stop it between steps, and where it reports progress. */
export interface Call {
  signal?: AbortSignal;
  progress?: Progress;
}

/** What to review: files from disk, the working tree's changes, or an editor buffer (whole, or some lines). */
export type ReviewScope = { files: string[] } | { diff: string | undefined } | { file: string; text: string; selection?: LineRange };

export interface ReviewRequest extends Call {
  scope: ReviewScope;
  kb?: string;
  model?: string;
  route?: Route;
  /** The rules each window would be reviewed against, without calling the model. */
  rulesOnly?: boolean;
  /** When Ollama or the model is unavailable, the rules instead of a failure. */
  fallbackToRules?: boolean;
  /** The review model reorders each window's rules before packing, whatever `review.rerank` says. */
  rerank?: boolean;
}

export type ReviewOutcome =
  | { kind: 'findings'; result: ReviewResult & { route: Route }; config: Config }
  | { kind: 'rules'; rules: WindowRules[]; /** Whether a review could run, and what to do if not. */ status: string };

export interface ModelList {
  host: string;
  /** Ollama's models; null when Ollama is not reachable. */
  ollama: OllamaModelInfo[] | null;
  registry: ModelRegistry;
}

/**
 * The one way into House Style's core for every front end (the CLI, the editor): one per workspace. It owns
 * the configuration (one loader, with the front end's host choice and settings), the model client, the open
 * knowledge bases, the logger and activity; each use case is one method that takes a signal and a progress
 * sink and returns values, never printing. Close it when done: it closes the knowledge bases it opened.
 */
export class WorkspaceService {
  readonly workspace: string;
  private readonly logger: Logger;
  /** Made on first use, so that a use case without a knowledge base never loads its modules. */
  private knowledgeBaseCache?: Promise<KnowledgeBaseCache>;
  private client?: { key: string; client: OllamaClient };
  private folderPrepared?: Promise<void>;

  constructor(private readonly options: WorkspaceServiceOptions) {
    this.workspace = options.workspace;
    this.logger = options.logger ?? silentLogger;
  }

  /** The workspace's configuration as this front end sees it, read anew each time. */
  config(): Promise<Config> {
    return loadConfig(this.workspace, this.options.hostChoice, this.options.settings?.());
  }

  /**
   * Before a use case first writes under `.housestyle/`: the folder and its .gitignore, so that Source Control
   * lists none of House Style's files. A folder that cannot be made is left to the write itself to report.
   */
  private prepareFolder(): Promise<void> {
    this.folderPrepared ??= prepareHouseStyleFolder(this.workspace).then(
      () => undefined,
      (error: Error) => this.logger.warn(`Could not prepare ${this.workspace}/.housestyle: ${error.message}`),
    );
    return this.folderPrepared;
  }

  /** The model client for this configuration: one per service, made again only when the Ollama settings change. */
  private modelClient(config: Config): OllamaClient {
    const key = JSON.stringify(config.ollama);
    if (this.client?.key !== key) this.client = { key, client: OllamaClient.fromConfig(config) };
    return this.client.client;
  }

  private knowledgeBases(): Promise<KnowledgeBaseCache> {
    this.knowledgeBaseCache ??= import('../knowledge/knowledgeBaseCache').then(({ KnowledgeBaseCache }) => new KnowledgeBaseCache(this.options.extensionRoot, this.logger));
    return this.knowledgeBaseCache;
  }

  // Knowledge

  async index(request: Call & { kb?: string; embedder?: EmbedderChoice; rebuild?: boolean; changed?: readonly string[] } = {}): Promise<IndexReport> {
    await this.prepareFolder();
    const config = await this.config();
    const { confirmEmbedderChange } = this.options;
    const { indexKnowledgeBase } = await import('../knowledge/indexer');
    const report = await indexKnowledgeBase({ ...request, workspace: this.workspace, config, client: this.modelClient(config), extensionRoot: this.options.extensionRoot, logger: this.logger, ...(confirmEmbedderChange && { confirmEmbedderChange }) });
    // Open handles would read the rows as they were (or with the wrong embedder).
    if (report.updated + report.removed + report.repaired > 0 || request.rebuild) await (await this.knowledgeBases()).invalidate();
    return report;
  }

  /** Passages for what a user types or pastes (code is recognised, and searched as a review of `file` would be). */
  async search(text: string, options: Omit<SearchOptions, 'language'> & { kb?: string; file?: string }): Promise<Passage[]> {
    const { kb, ...search } = options;
    const config = await this.config();
    const knowledgeBase = await (await this.knowledgeBases()).get(this.workspace, config, this.modelClient(config), kb);
    const { searchText } = await import('../review/ruleRetrieval');
    return searchText(knowledgeBase, text, search);
  }

  /** What a knowledge base holds (sources, passages, when it was updated); fails with `index-missing` before the first index run. */
  async overview(kb?: string): Promise<KnowledgeOverview> {
    const config = await this.config();
    return (await (await this.knowledgeBases()).get(this.workspace, config, this.modelClient(config), kb)).overview();
  }

  /** Whether Ollama could embed for semantic search: reachable, with which embedding model, or what to pull. */
  async embeddingStatus(): Promise<OllamaEmbeddingStatus> {
    const { ollamaEmbeddingStatus } = await import('../knowledge/embedders/ollamaEmbeddingModels');
    return ollamaEmbeddingStatus(this.modelClient(await this.config()));
  }

  async health(request: { kb?: string; unusedDays?: number; staleDays?: number } = {}): Promise<HealthReport> {
    const { checkKnowledgeBaseHealth } = await import('../knowledge/health');
    return checkKnowledgeBaseHealth({ ...request, workspace: this.workspace, config: await this.config() });
  }

  // Reviews and questions

  async review(request: ReviewRequest): Promise<ReviewOutcome> {
    const configured = await this.config();
    const config = request.rerank ? { ...configured, review: { ...configured.review, rerank: true } } : configured;
    const [{ resolveRoute }, { reviewTargets, rulesForTargets }] = await Promise.all([import('../models/route'), import('../review/reviewer')]);
    const { model } = await resolveRoute(this.workspace, config, request.route ?? config.models.route, request.model);
    const targets = await this.targets(config, request.scope);
    const rulesOnly = request.rulesOnly || (request.fallbackToRules && !(await this.modelAvailable(config, model)));
    const { kb, route, signal, progress } = request;
    return this.withSession(config, { kb, model: request.model, route, signal, progress, modelCheck: rulesOnly ? 'skip' : 'require' }, async (session) => {
      if (rulesOnly) {
        const rules = await rulesForTargets({ config, knowledgeBase: session.knowledgeBase, ...(request.signal && { signal: request.signal }) }, targets);
        return { kind: 'rules', rules, status: await this.ollamaStatus(config, model, request.rulesOnly ? 'Drop --rules-only for cited findings.' : '') };
      }
      const result = await reviewTargets(session.reviewOptions(), targets);
      return { kind: 'findings', result: { ...result, route: session.route.route }, config };
    });
  }

  /** A question answered from retrieved passages; `file` and `lines` name the code it is about. */
  async ask(request: Call & Omit<AskRequest, 'code' | 'signal' | 'route'> & { kb?: string; route?: Route; file?: string; lines?: string; code?: AskRequest['code'] }): Promise<AskResult> {
    const { kb, route, file, lines, signal, progress, ...question } = request;
    const [{ askQuestion }, { codeContext }] = await Promise.all([import('../chat/ask'), import('../chat/codeContext')]);
    const code = request.code ?? (file !== undefined ? await codeContext(this.workspace, file, lines) : undefined);
    const config = await this.config();
    return this.withSession(config, { kb, route, signal, progress }, (session) => askQuestion(session, { ...question, ...(code && { code }), ...(signal && { signal }) }));
  }

  async compare(request: Call & { scope: ReviewScope; routes: readonly Route[] }): Promise<Comparison> {
    const config = await this.config();
    const targets = await this.targets(config, request.scope);
    const { signal, progress } = request;
    const [{ compareRoutes }, { recordComparison }] = await Promise.all([import('../eval/compare'), import('../eval/comparisonRecord')]);
    const comparison = await this.withSession(config, { signal, progress, route: request.routes[0] }, (session) => compareRoutes(session, targets, request.routes));
    // Advice quotes the latency of the newest comparison when no newer evaluation measured it.
    await this.prepareFolder();
    await recordComparison(this.workspace, comparison);
    return comparison;
  }

  async evaluate(request: Call & { dataset: string; routes: readonly Route[]; limit?: number }): Promise<EvaluationReport> {
    const { dataset, routes, limit, signal, progress } = request;
    const config = await this.config();
    const { evaluateRoutes, readEvaluationSplit } = await import('../eval/evaluate');
    // The split is read (and refused when too small) before a session opens: a bad dataset costs no index run or model check.
    const split = await readEvaluationSplit(dataset, limit);
    return this.withSession(config, { signal, progress, route: routes[0] }, (session) => evaluateRoutes(session, { split, routes }));
  }

  async advise(request: Call & { dataset?: string } = {}): Promise<Advice> {
    const { dataset, signal } = request;
    const config = await this.config();
    const [{ advise }, { gatherFacts }] = await Promise.all([import('../advice/advise'), import('../advice/workspaceFacts')]);
    return advise(await gatherFacts(this.workspace, config, this.modelClient(config), { ...(dataset && { dataset }), ...(signal && { signal }) }));
  }

  /** The route the editor's model view shows: its model and prompt variant. */
  async route(route?: Route): Promise<ResolvedRoute> {
    const config = await this.config();
    const { resolveRoute } = await import('../models/route');
    return resolveRoute(this.workspace, config, route ?? config.models.route);
  }

  /**
   * The configured route and the model it uses now, told to the activity: the one answer the status bar, the
   * Models view and the chat show, and what the next review uses. Fails (route-unavailable) when the route has no model.
   */
  async currentRoute(): Promise<ResolvedRoute> {
    const { route } = (await this.config()).models;
    try {
      const resolved = await this.route(route);
      this.options.activity?.modelChosen(resolved.model, resolved.route);
      return resolved;
    } catch (error) {
      // Said where the model shows, so nothing claims a model the next review will not use.
      if (error instanceof HouseStyleError && error.code === 'route-unavailable') this.options.activity?.modelChosen(NO_FINE_TUNED_MODEL, route);
      throw error;
    }
  }

  /** Records a user's verdict on a finding in the feedback log, where dataset builds find preference pairs. */
  async recordVerdict(verdict: FeedbackEntry['verdict'], finding: Finding, code: string, model: string): Promise<void> {
    await this.prepareFolder();
    const [{ appendFeedback }, { feedbackEntry }] = await Promise.all([import('../dataset/feedbackLog'), import('../review/feedbackEntry')]);
    return appendFeedback(this.workspace, feedbackEntry(verdict, finding, code, model));
  }

  // Datasets

  /** Review comments, reviews, thread states and commits from the forge into `.housestyle/forge`, which a dataset build reads. */
  async fetchReviewComments(request: Omit<FetchReviewCommentsOptions, 'workspace' | 'config' | 'logger'>): Promise<FetchReport> {
    await this.prepareFolder();
    const { fetchReviewComments } = await import('../forge/fetchReviewComments');
    return fetchReviewComments({ ...request, workspace: this.workspace, config: await this.config(), logger: this.logger });
  }

  /** Where a build writes by default: a new dated folder under `.housestyle/datasets`. */
  defaultDatasetFolder(): string {
    return defaultDatasetFolder(this.workspace);
  }

  /** Mines the repository (the workspace by default) into a dataset in `out` (by default a new dated folder). */
  async buildDataset(request: Call & Omit<BuildDatasetOptions, 'repo' | 'workspace' | 'extensionRoot' | 'out' | 'config' | 'logger'> & { repo?: string; out?: string }): Promise<DatasetReport> {
    await this.prepareFolder();
    const config = await this.config();
    const feedback = request.feedback ?? (await defaultFeedbackLog(this.workspace));
    // Without --comments, the exports `dataset fetch` wrote are read.
    const comments = request.comments ?? (await fetchedCommentExports(this.workspace));
    return buildDataset({
      ...request,
      comments,
      reviewComments: await Promise.all(comments.map(commentExportOrigin)),
      repo: request.repo ?? this.workspace,
      workspace: this.workspace,
      extensionRoot: this.options.extensionRoot,
      ...(feedback && { feedback }),
      out: request.out ?? defaultDatasetFolder(this.workspace),
      config,
      client: this.modelClient(config),
      logger: this.logger,
    });
  }

  // Models

  /** Trains and imports; `active` says whether the new version is the registry's active one (the first is). */
  async train(request: Call & { dataset: string; remote?: string; remoteSetup?: string; resumeFrom?: string; base?: string; name?: string }): Promise<TrainResult & { active: boolean }> {
    await this.prepareFolder();
    const config = await this.config();
    const [{ trainAdapter }, { readRegistry }] = await Promise.all([import('../models/training/train'), import('../models/registry')]);
    const result = await trainAdapter({ ...request, workspace: this.workspace, config, client: this.modelClient(config), logger: this.logger, ...(this.options.activity && { activity: this.options.activity }) });
    return { ...result, active: (await readRegistry(this.workspace)).active === result.imported.version.name };
  }

  async importModel(request: Call & { adapter: string; base: string; name?: string; dataset?: string; force?: boolean }): Promise<ImportResult & { active: boolean }> {
    await this.prepareFolder();
    const client = this.modelClient(await this.config());
    const [{ importAdapter }, { readRegistry }] = await Promise.all([import('../models/adapters/importAdapter'), import('../models/registry')]);
    const result = await importAdapter({ ...request, workspace: this.workspace, client, logger: this.logger, ...(this.options.activity && { activity: this.options.activity }) });
    return { ...result, active: (await readRegistry(this.workspace)).active === result.version.name };
  }

  /** Writes a version as a GGUF adapter and a Modelfile that `ollama create` or `housestyle model import` reads. */
  async exportModel(request: { name: string; out: string }): Promise<ExportResult> {
    const { exportVersion } = await import('../models/exportVersion');
    return exportVersion({ ...request, workspace: this.workspace, client: this.modelClient(await this.config()) });
  }

  /** The workspace's registered fine-tuned versions and the active one. */
  async registry(): Promise<ModelRegistry> {
    const { readRegistry } = await import('../models/registry');
    return readRegistry(this.workspace);
  }

  /**
   * The registry's versions beside Ollama's models: null when Ollama is not reachable, or (`anyOllamaFailure`,
   * for a view that must still show the registry) when Ollama fails in any way.
   */
  async listModels(options: { anyOllamaFailure?: boolean } = {}): Promise<ModelList> {
    const client = this.modelClient(await this.config());
    const registry = await this.registry();
    let ollama: OllamaModelInfo[] | null = null;
    try {
      ollama = await client.listModels();
    } catch (error) {
      if (!options.anyOllamaFailure && !(error instanceof HouseStyleError && error.code === 'ollama-unreachable')) throw error;
    }
    this.options.activity?.ollamaSeen(client.host, ollama !== null);
    return { host: client.host, ollama, registry };
  }

  /** Makes a registered version the fine-tuned model; says which model the config names instead, if it wins. */
  async useModel(name: string): Promise<{ overriddenBy?: string }> {
    await this.prepareFolder();
    const { useVersion } = await import('../models/versions');
    await useVersion(this.workspace, name);
    const { fineTuned } = (await this.config()).models;
    return fineTuned && fineTuned !== name ? { overriddenBy: fineTuned } : {};
  }

  /** Removes a version; when it was the active one, the newest remaining becomes active (`active`), if any is left. */
  async removeModel(name: string): Promise<{ active?: string; activeChanged: boolean }> {
    await this.prepareFolder();
    const { removeVersion } = await import('../models/versions');
    return removeVersion(this.workspace, this.modelClient(await this.config()), name);
  }

  /** Pulls a model (the review model by default) into Ollama; `onStatus` gets its status and bytes. */
  async pullModel(request: { model?: string; signal?: AbortSignal; onStatus?: (status: string, completed?: number, total?: number) => void } = {}): Promise<{ model: string; host: string }> {
    const config = await this.config();
    const client = this.modelClient(config);
    const model = request.model ?? config.ollama.model;
    await client.pull(model, request.onStatus, request.signal);
    return { model, host: client.host };
  }

  /** Whether Ollama answers and has `model` (the review model by default); fails with what to do when not. */
  async checkModel(model?: string): Promise<{ model: string; host: string }> {
    const config = await this.config();
    const client = this.modelClient(config);
    const name = model ?? config.ollama.model;
    const { requireModel } = await import('../session');
    await requireModel(client, name, this.options.activity);
    return { model: name, host: client.host };
  }

  /** Closes the knowledge bases this service opened. */
  async close(): Promise<void> {
    await (await this.knowledgeBaseCache)?.invalidate();
  }

  /** A session over this service's knowledge bases and model client, closed however `body` ends. */
  private async withSession<T>(config: Config, request: Call & Pick<SessionOptions, 'kb' | 'model' | 'route' | 'modelCheck'>, body: (session: Session) => Promise<T>): Promise<T> {
    await this.prepareFolder();
    const { activity } = this.options;
    const { openSession } = await import('../session');
    const session = await openSession({
      ...request,
      workspace: this.workspace,
      config,
      client: this.modelClient(config),
      extensionRoot: this.options.extensionRoot,
      logger: this.logger,
      knowledgeBases: await this.knowledgeBases(),
      ...(activity && { activity }),
      ...(this.options.confirmEmbedderChange && { confirmEmbedderChange: this.options.confirmEmbedderChange }),
    });
    try {
      return await body(session);
    } finally {
      await session.close();
    }
  }

  private async targets(config: Config, scope: ReviewScope): Promise<ReviewTarget[]> {
    const [{ fileTarget, readFileTarget, selectionTarget, workspacePath }, { changedTargets }] = await Promise.all([import('../review/reviewTarget'), import('../review/reviewer')]);
    if ('files' in scope) return Promise.all(scope.files.map((file) => readFileTarget(this.workspace, file)));
    if ('diff' in scope) return changedTargets(this.workspace, config, scope.diff);
    const relative = workspacePath(this.workspace, scope.file);
    return [scope.selection ? selectionTarget(relative, scope.text, scope.selection) : fileTarget(relative, scope.text)];
  }

  private async modelAvailable(config: Config, model: string): Promise<boolean> {
    const client = this.modelClient(config);
    return (await client.isReachable()) && (await client.hasModel(model).catch(() => false));
  }

  /** One line that says whether a review could run, and exactly what to do if not. */
  private async ollamaStatus(config: Config, model: string, whenReady: string): Promise<string> {
    const client = this.modelClient(config);
    if (!(await client.isReachable())) {
      return `No review ran: Ollama is not reachable at ${client.host}. Start it with \`ollama serve\` (or set OLLAMA_HOST), pull the model with \`ollama pull ${model}\`, then run this again for cited findings.`;
    }
    if (!(await client.hasModel(model).catch(() => false))) {
      return `No review ran: Ollama at ${client.host} does not have ${model}. Pull it with \`ollama pull ${model}\`, then run this again for cited findings.`;
    }
    return `Ollama is ready at ${client.host} with ${model}. ${whenReady}`.trim();
  }
}
