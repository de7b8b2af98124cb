// A dataset build from exported review comments leaves out threads whose root comment asks nothing of the code
// (praise, a remark about the review), counts them in report.json and the card, and keeps a short real request
// with its replies, which are the thread's context and never judged.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, runCli } from '../support/cli';
import { buildReviewCommentsRepo, type ReviewCommentsRepo } from '../support/reviewCommentsRepo';

const GITHUB = path.join(REPO_ROOT, 'test', 'fixtures', 'review-comments', 'github-review-comments.json');
const PRAISE = 'Ah, finally 🌟 a named timeout, the bare number was getting annoying 😄';
const PROCESS = 'am i reviewing this too early?';
const REQUEST = 'Why not `const`?';

describe('dataset build and root comments that ask for nothing', () => {
  let built: ReviewCommentsRepo;
  let out: string;
  let report: { drops: Record<string, number>; events: Record<string, number>; reviewThreads: { exported: number; imported: number } };
  let written: string;

  before(async () => {
    built = buildReviewCommentsRepo();
    const home = path.dirname(built.repo.dir);
    // Threads of pull request #21 as GitHub exports them: 1001 (answered by 1002 "Done in the next commit." and 1003
    // "Thanks!") now asks a short question; 1004 and 1005 become praise and a remark about the review.
    const exported = (JSON.parse(await readFile(GITHUB, 'utf8')) as { id: number; in_reply_to_id?: number; body: string }[]).filter((c) => [1001, 1002, 1003, 1004, 1005].includes(c.id));
    const bodies = new Map([
      [1001, REQUEST],
      [1004, PRAISE],
      [1005, PROCESS],
    ]);
    const comments = path.join(home, 'comments.json');
    await writeFile(comments, JSON.stringify(exported.map((c) => ({ ...c, body: bodies.get(c.id) ?? c.body }))));
    out = path.join(home, 'dataset');
    const result = await runCli(['dataset', 'build', '--workspace', built.repo.dir, '--comments', comments, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8'));
    written = (await Promise.all(['train', 'validation', 'test', 'metadata'].map((name) => readFile(path.join(out, `${name}.jsonl`), 'utf8').catch(() => '')))).join('\n');
  });
  after(() => built.repo.remove());

  test('praise and a remark about the review are left out as no-request and counted; the short request stays with its replies', async () => {
    assert.deepEqual(report.reviewThreads, { exported: 3, imported: 3 });
    assert.equal(report.drops['no-request'], 2);
    assert.equal(report.events['pr-comment'], 1);
    assert.ok(written.includes(JSON.stringify(REQUEST).slice(1, -1)), 'the short request is a sample');
    assert.ok(written.includes('Done in the next commit.'), "its replies travel as the thread's context");
    for (const remark of [PROCESS, 'a named timeout']) assert.ok(!written.includes(remark), `${remark} is in no written file`);
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    assert.match(card, /2 threads whose root comment asks nothing of the code \(praise or thanks, a remark about the review or the pull request, an FYI, explanation or answer/);
    assert.match(card, /\| no-request \| 2 \|/);
  });
});
