// The retrieval benchmark's team documents and snippets (retrieval/teams/README.md), shared by the benchmark and
// the live lane's rerank measurement (test/integration/reviewRerank.live.test.ts).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { K, type Hit } from './retrievalScoring';

const DATA = path.join(import.meta.dirname, 'retrieval', 'teams');
/** Where the fetch tool leaves git mirrors (`<owner>+<name>/repo`): the documents whose licence lets us keep no copy are read from there. */
const MIRRORS = process.env.HOUSESTYLE_BENCH_MIRRORS ?? '/work/.mirror';

export interface Source {
  doc: string;
  language: string;
  repository: string;
  path: string;
  commit: string;
  licence: string;
  /** kept: a verbatim copy lives under retrieval/teams/<workspacePath>; mirror: read from a fetched mirror at `commit`. */
  copy: 'kept' | 'mirror';
  workspacePath: string;
  url: string;
}

export interface Snippet {
  name: string;
  doc: string;
  path: string;
  label: string;
  start: number;
  end: number;
  code: string;
  heldOut: boolean;
}

async function loadSnippets(heldOut: ReadonlySet<string>): Promise<Snippet[]> {
  const text = await readFile(path.join(DATA, 'snippets.txt'), 'utf8');
  return text
    .split(/^=== /m)
    .filter(Boolean)
    .map((entry) => {
      const [header, ...code] = entry.split('\n');
      const [name, file, labelled] = header!.split(' | ').map((part) => part.trim());
      const [, label, start, end] = /^(.*) @ (\d+)-(\d+)$/.exec(labelled!)!;
      return { name: name!, doc: name!.split('/')[0]!, path: file!, label: label!, start: Number(start), end: Number(end), code: code.join('\n').trimEnd(), heldOut: heldOut.has(name!) };
    });
}

/** A document's text: the kept copy, or the mirror's file at the recorded commit; a reason where neither is here. */
async function documentText(source: Source): Promise<{ text: string } | { skip: string }> {
  if (source.copy === 'kept') return { text: await readFile(path.join(DATA, source.workspacePath), 'utf8') };
  const mirror = path.join(MIRRORS, source.repository.replace('/', '+'), 'repo');
  if (!existsSync(mirror)) return { skip: `no mirror of ${source.repository} at ${mirror} (its licence, ${source.licence}, keeps its text out of this repository; fetch it or set HOUSESTYLE_BENCH_MIRRORS)` };
  try {
    return { text: execFileSync('git', ['--git-dir', mirror, 'show', `${source.commit}:${source.path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }) };
  } catch {
    return { skip: `the mirror of ${source.repository} lacks ${source.path} at ${source.commit}` };
  }
}

/** Whether a hit covers the labelled lines: at least 3 of them, or all of a shorter label. */
export function covers(hit: Hit, source: Source, snippet: Snippet): boolean {
  const needed = Math.min(3, snippet.end - snippet.start + 1);
  return hit.source === source.workspacePath && Math.min(hit.endLine, snippet.end) - Math.max(hit.startLine, snippet.start) + 1 >= needed;
}

export function rankOf(hits: readonly Hit[], source: Source, snippet: Snippet): number | undefined {
  const index = hits.slice(0, K).findIndex((hit) => covers(hit, source, snippet));
  return index < 0 ? undefined : index + 1;
}

/** The documents that could be read (each with its text) and the snippets about them; a line per document skipped. */
export interface TeamsCorpus {
  sources: Source[];
  texts: Map<string, string>;
  sourceOf: Map<string, Source>;
  snippets: Snippet[];
  skipped: string[];
}

export async function loadTeamsCorpus(): Promise<TeamsCorpus> {
  const all: Source[] = JSON.parse(await readFile(path.join(DATA, 'sources.json'), 'utf8'));
  const heldOutNames = new Set((await readFile(path.join(DATA, 'heldout.txt'), 'utf8')).split('\n').filter(Boolean));
  const texts = new Map<string, string>();
  const skipped: string[] = [];
  for (const source of all) {
    const read = await documentText(source);
    if ('skip' in read) skipped.push(`${source.doc}: skipped, ${read.skip}`);
    else texts.set(source.doc, read.text);
  }
  const sources = all.filter((source) => texts.has(source.doc));
  const sourceOf = new Map(sources.map((source) => [source.doc, source]));
  const snippets = (await loadSnippets(heldOutNames)).filter((snippet) => sourceOf.has(snippet.doc));
  return { sources, texts, sourceOf, snippets, skipped };
}
