import { HouseStyleError, isCancellation, throwIfCancelled } from '../errors';
import type { ForgeKind } from './forgeRepository';
import { TOKEN_VARIABLE } from './forgeToken';
import { pause, RequestPacer } from './requestPacer';

/** A page of a list, or the forge's word that the cached copy (`etag`) is still current. */
export type ForgePage<T> = { status: 200; body: T; etag?: string; next?: string } | { status: 304 };

/** The cached ETag of a list's first page, and where its new one goes. */
export interface FirstPage {
  etag?: string;
  onEtag: (etag: string) => void;
}

export interface ForgeTally {
  requests: number;
  /** 304 answers to conditional requests: GitHub does not count them against the rate limit. */
  notModified: number;
  retries: number;
  rateLimitWaits: number;
  /** Requests left in the forge's current rate-limit window, as it last said. */
  rateRemaining?: number;
}

export interface ForgeClientOptions {
  forge: ForgeKind;
  token?: string;
  /** The origins the token may be sent to (ForgeRepository.tokenOrigins); a page or redirect elsewhere is asked without it. */
  tokenOrigins?: readonly string[];
  signal?: AbortSignal;
  /** Deadline of one request, body included (default 30 s); a request past it is retried. */
  requestTimeoutMs?: number;
  /** First backoff after a 5xx, reset or cut response; doubled each try (default 1 s). */
  retryBaseMs?: number;
  /** Told when the forge's rate limit makes every call wait. */
  onWait?: (message: string) => void;
}

const MAX_FAILURES = 6;
/** Redirects followed for one request (GitHub redirects a renamed repository's API URLs). */
const MAX_REDIRECTS = 5;
const LIMIT_MARGIN = 0.9;
const MAX_RATE_WAITS = 20;
const NAME: Record<ForgeKind, string> = { github: 'GitHub', gitlab: 'GitLab' };

/**
 * Calls a forge's API the way its documentation asks:
 * - GitHub (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api): at most 100 concurrent
 *   requests and 900 points a minute for REST (a GET is 1 point), 2,000 for GraphQL; on 403 or 429 wait
 *   `retry-after` seconds if sent, else until `x-ratelimit-reset` when `x-ratelimit-remaining` is 0, else at
 *   least a minute, backing off exponentially. 304s to `If-None-Match` do not count against the primary limit
 *   (docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api).
 * - GitLab (docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom): 2,000 authenticated API requests a
 *   minute; 429 with `Retry-After`, `RateLimit-Remaining` / `RateLimit-Reset` headers.
 * Pages follow the `Link` header's rel="next" (both forges). 5xx, resets, deadlines and cut bodies are retried
 * with exponential backoff. The token goes in a header only, so no URL or error message can carry it, and
 * only to the origins allowed: a Link header or a redirect (followed here, since fetch would carry GitLab's
 * `private-token` header across origins) that points elsewhere is asked anonymously.
 */
export class ForgeClient {
  readonly tally: ForgeTally = { requests: 0, notModified: 0, retries: 0, rateLimitWaits: 0 };
  private readonly rest: RequestPacer;
  private readonly graphqlPacer: RequestPacer;
  private readonly headers: Record<string, string>;
  private readonly tokenHeader: Record<string, string>;

