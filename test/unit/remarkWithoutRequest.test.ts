import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { isRemarkWithoutRequest } from '../../src/core/dataset/remarkWithoutRequest';

interface Labelled {
  label: 'request' | 'remark';
  comment: string;
  heldOut?: boolean;
}

const { comments } = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/review-comments/remarksAndRequests.json'), 'utf8')) as { comments: Labelled[] };

function score(part: Labelled[]) {
  const requests = part.filter((c) => c.label === 'request');
  const remarks = part.filter((c) => c.label === 'remark');
  const lost = requests.filter((c) => isRemarkWithoutRequest(c.comment)).map((c) => c.comment);
  const dropped = remarks.filter((c) => isRemarkWithoutRequest(c.comment)).length;
  return { requests: requests.length, kept: requests.length - lost.length, lost, remarks: remarks.length, dropped };
}

test('the labelled set has the hard cases: remarks, and short real requests that look like them', () => {
  assert.ok(comments.length >= 80);
  assert.ok(comments.filter((c) => c.label === 'remark').length >= 25);
  assert.ok(comments.filter((c) => c.label === 'request' && c.comment.split(/\s+/).length < 15).length >= 40);
  assert.ok(comments.filter((c) => c.heldOut).length * 3 >= comments.length);
});

for (const [name, part] of [
  ['tuned', comments.filter((c) => !c.heldOut)],
  // Written before the rule and never tuned against: requests 22 of 22 kept, remarks 11 of 14 dropped when first run.
  ['held-out', comments.filter((c) => c.heldOut)],
] as const) {
  test(`on the ${name} comments, requests are kept (at most one lost) and at least 70% of remarks are dropped`, () => {
    const s = score(part);
    console.log(`${name}: requests kept ${s.kept}/${s.requests}, remarks dropped ${s.dropped}/${s.remarks}`);
    assert.ok(s.lost.length <= 1, s.lost.join('\n'));
    assert.ok(s.dropped / s.remarks >= 0.7, `${s.dropped}/${s.remarks}`);
  });
}

test('a code block, a question about the code or a turn ("Yes, but …") keeps a comment that opens like a remark', () => {
  assert.equal(isRemarkWithoutRequest('Nice!\n```suggestion\n  return 0;\n```'), false);
  assert.equal(isRemarkWithoutRequest('FYI, this is what I get:\n```\nSegmentation fault (core dumped)\n```'), false);
  assert.equal(isRemarkWithoutRequest('Thanks! Is `fd` closed on the error path?'), false);
  assert.equal(isRemarkWithoutRequest('Yes, but the replica may then see half an entry.'), false);
  assert.equal(isRemarkWithoutRequest('Fyi, these two functions convert double to string.'), true);
  assert.equal(isRemarkWithoutRequest('Is this ready for another review?'), true, 'a question about the review, not the code');
});
