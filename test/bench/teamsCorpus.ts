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

/** A section or bullet of another document that states the snippet's own rule (`| also doc: label @ first-last`). */
export interface AlsoLabel {
  doc: string;
  /** Where that document sits in the benchmark's workspace (its source's `workspacePath`). */
  source: string;
  label: string;
  start: number;
  end: number;
}

export interface Snippet {
  name: string;
  doc: string;
  path: string;
  label: string;
  start: number;
  end: number;
  /** The same rule stated by other documents: a hit on any of these finds the snippet as its own label does. */
  also: AlsoLabel[];
  code: string;
  heldOut: boolean;
}

/**
 * Parses snippets.txt: `=== document/id | path | label @ first-last`, then any number of
 * `| also document: label @ first-last`, then the code. An unknown document or a malformed label throws.
 */
function parseSnippets(text: string, sources: readonly Source[], heldOut: ReadonlySet<string>): Snippet[] {
  const workspacePathOf = new Map(sources.map((source) => [source.doc, source.workspacePath]));
  return text
    .split(/^=== /m)
    .filter(Boolean)
    .map((entry) => {
      const [header, ...code] = entry.split('\n');
      const [name, file, labelled, ...rest] = header!.split(' | ').map((part) => part.trim());
      const own = /^(.*) @ (\d+)-(\d+)$/.exec(labelled ?? '');
      if (!own) throw new Error(`snippets.txt: ${name}: no "label @ first-last" in "${header}"`);
      const also = rest.map((part): AlsoLabel => {
        const match = /^also ([^:]+): (.*) @ (\d+)-(\d+)$/.exec(part);
        if (!match) throw new Error(`snippets.txt: ${name}: "${part}" is not "also document: label @ first-last"`);
        const [, doc, label, start, end] = match;
        const source = workspacePathOf.get(doc!);
        if (source === undefined) throw new Error(`snippets.txt: ${name}: no document named ${doc} in sources.json`);
        return { doc: doc!, source, label: label!, start: Number(start), end: Number(end) };
      });
      return { name: name!, doc: name!.split('/')[0]!, path: file!, label: own[1]!, start: Number(own[2]), end: Number(own[3]), also, code: code.join('\n').trimEnd(), heldOut: heldOut.has(name!) };
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

/** Whether a hit covers labelled lines of a document: at least 3 of them, or all of a shorter label. */
function coversLines(hit: Hit, workspacePath: string, start: number, end: number): boolean {
  const needed = Math.min(3, end - start + 1);
  return hit.source === workspacePath && Math.min(hit.endLine, end) - Math.max(hit.startLine, start) + 1 >= needed;
}

/**
 * Which of the snippet's labels a hit covers: `own` for its own (in `source`, its document), else the first
 * `also` label covered (in that label's document), else undefined.
 */
export function labelCovered(hit: Hit, source: Source, snippet: Snippet): 'own' | AlsoLabel | undefined {
  if (coversLines(hit, source.workspacePath, snippet.start, snippet.end)) return 'own';
  return snippet.also.find((also) => coversLines(hit, also.source, also.start, also.end));
}

/**
 * Whether `shown` (what a reader is shown of a hit: its heading and some of its text) names a label the hit covers:
 * it holds that label's first line of text, its first 40 characters, with markup, tags and link targets aside (a
 * section's label opens with its heading, a bullet's with its rule).
 */
export function labelShown(hit: Hit, shown: string, source: Source, snippet: Snippet, texts: ReadonlyMap<string, string>): boolean {
  const labels = [{ doc: snippet.doc, source: source.workspacePath, start: snippet.start, end: snippet.end }, ...snippet.also];
  const seen = readable(shown);
  return labels.some(({ doc, source: workspacePath, start, end }) => {
    if (!coversLines(hit, workspacePath, start, end)) return false;
    const first = texts.get(doc)!.split(/\r?\n/).slice(start - 1, end).map(readable).find((line) => line.length > 3);
    return first !== undefined && seen.includes(first.slice(0, 40));
  });
}

/** Text as compared by `labelShown`: link targets, tags, markup and list markers dropped, lower case, spaces collapsed. */
function readable(text: string): string {
  return text
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/<[^>]+>/g, ' ')
    .replace(/`/g, '')
    .replace(/[#*_>[\]()]|^\s*(\d+\.|-|\+)\s/gm, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether a hit finds the snippet: it covers its own label or any of its `also` labels. */
export function covers(hit: Hit, source: Source, snippet: Snippet): boolean {
  return labelCovered(hit, source, snippet) !== undefined;
}

/** The 1-based rank of the first hit in the top K that finds the snippet, and the label it covers; undefined when none does. */
export function foundAt(hits: readonly Hit[], source: Source, snippet: Snippet): { rank: number; label: 'own' | AlsoLabel } | undefined {
  const top = hits.slice(0, K);
  for (let index = 0; index < top.length; index++) {
    const label = labelCovered(top[index]!, source, snippet);
    if (label) return { rank: index + 1, label };
  }
  return undefined;
}

export function rankOf(hits: readonly Hit[], source: Source, snippet: Snippet): number | undefined {
  return foundAt(hits, source, snippet)?.rank;
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
  const parsed = parseSnippets(await readFile(path.join(DATA, 'snippets.txt'), 'utf8'), all, heldOutNames);
  for (const snippet of parsed) {
    for (const { doc, start, end } of [snippet, ...snippet.also]) {
      const lines = texts.get(doc)?.split(/\r?\n/).length;
      if (lines !== undefined && !(start >= 1 && start <= end && end <= lines)) throw new Error(`snippets.txt: ${snippet.name}: lines ${start}-${end} are not within ${doc}'s ${lines}`);
    }
  }
  // A snippet whose own document was skipped is left out; an `also` label in a skipped document is dropped.
  const snippets = parsed
    .filter((snippet) => sourceOf.has(snippet.doc))
    .map((snippet) => ({ ...snippet, also: snippet.also.filter((also) => sourceOf.has(also.doc)) }));
  return { sources, texts, sourceOf, snippets, skipped };
}