  constructor(private readonly options: ForgeClientOptions) {
    const github = options.forge === 'github';
    // 10% under each documented limit: the forge counts a request when it arrives, a little after it started here.
    this.rest = new RequestPacer(4, (github ? 900 : 2000) * LIMIT_MARGIN);
    this.graphqlPacer = new RequestPacer(4, 2000 * LIMIT_MARGIN);
    this.headers = github ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'housestyle' } : { accept: 'application/json', 'user-agent': 'housestyle' };
    this.tokenHeader = !options.token ? {} : github ? { authorization: `Bearer ${options.token}` } : { 'private-token': options.token };
  }

  /** GET one page of JSON; with `etag`, a conditional request that may answer 304. */
  async get<T>(url: string, etag?: string): Promise<ForgePage<T>> {
    const answer = await this.request(url, { method: 'GET', headers: { ...this.headers, ...(etag && { 'if-none-match': etag }) } }, this.rest);
    if (answer.status === 304) return { status: 304 };
    return { status: 200, body: answer.body as T, ...(answer.etag && { etag: answer.etag }), ...(answer.next && { next: answer.next }) };
  }

  /** The items of a list, page after page (rel="next"), fetched as they are consumed: a caller that stops early asks no further. */
  async *items<T>(url: string, firstPage?: FirstPage): AsyncGenerator<T> {
    for (let next: string | undefined = url; next; ) {
      const first: boolean = next === url;
      // Only the first page is asked conditionally: a 304 there means the list (newest first) has not changed.
      const page: ForgePage<T[]> = await this.get<T[]>(next, first ? firstPage?.etag : undefined);
      if (page.status === 304) return;
      if (first && page.etag) firstPage?.onEtag(page.etag);
      yield* page.body;
      next = page.next;
    }
  }

  /** Every item of a list. */
  async getAll<T>(url: string): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this.items<T>(url)) items.push(item);
    return items;
  }

  /** A GraphQL query (docs.github.com/graphql/guides/forming-calls-with-graphql); errors in the answer are failures. */
  async graphql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const answer = await this.request(url, { method: 'POST', headers: { ...this.headers, 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }, this.graphqlPacer);
    const { data, errors } = answer.body as { data?: T; errors?: Array<{ message?: string }> };
    if (errors?.length || !data) {
      throw new HouseStyleError(`${NAME[this.options.forge]}'s GraphQL API refused the query: ${errors?.map((e) => e.message).join('; ') ?? 'no data'}.`, 'Check that the token may read this repository\'s pull requests.', 'forge');
    }
    return data;
  }

  private async request(first: string, init: RequestInit & { headers: Record<string, string> }, pacer: RequestPacer): Promise<{ status: number; body?: unknown; etag?: string; next?: string }> {
    const { signal } = this.options;
    let failures = 0;
    let rateWaits = 0;
    let redirects = 0;
    let url = first;
    const where = new URL(url).pathname;
    for (;;) {
      throwIfCancelled(signal);
      const allowed = this.options.tokenOrigins?.includes(new URL(url).origin) ?? false;
      const outcome = await pacer.run(() => this.attempt(url, { ...init, headers: { ...init.headers, ...(allowed && this.tokenHeader) } }), signal);
      if ('failure' in outcome) {
        if (++failures >= MAX_FAILURES) throw this.unreachable(where, outcome.failure);
        await this.backoff(failures);
        continue;
      }
      const { status, headers, text } = outcome;
      this.tally.requests++;
      this.noteRateLimit(headers, pacer);
      if (status === 304) {
        this.tally.notModified++;
        return { status };
      }
      const location = headers.get('location');
      if (status >= 300 && status < 400 && location !== null && redirects < MAX_REDIRECTS && URL.canParse(location, url)) {
        redirects++;
        url = new URL(location, url).href;
        continue;
      }
      if (status >= 200 && status < 300) {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          // A body cut off in transit: ask again.
          if (++failures >= MAX_FAILURES) throw this.unreachable(where, 'its answers were cut off');
          await this.backoff(failures);
          continue;
        }
        return { status, body, ...(headers.get('etag') && { etag: headers.get('etag')! }), ...(nextLink(headers.get('link')) && { next: nextLink(headers.get('link'))! }) };
      }
      if ((status === 403 || status === 429) && rateWaits < MAX_RATE_WAITS) {
        const until = rateLimitedUntil(status, headers, text, rateWaits);
        if (until !== undefined) {
          rateWaits++;
          this.tally.rateLimitWaits++;
          pacer.hold(until);
          this.options.onWait?.(`${NAME[this.options.forge]}'s rate limit is reached; waiting until ${new Date(until).toISOString().slice(11, 19)} UTC.`);
          continue;
        }
      }
      if (status >= 500) {
        if (++failures >= MAX_FAILURES) throw this.unreachable(where, `it answered ${status}`);
        await this.backoff(failures);
        continue;
      }
      throw this.refused(where, status);
    }
  }

  /** One try: the response, or why it failed in a way worth retrying (reset, deadline, cut body). */
  private async attempt(url: string, init: RequestInit): Promise<{ status: number; headers: Headers; text: string } | { failure: string }> {
    const deadline = AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, deadline]) : deadline;
    try {
      const response = await fetch(url, { ...init, signal, redirect: 'manual' });
      const text = await response.text();
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      throwIfCancelled(this.options.signal);
      if (isCancellation(error)) throw error;
      return { failure: deadline.aborted ? 'it did not answer in time' : 'the connection failed' };
    }
  }

  private noteRateLimit(headers: Headers, pacer: RequestPacer): void {
    const remaining = headers.get('x-ratelimit-remaining') ?? headers.get('ratelimit-remaining');
    const reset = headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset');
    if (remaining === null) return;
    this.tally.rateRemaining = Number(remaining);
    // The primary limit is spent: nothing more until it resets (epoch seconds).
    if (Number(remaining) === 0 && reset !== null) pacer.hold(Number(reset) * 1000);
  }

  private async backoff(failures: number): Promise<void> {
    this.tally.retries++;
    await pause((this.options.retryBaseMs ?? 1000) * 2 ** (failures - 1), this.options.signal);
  }

  private unreachable(where: string, why: string): HouseStyleError {
    return new HouseStyleError(`${NAME[this.options.forge]} could not be read at ${where}: ${why}, ${MAX_FAILURES} times.`, 'Check the network (and the API URL for a self-hosted forge), then run the fetch again: what was fetched is kept.', 'forge');
  }

  private refused(where: string, status: number): HouseStyleError {
    const name = NAME[this.options.forge];
    const token = TOKEN_VARIABLE[this.options.forge];
    if (status === 401) return new HouseStyleError(`${name} refused the token (401) at ${where}.`, `Set ${token} to a valid token, or log in with the forge's CLI.`, 'forge');
    if (status === 404 || status === 403) {
      return new HouseStyleError(`${name} answered ${status} at ${where}: the repository does not exist, or ${this.options.token ? 'the token may not read it' : 'it is private'}.`, `Check the repository name${this.options.token ? ' and the token\'s scopes' : `, or set ${token}`}.`, 'forge');
    }
    return new HouseStyleError(`${name} answered ${status} at ${where}.`, 'Run the fetch again later: what was fetched is kept.', 'forge');
  }
}

/** When a 403/429 may be retried, per the docs above; undefined for a 403 that is a real refusal. */
function rateLimitedUntil(status: number, headers: Headers, text: string, waits: number): number | undefined {
  const now = Date.now();
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && Number.isFinite(Number(retryAfter))) return now + Number(retryAfter) * 1000;
  const remaining = headers.get('x-ratelimit-remaining') ?? headers.get('ratelimit-remaining');
  const reset = headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset');
  if (remaining === '0' && reset !== null) return Math.max(now, Number(reset) * 1000);
  if (status === 429 || /secondary rate limit/i.test(text)) return now + 60_000 * 2 ** Math.min(waits, 4);
  return undefined;
}

/** The rel="next" target of a `Link` header (RFC 8288), as GitHub and GitLab paginate. */
export function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(match[2]!)) return match[1];
  }
  return undefined;
}
