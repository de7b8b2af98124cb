import type { ReviewEvent } from '../../src/core/dataset/reviewEvent';

/** A pull-request review event with sensible defaults; tests override what they are about. */
export function reviewEvent(overrides: Partial<ReviewEvent> = {}): ReviewEvent {
  return {
    kind: 'pr-comment',
    groupId: 'pr-1',
    path: 'src/app.ts',
    diffHunk: '@@ -1,2 +1,2 @@\n const a = 1;\n-let b = 2;\n+var b = 2;',
    before: 'const a = 1;\nvar b = 2;',
    after: 'const a = 1;\nconst b = 2;',
    comment: 'Prefer const over var: b is never reassigned.',
    neededReview: true,
    date: '2026-03-01T10:00:00Z',
    metadata: {},
    ...overrides,
  };
}

/** A feedback-log event shaped as readFeedbackLog makes it: a finding the user accepted or dismissed on `code`. */
export function feedbackEvent(
  verdict: 'accepted' | 'dismissed',
  code: string,
  message: string,
  extra: { suggestion?: string; rule?: string; path?: string; groupId?: string } = {},
): ReviewEvent {
  const path = extra.path ?? 'src/app.ts';
  return {
    kind: 'feedback',
    groupId: extra.groupId ?? `feedback:${path}`,
    path,
    diffHunk: [`@@ -1,${code.split('\n').length} +1,${code.split('\n').length} @@`, ...code.split('\n').map((line) => ` ${line}`)].join('\n'),
    before: code,
    ...(verdict === 'accepted' && extra.suggestion !== undefined && { after: extra.suggestion }),
    comment: message,
    neededReview: verdict === 'accepted',
    reviewer: 'qwen2.5-coder:7b',
    date: '2026-03-02T09:00:00Z',
    metadata: { feedback: { verdict, ...(extra.rule && { rule: extra.rule }), ...(extra.suggestion !== undefined && { suggestion: extra.suggestion }) } },
  };
}

/** Feeds events (and skips) to the dataset pipeline as a source would. */
export async function* evidence(...items: (ReviewEvent | { skip: { source: string; reason: string } })[]): AsyncGenerator<{ event: ReviewEvent } | { skip: { source: string; reason: string } }> {
  for (const item of items) yield 'skip' in item ? item : { event: item };
}
