// A STAND-IN for GitHub's and GitLab's APIs, for tests and the forgeFetch benchmark: it serves a
// SyntheticForgeRepo (syntheticForgeRepo.ts) in the shapes and with the rules of the forges' public
// documentation, each rule noted beside it. The product never contains it.
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { commentHunk, type SyntheticForgeRepo, type SyntheticPull } from './syntheticForgeRepo';

/**
 * A scripted failure: an answer, a request held open until the server closes, a reset socket, a body cut short,
 * or a body stalled halfway (its first half sent, the rest never, the connection left open).
 */
export type ForgeFault = { status: number; headers?: Record<string, string>; body?: unknown } | 'hold' | 'reset' | 'cut' | 'stall';

export interface ForgeRequest {
  method: string;
  /** Path and query, as requested. */
  url: string;
  /** GraphQL variables, for POST /graphql. */
  variables?: Record<string, unknown>;
}

export interface ForgeTestServerOptions {
  forge: 'github' | 'gitlab';
  repo: SyntheticForgeRepo;
  /** The token requests must carry; without one in a request, the anonymous limits apply. */
  token?: string;
  /** Primary limit per hour (GitHub: 5,000 authenticated, 60 anonymous; docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api). */
  hourlyLimit?: number;
  /** Called before each request is answered; a fault replaces the answer. */
  intercept?: (request: ForgeRequest) => ForgeFault | undefined;
}

interface Window {
  used: number;
  resetAt: number;
  /** Start times of the last minute's requests, for the secondary limit. */
  minute: number[];
}

