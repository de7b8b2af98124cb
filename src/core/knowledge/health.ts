import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { knowledgeBase as kbConfig, type Config } from '../config';
import { jaccard, shingles } from '../shingles';
import { HouseStyleError } from '../errors';
import { HEADING_SEPARATOR } from './chunk/chunk';
import { indexUri } from './indexUri';
import type { Passage } from './passage';
import { retrievedSince, RETRIEVAL_LOG } from './retrievalLog';
import { KnowledgeStore } from './store';

export type HealthCheck = 'no-headings' | 'near-duplicate' | 'not-retrieved' | 'stale';

export interface HealthFinding {
  check: HealthCheck;
  source: string;
  /** What is wrong, in one line. */
  message: string;
  /** What to change. */
  fix: string;
  /** Every passage the finding is about, where it names several (a group of near-duplicates). */
  locations?: string[];
}

export interface HealthReport {
  kb: string;
  sources: number;
  passages: number;
  findings: HealthFinding[];
  /** Why the unused-source check did not run, when it did not. */
  notChecked?: string;
}

export interface HealthOptions {
  workspace: string;
  config: Config;
  kb?: string;
  /** A source no review retrieved in this many days is reported. */
  unusedDays?: number;
  /** A section this many days older than another source's section of the same heading, and different, is reported as stale. */
  staleDays?: number;
  now?: Date;
}

/** Jaccard similarity of word shingles at or above which two passages say the same thing. */
const DUPLICATE_SIMILARITY = 0.8;
/** Passages shorter than this many shingles (a heading, a one-liner) are too short to call duplicates. */
const MIN_SHINGLES = 8;
/** Shingles found in more passages than this are boilerplate, not evidence of a copied rule. */
const COMMON_SHINGLE = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

type Stored = Pick<Passage, 'source' | 'heading' | 'text' | 'startLine' | 'endLine'> & { shingles: Uint32Array };

/** Checks an indexed knowledge base for what makes retrieval worse, each finding with the fix to make. */
export async function checkKnowledgeBaseHealth(options: HealthOptions): Promise<HealthReport> {
  const { workspace, config } = options;
  const name = options.kb ?? config.review.knowledgeBase;
  kbConfig(config, name);
  const now = options.now ?? new Date();
  const store = await KnowledgeStore.open(indexUri(workspace, config), name, config.index.storageOptions);
  if (!store) throw new HouseStyleError(`The knowledge base "${name}" has not been indexed yet.`, 'Run `housestyle index` first.', 'index-missing', { fix: ['index'] });
  const passages: Stored[] = [];
  try {
    for await (const passage of store.passages()) passages.push({ ...passage, shingles: shingles(bodyOf(passage)) });
  } finally {
    store.close();
  }
  const sources = [...new Set(passages.map((p) => p.source))].sort();
  const findings: HealthFinding[] = [...withoutHeadings(passages), ...nearDuplicates(passages)];

  const unusedDays = options.unusedDays ?? 30;
  const retrieved = await retrievedSince(workspace, name, new Date(now.getTime() - unusedDays * DAY_MS));
  if (retrieved) {
    for (const source of sources.filter((s) => !retrieved.has(s))) {
      findings.push({
        check: 'not-retrieved',
        source,
        message: `${source} was not retrieved by any review in the last ${unusedDays} days.`,
        fix: `If it holds rules, give its sections headings that name what they govern; if it is background, exclude it from the knowledge base (knowledgeBases.${name}.exclude).`,
      });
    }
  }
  findings.push(...(await staleSections(workspace, passages, options.staleDays ?? 90)));
  return { kb: name, sources: sources.length, passages: passages.length, findings, ...(retrieved ? {} : { notChecked: `unused sources: no reviews recorded in ${RETRIEVAL_LOG} yet` }) };
}

function withoutHeadings(passages: Stored[]): HealthFinding[] {
  const bySource = groupBy(passages, (p) => p.source);
  // PDFs are cited by page; their text layer has no headings to find.
  return [...bySource]
    .filter(([source, rows]) => !/\.pdf$/i.test(source) && rows.every((p) => p.heading === ''))
    .map(([source, rows]) => ({
      check: 'no-headings' as const,
      source,
      message: `${source} has no headings: its ${rows.length} passage${rows.length === 1 ? ' is' : 's are'} cited without a section.`,
      fix: 'Add a heading per rule or topic (Markdown #, reStructuredText underlines, HTML <h2>), so passages stay rule-sized and cite their section.',
    }));
}

/** Passages a group's message names before it says how many more there are. */
const GROUP_NAMED = 8;

/**
 * Groups of passages from different sources that say the same thing: one finding per group, not per pair, so
 * seven copies of one boilerplate section are one finding of seven, not 21. Candidates share an uncommon
 * shingle; a passage joins a group when it is similar enough to any member (single linkage).
 */
