import { appendFile, mkdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';

/** Which sources reviews retrieved, one JSON line per closed knowledge base, so health can find unused ones. */
export const RETRIEVAL_LOG = '.housestyle/retrievals.jsonl';

interface RetrievalLine {
  time: string;
  kb: string;
  sources: string[];
}

export async function recordRetrievals(workspace: string, kb: string, sources: Iterable<string>, now = new Date()): Promise<void> {
  const line: RetrievalLine = { time: now.toISOString(), kb, sources: [...sources].sort() };
  if (line.sources.length === 0) return;
  const file = path.join(workspace, RETRIEVAL_LOG);
  await mkdir(path.dirname(file), { recursive: true });
  // One appended line per call: a crash loses at most that line, never the log.
  await appendFile(file, `${JSON.stringify(line)}\n`);
}

/** Sources of `kb` retrieved since `since`; undefined when there is no log yet (nothing can be called unused). Bad lines are skipped. */
export async function retrievedSince(workspace: string, kb: string, since: Date): Promise<Set<string> | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(workspace, RETRIEVAL_LOG), 'utf8');
  } catch {
    return undefined;
  }
  const sources = new Set<string>();
  for (const raw of text.split('\n')) {
    let line: Partial<RetrievalLine>;
    try {
      line = JSON.parse(raw) as Partial<RetrievalLine>;
    } catch {
      continue;
    }
    if (line.kb !== kb || typeof line.time !== 'string' || !Array.isArray(line.sources) || new Date(line.time) < since) continue;
    for (const source of line.sources) if (typeof source === 'string') sources.add(source);
  }
  return sources;
}