export class ForgeTestServer {
  readonly stats = { requests: 0, notModified: 0, commentsServed: 0, secondaryLimited: 0, maxPerMinute: { core: 0, graphql: 0 }, servingMs: 0, paths: new Map<string, number>() };
  intercept: ForgeTestServerOptions['intercept'];
  private readonly windows = new Map<string, Window>();
  private inFlight = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly options: ForgeTestServerOptions,
  ) {
    this.intercept = options.intercept;
  }

  /** Listens on 127.0.0.1 at a port the OS picks. */
  static async start(options: ForgeTestServerOptions): Promise<ForgeTestServer> {
    let instance: ForgeTestServer | undefined;
    const server = http.createServer((req, res) => void instance!.handle(req, res));
    instance = new ForgeTestServer(server, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return instance;
  }

  /** The API root to fetch from (`--api-url`). */
  get apiUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return this.options.forge === 'github' ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/api/v4`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { query?: string; variables?: Record<string, unknown> }) : undefined;
    const fault = this.intercept?.({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, ...(body?.variables && { variables: body.variables }) });
    if (fault === 'hold') return; // answered never: the connection stays open until close()
    if (fault === 'reset') return void req.socket.destroy();
    this.stats.requests++;
    this.stats.paths.set(url.pathname, (this.stats.paths.get(url.pathname) ?? 0) + 1);
    this.inFlight++;
    try {
      const answer = fault && typeof fault === 'object' ? fault : this.route(req, url, body);
      this.stats.servingMs += performance.now() - started;
      if (fault === 'cut' || fault === 'stall') {
        const full = JSON.stringify(answer.body);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(full) });
        res.write(full.slice(0, Math.floor(full.length / 2)));
        if (fault === 'cut') res.destroy();
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    } finally {
      this.inFlight--;
    }
  }

  private route(req: http.IncomingMessage, url: URL, body: { query?: string; variables?: Record<string, unknown> } | undefined): { status: number; headers?: Record<string, string>; body?: unknown } {
    const github = this.options.forge === 'github';
    const auth = github ? req.headers.authorization : req.headers['private-token'];
    const expected = github ? `Bearer ${this.options.token}` : this.options.token;
    if (auth !== undefined && auth !== expected) return { status: 401, body: { message: github ? 'Bad credentials' : '401 Unauthorized' } };
    const authenticated = auth !== undefined;
    const resource = url.pathname === '/graphql' ? 'graphql' : 'core';
    // GitHub's GraphQL API needs authentication (docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql).
    if (resource === 'graphql' && !authenticated) return { status: 401, body: { message: 'This endpoint requires you to be authenticated.' } };
    const limited = this.rateLimit(resource, authenticated);
    if ('status' in limited) return limited;
    const answer = github ? this.github(url, body) : this.gitlab(url);
    if (!answer) return { status: 404, headers: limited.headers, body: { message: 'Not Found' } };
    const etag = `W/"${createHash('sha1').update(JSON.stringify(answer.body)).digest('hex')}"`;
    // A 304 to If-None-Match does not count against the primary limit (docs.github.com/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
    if (req.method === 'GET' && req.headers['if-none-match'] === etag) {
      this.refund(resource, authenticated);
      this.stats.notModified++;
      return { status: 304, headers: { etag, ...this.rateHeaders(resource, authenticated) } };
    }
    this.stats.commentsServed += answer.comments;
    return { status: 200, headers: { ...limited.headers, ...this.rateHeaders(resource, authenticated), ...answer.headers, ...(req.method === 'GET' && { etag }) }, body: answer.body };
  }

  /**
   * GitHub: primary limit per hour per resource, with x-ratelimit-* headers; secondary limits of 100 concurrent
   * requests and 900 (REST) / 2,000 (GraphQL) points a minute, answered 403 with retry-after
   * (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
   * GitLab: 2,000 authenticated requests a minute, answered 429 with Retry-After (docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom).
   */
  private rateLimit(resource: 'core' | 'graphql', authenticated: boolean): { headers: Record<string, string> } | { status: number; headers: Record<string, string>; body: unknown } {
    const now = Date.now();
    const window = this.window(resource, authenticated, now);
    while (window.minute.length > 0 && window.minute[0]! <= now - 60_000) window.minute.shift();
    window.minute.push(now);
    this.stats.maxPerMinute[resource] = Math.max(this.stats.maxPerMinute[resource], window.minute.length);
    const github = this.options.forge === 'github';
    const perMinute = github ? (resource === 'graphql' ? 2000 : 900) : 2000;
    if (window.minute.length > perMinute || this.inFlight > 100) {
      this.stats.secondaryLimited++;
      return github
        ? { status: 403, headers: { 'retry-after': '60' }, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' } }
        : { status: 429, headers: { 'retry-after': '60' }, body: { message: 'Retry later' } };
    }
    if (window.used >= this.limit(authenticated)) {
      return { status: github ? 403 : 429, headers: this.rateHeaders(resource, authenticated), body: { message: 'API rate limit exceeded' } };
    }
    window.used++;
    return { headers: {} };
  }

  private limit(authenticated: boolean): number {
    return authenticated ? (this.options.hourlyLimit ?? 5000) : 60;
  }

  private window(resource: string, authenticated: boolean, now = Date.now()): Window {
    const key = `${resource}:${authenticated}`;
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { used: 0, resetAt: now + 3_600_000, minute: window?.minute ?? [] };
      this.windows.set(key, window);
    }
    return window;
  }

  private refund(resource: string, authenticated: boolean): void {
    this.window(resource, authenticated).used--;
  }

  private rateHeaders(resource: string, authenticated: boolean): Record<string, string> {
    const window = this.window(resource, authenticated);
    const remaining = String(this.limit(authenticated) - window.used);
    const reset = String(Math.ceil(window.resetAt / 1000));
    return this.options.forge === 'github'
      ? { 'x-ratelimit-limit': String(this.limit(authenticated)), 'x-ratelimit-remaining': remaining, 'x-ratelimit-used': String(window.used), 'x-ratelimit-reset': reset, 'x-ratelimit-resource': resource }
      : { 'ratelimit-limit': String(this.limit(authenticated)), 'ratelimit-remaining': remaining, 'ratelimit-reset': reset };
  }

  private github(url: URL, body: { variables?: Record<string, unknown> } | undefined): { body: unknown; headers?: Record<string, string>; comments: number } | undefined {
    const { owner, name, pulls } = this.options.repo;
    const base = `/repos/${owner}/${name}`;
    if (url.pathname === `${base}/pulls`) {
      // docs.github.com/rest/pulls/pulls#list-pull-requests: state, sort=updated, direction=desc.
      const sorted = [...pulls].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number);
      return { ...this.page(url, sorted.map((pr) => this.githubPull(pr))), comments: 0 };
    }
    const match = new RegExp(`^${base}/pulls/(\\d+)/comments$`).exec(url.pathname);
    if (match) {
      const pr = pulls.find((p) => p.number === Number(match[1]));
      if (!pr) return undefined;
      // docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request: sorted by id ascending.
      const page = this.page(url, pr.comments.map((c) => this.githubComment(pr, c)));
      return { ...page, comments: (page.body as unknown[]).length };
    }
    if (url.pathname === '/graphql' && body?.variables) return { body: { data: this.graphql(body.variables) }, comments: 0 };
    return undefined;
  }

  /** An item of docs.github.com/rest/pulls/pulls#list-pull-requests: who opened it is `user`, a simple user (`login`). */
  private githubPull(pr: SyntheticPull): object {
    const { owner, name } = this.options.repo;
    return { number: pr.number, state: 'closed', title: `Pull request ${pr.number}`, updated_at: pr.updatedAt, created_at: pr.comments[0]?.createdAt ?? pr.updatedAt, url: `${this.apiUrl}/repos/${owner}/${name}/pulls/${pr.number}`, html_url: `https://github.com/${owner}/${name}/pull/${pr.number}`, user: { login: pr.author, id: 1, type: 'User', site_admin: false }, head: { sha: pr.head }, base: { sha: pr.base } };
  }

  /** The fields of docs.github.com/rest/pulls/comments's response (line is null once the comment is outdated). */
  private githubComment(pr: SyntheticPull, c: SyntheticPull['comments'][number]): object {
    const { owner, name } = this.options.repo;
    return {
      id: c.id,
      node_id: `PRRC_${c.id}`,
      pull_request_review_id: c.id + 1_000_000,
      ...(c.replyTo !== undefined && { in_reply_to_id: c.replyTo }),
      diff_hunk: commentHunk(pr, c.path, c.line),
      path: c.path,
      position: c.outdated ? null : c.line,
      original_position: c.line,
      // The comment was made on the reviewed commit; while current, GitHub moves commit_id to the latest head.
      commit_id: c.outdated ? pr.reviewed : pr.head,
      original_commit_id: pr.reviewed,
      user: { login: c.author, id: 1, type: c.bot ? 'Bot' : 'User', site_admin: false },
      body: c.body,
      created_at: c.createdAt,
      updated_at: c.createdAt,
      html_url: `https://github.com/${owner}/${name}/pull/${pr.number}#discussion_r${c.id}`,
      pull_request_url: `${this.apiUrl}/repos/${owner}/${name}/pulls/${pr.number}`,
      author_association: 'MEMBER',
      start_line: null,
      original_start_line: null,
      start_side: null,
      line: c.outdated ? null : c.line,
      original_line: c.line,
      side: 'RIGHT',
      subject_type: 'line',
    };
  }

  /** PullRequest.reviewThreads / reviews / commits (docs.github.com/graphql/reference/objects#pullrequest), 100 a page with opaque cursors. */
  private graphql(variables: Record<string, unknown>): object {
    const pr = this.options.repo.pulls.find((p) => p.number === variables.number);
    if (!pr || variables.owner !== this.options.repo.owner || variables.name !== this.options.repo.name) return { repository: null };
    const connection = <T>(items: T[], cursor: unknown) => {
      const from = typeof cursor === 'string' ? Number(Buffer.from(cursor, 'base64').toString('utf8').slice(7)) : 0;
      const nodes = items.slice(from, from + 100);
      const end = from + nodes.length;
      return { pageInfo: { hasNextPage: end < items.length, endCursor: Buffer.from(`cursor:${end}`).toString('base64') }, nodes };
    };
    const roots = pr.comments.filter((c) => c.replyTo === undefined);
    return {
      repository: {
        pullRequest: {
          reviewThreads: connection(roots.map((c) => ({ isResolved: c.resolved, isOutdated: c.outdated, comments: { nodes: [{ databaseId: c.id }] } })), variables.threads),
          reviews: connection(pr.reviews.map((r) => ({ databaseId: r.id, state: r.state, body: r.body, submittedAt: r.submittedAt, author: { login: r.author, __typename: 'User' }, commit: { oid: pr.reviewed } })), variables.reviews),
          commits: connection([pr.reviewed, pr.head].map((oid) => ({ commit: { oid } })), variables.commits),
        },
      },
    };
  }

  private gitlab(url: URL): { body: unknown; headers?: Record<string, string>; comments: number } | undefined {
    const { owner, name, pulls } = this.options.repo;
    // docs.gitlab.com/api/rest/#namespaced-paths: the project id may be the URL-encoded path.
    const base = `/api/v4/projects/${encodeURIComponent(`${owner}/${name}`)}/merge_requests`;
    const path = url.pathname;
    if (path === base) {
      // docs.gitlab.com/api/merge_requests/#list-project-merge-requests: order_by=updated_at, sort=desc, updated_after;
      // who opened each is `author` (id, username, name, state).
      const after = url.searchParams.get('updated_after');
      const listed = [...pulls].filter((pr) => !after || Date.parse(pr.updatedAt) > Date.parse(after)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.number - a.number);
      const author = (pr: SyntheticPull) => ({ id: 1, username: pr.author, name: pr.author, state: 'active' });
      return { ...this.page(url, listed.map((pr) => ({ id: 50_000 + pr.number, iid: pr.number, project_id: 1, state: 'merged', updated_at: pr.updatedAt, author: author(pr), sha: pr.head }))), comments: 0 };
    }
    const match = /^\/(\d+)\/(discussions|approvals|commits)$/.exec(path.startsWith(base) ? path.slice(base.length) : '');
    const pr = match ? pulls.find((p) => p.number === Number(match[1])) : undefined;
    if (!match || !pr) return undefined;
    if (match[2] === 'approvals') {
      return { body: { approved: true, approved_by: pr.reviews.filter((r) => r.state === 'APPROVED').map((r) => ({ user: { username: r.author, id: 1 } })) }, comments: 0 };
    }
    // docs.gitlab.com/api/merge_requests/#get-single-merge-request-commits: newest first.
    if (match[2] === 'commits') return { ...this.page(url, [pr.head, pr.reviewed].map((id) => ({ id, short_id: id.slice(0, 8), title: 'pr' }))), comments: 0 };
    const page = this.page(url, this.gitlabDiscussions(pr));
    return { ...page, comments: (page.body as Array<{ notes: unknown[] }>).reduce((n, d) => n + d.notes.length, 0) };
  }

  /** docs.gitlab.com/api/discussions/#list-project-merge-request-discussion-items: DiffNote notes with a text position. */
  private gitlabDiscussions(pr: SyntheticPull): object[] {
    const roots = pr.comments.filter((c) => c.replyTo === undefined);
    return roots.map((root) => ({
      id: createHash('sha1').update(String(root.id)).digest('hex'),
      individual_note: false,
      notes: pr.comments
        .filter((c) => c === root || c.replyTo === root.id)
        .map((c) => ({
          id: c.id,
          type: 'DiffNote',
          body: c.body,
          author: { id: 1, username: c.author, name: c.author, state: 'active' },
          created_at: c.createdAt,
          updated_at: c.createdAt,
          system: false,
          noteable_id: 50_000 + pr.number,
          noteable_type: 'MergeRequest',
          noteable_iid: pr.number,
          resolvable: true,
          resolved: c.resolved,
          position: { base_sha: pr.base, start_sha: pr.base, head_sha: pr.reviewed, old_path: c.path, new_path: c.path, position_type: 'text', old_line: null, new_line: c.line },
        })),
    }));
  }

  /**
   * page / per_page (at most 100) with a Link header's rel="next" and rel="last"
   * (docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api; docs.gitlab.com/api/rest/#pagination-link-header,
   * which adds x-total and x-next-page).
   */
  private page(url: URL, items: unknown[]): { body: unknown[]; headers: Record<string, string> } {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const next = new URL(url.toString().replace('http://stand-in', this.apiUrl.replace(/\/api\/v4$/, '')));
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    const links = [...(page < pages ? [`<${link(page + 1)}>; rel="next"`] : []), `<${link(pages)}>; rel="last"`];
    const headers: Record<string, string> = { link: links.join(', ') };
    if (this.options.forge === 'gitlab') Object.assign(headers, { 'x-total': String(items.length), 'x-page': String(page), 'x-per-page': String(perPage), 'x-next-page': page < pages ? String(page + 1) : '' });
    return { body: items.slice((page - 1) * perPage, page * perPage), headers };
  }
}
