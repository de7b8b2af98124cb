import { appendFile, mkdir, open, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import * as z from 'zod';
import { HouseStyleError } from '../errors';
import { feedbackLineSchema, type FeedbackEntry, type FeedbackLine } from '../review/feedbackEntry';
import type { MinedItem, ReviewEvent } from './reviewEvent';

/** Where the editor records accepted and dismissed findings, relative to the workspace. */
export const FEEDBACK_LOG = '.housestyle/feedback.jsonl';

/**
 * Appends one entry to the workspace's feedback log, creating `.housestyle/` if needed. One line is written
 * in one append, so concurrent writers never interleave within a line.
 */
export async function appendFeedback(workspace: string, entry: FeedbackEntry): Promise<void> {
  const result = feedbackLineSchema.safeParse({ version: 1, ...entry, time: entry.time ?? new Date().toISOString() });
  if (!result.success) {
    throw new HouseStyleError(`Cannot record feedback: ${z.prettifyError(result.error)}`, 'This is a bug in the caller; the finding was not recorded.', 'feedback');
  }
  const file = path.join(workspace, FEEDBACK_LOG);
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(result.data)}\n`, 'utf8');
}

/**
 * Reads a feedback log as 'feedback' events (preference data): accepted findings needed review and their
 * suggestion is the revised code; dismissed ones did not. Invalid lines are skip records naming the line.
 * A missing log yields nothing.
 */
export async function* readFeedbackLog(file: string): AsyncGenerator<MinedItem> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new HouseStyleError(`Cannot read the feedback log ${file}: ${(error as Error).message}.`, 'Check the file permissions.', 'feedback', { cause: error });
  }
  const stream = handle.createReadStream({ encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      if (line.trim() === '') continue;
      const source = `${path.basename(file)} line ${number}`;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        yield { skip: { source, reason: 'not valid JSON' } };
        continue;
      }
      const result = feedbackLineSchema.safeParse(data);
      if (!result.success) {
        yield { skip: { source, reason: `not a feedback entry: ${result.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ')}` } };
        continue;
      }
      yield { event: feedbackEvent(result.data) };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

function feedbackEvent(entry: FeedbackLine): ReviewEvent {
  const codeLines = entry.code.replace(/\n$/, '').split('\n');
  const range = codeLines.length === 1 ? `${entry.startLine}` : `${entry.startLine},${codeLines.length}`;
  const accepted = entry.verdict === 'accepted';
  return {
    kind: 'feedback',
    // All feedback on one file stays in one split, so no near-identical finding straddles train and test.
    groupId: `feedback:${entry.path}`,
    path: entry.path,
    // The reviewed lines as an unchanged hunk: the finding was about this code, not about a change to it.
    diffHunk: [`@@ -${range} +${range} @@`, ...codeLines.map((line) => ` ${line}`)].join('\n'),
    before: entry.code,
    ...(accepted && entry.suggestion !== undefined && { after: entry.suggestion }),
    comment: entry.message,
    neededReview: accepted,
    reviewer: entry.model,
    date: entry.time,
    metadata: {
      feedback: {
        verdict: entry.verdict,
        ...(entry.rule && { rule: entry.rule }),
        ...(entry.suggestion !== undefined && { suggestion: entry.suggestion }),
        severity: entry.severity,
        model: entry.model,
        citations: entry.citations,
      },
    },
  };
}
