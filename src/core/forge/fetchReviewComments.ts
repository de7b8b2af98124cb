import type { Config } from '../config';
import { cancellationError, HouseStyleError, isCancellation, throwIfCancelled } from '../errors';
import { silentLogger, type Logger } from '../log';
import { compileSettingPatterns } from '../settingPatterns';
import type { ListedPullRequest } from './fetchedPullRequest';
import { ForgeClient, type ForgeTally } from './forgeClient';
import { ForgeCache, type FetchState } from './forgeCache';
import { resolveForgeRepository, type ForgeRepository } from './forgeRepository';
import { anonymousNote, forgeToken, TOKEN_VARIABLE } from './forgeToken';
import { fetchGithubPullRequest, listGithubPullRequests } from './githubPullRequests';
import { fetchGitlabMergeRequest, listGitlabMergeRequests } from './gitlabMergeRequests';

export interface FetchReviewCommentsOptions {
  workspace: string;
  config: Config;
  /** `github:OWNER/REPO` or `gitlab:GROUP/PROJECT`; by default the repository the git remote dataset.remote names. */
  target?: string;
  /** The forge's API root, for GitHub Enterprise Server or self-hosted GitLab behind a non-standard URL. */
  apiUrl?: string;
  /** Only pull requests updated on or after this date. */
  since?: string;
  /** Only pull requests numbered within this range (inclusive). */
  numbers?: { from: number; to: number };
  /** Where the token comes from (GITHUB_TOKEN / GITLAB_TOKEN); the forge CLI's token otherwise. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (progress: FetchProgress) => void;
  logger?: Logger;
  /** Per-request deadline and first retry backoff (tests shorten them). */
  requestTimeoutMs?: number;
  retryBaseMs?: number;
}

export interface FetchProgress {
  done: number;
  total: number;
  /** Review comments in the pull requests fetched so far this run. */
  comments: number;
  /** Requests left in the forge's rate-limit window, as it last said. */
  rateRemaining?: number;
  etaSeconds?: number;
}

export interface FetchReport {
  source: string;
  exportFile: string;
  fetchedAt: string;
  /** Pull requests fetched this run, and listed but unchanged since the cache's copy. */
  fetched: number;
  unchanged: number;
  requests: ForgeTally;
  /** Over the whole cache, as the export holds it. */
  totals: FetchState['totals'];
  anonymous: boolean;
}

const PARALLEL = 4;

/**
 * Fetches a repository's review comments, reviews, thread states and commits from its forge into the workspace's
 * cache (`.housestyle/forge/…`, one file per pull request written atomically), then writes the export that
 * `dataset build` reads. Incremental: only pull requests updated since the cached copy are fetched. Resumable:
 * a run stopped at any point (even killed) leaves whole pull requests behind, and the next run fetches the rest.
 */
