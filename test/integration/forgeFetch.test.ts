import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { fetchReviewComments } from '../../src/core/forge/fetchReviewComments';
import { ForgeClient } from '../../src/core/forge/forgeClient';
import { REPO_ROOT, runCli } from '../support/cli';
import { ForgeTestServer, type ForgeRequest } from '../support/forgeTestServer';
import { GitTestRepo } from '../support/gitRepo';
import { buildSyntheticForgeRepo, type SyntheticForgeRepo, type SyntheticPull } from '../support/syntheticForgeRepo';

const TOKEN = 'ghp_standInToken0123456789abcdefABCDEF';
const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function standIn(forge: 'github' | 'gitlab', repo: SyntheticForgeRepo, intercept?: (request: ForgeRequest) => ReturnType<NonNullable<ForgeTestServer['intercept']>>) {
  const server = await ForgeTestServer.start({ forge, repo, token: TOKEN, ...(intercept && { intercept }) });
  cleanups.push(() => server.close());
  return server;
}

function syntheticRepo(pulls: number, commentsPerPull: number): SyntheticForgeRepo {
  const made = buildSyntheticForgeRepo({ pulls, commentsPerPull });
  cleanups.push(() => made.repo.remove());
  return made;
}

function emptyWorkspace(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'housestyle-forge-'));
}

/**
 * The pull request's author opens a thread on a line of their own diff, as authors do to explain a change
 * (redis/librdb: "Fyi, these two functions are used for double <-> string conversion in redis. ... I just copied
 * it exactly"); `login` is the author's as they typed it, which the forge compares without case.
 */
function annotateOwnDiff(pull: SyntheticPull, login: string): SyntheticPull['comments'][number] {
  const [first] = pull.comments;
  const annotation = { ...first!, id: 99_100 + pull.number, author: login, line: 18, outdated: false, resolved: false, body: 'Fyi, these helpers convert doubles to strings as redis does; I copied them exactly.', createdAt: first!.createdAt };
  pull.comments.push(annotation);
  return annotation;
}

const cacheDir = (workspace: string, forge = 'github') => path.join(workspace, '.housestyle', 'forge', forge, 'acme__widgets');
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;

/** Every file under a folder, recursively (.git included). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? allFiles(full) : entry.isFile() ? [full] : [];
  });
}

/**
 * What a fetch leaves in the workspace (the forge folder whole: each pull request, the export, the fetch state),
 * with the state's fetch date taken out: what two fetches of the same data must agree on. Temporary files of
 * writes a kill interrupted are left out (never read back).
 */
function fetchOutput(workspace: string): Map<string, string> {
  const dir = path.join(workspace, '.housestyle', 'forge');
  return new Map(
    allFiles(dir)
      .filter((f) => !f.endsWith('.tmp'))
      .map((f) => {
        const text = readFileSync(f, 'utf8');
        return [path.relative(dir, f), path.basename(f) === 'fetch.json' ? JSON.stringify({ ...(JSON.parse(text) as object), fetchedAt: undefined }) : text];
      }),
  );
}

