import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appendFeedback, FEEDBACK_LOG, readFeedbackLog } from '../../src/core/dataset/feedbackLog';
import { feedbackEntry } from '../../src/core/review/feedbackEntry';
import type { Finding } from '../../src/core/review/finding';

const workspace = await mkdtemp(path.join(tmpdir(), 'housestyle-feedback-'));
after(() => rm(workspace, { recursive: true, force: true }));

const finding: Finding = {
  path: 'src/users.ts', rule: 'camelCase', severity: 'warning', startLine: 3, endLine: 4, message: 'Rename it.', replacement: 'const userName = 1;',
  citations: [{ id: 'p1', kb: 'style', source: 'docs/style.md', startLine: 10, endLine: 12, heading: 'Naming' }],
};

test('accepted and dismissed findings are recorded in the feedback log the dataset builder reads', async () => {
  await appendFeedback(workspace, feedbackEntry('accepted', finding, 'const user_name = 1;\nuse(user_name);', 'qwen2.5-coder:7b'));
  const { replacement: _none, ...withoutFix } = finding;
  await appendFeedback(workspace, feedbackEntry('dismissed', withoutFix, 'x', 'qwen2.5-coder:7b'));

  const lines = (await readFile(path.join(workspace, FEEDBACK_LOG), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map(({ time: _time, ...rest }) => rest),
    [
      { version: 1, verdict: 'accepted', path: 'src/users.ts', startLine: 3, endLine: 4, severity: 'warning', rule: 'camelCase', message: 'Rename it.', code: 'const user_name = 1;\nuse(user_name);', suggestion: 'const userName = 1;', model: 'qwen2.5-coder:7b', citations: [{ source: 'docs/style.md', startLine: 10, endLine: 12 }] },
      { version: 1, verdict: 'dismissed', path: 'src/users.ts', startLine: 3, endLine: 4, severity: 'warning', rule: 'camelCase', message: 'Rename it.', code: 'x', model: 'qwen2.5-coder:7b', citations: [{ source: 'docs/style.md', startLine: 10, endLine: 12 }] },
    ],
  );
  const read = [];
  for await (const item of readFeedbackLog(path.join(workspace, FEEDBACK_LOG))) read.push(item);
  assert.equal(read.length, 2);
  assert.ok(read.every((item) => !('skip' in item)), 'both lines read back as feedback events');
});
