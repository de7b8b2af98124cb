// Importing exported pull-request review comments (GitHub's REST shape, GitLab's discussions and notes)
// and joining them to a REAL repository built by the test: threads, outdated comments, a file deleted later,
// commits missing locally, rebuilt GitLab hunks, and the bad inputs.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HouseStyleError } from '../../src/core/errors';
import { remoteRepository } from '../../src/core/dataset/git/remoteRepository';
import { importReviewComments } from '../../src/core/dataset/reviewComments/importReviewComments';
import type { EvidenceItem, ThreadCount } from '../../src/core/dataset/reviewEvent';
import { REPO_ROOT } from '../support/cli';
import { buildReviewCommentsRepo, type ReviewCommentsRepo } from '../support/reviewCommentsRepo';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'review-comments');
const GITHUB = path.join(FIXTURES, 'github-review-comments.json');
const GITLAB = path.join(FIXTURES, 'gitlab-discussions.json');

/** The commit ids the fixtures name; the repository built below must reproduce them. */
const FIXTURE_COMMITS = {
  h1: '099a18940da4493e19b7b1c4b85058fd690c4d3c',
  h2: 'ffff84738bb37a2fed6ac057276f6d0d82fd5202',
  merge21: '1d5f69a7cabd83fc77fd858291856c956d55d501',
  g1: '71856989e73c39e7e0d6c9b7ad069e2c9c52edee',
  g2: '02959d6930cd382208aaa9114149e053d660ebf3',
  merge7: '7b08192fb64a7609a3b4150aecc8beabc80a6049',
};
const { h1, h2, merge21, g1, g2, merge7 } = FIXTURE_COMMITS;

/** The evidence an import yields, and the thread count it ends with. */
async function importing(repo: string, file: string, remote?: string): Promise<{ items: EvidenceItem[]; threads?: ThreadCount['threads'] }> {
  const items: EvidenceItem[] = [];
  let threads: ThreadCount['threads'] | undefined;
  for await (const item of importReviewComments({ repo, file, ...(remote && { remote }) })) {
    if ('threads' in item) threads = item.threads;
    else items.push(item);
  }
  return { items, ...(threads && { threads }) };
}

async function importedWithCode(repo: string, file: string, remote?: string): Promise<EvidenceItem[]> {
  return (await importing(repo, file, remote)).items;
}

/** The imported items without the whole files and hunks read from git (asserted on their own below). */
async function imported(repo: string, file: string): Promise<EvidenceItem[]> {
  return (await importedWithCode(repo, file)).map((item) => {
    if ('skip' in item) return item;
    const { anchor: _anchor, fullHunk: _fullHunk, ...event } = item.event;
    return { event };
  });
}

