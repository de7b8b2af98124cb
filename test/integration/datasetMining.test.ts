// Mining review evidence from REAL git repositories that the tests build (test/support/gitRepo.ts):
// follow-ups, merged pull-request branches, notes, trailers, reverts, renames, binary files, non-UTF-8
// content, a resolved merge conflict, bots, and the bad inputs. Events are asserted exactly.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { configSchema } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { mineGitHistory, startHistoryPasses, type MineOptions } from '../../src/core/dataset/git/mineGitHistory';
import type { MinedItem, ReviewEvent, SkipRecord } from '../../src/core/dataset/reviewEvent';
import { BOB, GitTestRepo, type Person } from '../support/gitRepo';

const defaults = configSchema.parse({}).dataset;
const CAROL: Person = { name: 'Carol Chair', email: 'carol@example.com' };
const DEPENDABOT: Person = { name: 'dependabot[bot]', email: '49699333+dependabot[bot]@users.noreply.github.com' };
const PR12_URL = 'https://github.com/team/app/pull/12';

async function mine(options: Partial<MineOptions> & { repo: string }, warnings: string[] = []): Promise<{ events: ReviewEvent[]; skips: SkipRecord[] }> {
  const events: ReviewEvent[] = [];
  const skips: SkipRecord[] = [];
  const logger = { info() {}, warn: (message: string) => warnings.push(message) };
  for await (const item of mineGitHistory({ reviewPatterns: defaults.reviewPatterns, botAuthors: defaults.botAuthors, logger, ...options })) {
    if ('event' in item) events.push(item.event);
    else if ('skip' in item) skips.push(item.skip);
  }
  return { events, skips };
}

