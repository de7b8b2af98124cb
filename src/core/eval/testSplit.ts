import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import { HouseStyleError } from '../errors';
import type { ChatMessage } from '../models/chatModel';
import { promptInput, type RecordedPromptInput } from '../dataset/samples/promptRecord';

/** One test-split example: what its prompt was built from (metadata.jsonl), and the answer the human gave. */
export interface TestExample {
  /** 1-based line of test.jsonl. */
  line: number;
  task: string;
  /** The reviewed file, workspace-relative. */
  path: string;
  /** The prompt's input as the dataset built it; evaluation rebuilds the prompt from it with the same builder. */
  prompt: RecordedPromptInput;
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

const REBUILD = 'Rebuild the dataset with housestyle dataset build.';

async function* jsonLines(file: string): AsyncGenerator<[number, Record<string, unknown>]> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    try {
      yield [line, JSON.parse(text) as Record<string, unknown>];
    } catch (error) {
      throw new HouseStyleError(`${file}:${line} is not JSON: ${(error as Error).message}.`, REBUILD, 'dataset', { cause: error, fix: ['build-dataset'] });
    }
  }
}

/**
 * The test split's examples of the given tasks, in file order, at most `limit`. Each needs its line of
 * metadata.jsonl with the prompt record `dataset build` writes; a dataset without one is refused in one line.
 */
export async function readTestSplit(dataset: string, tasks: readonly string[], limit = Infinity): Promise<TestExample[]> {
  const testFile = path.join(dataset, 'test.jsonl');
  const metadataFile = path.join(dataset, 'metadata.jsonl');
  const meta = new Map<number, { task: unknown; path: unknown; prompt: unknown }>();
  try {
    for await (const [, entry] of jsonLines(metadataFile)) {
      if (entry.file === 'test.jsonl' && typeof entry.line === 'number') meta.set(entry.line, { task: entry.task, path: entry.path, prompt: entry.prompt });
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
      const info = meta.get(line);
      if (typeof info?.task !== 'string' || typeof info.path !== 'string') {
        throw new HouseStyleError(`${metadataFile} does not describe test.jsonl:${line} (the dataset was built by an older House Style, or edited).`, REBUILD, 'dataset', { fix: ['build-dataset'] });
      }
      if (!tasks.includes(info.task)) continue;
      examples.push({ line, task: info.task, path: info.path, prompt: promptInput(info.prompt, `test.jsonl:${line}`), reference: reference.content });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HouseStyleError(`${dataset} has no test.jsonl.`, 'Pass the folder `housestyle dataset build` wrote with --dataset.', 'usage', { cause: error, fix: ['build-dataset'] });
    }
    throw error;
  }
  return examples;
}
