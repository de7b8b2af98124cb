import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import type { ChatMessage } from '../models/chatModel';

/** One test-split example as a model is asked it: the prompt messages, and the answer the human gave. */
export interface TestExample {
  /** 1-based line of test.jsonl. */
  line: number;
  task: string;
  path?: string;
  messages: ChatMessage[];
  reference: string;
}

const ROLES: Record<string, ChatMessage['role']> = { system: 'system', human: 'user', user: 'user', gpt: 'assistant', assistant: 'assistant' };

/** Reads the chat messages of an OpenAI, ShareGPT or Alpaca record (the formats `dataset build` writes). */
function recordMessages(record: Record<string, unknown>): ChatMessage[] | undefined {
  if (Array.isArray(record.messages)) return record.messages as ChatMessage[];
  if (Array.isArray(record.conversations)) {
    return (record.conversations as { from: string; value: string }[]).map((t) => ({ role: ROLES[t.from] ?? 'user', content: t.value }));
  }
  if (typeof record.instruction === 'string' && typeof record.output === 'string') {
    return [
      ...(typeof record.system === 'string' ? [{ role: 'system' as const, content: record.system }] : []),
      { role: 'user', content: `${record.instruction}\n\n${String(record.input ?? '')}`.trim() },
      { role: 'assistant', content: record.output },
    ];
  }
  return undefined;
}

async function* jsonLines(file: string): AsyncGenerator<[number, Record<string, unknown>]> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield [line, JSON.parse(text) as Record<string, unknown>];
    } catch (error) {
      throw new HouseStyleError(`${file}:${line} is not JSON: ${(error as Error).message}.`, 'Rebuild the dataset with housestyle dataset build.', 'dataset', { cause: error });
    }
  }
}

/** The test split's examples of the given tasks, in file order, at most `limit`. */
export async function readTestSplit(dataset: string, tasks: readonly string[], limit = Infinity): Promise<TestExample[]> {
  const testFile = path.join(dataset, 'test.jsonl');
  const meta = new Map<number, { task?: string; path?: string }>();
  try {
    for await (const [, entry] of jsonLines(path.join(dataset, 'metadata.jsonl'))) {
      if (entry.file === 'test.jsonl' && typeof entry.line === 'number') meta.set(entry.line, { task: entry.task as string, path: entry.path as string });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const examples: TestExample[] = [];
  try {
    for await (const [line, record] of jsonLines(testFile)) {
      if (examples.length >= limit) break;
      const messages = recordMessages(record);
      const reference = messages?.at(-1);
      if (!messages || reference?.role !== 'assistant') continue;
      const info = meta.get(line) ?? {};
      // Without metadata.jsonl, a findings answer tells the reviewer's task from a review comment.
      const task = info.task ?? (/^\s*\{\s*"findings"/.test(reference.content) ? 'review-findings' : 'review-comment');
      if (!tasks.includes(task)) continue;
      examples.push({ line, task, ...(info.path && { path: info.path }), messages: messages.slice(0, -1), reference: reference.content });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HouseStyleError(`${dataset} has no test.jsonl.`, 'Pass the folder `housestyle dataset build` wrote with --dataset.', 'usage', { cause: error });
    }
    throw error;
  }
  return examples;
}