/** Order is not part of the contract (branches interleave in topological order); content is. */
function sorted<T>(items: T[]): T[] {
  return [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function rejection(run: () => Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(run, (error: unknown) => {
    assert.ok(error instanceof HouseStyleError, `expected a HouseStyleError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(error.hint, 'a hint says what to do');
    return true;
  });
}

describe('mining a repository with review history', () => {
  let repo: GitTestRepo;
  const sha: Record<string, string> = {};
  const dateOf = (commit: string) => repo.git(['show', '--no-patch', '--format=%aI', commit]);

  before(() => {
    repo = GitTestRepo.create();
    repo
      .writeLines('src/app.ts', ["import { start } from './start';", '', 'export function main() {', '  start();', '}'])
      .write('README.md', '# App\n')
      .write('assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02, 0x03]))
      .write('legacy.txt', Buffer.from('Bonjour caf\xe9\n', 'latin1'));
    sha.init = repo.commit('Initial commit');

    // Pull request #12: a parser, moved, then reworked after review; main changes the same line meanwhile.
    repo.branch('feature/parser');
    repo.writeLines('src/parser.ts', ['export function parse(input) {', '  return JSON.parse(input);', '}']);
    repo.writeLines('src/app.ts', ["import { start } from './start';", "import { parse } from './parser';", '', 'export function main() {', '  start();', '}']);
    sha.p1 = repo.commit('Add parser');
    repo.rename('src/parser.ts', 'src/parse/parser.ts');
    sha.p2 = repo.commit('Move parser into its own folder');
    repo.writeLines('src/parse/parser.ts', ['export function parse(input) {', "  if (typeof input !== 'string') throw new TypeError('input must be a string');", '  return JSON.parse(input.trim());', '}']);
    sha.p3 = repo.commit('Address review: validate input before parsing\n\nUntrusted input must not reach JSON.parse unchecked.', { author: BOB, trailers: [['Reviewed-by', 'Carol Chair <carol@example.com>']] });
    repo.checkout('main');
    repo.writeLines('src/app.ts', ["import { start } from './start';", "import { log } from './log';", '', 'export function main() {', '  start();', '}']);
    sha.m1 = repo.commit('Tweak app startup');
    repo.note(sha.m1, 'Startup should not import the logger eagerly.');
    sha.merge12 = repo.merge('feature/parser', `Merge pull request #12 from team/parser\n\nAdd a JSON parser\n\nPR-URL: ${PR12_URL}`, {
      'src/app.ts': ["import { start } from './start';", "import { log } from './log';", "import { parse } from './parser';", '', 'export function main() {', '  start();', '}', ''].join('\n'),
    });

    repo.writeLines('src/app.ts', ["import { start } from './start';", "import { log } from './logger';", "import { parse } from './parser';", '', 'export function main() {', '  start();', '}']);
    sha.f1 = repo.commit('fixup! Tweak app startup', { trailers: [['Acked-by', 'Dan Dev <dan@example.com>'], ['Change-Id', 'I0123456789abcdef0123456789abcdef01234567']] });
    repo.writeLines('src/app.ts', ["import { start } from './start';", "import { log } from './logger';", "import { parse } from './parser';", '', 'export function main() {', '  start();', "  log('started');", '}']);
    sha.r1 = repo.commit('Apply review feedback: log startup time');
    sha.revert = repo.revert(sha.r1);
    repo.note(sha.revert, 'Logging here doubled startup time.');

    repo.write('package.json', '{\n  "name": "app"\n}\n');
    sha.bot = repo.commit('Address review comments: bump parser dependency', { author: DEPENDABOT });
    repo.write('README.md', '# App\n\nRun with npm start.\n').write('assets/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x09, 0x09]));
    sha.x1 = repo.commit('Per review, document how to run and refresh logo', { author: BOB });
    repo.write('legacy.txt', Buffer.from('Bonjour, caf\xe9 cr\xe8me\n', 'latin1'));
    sha.l1 = repo.commit('As suggested, fix the greeting');

    // Pull request #13 syncs main into the branch before its last commit.
    repo.branch('feature/docs');
    repo.writeLines('docs/guide.md', ['# Guide', '', 'Step one.']);
    sha.d1 = repo.commit('Write the guide');
    repo.checkout('main');
    repo.write('NOTICE', 'MIT licensed.\n');
    sha.n1 = repo.commit('Add a notice');
    repo.checkout('feature/docs');
    sha.sync = repo.merge('main', "Merge branch 'main' into feature/docs");
    repo.writeLines('docs/guide.md', ['# Guide', '', 'Step one: install.']);
    sha.d2 = repo.commit('Clarify step one');
    repo.checkout('main');
    sha.merge13 = repo.merge('feature/docs', 'Merge pull request #13 from team/docs');
  });
  after(() => repo.remove());

  test('yields exactly the review evidence, with trailers, pull requests and revert labels', async () => {
    const { events, skips } = await mine({ repo: repo.dir });
    const pr12 = { trailers: { 'Reviewed-by': ['Carol Chair <carol@example.com>'], 'PR-URL': [PR12_URL] }, url: PR12_URL, pullRequest: '12' };
    const parserAdded = '@@ -0,0 +1,3 @@\n+export function parse(input) {\n+  return JSON.parse(input);\n+}';
    const parserReworkHunk =
      "@@ -1,3 +1,4 @@\n export function parse(input) {\n-  return JSON.parse(input);\n+  if (typeof input !== 'string') throw new TypeError('input must be a string');\n+  return JSON.parse(input.trim());\n }";
    const parserBefore = 'export function parse(input) {\n  return JSON.parse(input);\n}';
    const parserAfter = "export function parse(input) {\n  if (typeof input !== 'string') throw new TypeError('input must be a string');\n  return JSON.parse(input.trim());\n}";
    const expected: ReviewEvent[] = [
      {
        kind: 'review-followup',
        groupId: sha.merge12!,
        path: 'src/parse/parser.ts',
        diffHunk: parserReworkHunk,
        before: parserBefore,
        after: parserAfter,
        neededReview: true,
        author: 'Bob Reviewer',
        reviewer: 'Carol Chair',
        date: dateOf(sha.p3!),
        metadata: { commits: [sha.p3!], trailers: { 'Reviewed-by': ['Carol Chair <carol@example.com>'], 'PR-URL': [PR12_URL] }, url: PR12_URL, pullRequest: '12' },
      },
      {
        // p1's parser lines, moved by p2, rewritten by p3 before the merge: p1 needed review.
        kind: 'branch-rewrite',
        groupId: sha.merge12!,
        path: 'src/parse/parser.ts',
        diffHunk: parserAdded,
        before: parserBefore,
        after: parserAfter,
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.p1!),
        metadata: { commits: [sha.p1!, sha.p3!], ...pr12 },
      },
      {
        // p1's import line survived the conflicting merge untouched: a quality-estimation negative.
        kind: 'branch-rewrite',
        groupId: sha.merge12!,
        path: 'src/app.ts',
        diffHunk: "@@ -1,4 +1,5 @@\n import { start } from './start';\n+import { parse } from './parser';\n \n export function main() {\n   start();",
        before: "import { start } from './start';\nimport { parse } from './parser';\n\nexport function main() {\n  start();",
        neededReview: false,
        author: 'Alice Author',
        date: dateOf(sha.p1!),
        metadata: { commits: [sha.p1!], trailers: { 'PR-URL': [PR12_URL] }, url: PR12_URL, pullRequest: '12' },
      },
      {
        kind: 'branch-rewrite',
        groupId: sha.merge12!,
        path: 'src/parse/parser.ts',
        diffHunk: parserReworkHunk,
        before: parserAfter,
        neededReview: false,
        author: 'Bob Reviewer',
        date: dateOf(sha.p3!),
        metadata: { commits: [sha.p3!], ...pr12 },
      },
      {
        kind: 'note',
        groupId: sha.m1!,
        path: 'src/app.ts',
        diffHunk: "@@ -1,4 +1,5 @@\n import { start } from './start';\n+import { log } from './log';\n \n export function main() {\n   start();",
        comment: 'Startup should not import the logger eagerly.',
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.m1!),
        metadata: { commits: [sha.m1!] },
      },
      {
        kind: 'review-followup',
        groupId: sha.f1!,
        path: 'src/app.ts',
        diffHunk: "@@ -1,5 +1,5 @@\n import { start } from './start';\n-import { log } from './log';\n+import { log } from './logger';\n import { parse } from './parser';\n \n export function main() {",
        before: "import { start } from './start';\nimport { log } from './log';\nimport { parse } from './parser';\n\nexport function main() {",
        after: "import { start } from './start';\nimport { log } from './logger';\nimport { parse } from './parser';\n\nexport function main() {",
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.f1!),
        metadata: { commits: [sha.f1!], trailers: { 'Acked-by': ['Dan Dev <dan@example.com>'], 'Change-Id': ['I0123456789abcdef0123456789abcdef01234567'] } },
      },
      {
        kind: 'review-followup',
        groupId: sha.r1!,
        path: 'src/app.ts',
        diffHunk: "@@ -4,4 +4,5 @@ import { parse } from './parser';\n \n export function main() {\n   start();\n+  log('started');\n }",
        before: '\nexport function main() {\n  start();\n}',
        after: "\nexport function main() {\n  start();\n  log('started');\n}",
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.r1!),
        metadata: { commits: [sha.r1!], revert: 'reverted' },
      },
      {
        // The revert's default message mentions "review feedback", so it reads as a follow-up, labelled.
        // No event of git alone carries the commit's words as a reviewer's comment.
        kind: 'review-followup',
        groupId: sha.revert!,
        path: 'src/app.ts',
        diffHunk: "@@ -4,5 +4,4 @@ import { parse } from './parser';\n \n export function main() {\n   start();\n-  log('started');\n }",
        before: "\nexport function main() {\n  start();\n  log('started');\n}",
        after: '\nexport function main() {\n  start();\n}',
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.revert!),
        metadata: { commits: [sha.revert!], revert: 'is-revert' },
      },
      {
        kind: 'note',
        groupId: sha.revert!,
        path: 'src/app.ts',
        diffHunk: "@@ -4,5 +4,4 @@ import { parse } from './parser';\n \n export function main() {\n   start();\n-  log('started');\n }",
        comment: 'Logging here doubled startup time.',
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.revert!),
        metadata: { commits: [sha.revert!], revert: 'is-revert' },
      },
      {
        kind: 'review-followup',
        groupId: sha.x1!,
        path: 'README.md',
        diffHunk: '@@ -1 +1,3 @@\n # App\n+\n+Run with npm start.',
        before: '# App',
        after: '# App\n\nRun with npm start.',
        neededReview: true,
        author: 'Bob Reviewer',
        date: dateOf(sha.x1!),
        metadata: { commits: [sha.x1!] },
      },
      {
        // legacy.txt is Latin-1: decoded with replacement characters and flagged, not a crash.
        kind: 'review-followup',
        groupId: sha.l1!,
        path: 'legacy.txt',
        diffHunk: '@@ -1 +1 @@\n-Bonjour caf\uFFFD\n+Bonjour, caf\uFFFD cr\uFFFDme',
        before: 'Bonjour caf\uFFFD',
        after: 'Bonjour, caf\uFFFD cr\uFFFDme',
        neededReview: true,
        author: 'Alice Author',
        date: dateOf(sha.l1!),
        metadata: { commits: [sha.l1!], lossyText: true },
      },
    ];
    assert.deepEqual(sorted(events), sorted(expected));
    assert.deepEqual(sorted(skips), sorted([
      { source: `commit ${sha.bot!.slice(0, 12)}`, reason: `bot author ${DEPENDABOT.name} <${DEPENDABOT.email}>` },
      { source: `commit ${sha.x1!.slice(0, 12)} assets/logo.png`, reason: 'binary diff' },
      {
        // d1's lines cannot be followed across the sync merge, and d2 follows up on nothing: no evidence either way.
        source: `pull request ${sha.merge13!.slice(0, 12)}`,
        reason: 'no later commit of the pull request follows up on lines an earlier one added, so whether review changed its hunks is unknown',
      },
    ]));
  });

  test('a path filter keeps the events about matching files, following lines renamed into them', async () => {
    const { events, skips } = await mine({ repo: repo.dir, paths: ['src/parse'] });
    assert.deepEqual(
      sorted(events.map((event) => [event.kind, event.path, event.neededReview, event.groupId, event.metadata.commits])),
      sorted([
        ['review-followup', 'src/parse/parser.ts', true, sha.merge12, [sha.p3]],
        // The parser was added as src/parser.ts, outside the filter, then moved in: its rewrite is still seen.
        ['branch-rewrite', 'src/parse/parser.ts', true, sha.merge12, [sha.p1, sha.p3]],
        ['branch-rewrite', 'src/parse/parser.ts', false, sha.merge12, [sha.p3]],
      ]),
    );
    assert.deepEqual(skips, []);
    const globbed = await mine({ repo: repo.dir, paths: ['**/*.md'] });
    assert.deepEqual(sorted(globbed.events.map((event) => event.path)), ['README.md']);
  });

  test('custom review patterns and notes ref', async () => {
    repo.note(sha.n1!, 'Check the license year.', 'audit');
    const { events } = await mine({ repo: repo.dir, reviewPatterns: ['^Clarify'], notesRef: 'refs/notes/audit' });
    assert.deepEqual(
      sorted(events.filter((event) => event.kind !== 'branch-rewrite').map((event) => [event.kind, event.path, event.comment, event.metadata.commits])),
      sorted([
        ['review-followup', 'docs/guide.md', undefined, [sha.d2]],
        ['note', 'NOTICE', 'Check the license year.', [sha.n1]],
      ]),
    );
  });

  test('git is asked for the diffs of only the commits that can hold evidence, each at its place in the walk', async () => {
    const passes = startHistoryPasses({ repo: repo.dir, reviewPatterns: defaults.reviewPatterns, botAuthors: defaults.botAuthors });
    try {
      const withEvidence = await passes.withEvidence;
      const walk = repo.git(['rev-list', '--topo-order', 'HEAD']).trim().split('\n');
      assert.deepEqual([...withEvidence].map(([commit, position]) => walk[position - 1] === commit), [...withEvidence].map(() => true));
      // Branch commits, follow-ups (bots' too: they are reported), noted commits; not the plain ones or the merges.
      for (const name of ['p1', 'p2', 'p3', 'm1', 'f1', 'r1', 'revert', 'bot', 'x1', 'l1', 'd1', 'd2']) assert.ok(withEvidence.has(sha[name]!), name);
      for (const name of ['init', 'n1', 'merge12', 'merge13']) assert.ok(!withEvidence.has(sha[name]!), name);
    } finally {
      await passes.close();
    }
  });
});