async function rejection(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof HouseStyleError, `expected a HouseStyleError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(error.hint);
    return true;
  });
}

describe('importing review comments', () => {
  let built: ReviewCommentsRepo;
  let scratch: string;

  before(() => {
    built = buildReviewCommentsRepo();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'housestyle-comments-'));
  });
  after(() => {
    built.repo.remove();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('the test repository reproduces the commits the fixtures were exported from', () => {
    const { initial: _initial, ...commits } = built.commits;
    assert.deepEqual(commits, FIXTURE_COMMITS);
  });

  test('GitHub review comments: threads joined to their code and to the revised code', async () => {
    const url = (id: number) => `https://github.com/team/app/pull/21#discussion_r${id}`;
    const prUrl = (id: number) => ({ url: url(id), pullRequest: '21' });
    assert.deepEqual(await imported(built.repo.dir, GITHUB), [
      { skip: { source: 'github-review-comments.json comment 1010', reason: 'reply to comment 999, which is not in the export' } },
      {
        // Outdated: h2 rewrote the commented line; the revision comes from the merged head (h2).
        event: {
          kind: 'pr-comment',
          groupId: merge21,
          path: 'src/server.ts',
          diffHunk:
            "@@ -2,10 +2,12 @@ import http from 'node:http';\n \n export function serve(port) {\n   const server = http.createServer(handle);\n+  server.setTimeout(5000);\n   server.listen(port);\n   return server;\n }\n \n function handle(req, res) {\n+  var started = Date.now();",
          before: "}\n\nfunction handle(req, res) {\n  var started = Date.now();\n  res.end('ok');\n}",
          after: "}\n\nfunction handle(req, res) {\n  const started = Date.now();\n  res.end('ok');\n}",
          comment: 'Prefer const here: `started` is never reassigned.',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-02T09:00:00Z',
          metadata: {
            commits: [h1, h2],
            ...prUrl(1001),
            outdated: true,
            replies: [
              { author: 'alice', body: 'Done in the next commit.', date: '2024-01-02T09:30:00Z' },
              { author: 'bob', body: 'Thanks!', date: '2024-01-02T10:00:00Z' },
            ],
          },
        },
      },
      {
        // A two-line comment (start_line 4, line 5); the revision includes the line h2 inserted above.
        event: {
          kind: 'pr-comment',
          groupId: merge21,
          path: 'src/server.ts',
          diffHunk: "@@ -2,10 +2,12 @@ import http from 'node:http';\n \n export function serve(port) {\n   const server = http.createServer(handle);\n+  server.setTimeout(5000);",
          before: "import http from 'node:http';\n\nexport function serve(port) {\n  const server = http.createServer(handle);\n  server.setTimeout(5000);\n  server.listen(port);\n  return server;\n}",
          after:
            "import http from 'node:http';\nconst TIMEOUT_MS = 5000;\n\nexport function serve(port) {\n  const server = http.createServer(handle);\n  server.setTimeout(TIMEOUT_MS);\n  server.listen(port);\n  return server;\n}",
          comment: 'Make the timeout a named constant so it can be configured.',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-02T09:01:00Z',
          metadata: { commits: [h1, h2], ...prUrl(1004), outdated: true },
        },
      },
      {
        // Still current (line 8 at h2): the commented line never changed, so there is no revision.
        event: {
          kind: 'pr-comment',
          groupId: merge21,
          path: 'src/server.ts',
          diffHunk: "@@ -2,10 +2,12 @@ import http from 'node:http';\n \n export function serve(port) {\n   const server = http.createServer(handle);\n+  server.setTimeout(5000);\n   server.listen(port);\n   return server;",
          before: "  const server = http.createServer(handle);\n  server.setTimeout(5000);\n  server.listen(port);\n  return server;\n}\n\nfunction handle(req, res) {",
          comment: 'Should serve() return a promise that resolves once it listens?',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-02T09:02:00Z',
          metadata: { commits: [h1], ...prUrl(1005) },
        },
      },
      {
        // On a file that h2 deleted: the code is recovered from h1; no revision exists.
        event: {
          kind: 'pr-comment',
          groupId: merge21,
          path: 'src/legacy.ts',
          diffHunk: '@@ -1 +1,2 @@\n export const legacy = true;\n+export const timeoutMs = 5000;',
          before: 'export const legacy = true;\nexport const timeoutMs = 5000;',
          comment: 'Is this constant still used anywhere?',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-02T09:03:00Z',
          metadata: { commits: [h1], ...prUrl(1006), outdated: true },
        },
      },
      {
        // Made on a commit this clone never had: kept from the export's diff hunk alone.
        event: {
          kind: 'pr-comment',
          groupId: merge21,
          path: 'src/server.ts',
          diffHunk: "@@ -1,3 +1,3 @@\n import http from 'node:http';\n \n-export function serve() {\n+export function serve(port) {",
          before: "import http from 'node:http';\n\nexport function serve(port) {",
          comment: 'The port should have a default.',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-01T12:00:00Z',
          metadata: {
            ...prUrl(1007),
            hunkFallback: "commit 0123456789ab is not in the local repository (fetch the pull request's commits to join this comment to its code)",
          },
        },
      },
      {
        skip: {
          source: 'github-review-comments.json comment 1008',
          reason: "commit 0123456789ab is not in the local repository (fetch the pull request's commits to join this comment to its code), and the export has no diff hunk to fall back on",
        },
      },
    ]);
    // Six threads (1010 answers a comment the export lacks, so it is none); 1008's code is not here.
    assert.deepEqual((await importing(built.repo.dir, GITHUB)).threads, { exported: 6, imported: 5 });
  });

  test('a comment keeps the file it was made on and the whole hunk from git, not only the cut one', async () => {
    const [, first] = await importedWithCode(built.repo.dir, GITHUB);
    assert.ok(first && 'event' in first);
    const { anchor, fullHunk, diffHunk } = first.event;
    assert.equal(anchor?.commit, h1);
    assert.deepEqual([anchor?.startLine, anchor?.endLine], [11, 11]);
    assert.equal(anchor?.fileText.split('\n')[10], '  var started = Date.now();');
    assert.equal(anchor?.revised, '  const started = Date.now();', 'the final version of the commented line');
    // GitHub's hunk stops at the commented line; the one from git (merge base → h1) is whole.
    assert.ok(diffHunk.endsWith('+  var started = Date.now();'));
    assert.equal(
      fullHunk,
      "@@ -2,10 +2,12 @@\n \n export function serve(port) {\n   const server = http.createServer(handle);\n+  server.setTimeout(5000);\n   server.listen(port);\n   return server;\n }\n \n function handle(req, res) {\n+  var started = Date.now();\n   res.end('ok');\n }",
    );
  });

  test('an outdated thread is anchored at its original commit and line only, never at the position a later push gave it', async () => {
    const fixture = JSON.parse(readFileSync(GITHUB, 'utf8')) as Array<Record<string, unknown>>;
    // 1001 was made on h1 at line 11 ("var started"); h2 rewrote that line, now line 12 ("const started").
    // Each copy also carries a current position (commit_id h2, line 12), as an export may after a later push.
    const ours = { ...fixture[0]!, commit_id: h2, line: 12 };
    const forcePushed = 'abcdef0123456789abcdef0123456789abcdef01';
    const thread = (outdated: boolean) => ({ review_thread: { isResolved: outdated, isOutdated: outdated } });
    const comments = [
      { ...ours, id: 5001, ...thread(true) },
      // The reviewed commit was force-pushed away: only the export's hunk shows what the reviewer saw.
      { ...ours, id: 5002, original_commit_id: forcePushed, ...thread(true) },
      // The same, but the forge says the thread is current: its current position is the code it is about.
      { ...ours, id: 5003, original_commit_id: forcePushed, ...thread(false) },
    ];
    const file = path.join(scratch, 'outdated.json');
    writeFileSync(file, JSON.stringify(comments));
    // The pull request's uncommented files come as 'pr-file' events; only the comments' anchors are asked about here.
    const events = (await importedWithCode(built.repo.dir, file)).flatMap((item) => ('event' in item && item.event.kind !== 'pr-file' ? [item.event] : []));
    const where = events.map((event) => (event.anchor ? `${event.anchor.commit.slice(0, 7)}:${event.anchor.startLine}-${event.anchor.endLine}` : `hunk (${event.metadata.hunkFallback})`));
    assert.deepEqual(where, [
      `${h1.slice(0, 7)}:11-11`,
      "hunk (commit abcdef012345 is not in the local repository (fetch the pull request's commits to join this comment to its code))",
      `${h2.slice(0, 7)}:12-12`,
    ]);
    assert.deepEqual(
      events.map((event) => event.before?.split('\n').find((line) => line.includes('started'))),
      ['  var started = Date.now();', '  var started = Date.now();', '  const started = Date.now();'],
      'the commented line as the comment is read against it',
    );
  });

  test('a position whose line is not the one the export\'s hunk ends on is not trusted: the hunk is used, and the reason named', async () => {
    const fixture = JSON.parse(readFileSync(GITHUB, 'utf8')) as Array<Record<string, unknown>>;
    // 1001 is on line 11 of h1 ("var started"); a converted export that names line 3 (of the same commit) is wrong.
    const comments = [{ ...fixture[0]!, id: 6001, original_line: 3, line: 3, commit_id: h1 }];
    const file = path.join(scratch, 'misplaced.json');
    writeFileSync(file, JSON.stringify(comments));
    const [event] = (await importedWithCode(built.repo.dir, file)).flatMap((item) => ('event' in item && item.event.kind === 'pr-comment' ? [item.event] : []));
    assert.equal(event?.anchor, undefined);
    assert.equal(event?.metadata.hunkFallback, `line 3 of src/server.ts at commit ${h1.slice(0, 12)} is not the line the export's diff hunk ends on`);
    assert.equal(event?.before, '}\n\nfunction handle(req, res) {\n  var started = Date.now();', 'the commented line and three lines above it, from the hunk');
    // The file git has there is kept whole beside it (not as an anchor): it names the file's language and whether it is generated.
    assert.equal(event?.reviewedFile?.commit, h1);
    assert.equal(event?.reviewedFile?.fileText.split('\n')[10], '  var started = Date.now();');
    // On the removed side GitHub names no commit: the hunk is all there is, and the reason says so.
    writeFileSync(file, JSON.stringify([{ ...fixture[0]!, id: 6002, side: 'LEFT', diff_hunk: '@@ -3,2 +3,2 @@\n export function serve() {\n-  listen();' }]));
    const [left] = (await importedWithCode(built.repo.dir, file)).flatMap((item) => ('event' in item && item.event.kind === 'pr-comment' ? [item.event] : []));
    assert.equal(left?.metadata.hunkFallback, 'the export names no commit for src/server.ts at this comment (a comment on removed lines names none)');
  });

  test("a fork's pull request with the same number does not join the local one; paths outside the repository are skipped", async () => {
    const fixture = JSON.parse(readFileSync(GITHUB, 'utf8')) as Array<Record<string, unknown>>;
    const ours = fixture[0]!;
    // An old fork's #21, made on a commit that exists here too: its number must not join our #21.
    const fork = { ...ours, id: 4001, commit_id: h1, pull_request_url: 'https://api.github.com/repos/old-fork/app/pulls/21', html_url: 'https://github.com/old-fork/app/pull/21#discussion_r4001' };
    const escaping = { ...ours, id: 4002, path: '../outside/secret.ts' };
    const file = path.join(scratch, 'fork.json');
    writeFileSync(file, JSON.stringify([ours, fork, escaping]));
    built.repo.git(['remote', 'add', 'origin', 'git@github.com:team/app.git']);
    try {
      const items = await importedWithCode(built.repo.dir, file);
      const events = items.flatMap((item) => ('event' in item ? [item.event] : []));
      assert.deepEqual(
        events.filter((event) => event.kind === 'pr-comment').map((event) => [event.groupId, event.after !== undefined]),
        [
          [merge21, true],
          ['old-fork/app#21', false],
        ],
      );
      // Our #21 (its base known from the local merge) also changed src/legacy.ts, which drew no comment: the
      // line h1 added there is what a diff review of that file is sent. The fork's #21 has no local base.
      assert.deepEqual(
        events.filter((event) => event.kind === 'pr-file').map((event) => [event.groupId, event.path, event.reviewedFile?.commit, event.reviewedFile?.changed, event.neededReview]),
        [[merge21, 'src/legacy.ts', h1, [{ startLine: 2, endLine: 2 }], false]],
      );
      assert.deepEqual(
        items.flatMap((item) => ('skip' in item ? [item.skip] : [])),
        [{ source: 'fork.json comment 4002', reason: 'path outside the repository (absolute, or with ".." or "." segments)' }],
      );
    } finally {
      built.repo.git(['remote', 'remove', 'origin']);
    }
  });

  test('only a forge URL names a repository: a clone of a local path or mirror keys no pull request', async () => {
    const remotes: Array<[string, string | undefined]> = [
      ['git@github.com:Team/App.git', 'team/app'],
      ['https://gitlab.example.com/group/sub/app.git', 'sub/app'],
      ['ssh://git@github.com/team/app', 'team/app'],
      ['/work/.mirror/libuv+libuv/repo', undefined],
      ['file:///srv/git/app.git', undefined],
      ['../app', undefined],
    ];
    for (const [url, expected] of remotes) {
      built.repo.git(['remote', 'add', 'origin', url]);
      try {
        assert.equal(await remoteRepository(built.repo.dir, 'origin'), expected, url);
      } finally {
        built.repo.git(['remote', 'remove', 'origin']);
      }
    }
  });

  test('GitLab discussions: hunks rebuilt from base and head, replies joined, non-code notes skipped', async () => {
    assert.deepEqual(await imported(built.repo.dir, GITLAB), [
      { skip: { source: 'gitlab-discussions.json discussion 87805b7c09016a7058e91bdbe7b29d1f284a39e6', reason: 'not attached to code (no diff position)' } },
      { skip: { source: 'gitlab-discussions.json discussion 3f2d0c6a3a8e9d3b2c1f0e9d8c7b6a5f4e3d2c1b', reason: 'system note (generated by GitLab, not a reviewer)' } },
      {
        event: {
          kind: 'pr-comment',
          groupId: merge7,
          path: 'src/server.ts',
          diffHunk: "@@ -9,3 +9,4 @@\n }\n \n function handle(req, res) {\n+  if (Number(req.headers['content-length']) > 1e6) return res.end('too big');",
          before: "}\n\nfunction handle(req, res) {\n  if (Number(req.headers['content-length']) > 1e6) return res.end('too big');\n  const started = Date.now();\n  res.end('ok');\n}",
          after:
            "}\n\nfunction handle(req, res) {\n  if (Number(req.headers['content-length']) > 1e6) {\n    res.statusCode = 413;\n    return res.end('too big');\n  }\n  const started = Date.now();\n  res.end('ok');\n}",
          comment: 'Large bodies should get a 413 status, not a 200.',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-03T09:00:00.000Z',
          metadata: { commits: [g1, g2], pullRequest: '7', replies: [{ author: 'alice', body: 'Fixed in the next commit.', date: '2024-01-03T09:20:00.000Z' }] },
        },
      },
      {
        // On an unchanged line outside every hunk: the hunk is the context above it.
        event: {
          kind: 'pr-comment',
          groupId: merge7,
          path: 'src/server.ts',
          diffHunk: '@@ -5,4 +5,4 @@\n   const server = http.createServer(handle);\n   server.setTimeout(TIMEOUT_MS);\n   server.listen(port);\n   return server;',
          before: '  const server = http.createServer(handle);\n  server.setTimeout(TIMEOUT_MS);\n  server.listen(port);\n  return server;\n}\n\nfunction handle(req, res) {',
          comment: 'Nit: serve() could return a promise.',
          neededReview: true,
          reviewer: 'bob',
          date: '2024-01-03T09:06:00.000Z',
          metadata: { commits: [g1], pullRequest: '7' },
        },
      },
      {
        skip: {
          source: 'gitlab-discussions.json comment 306',
          reason: "commit fedcba987654 is not in the local repository (fetch the pull request's commits to join this comment to its code)",
        },
      },
    ]);
  });

  test('GitLab notes (a flat list): each positioned note is its own thread', async () => {
    const discussions = JSON.parse(readFileSync(GITLAB, 'utf8')) as Array<{ notes: Array<{ id: number }> }>;
    const notes = discussions.flatMap((discussion) => discussion.notes).filter((note) => [301, 303, 304].includes(note.id));
    const file = path.join(scratch, 'gitlab-notes.json');
    writeFileSync(file, JSON.stringify(notes));
    const items = await imported(built.repo.dir, file);
    assert.deepEqual(
      items.map((item) => ('skip' in item ? item.skip : [item.event.comment, item.event.groupId, item.event.metadata.replies])),
      [
        { source: 'gitlab-notes.json note 303', reason: 'not attached to code (no diff position)' },
        { source: 'gitlab-notes.json note 304', reason: 'system note (generated by GitLab, not a reviewer)' },
        ['Large bodies should get a 413 status, not a 200.', merge7, undefined],
      ],
    );
  });

  test('bad exports and repositories: a clear error naming the file and what is wrong', async () => {
    const write = (name: string, text: string) => {
      const file = path.join(scratch, name);
      writeFileSync(file, text);
      return file;
    };
    const repo = built.repo.dir;
    await rejection(() => imported(repo, write('corrupt.json', '[{"id": 1, "body": "unterminated')), /corrupt\.json is not valid JSON/);
    await rejection(() => imported(repo, write('object.json', '{"comments": []}')), /object\.json is not a JSON array of comments/);
    await rejection(() => imported(repo, write('unknown.json', '[{"title": "an issue"}]')), /unknown\.json is neither GitHub review comments nor GitLab discussions or notes/);
    const github = JSON.parse(readFileSync(GITHUB, 'utf8')) as Array<Record<string, unknown>>;
    delete github[1]!.diff_hunk;
    await rejection(() => imported(repo, write('shape.json', JSON.stringify(github))), /shape\.json does not have the shape of GitHub review comments:[\s\S]*\[1\]\.diff_hunk/);
    await rejection(() => imported(repo, path.join(scratch, 'absent.json')), /Cannot read the review-comments export .*absent\.json/);
    await rejection(() => imported(scratch, GITHUB), /is not a git repository/);
    assert.deepEqual(await imported(repo, write('empty.json', '[]')), []);
  });
});