export async function fetchReviewComments(options: FetchReviewCommentsOptions): Promise<FetchReport> {
  const { config, signal } = options;
  const logger = options.logger ?? silentLogger;
  const repository = await resolveForgeRepository({ spec: options.target, repo: options.workspace, remote: config.dataset.remote, apiUrl: options.apiUrl, signal });
  const source = `${repository.forge}:${repository.path}`;
  const since = options.since === undefined ? undefined : isoDate(options.since);
  const token = await forgeToken(repository.forge, options.env);
  if (!token) logger.warn(anonymousNote(repository.forge));
  else refuseUnchosenHost(repository);
  const client = new ForgeClient({
    forge: repository.forge,
    ...(token && { token, tokenOrigins: repository.tokenOrigins }),
    ...(signal && { signal }),
    ...(options.requestTimeoutMs && { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.retryBaseMs !== undefined && { retryBaseMs: options.retryBaseMs }),
    onWait: (message) => logger.info(message),
  });
  const cache = new ForgeCache(options.workspace, repository);
  await cache.open();
  const previous = await cache.state();
  const watermark = previous?.source === source && previous.apiUrl === repository.apiUrl ? previous.watermark : undefined;
  const restricted = since !== undefined || options.numbers !== undefined;
  const stopBefore = latest([since, watermark]);

  try {
    const listed: ListedPullRequest[] = [];
    let listEtag: string | undefined;
    // The list's first page is asked conditionally only by a run like the last complete one (same cursor, no range).
    const firstPage = { ...(!restricted && watermark !== undefined && { etag: previous?.listEtag }), onEtag: (etag: string) => (listEtag = etag) };
    const list = repository.forge === 'github' ? listGithubPullRequests(client, repository, stopBefore, firstPage) : listGitlabMergeRequests(client, repository, stopBefore, firstPage);
    for await (const pr of list) if (!options.numbers || (pr.number >= options.numbers.from && pr.number <= options.numbers.to)) listed.push(pr);
    const isBot = botMatcher(config.dataset.botAuthors);
    let done = 0;
    let fetched = 0;
    let comments = 0;
    const started = Date.now();
    let reportedAt = 0;
    // At most one report a second (and the last one): a front end shows each, and there can be thousands.
    const report = () => {
      if (done < listed.length && Date.now() - reportedAt < 1000) return;
      reportedAt = Date.now();
      const elapsed = (Date.now() - started) / 1000;
      const etaSeconds = fetched > 0 ? Math.round((elapsed / done) * (listed.length - done)) : undefined;
      options.onProgress?.({ done, total: listed.length, comments, ...(client.tally.rateRemaining !== undefined && { rateRemaining: client.tally.rateRemaining }), ...(etaSeconds !== undefined && { etaSeconds }) });
    };
    report();
    let next = 0;
    const worker = async () => {
      while (next < listed.length) {
        throwIfCancelled(signal);
        const item = listed[next++]!;
        const cached = await cache.read(item.number);
        if (cached?.updatedAt !== item.updatedAt) {
          const pr =
            repository.forge === 'github'
              ? await fetchGithubPullRequest(client, repository, item, { ...(cached && { cached }), graphql: token !== undefined, isBot })
              : await fetchGitlabMergeRequest(client, repository, item, { isBot });
          await cache.write(pr);
          fetched++;
          comments += pr.comments.length;
        }
        done++;
        report();
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    throwIfCancelled(signal);

    const totals = await cache.writeExport();
        // Only an unrestricted run has seen every pull request updated since the last one: only it moves the cursor.
    const nextWatermark = restricted ? watermark : latest([watermark, ...listed.map((pr) => pr.updatedAt)]);
    const fetchedAt = new Date().toISOString();
    const nextListEtag = restricted ? previous?.listEtag : (listEtag ?? previous?.listEtag);
    await cache.writeState({ source, apiUrl: repository.apiUrl, fetchedAt, ...(nextWatermark && { watermark: nextWatermark }), ...(nextListEtag && { listEtag: nextListEtag }), totals });
    logger.info(`Fetched ${fetched} of ${listed.length} listed pull requests from ${source} (${listed.length - fetched} unchanged); ${totals.comments} review comments cached.`);
    return { source, exportFile: cache.exportFile, fetchedAt, fetched, unchanged: listed.length - fetched, requests: { ...client.tally }, totals, anonymous: !token };
  } catch (error) {
    if (!isCancellation(error) && !signal?.aborted) throw error;
    throw cancellationError(`Fetch from ${source} cancelled; the pull requests fetched so far are kept, and the next fetch goes on from there.`, undefined, error);
  }
}

/**
 * A token is never sent to a host that only the workspace's git remote names (a cloned repository could name
 * any host github.* to collect it): the user names such a host, or the fetch stops before any request.
 */
function refuseUnchosenHost(repository: ForgeRepository): void {
  if (repository.tokenOrigins.includes(new URL(repository.apiUrl).origin)) return;
  const host = new URL(repository.apiUrl).host;
  throw new HouseStyleError(
    `The git remote points at ${host}, which is not ${repository.forge}.com: House Style sends ${TOKEN_VARIABLE[repository.forge]} only to ${repository.forge}.com or to a host you name.`,
    `If ${host} is your ${repository.forge === 'github' ? 'GitHub Enterprise Server' : 'GitLab'}, name it: housestyle dataset fetch ${repository.forge}:${host}/${repository.path} (or pass --api-url ${repository.apiUrl}).`,
    'usage',
    { fix: ['name-forge-host'] },
  );
}

/** The latest of some dates (forges spell them differently: GitLab adds milliseconds). */
function latest(dates: Array<string | undefined>): string | undefined {
  let best: string | undefined;
  for (const date of dates) if (date !== undefined && (best === undefined || Date.parse(date) > Date.parse(best))) best = date;
  return best;
}

function botMatcher(patterns: string[]): (login: string, type?: string) => boolean {
  const regexes = compileSettingPatterns(patterns, 'dataset.botAuthors');
  // GitHub marks app accounts as type "Bot" (REST) or __typename "Bot" (GraphQL).
  return (login, type) => type === 'Bot' || regexes.some((regex) => regex.test(login));
}

/** `12` or `100-200`: the pull request numbers a fetch is limited to. */
export function parseNumberRange(text: string): { from: number; to: number } {
  const match = /^(\d+)(?:\s*(?:-|\.\.)\s*(\d+))?$/.exec(text.trim());
  const from = Number(match?.[1]);
  const to = Number(match?.[2] ?? match?.[1]);
  if (!match || from < 1 || to < from) throw new HouseStyleError(`The pull requests to fetch must be a number or a range such as 100-200, not "${text}".`, 'For example: 1200-1300', 'usage');
  return { from, to };
}

/** One line for a progress display: pull requests done of total, comments so far, rate limit left, ETA. */
export function fetchProgressText(progress: FetchProgress): string {
  const eta = progress.etaSeconds === undefined ? '' : `, about ${progress.etaSeconds >= 60 ? `${Math.round(progress.etaSeconds / 60)} min` : `${progress.etaSeconds} s`} left`;
  const rate = progress.rateRemaining === undefined ? '' : `, ${progress.rateRemaining} requests left in the rate limit`;
  return `Pull requests (${progress.comments} comments${rate}${eta})`;
}

function isoDate(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new HouseStyleError(`The date to fetch since must be a date, not "${value}".`, 'For example: 2024-01-01', 'usage');
  return new Date(time).toISOString().replace(/\.000Z$/, 'Z');
}