describe('dataset fetch against the forge stand-in', () => {
  test('a full fetch, inferred from the git remote, caches every human comment once, filters bots and empty approvals, never writes the token, and dataset build reads it', async () => {
    const made = syntheticRepo(6, 4);
    const annotation = annotateOwnDiff(made.pulls[2]!, 'Alice');
    const server = await standIn('github', made);
    made.repo.git(['remote', 'add', 'origin', 'https://github.com/acme/widgets.git']);
    const workspace = made.repo.dir;

    const fetched = await runCli(['dataset', 'fetch', '--workspace', workspace, '--api-url', server.apiUrl, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(fetched.code, 0, fetched.stderr);
    const report = JSON.parse(fetched.stdout) as { source: string; totals: Record<string, number>; exportFile: string };
    assert.equal(report.source, 'github:acme/widgets');
    const exported = readJson(report.exportFile) as Array<{ id: number; user: { login: string }; line: number | null; pull_request_author?: { login: string } }>;
    assert.equal(exported.length, made.humanComments + 1);
    assert.equal(new Set(exported.map((c) => c.id)).size, exported.length, 'no comment twice');
    assert.ok(exported.every((c) => !c.user.login.endsWith('[bot]')));
    assert.ok(exported.every((c) => c.pull_request_author?.login === 'alice'), 'each comment names who opened its pull request');
    assert.equal(server.stats.commentsServed, made.humanComments + 1 + made.botComments, 'each comment requested once');
    assert.deepEqual({ bots: report.totals.botComments, empty: report.totals.emptyApprovals, reviews: report.totals.reviews }, { bots: made.botComments, empty: made.emptyApprovals, reviews: 3 });
    const pr2 = readJson(path.join(cacheDir(workspace), 'pulls', '2.json')) as { threads: Array<{ resolved: boolean; outdated: boolean }>; reviews: Array<{ state: string }>; commits: string[] };
    assert.deepEqual(pr2.threads.map((t) => [t.resolved, t.outdated]), [[true, false], [true, true], [false, false], [true, true]]);
    assert.deepEqual(pr2.reviews.map((r) => r.state), ['CHANGES_REQUESTED']);
    assert.deepEqual(pr2.commits, [made.pulls[1]!.reviewed, made.pulls[1]!.head]);

    for (const file of allFiles(workspace)) assert.ok(!readFileSync(file).includes(TOKEN), `the token is in ${file}`);
    assert.ok(!fetched.stderr.includes(TOKEN) && !fetched.stdout.includes(TOKEN));
    assert.ok(statSync(path.join(workspace, '.housestyle', 'forge', '.gitignore')).isFile());
    assert.equal(made.repo.git(['status', '--porcelain', '--', '.housestyle/forge']), '', 'the cache is kept out of git');

    const built = await runCli(['dataset', 'build', '--workspace', workspace, '--out', path.join(workspace, 'out'), '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(built.code, 0, built.stderr);
    const dataset = JSON.parse(built.stdout) as { events: Record<string, number>; drops: Record<string, number>; reviewThreads: { exported: number }; samples: { byTask: Record<string, number> } };
    // The author's own thread is imported, then left out and counted; every reviewer's thread (#3's too) is kept.
    assert.equal(dataset.reviewThreads.exported, 6 * 4 + 1);
    assert.equal(dataset.events['pr-comment'], 6 * 4, "one event per reviewer's thread");
    assert.equal(dataset.drops['author-annotation'], 1);
    assert.ok((dataset.samples.byTask['review-findings'] ?? 0) > 0);
    // Thread state: each pull request's second commit rewrites line 48 (its threads outdated and resolved); squash
    // landings also edit line 8 of the second file, whose thread is open and current: that edit answers no review,
    // so it gives no code refinement, while the thread's words stay a review comment.
    const written = readFileSync(path.join(workspace, 'out', 'metadata.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { task: string; source: string; url?: string; replies?: unknown[] });
    assert.ok(!written.some((m) => m.source === 'pr-comment' && m.url?.endsWith(`#discussion_r${annotation.id}`)), "no sample from the author's own thread");
    assert.ok(written.some((m) => m.source === 'pr-comment' && m.replies?.length), "the author's replies in reviewers' threads stay");
    const threadsOf = (task: string) => written.filter((m) => m.task === task && m.source === 'pr-comment').map((m) => made.pulls.flatMap((p) => p.comments).find((c) => m.url?.endsWith(`#discussion_r${c.id}`))!);
    assert.deepEqual(threadsOf('code-refinement').map((c) => `${c.line} ${c.resolved} ${c.outdated}`), Array(6 * 2).fill('48 true true'));
    assert.equal(threadsOf('review-comment').filter((c) => !c.resolved).length, 6, 'the open threads are kept as review comments');
    const fetchedAt = (readJson(path.join(cacheDir(workspace), 'fetch.json')) as { fetchedAt: string }).fetchedAt;
    const card = readFileSync(path.join(workspace, 'out', 'README.md'), 'utf8');
    assert.ok(card.includes(`Review comments from github:acme/widgets, fetched from the forge on ${fetchedAt.slice(0, 10)} ${fetchedAt.slice(11, 19)} UTC.`), card.slice(0, 600));
    assert.match(card, /1 opened by the pull request's own author on their diff \(explanations, not review\) were left out as author-annotation/);
    assert.match(card, /\| author-annotation \| 1 \|/);

    // A cache written before authors were kept: its records load, the export it gives names no author, and the
    // build then leaves nothing out for it (the author's thread is taken as anyone's).
    for (const name of readdirSync(path.join(cacheDir(workspace), 'pulls'))) {
      const file = path.join(cacheDir(workspace), 'pulls', name);
      const { author: _author, ...older } = readJson(file) as { author?: string };
      writeFileSync(file, JSON.stringify(older));
    }
    const refetched = await runCli(['dataset', 'fetch', '--workspace', workspace, '--api-url', server.apiUrl, '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(refetched.code, 0, refetched.stderr);
    assert.equal((JSON.parse(refetched.stdout) as { fetched: number }).fetched, 0, 'nothing updated: the cached records are used as they are');
    const unattributed = readJson(report.exportFile) as Array<{ pull_request_author?: unknown }>;
    assert.equal(unattributed.length, made.humanComments + 1);
    assert.ok(unattributed.every((c) => c.pull_request_author === undefined));
    const rebuilt = await runCli(['dataset', 'build', '--workspace', workspace, '--out', path.join(workspace, 'out-older'), '--json'], { env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const older = JSON.parse(rebuilt.stdout) as { events: Record<string, number>; drops: Record<string, number> };
    // Nothing is left out for its author; the annotation's words ("Fyi, …", asking nothing) still leave it out as no-request.
    assert.deepEqual(
      { kept: older.events['pr-comment'], annotations: older.drops['author-annotation'], remarks: older.drops['no-request'] },
      { kept: 6 * 4, annotations: undefined, remarks: 1 },
    );
  });

  test('a second fetch asks only what changed: unchanged pull requests are not fetched, unchanged comments answer 304', async () => {
    const made = syntheticRepo(8, 2);
    const server = await standIn('github', made);
    const workspace = emptyWorkspace();
    const config = await loadConfig(workspace);
    const fetch = () => fetchReviewComments({ workspace, config, target: 'github:acme/widgets', apiUrl: server.apiUrl, env: { GITHUB_TOKEN: TOKEN } });
    const first = await fetch();
    assert.equal(first.fetched, 8);

    server.stats.paths.clear();
    const second = await fetch();
    assert.deepEqual({ fetched: second.fetched, requests: second.requests.requests, notModified: second.requests.notModified }, { fetched: 0, requests: 1, notModified: 1 }, 'one list page, answered 304');

    // #3 gets a new comment; #5 a new review only (its comments unchanged): both now updated most recently.
    const pr3 = made.pulls[2]!;
    pr3.comments.push({ ...pr3.comments[0]!, id: 99_001, body: 'One more thing: name this constant.', createdAt: '2026-01-01T00:00:00Z' });
    pr3.updatedAt = '2026-01-01T00:00:00Z';
    const pr5 = made.pulls[4]!;
    pr5.reviews.push({ id: 99_002, state: 'COMMENTED', author: 'dave', body: 'Looks better now.', submittedAt: '2026-01-01T00:01:00Z' });
    pr5.updatedAt = '2026-01-01T00:01:00Z';
    const notModifiedBefore = server.stats.notModified;
    const third = await fetch();
    assert.deepEqual({ fetched: third.fetched, comments: third.totals.comments }, { fetched: 2, comments: made.humanComments + 1 });
    assert.equal(server.stats.notModified - notModifiedBefore, 1, "#5's comments answered 304");
    const cached5 = readJson(path.join(cacheDir(workspace), 'pulls', '5.json')) as { reviews: Array<{ body: string }> };
    assert.ok(cached5.reviews.some((r) => r.body === 'Looks better now.'));
  });

  test('killed (SIGKILL) at the start, mid-body, in the middle and at the last request, a rerun ends with exactly what an uninterrupted fetch writes', async () => {
    const made = syntheticRepo(10, 3);
    const uninterrupted = emptyWorkspace();
    let requests = 0;
    const server = await standIn('github', made, () => void requests++);
    await fetchReviewComments({ workspace: uninterrupted, config: await loadConfig(uninterrupted), target: 'github:acme/widgets', apiUrl: server.apiUrl, env: { GITHUB_TOKEN: TOKEN } });
    const total = requests;
    const expected = fetchOutput(uninterrupted);
    assert.ok(expected.has(path.join('github', 'acme__widgets', 'review-comments.json')) && expected.has(path.join('github', 'acme__widgets', 'fetch.json')));

    // The fetcher is stopped at the nth request it makes (with four workers, other pull requests are in flight or
    // being written around it): the list's first page (nothing cached yet), a body half received, the middle, and
    // the last request (every other pull request cached, the export and state not yet written).
    const points: Array<[number, 'hold' | 'stall']> = [
      [1, 'hold'],
      [Math.floor(total / 3), 'stall'],
      [Math.floor(total / 2), 'hold'],
      [total, 'hold'],
    ];
    for (const [nth, fault] of points) {
      let reached!: () => void;
      const held = new Promise<void>((resolve) => (reached = resolve));
      let seen = 0;
      server.intercept = () => {
        if (++seen !== nth) return undefined;
        reached();
        return fault;
      };
      const workspace = emptyWorkspace();
      const args = ['--import', 'tsx', path.join(REPO_ROOT, 'src', 'cli', 'main.ts'), 'dataset', 'fetch', 'github:acme/widgets', '--workspace', workspace, '--api-url', server.apiUrl];
      const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, GITHUB_TOKEN: TOKEN }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await held;
      child.kill('SIGKILL');
      await exited;
      assert.ok(!allFiles(workspace).some((f) => f.endsWith('review-comments.json')), `request ${nth}: killed before the export`);

      server.intercept = undefined;
      const rerun = await runCli(['dataset', 'fetch', 'github:acme/widgets', '--workspace', workspace, '--api-url', server.apiUrl], { env: { GITHUB_TOKEN: TOKEN } });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.deepEqual(fetchOutput(workspace), expected, `killed at request ${nth} of ${total} (${fault})`);
    }
  });

  test('rate limits are waited out (403 with x-ratelimit-remaining 0, 429 with retry-after); 502s, resets and cut bodies are retried', async () => {
    const made = syntheticRepo(6, 2);
    const faults = new Map<string, ReturnType<NonNullable<ForgeTestServer['intercept']>>>();
    const resetAt = Math.ceil(Date.now() / 1000) + 1;
    faults.set('/repos/acme/widgets/pulls/2/comments', { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) }, body: { message: 'API rate limit exceeded' } });
    faults.set('/repos/acme/widgets/pulls/3/comments', { status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit.' } });
    faults.set('/repos/acme/widgets/pulls/4/comments', { status: 502, body: { message: 'Server Error' } });
    faults.set('/repos/acme/widgets/pulls/5/comments', 'reset');
    faults.set('/repos/acme/widgets/pulls/6/comments', 'cut');
    const retriedAt = new Map<string, number>();
    const server = await standIn('github', made, (request) => {
      const key = request.url.split('?')[0]!;
      const fault = faults.get(key);
      faults.delete(key);
      if (!fault && key.endsWith('/2/comments')) retriedAt.set(key, Date.now());
      return fault;
    });
    const workspace = emptyWorkspace();
    const report = await fetchReviewComments({ workspace, config: await loadConfig(workspace), target: 'github:acme/widgets', apiUrl: server.apiUrl, env: { GITHUB_TOKEN: TOKEN }, retryBaseMs: 20 });
    assert.equal(report.totals.comments, made.humanComments);
    assert.equal(report.requests.rateLimitWaits, 2);
    assert.ok(report.requests.retries >= 3);
    assert.ok(retriedAt.get('/repos/acme/widgets/pulls/2/comments')! >= resetAt * 1000, 'nothing asked again before the reset');
  });

  test('GitLab: merge request discussions, approvals and commits give the same threads, and the build reads them', async () => {
    const made = syntheticRepo(4, 3);
    annotateOwnDiff(made.pulls[0]!, 'ALICE');
    const server = await standIn('gitlab', made);
    const workspace = made.repo.dir;
    const fetched = await runCli(['dataset', 'fetch', 'gitlab:acme/widgets', '--workspace', workspace, '--api-url', server.apiUrl, '--json'], { env: { GITLAB_TOKEN: TOKEN } });
    assert.equal(fetched.code, 0, fetched.stderr);
    const report = JSON.parse(fetched.stdout) as { totals: Record<string, number>; exportFile: string };
    const discussions = readJson(report.exportFile) as Array<{ notes: Array<{ noteable_iid: number; merge_request_author?: { username: string } }> }>;
    assert.equal(discussions.length, 4 * 3 + 1);
    assert.equal(discussions.flatMap((d) => d.notes).length, made.humanComments + 1);
    assert.ok(discussions.flatMap((d) => d.notes).every((note) => note.merge_request_author?.username === 'alice'), 'each note names who opened its merge request');
    assert.equal(report.totals.botComments, made.botComments);
    const mr2 = readJson(path.join(cacheDir(workspace, 'gitlab'), 'pulls', '2.json')) as { reviews: Array<{ state: string; author: string }>; threads: Array<{ resolved: boolean }> };
    assert.deepEqual(mr2.reviews, [{ id: 'approval:erin', state: 'APPROVED', author: 'erin', body: '' }]);
    assert.deepEqual(mr2.threads.map((t) => t.resolved), [true, true, false]);
    for (const file of allFiles(workspace)) assert.ok(!readFileSync(file).includes(TOKEN), `the token is in ${file}`);

    const built = await runCli(['dataset', 'build', '--workspace', workspace, '--out', path.join(workspace, 'out'), '--json']);
    assert.equal(built.code, 0, built.stderr);
    const dataset = JSON.parse(built.stdout) as { events: Record<string, number>; drops: Record<string, number> };
    assert.deepEqual({ kept: dataset.events['pr-comment'], left: dataset.drops['author-annotation'] }, { kept: 4 * 3, left: 1 });
  });

  test('without a token: one line says what a token changes, and review comments still come over REST', async () => {
    const made = syntheticRepo(2, 1);
    const server = await standIn('github', made);
    const workspace = emptyWorkspace();
    const fetched = await runCli(['dataset', 'fetch', 'github:acme/widgets', '--workspace', workspace, '--api-url', server.apiUrl], { env: { GITHUB_TOKEN: '', PATH: '/nonexistent' } });
    assert.equal(fetched.code, 0, fetched.stderr);
    assert.match(fetched.stderr, /No GitHub token .*60 requests an hour/);
    assert.equal(server.stats.paths.get('/graphql'), undefined);
    assert.equal((readJson(path.join(cacheDir(workspace), 'review-comments.json')) as unknown[]).length, made.humanComments);
  });

  test('the token goes only to the origins allowed: a Link or a redirect to another origin is followed without it, for both forges', async () => {
    // Two origins on this machine: "api" (allowed) and "elsewhere"; each records the credentials it was sent.
    const seen: Array<{ server: string; path: string; credential: string | undefined }> = [];
    const listen = async (name: string, answer: (path: string, res: http.ServerResponse) => void) => {
      const server = http.createServer((req, res) => {
        seen.push({ server: name, path: req.url ?? '', credential: req.headers.authorization ?? (req.headers['private-token'] as string | undefined) });
        answer(req.url ?? '', res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const elsewhere = await listen('elsewhere', (_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[2]'));
    const api = await listen('api', (at, res) => {
      if (at === '/list') res.writeHead(200, { 'content-type': 'application/json', link: `<${elsewhere}/page2>; rel="next"` }).end('[1]');
      else if (at === '/moved-away') res.writeHead(301, { location: `${elsewhere}/moved` }).end();
      else if (at === '/moved-here') res.writeHead(307, { location: '/here' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('[3]');
    });
    for (const forge of ['github', 'gitlab'] as const) {
      seen.length = 0;
      const client = new ForgeClient({ forge, token: TOKEN, tokenOrigins: [api] });
      assert.deepEqual(await client.getAll<number>(`${api}/list`), [1, 2]);
      assert.deepEqual(await client.getAll<number>(`${api}/moved-away`), [2]);
      assert.deepEqual(await client.getAll<number>(`${api}/moved-here`), [3]);
      const credential = forge === 'github' ? `Bearer ${TOKEN}` : TOKEN;
      assert.deepEqual(
        seen.map((s) => `${s.server}${s.path} ${s.credential === credential ? 'token' : s.credential === undefined ? 'none' : s.credential}`),
        ['api/list token', 'elsewhere/page2 none', 'api/moved-away token', 'elsewhere/moved none', 'api/moved-here token', 'api/here token'],
        forge,
      );
    }
  });

  test("a token is never sent to a host that only the workspace's git remote names; a host the user names gets it", async () => {
    const repo = GitTestRepo.create('forge-remote');
    cleanups.push(() => repo.remove());
    repo.git(['remote', 'add', 'origin', 'https://github.attacker.example/acme/widgets.git']);
    const config = await loadConfig(repo.dir);
    await assert.rejects(
      fetchReviewComments({ workspace: repo.dir, config, env: { GITHUB_TOKEN: TOKEN } }),
      (error: unknown) =>
        error instanceof HouseStyleError && error.code === 'usage' && !error.message.includes(TOKEN) && /github\.attacker\.example.*only to github\.com or to a host you name/.test(error.message) && (error.hint ?? '').includes('github:github.attacker.example/acme/widgets'),
    );
    assert.ok(!allFiles(repo.dir).some((f) => f.includes(`${path.sep}forge${path.sep}`)), 'stopped before anything was fetched or cached');

    // The same repository named by the user (here through --api-url, pointing at the stand-in): the token goes there.
    const made = syntheticRepo(1, 1);
    const server = await standIn('github', made);
    const fetched = await fetchReviewComments({ workspace: repo.dir, config, apiUrl: server.apiUrl, env: { GITHUB_TOKEN: TOKEN } });
    assert.equal(fetched.anonymous, false);
    assert.ok(server.stats.paths.get('/graphql')! > 0, 'GraphQL, which needs the token, answered');
  });
});