describe('mining options and bad inputs', () => {
  let repo: GitTestRepo;
  const sha: string[] = [];

  before(() => {
    repo = GitTestRepo.create();
    repo.writeLines('a.ts', ['let one = 1;']).writeLines('b.ts', ['let two = 2;']);
    sha.push(repo.commit('Start'));
    for (const [file, text] of [['a.ts', 'const one = 1;'], ['b.ts', 'const two = 2;'], ['a.ts', 'export const one = 1;']] as const) {
      repo.writeLines(file, [text]);
      sha.push(repo.commit(`Address review: ${text}`));
    }
  });
  after(() => repo.remove());

  /** The commits the events came from, in history order (mining yields them newest first). */
  const commitsOf = (items: { events: ReviewEvent[] }) => items.events.map((event) => event.metadata.commits?.[0]).sort((a, b) => sha.indexOf(a!) - sha.indexOf(b!));

  test("a squash merge whose message lists the branch's review commits is no review follow-up; a follow-up commit is", async () => {
    const squashed = GitTestRepo.create();
    try {
      squashed.writeLines('a.ts', ['let one = 1;']);
      squashed.commit('Start');
      squashed.writeLines('a.ts', ['const one = 1;', 'const two = 2;']);
      squashed.commit('Add two (#41)\n\n* Add two\n* Address review comments');
      squashed.writeLines('a.ts', ['const one = 1;', 'export const two = 2;']);
      const followup = squashed.commit('Address review comments');
      const { events } = await mine({ repo: squashed.dir });
      assert.deepEqual(events.map((event) => [event.kind, event.metadata.commits?.[0]]), [['review-followup', followup]]);
    } finally {
      squashed.remove();
    }
  });

  test('maxCommits, since/until and paths narrow the range', async () => {
    assert.deepEqual(commitsOf(await mine({ repo: repo.dir })), [sha[1], sha[2], sha[3]]);
    assert.deepEqual(commitsOf(await mine({ repo: repo.dir, maxCommits: 2 })), [sha[2], sha[3]]);
    const date = (index: number) => repo.git(['show', '--no-patch', '--format=%cI', sha[index]!]);
    assert.deepEqual(commitsOf(await mine({ repo: repo.dir, since: date(2), until: date(2) })), [sha[2]]);
    assert.deepEqual(commitsOf(await mine({ repo: repo.dir, paths: ['a.ts'] })), [sha[1], sha[3]]);
    assert.deepEqual(commitsOf(await mine({ repo: repo.dir, revisions: [`${sha[1]}..${sha[2]}`] })), [sha[2]]);
  });

  test('a shallow clone is mined as far as it goes, with a warning and skip records', async () => {
    const warnings: string[] = [];
    const depth1 = repo.shallowClone(1);
    const one = await mine({ repo: depth1 }, warnings);
    assert.deepEqual(one.events, [], 'the boundary commit looks like it adds every file; nothing is invented from it');
    assert.deepEqual(one.skips, [
      { source: depth1, reason: 'shallow clone: history before the clone depth is missing, so only the commits present were mined' },
      { source: `commit ${sha[3]!.slice(0, 12)}`, reason: 'shallow clone boundary: its parents are missing, so its diff is not its real change' },
    ]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /shallow clone.*git fetch --unshallow/);

    const depth2 = await mine({ repo: repo.shallowClone(2) });
    assert.deepEqual(depth2.events.map((event) => [event.metadata.commits, event.before, event.after]), [[[sha[3]], 'const one = 1;', 'export const one = 1;']]);
  });

  test('not a repository, a missing folder, an empty history, a bad pattern or revision: clear errors', async () => {
    await rejection(() => mine({ repo: repo.plainFolder() }), 'git', /is not a git repository/);
    await rejection(() => mine({ repo: `${repo.dir}-missing` }), 'git', /Repository folder not found/);
    const empty = GitTestRepo.create('empty');
    try {
      await rejection(() => mine({ repo: empty.dir }), 'git', /has no commits yet/);
    } finally {
      empty.remove();
    }
    await rejection(() => mine({ repo: repo.dir, reviewPatterns: ['address (review'] }), 'config', /dataset.reviewPatterns holds an invalid regular expression/);
    await rejection(() => mine({ repo: repo.dir, revisions: ['--output=/tmp/x'] }), 'usage', /is not a revision or range/);
    await rejection(() => mine({ repo: repo.dir, revisions: ['no-such-branch'] }), 'git', /git log failed/);
    const path = process.env.PATH;
    process.env.PATH = repo.plainFolder('no-git-here');
    try {
      await rejection(() => mine({ repo: repo.dir }), 'git', /^git was not found on this machine/);
    } finally {
      process.env.PATH = path;
    }
  });

  test('aborting stops the git process and the iteration', async () => {
    const controller = new AbortController();
    const seen: MinedItem[] = [];
    await assert.rejects(async () => {
      for await (const item of mineGitHistory({ repo: repo.dir, reviewPatterns: defaults.reviewPatterns, botAuthors: [], signal: controller.signal })) {
        seen.push(item);
        controller.abort();
      }
    }, { name: 'HouseStyleError', code: 'cancelled' });
    assert.equal(seen.length, 1);
  });
});