function nearDuplicates(passages: Stored[]): HealthFinding[] {
  const postings = new Map<number, number[]>();
  passages.forEach((p, i) => {
    if (p.shingles.length < MIN_SHINGLES) return;
    for (const shingle of p.shingles) {
      const list = postings.get(shingle);
      if (list) list.push(i);
      else postings.set(shingle, [i]);
    }
  });
  const parent = passages.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const pairs: { i: number; j: number; similarity: number }[] = [];
  const compared = new Set<string>();
  for (const list of postings.values()) {
    if (list.length < 2 || list.length > COMMON_SHINGLE) continue;
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const [i, j] = [list[x]!, list[y]!];
        const key = `${i}:${j}`;
        if (passages[i]!.source === passages[j]!.source || compared.has(key)) continue;
        compared.add(key);
        const similarity = jaccard(passages[i]!.shingles, passages[j]!.shingles);
        if (similarity < DUPLICATE_SIMILARITY) continue;
        const [a, b] = [root(i), root(j)];
        if (a !== b) parent[b] = a;
        pairs.push({ i, j, similarity });
      }
    }
  }
  const groups = groupBy(pairs, (pair) => String(root(pair.i)));
  return [...groups.values()].map((linked) => {
    const members = [...new Set(linked.flatMap(({ i, j }) => [i, j]))];
    const rows = members.map((i) => passages[i]!).sort((a, b) => a.source.localeCompare(b.source) || a.startLine - b.startLine);
    const found = linked.map((pair) => pair.similarity);
    const [low, high] = [Math.min(...found), Math.max(...found)];
    const range = low === high ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`;
    const named = rows.slice(0, GROUP_NAMED).map(where);
    const more = rows.length - named.length;
    const list = more > 0 ? `${named.join(', ')} and ${more} more` : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
    return {
      check: 'near-duplicate' as const,
      source: rows[0]!.source,
      message: `${rows.length > 2 ? `${rows.length} passages: ` : ''}${list} say the same thing (similarity ${range}).`,
      fix: rows.length > 2 ? 'Keep the text in one document and link to it from the others (or exclude boilerplate from the knowledge base), so that a change to it cannot miss a copy.' : 'Keep the rule in one document and link to it from the other, so that a change to it cannot miss a copy.',
      locations: rows.map(where),
    };
  });
}

/** Sections of one heading in several sources whose texts differ: the older (by modification time) is stale. */
async function staleSections(workspace: string, passages: Stored[], staleDays: number): Promise<HealthFinding[]> {
  const byHeading = groupBy(passages.filter((p) => p.heading), (p) => p.heading.split(HEADING_SEPARATOR).at(-1)!.trim().toLowerCase());
  const modified = new Map<string, number | undefined>();
  const modifiedOf = async (source: string) => {
    if (!modified.has(source)) modified.set(source, (await stat(path.join(workspace, source)).catch(() => undefined))?.mtimeMs);
    return modified.get(source);
  };
  const findings: HealthFinding[] = [];
  const reported = new Set<string>();
  for (const sections of byHeading.values()) {
    const bySource = groupBy(sections, (p) => p.source);
    if (bySource.size < 2) continue;
    const dated = await Promise.all([...bySource].map(async ([source, rows]) => ({ source, rows, time: await modifiedOf(source) })));
    const known = dated.filter((d): d is typeof d & { time: number } => d.time !== undefined).sort((a, b) => b.time - a.time);
    const newest = known[0];
    if (!newest) continue;
    for (const older of known.slice(1)) {
      const days = Math.floor((newest.time - older.time) / DAY_MS);
      const text = (rows: Stored[]) => shingles(rows.map((r) => r.text).join('\n'));
      const key = `${older.source}|${older.rows[0]!.heading}`;
      if (days < staleDays || reported.has(key) || jaccard(text(older.rows), text(newest.rows)) >= DUPLICATE_SIMILARITY) continue;
      reported.add(key);
      findings.push({
        check: 'stale',
        source: older.source,
        message: `${where(older.rows[0]!)} is ${days} days older than ${where(newest.rows[0]!)}, which has the same heading and says something else.`,
        fix: `Reconcile them: bring ${older.source} in line with ${newest.source}, or remove its section.`,
      });
    }
  }
  return findings;
}

/** A passage's text without its heading line, so that two copies of a rule under different headings compare equal. */
function bodyOf(passage: Pick<Passage, 'heading' | 'text'>): string {
  const leaf = passage.heading.split(HEADING_SEPARATOR).at(-1)!.trim();
  return passage.text
    .split('\n')
    .filter((line) => !leaf || line.replace(/^#+\s*/, '').trim() !== leaf)
    .join('\n');
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

function where(p: Pick<Passage, 'source' | 'heading' | 'startLine' | 'endLine'>): string {
  return `${p.source}:${p.startLine}-${p.endLine}${p.heading ? ` (${p.heading})` : ''}`;
}
