// The editor's feedback log: appended by the review engine, read back as preference events.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { HouseStyleError } from '../../src/core/errors';
import { FEEDBACK_LOG, appendFeedback, readFeedbackLog } from '../../src/core/dataset/feedbackLog';
import type { FeedbackEntry } from '../../src/core/review/feedbackEntry';
import type { MinedItem } from '../../src/core/dataset/reviewEvent';

let workspace: string;
before(() => (workspace = mkdtempSync(path.join(os.tmpdir(), 'housestyle-feedback-'))));
after(() => rmSync(workspace, { recursive: true, force: true }));

const accepted: FeedbackEntry = {
  time: '2024-02-01T10:00:00.000Z',
  verdict: 'accepted',
  path: 'src/app.ts',
  startLine: 4,
  endLine: 5,
  severity: 'warning',
  rule: 'prefer-const',
  message: 'Use const: the binding is never reassigned.',
  code: 'let total = 0;\nreturn total;',
  suggestion: 'const total = 0;\nreturn total;',
  model: 'qwen2.5-coder:7b',
  citations: [{ source: 'docs/STYLE.md', startLine: 10, endLine: 14 }],
};
const dismissed: FeedbackEntry = { ...accepted, time: '2024-02-01T10:05:00.000Z', verdict: 'dismissed', path: 'src/util.ts', startLine: 9, endLine: 9, code: 'var x = 1;', rule: '', citations: [] };

async function read(file: string): Promise<MinedItem[]> {
  const items: MinedItem[] = [];
  for await (const item of readFeedbackLog(file)) items.push(item);
  return items;
}

test('appended entries read back as feedback events; bad lines are skips naming the line', async () => {
  await appendFeedback(workspace, accepted);
  await appendFeedback(workspace, dismissed);
  const file = path.join(workspace, FEEDBACK_LOG);
  appendFileSync(file, '{"version": 1, "verdict": "maybe"\n\n{"version": 2}\n');
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.deepEqual(JSON.parse(lines[0]!), { version: 1, ...accepted });

  const items = await read(file);
  assert.deepEqual(items.slice(0, 2), [
    {
      event: {
        kind: 'feedback',
        groupId: 'feedback:src/app.ts',
        path: 'src/app.ts',
        diffHunk: '@@ -4,2 +4,2 @@\n let total = 0;\n return total;',
        before: 'let total = 0;\nreturn total;',
        after: 'const total = 0;\nreturn total;',
        comment: 'Use const: the binding is never reassigned.',
        neededReview: true,
        reviewer: 'qwen2.5-coder:7b',
        date: '2024-02-01T10:00:00.000Z',
        metadata: {
          feedback: {
            verdict: 'accepted',
            rule: 'prefer-const',
            suggestion: 'const total = 0;\nreturn total;',
            severity: 'warning',
            model: 'qwen2.5-coder:7b',
            citations: [{ source: 'docs/STYLE.md', startLine: 10, endLine: 14 }],
          },
        },
      },
    },
    {
      // Dismissed: the finding was wrong, so the suggestion is no revision of the code.
      event: {
        kind: 'feedback',
        groupId: 'feedback:src/util.ts',
        path: 'src/util.ts',
        diffHunk: '@@ -9 +9 @@\n var x = 1;',
        before: 'var x = 1;',
        comment: 'Use const: the binding is never reassigned.',
        neededReview: false,
        reviewer: 'qwen2.5-coder:7b',
        date: '2024-02-01T10:05:00.000Z',
        metadata: { feedback: { verdict: 'dismissed', suggestion: 'const total = 0;\nreturn total;', severity: 'warning', model: 'qwen2.5-coder:7b', citations: [] } },
      },
    },
  ]);
  assert.equal(items.length, 4);
  assert.deepEqual(items[2], { skip: { source: 'feedback.jsonl line 3', reason: 'not valid JSON' } });
  const wrongShape = items[3] as { skip: { source: string; reason: string } };
  assert.equal(wrongShape.skip.source, 'feedback.jsonl line 5');
  assert.match(wrongShape.skip.reason, /^not a feedback entry: version: .*; time: .*; verdict: /);
});

test('a missing log yields nothing; an invalid entry is refused before anything is written', async () => {
  assert.deepEqual(await read(path.join(workspace, 'nowhere', 'feedback.jsonl')), []);
  const other = mkdtempSync(path.join(os.tmpdir(), 'housestyle-feedback-'));
  try {
    await assert.rejects(appendFeedback(other, { ...accepted, startLine: 0 }), (error: unknown) => error instanceof HouseStyleError && /startLine/.test(error.message));
    assert.deepEqual(await read(path.join(other, FEEDBACK_LOG)), []);
  } finally {
    rmSync(other, { recursive: true, force: true });
  }
});