describe('which merges are pull requests', () => {
  const AUTHORS: Person[] = ['Ann', 'Ben', 'Cid', 'Dee'].map((name) => ({ name, email: `${name.toLowerCase()}@example.com` }));
  const PR14_URL = 'https://github.com/team/app/pull/14';
  const PR10_URL = 'https://github.com/team/app/pull/10';
  let repo: GitTestRepo;
  const sha: Record<string, string> = {};

  before(() => {
    repo = GitTestRepo.create();
    repo.writeLines('src/lib.c', ['int one(void) { return 1; }', '', 'int two(void) { return 2; }']);
    sha.init = repo.commit('Initial commit');

    // A release line with fixes by four people, one rewriting another's lines: a branch sync, not a pull request.
    repo.branch('v0.10');
    repo.writeLines('src/release.c', ['int fixed(void) { return 0; }']);
    repo.commit('Fix release crash', { author: AUTHORS[0] });
    repo.writeLines('src/release.c', ['int fixed(void) { return 1; }']);
    repo.commit('Address review: return 1', { author: AUTHORS[1] });
    repo.writeLines('src/other.c', ['int other(void) { return 3; }']);
    repo.commit('Add other', { author: AUTHORS[2] });
    repo.writeLines('src/more.c', ['int more(void) { return 4; }']);
    repo.commit('Add more', { author: AUTHORS[3] });
    repo.checkout('main');
    sha.release = repo.merge('v0.10', "Merge branch 'v0.10'");

    // A forge subject, but the branch merged another branch into itself: a shared line.
    repo.branch('shared');
    repo.writeLines('src/shared.c', ['int shared(void) { return 5; }']);
    repo.commit('Shared work');
    repo.branch('sub');
    repo.writeLines('src/sub.c', ['int sub(void) { return 6; }']);
    repo.commit('Sub work');
    repo.checkout('shared');
    repo.merge('sub', "Merge branch 'sub' into shared");
    repo.checkout('main');
    sha.shared = repo.merge('shared', 'Merge pull request #8 from team/shared');

    // A real pull request: its second commit rewrites the first's line.
    repo.branch('feature/answer');
    repo.writeLines('src/answer.c', ['int answer(void) { return 41; }']);
    sha.a1 = repo.commit('Add answer');
    repo.wait(90).writeLines('src/answer.c', ['int answer(void) { return 42; }']);
    repo.commit('Fix the answer');
    repo.checkout('main');
    sha.pr9 = repo.merge('feature/answer', 'Merge pull request #9 from team/answer');

    // A pull request landed without a merge commit: two commits sharing a PR-URL, the second rewriting the first.
    repo.writeLines('src/landed.c', ['int landed(void) { return 7; }']);
    sha.l1 = repo.commit('Add landed', { trailers: [['PR-URL', PR10_URL]] });
    repo.wait(90).writeLines('src/landed.c', ['int landed(void) { return 8; }']);
    sha.l2 = repo.commit('Make landed return 8', { trailers: [['PR-URL', PR10_URL]] });

    // A landed planned series: the second commit does new work and changes the first's line in passing.
    repo.writeLines('src/series.c', ['int series(void) { return 1; }']);
    repo.commit('Add series', { trailers: [['PR-URL', PR14_URL]] });
    repo.writeLines('src/series.c', ['int series(void) { return step(); }']).writeLines('src/step.c', ['int step(void) { return 2; }']);
    sha.s2 = repo.commit('Add step and use it in series', { trailers: [['PR-URL', PR14_URL]] });

    // A squash merge: its review lives in the forge.
    repo.writeLines('src/squashed.c', ['int squashed(void) { return 9; }']);
    sha.squash = repo.commit('Add squashed (#11)');
  });
  after(() => repo.remove());

  test('release-branch and shared-branch merges are not mined as pull requests; PR-URL runs are', async () => {
    const items: MinedItem[] = [];
    for await (const item of mineGitHistory({ repo: repo.dir, reviewPatterns: defaults.reviewPatterns, botAuthors: [], mergeRules: defaults })) items.push(item);
    const events = items.flatMap((item) => ('event' in item ? [item.event] : []));
    const rewrites = events.filter((event) => event.kind === 'branch-rewrite');
    assert.deepEqual(
      sorted(rewrites.map((event) => [event.groupId, event.path, event.neededReview, event.metadata.pullRequest])),
      sorted([
        [sha.pr9, 'src/answer.c', true],
        [sha.pr9, 'src/answer.c', false],
        [sha.l2, 'src/landed.c', true],
        [sha.l2, 'src/landed.c', false],
      ].map(([group, file, needed]) => [group, file, needed, group === sha.pr9 ? '9' : '10'])),
    );
    // The release line's own follow-up is still mined, as a commit of its own, not as a review round of a pull request.
    const followup = events.find((event) => event.kind === 'review-followup');
    assert.equal(followup?.path, 'src/release.c');
    assert.equal(followup?.groupId, followup?.metadata.commits?.[0]);
    assert.equal(followup?.comment, undefined, "a commit subject is never a reviewer's words");
    assert.deepEqual(
      sorted(items.flatMap((item) => ('skip' in item ? [item.skip] : []))),
      sorted([
        { source: `merge ${sha.release!.slice(0, 12)} (merges the long-lived branch v0.10)`, reason: 'branch sync, not a pull request: its commits are mined as plain commits' },
        { source: `merge ${sha.shared!.slice(0, 12)} (its branch carries 1 merge of other branches)`, reason: 'branch sync, not a pull request: its commits are mined as plain commits' },
        // A planned series is no review round: neither its rewrite nor its untouched hunks are evidence.
        { source: `pull request ${sha.s2!.slice(0, 12)}`, reason: 'no later commit of the pull request follows up on lines an earlier one added, so whether review changed its hunks is unknown' },
      ]),
    );
    const history = items.flatMap((item) => ('history' in item ? [item.history] : []));
    assert.deepEqual(history, [{ commits: 18, pullRequestMerges: 1, pullRequestRuns: 2, branchSyncs: 2, squashMerges: 1, pullRequestReferences: 5 }]);
  });

  test('many authors make a shared line even under a forge subject', async () => {
    const items: MinedItem[] = [];
    for await (const item of mineGitHistory({ repo: repo.dir, reviewPatterns: [], botAuthors: [], mergeRules: { ...defaults, longLivedBranches: [] } })) items.push(item);
    const skips = items.flatMap((item) => ('skip' in item ? [item.skip.source] : []));
    assert.ok(skips.includes(`merge ${sha.release!.slice(0, 12)} (4 authors wrote its branch (more than dataset.pullRequestMaxAuthors, 3))`), skips.join('\n'));
  });
});
