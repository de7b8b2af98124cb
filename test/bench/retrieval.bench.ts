// Retrieval quality on team convention documents House Style's retrieval was not written for (see
// retrieval/teams/README.md): fifteen public documents share one knowledge base, as a polyglot team's would,
// and each code snippet breaks one labelled rule (a section or a bullet, by its lines; where another document
// states the same rule, its section or bullet is an `also` label, and a hit on either finds the snippet). Prints,
// for the tuning and the frozen held-out halves and per language, recall@5, recall@12 and MRR of the review's
// retrieval on the lexical path (hashing embedder), of `housestyle search` given the snippet and its file
// name, of naive BM25 over 60-line windows and over the very passages House Style indexed, and of the passages
// of the documents holding a label in random order (expected values), all in the same run; and how often the
// review's packed prompt keeps the labelled rule; and for the optional rerank by the review model, how often the rule is
// among the passages it reads and is named in what it is shown of them (`labelShown`), with the rule openings it
// is shown now and with the heading and first line it was shown before. BENCH_DISTRACTORS=DIR copies DIR into the workspace's docs/ first,
// as the default include would take a project's own user documentation beside its conventions.
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { indexUri } from '../../src/core/knowledge/indexUri';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { languageOf } from '../../src/core/language';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { listedPassages, programmingLanguage, retrievalQuery, retrieveRules, searchText } from '../../src/core/review/ruleRetrieval';
import { RERANK_CANDIDATES } from '../../src/core/review/rerankRules';
import { RULE_OPENING_CHARS, ruleOpenings } from '../../src/core/review/ruleOpenings';
import { buildPrompt } from '../../src/core/prompt/taskPrompt';
import type { Passage } from '../../src/core/knowledge/passage';
import { bm25Over, K, naiveBm25, scoreRanks, type Hit, type Scores } from './retrievalScoring';
import { covers, foundAt, labelCovered, labelShown, loadTeamsCorpus, type AlsoLabel, type Snippet } from './teamsCorpus';

/** What the rerank showed of a passage before its rule openings: the heading, and the first line that is not one, cut at 160 characters (the baseline). */
function firstLine(passage: Passage): string {
  const line = passage.text.split('\n').find((l) => l.trim() && !/^#{1,6}\s/.test(l))?.trim() ?? '';
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

/** n choose k, as a float (the passage counts here are small enough). */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Expected recall@5, recall@12 and reciprocal rank when n passages (those of the documents holding a label) come in random order and m of them cover a label. */
function randomOrder(n: number, m: number): { recall5: number; recall12: number; rr: number } {
  if (m === 0) return { recall5: 0, recall12: 0, rr: 0 };
  const within = (k: number) => 1 - choose(n - m, Math.min(k, n)) / choose(n, Math.min(k, n));
  let rr = 0;
  for (let r = 1; r <= Math.min(K, n - m + 1); r++) rr += choose(n - r, m - 1) / choose(n, m) / r;
  return { recall5: within(5), recall12: within(12), rr };
}

const { sources, texts, sourceOf, snippets, skipped } = await loadTeamsCorpus();
for (const line of skipped) console.log(line);
const languageOfSnippet = (snippet: Snippet) => languageOf(snippet.path);

/** Where a method first found the snippet (rank, and its own label or the `also` label covered); undefined: not in the top K. */
type Found = ReturnType<typeof foundAt>;
interface Row {
  snippet: Snippet;
  review: Found;
  search: Found;
  bm25: Found;
  /** Naive BM25 over House Style's own passages: what the query, code tokens and language preference add, on the same units. */
  bm25Passages: Found;
  random: { recall5: number; recall12: number; rr: number };
  /** Which label the review's packed prompt keeps (its own where it keeps that), or undefined. */
  packed: 'own' | AlsoLabel | undefined;
  /** The rerank's view: whether a label is among the passages it reads, whether what it is shown names the label (by rule openings, and by the baseline's first line), and its prompt's tokens with each. */
  rerank: { within: boolean; openings: boolean; firstLine: boolean; tokens: { openings: number; firstLine: number } };
  top: string[];
}
const rows: Row[] = [];
const workspace = await mkdtemp(path.join(tmpdir(), 'hs-retrieval-teams-'));
try {
  for (const source of sources) {
    await mkdir(path.dirname(path.join(workspace, source.workspacePath)), { recursive: true });
    await writeFile(path.join(workspace, source.workspacePath), texts.get(source.doc)!);
  }
  if (process.env.BENCH_DISTRACTORS) await cp(process.env.BENCH_DISTRACTORS, path.join(workspace, 'docs', 'distractors'), { recursive: true });
  // The lexical path: no semantic model, the hashing embedder (BM25 alone).
  const config = parseConfig({ index: { embedder: 'hash' } });
  await indexKnowledgeBase({ workspace, config });
  const kb = await openKnowledgeBase({ workspace, config });
  const store = (await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase))!;
  const passagesBySource = new Map<string, Hit[]>();
  const allPassages: (Hit & { text: string })[] = [];
  for await (const passage of store.passages()) {
    passagesBySource.set(passage.source, [...(passagesBySource.get(passage.source) ?? []), passage]);
    allPassages.push({ ...passage, text: passage.heading ? `${passage.heading}\n${passage.text}` : passage.text });
  }
  store.close();
  const samePassages = bm25Over(allPassages);
  const naive = naiveBm25(sources.map((source) => ({ source: source.workspacePath, lines: texts.get(source.doc)!.split(/\r?\n/) })));
  for (const snippet of snippets) {
    const source = sourceOf.get(snippet.doc)!;
    const [window] = reviewWindows(fileTarget(snippet.path, snippet.code), config.review.windowLines);
    const query = retrievalQuery(window!);
    const language = programmingLanguage(window!.target.language);
    // The review's own search: as many passages as it packs or lists, the first K of them ranked here.
    const results = await kb.search(query, { k: Math.max(K, listedPassages(config)), ...(language && { language }) });
    // What the optional rerank reads: the first RERANK_CANDIDATES of the same search, each shown by its heading and rule openings.
    const candidates = await kb.search(query, { k: RERANK_CANDIDATES, ...(language && { language }) });
    const view = (show: (passage: Passage) => string) => ({
      names: candidates.some((passage) => labelShown(passage, `${passage.heading}\n${show(passage)}`, source, snippet, texts)),
      tokens: buildPrompt({ task: 'rule-rerank', window: window!, rules: candidates.map((passage) => ({ passage, text: show(passage) })) }).tokens,
    });
    const [openings, first] = [view((passage) => ruleOpenings(passage, RULE_OPENING_CHARS)), view(firstLine)];
    const rerank = { within: candidates.some((passage) => covers(passage, source, snippet)), openings: openings.names, firstLine: first.names, tokens: { openings: openings.tokens, firstLine: first.tokens } };
    const rules = await retrieveRules({ search: async (_query, options) => results.slice(0, options?.k) }, query, snippet.path, config);
    // Random order draws from the passages of every document that holds one of the snippet's labels.
    const labelled = [...new Set([source.workspacePath, ...snippet.also.map((also) => also.source)])].flatMap((workspacePath) => passagesBySource.get(workspacePath) ?? []);
    const keptLabels = rules.passages.map(({ passage, text, openings }) => (!openings || labelShown(passage, `${passage.heading}\n${text}`, source, snippet, texts) ? labelCovered(passage, source, snippet) : undefined));
    rows.push({
      snippet,
      review: foundAt(results, source, snippet),
      search: foundAt(await searchText(kb, snippet.code, { k: K, file: snippet.path }), source, snippet),
      bm25: foundAt(naive(snippet.code), source, snippet),
      bm25Passages: foundAt(samePassages(snippet.code), source, snippet),
      random: randomOrder(labelled.length, labelled.filter((passage) => covers(passage, source, snippet)).length),
      packed: keptLabels.includes('own') ? 'own' : keptLabels.find((label) => label !== undefined),
      rerank,
      top: results.slice(0, 5).map((r) => `${sources.find((s) => s.workspacePath === r.source)?.doc ?? r.source}: ${r.heading.split(' > ').at(-1)}`),
    });
  }
  await kb.close();
} finally {
  await rm(workspace, { recursive: true, force: true });
}

const GROUPS = [
  { name: 'tuning', has: (row: Row) => !row.snippet.heldOut },
  { name: 'held-out', has: (row: Row) => row.snippet.heldOut },
];
const ranked = (of: (row: Row) => Found) => (list: Row[]) => scoreRanks(list.map((row) => [of(row)?.rank]));
const expected = (list: Row[]): Scores => ({
  recall5: list.reduce((sum, row) => sum + row.random.recall5, 0) / list.length,
  recall12: list.reduce((sum, row) => sum + row.random.recall12, 0) / list.length,
  mrr: list.reduce((sum, row) => sum + row.random.rr, 0) / list.length,
  n: list.length,
});
const METHODS: { name: string; score: (list: Row[]) => Scores }[] = [
  { name: 'House Style: review query, lexical search', score: ranked((row) => row.review) },
  { name: '`housestyle search` with the snippet and its file name', score: ranked((row) => row.search) },
  { name: 'naive BM25 over 60-line windows, snippet text', score: ranked((row) => row.bm25) },
  { name: 'naive BM25 over the same passages as House Style, snippet text', score: ranked((row) => row.bm25Passages) },
  { name: 'the documents holding a label, their passages in random order (expected)', score: expected },
];
const f = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(3));
const kept = (list: Row[]) => list.filter((row) => row.packed !== undefined).length / list.length;

console.log(`\n${snippets.length} snippets over ${sources.length} documents (${new Set(snippets.map(languageOfSnippet)).size} languages); held out: ${snippets.filter((s) => s.heldOut).length}\n`);
console.log(`| method | ${GROUPS.map((g) => `${g.name} r@5 | ${g.name} r@12 | ${g.name} MRR`).join(' | ')} |`);
console.log(`| --- | ${GROUPS.map(() => '--- | --- | ---').join(' | ')} |`);
for (const method of METHODS) console.log(`| ${method.name} | ${GROUPS.map((g) => method.score(rows.filter(g.has))).map((s) => `${f(s.recall5)} | ${f(s.recall12)} | ${f(s.mrr)}`).join(' | ')} |`);
console.log(`\nThe review keeps the labelled rule in its packed prompt (default ${parseConfig({}).review.contextTokens}-token budget): ${GROUPS.map((g) => `${g.name} ${f(kept(rows.filter(g.has)))}`).join(', ')}`);
const share = (list: Row[], has: (row: Row) => boolean) => f(list.filter(has).length / list.length);
const meanTokens = (list: Row[], view: 'openings' | 'firstLine') => Math.round(list.reduce((sum, row) => sum + row.rerank.tokens[view], 0) / list.length);
console.log(
  `The rerank (review.rerank) reads the search's first ${RERANK_CANDIDATES}; the labelled rule is among them for ${GROUPS.map((g) => `${g.name} ${share(rows.filter(g.has), (row) => row.rerank.within)}`).join(', ')}. ` +
    `What it is shown names that rule for ${GROUPS.map((g) => `${g.name} ${share(rows.filter(g.has), (row) => row.rerank.openings)}`).join(', ')} with each passage's rule openings, in prompts of ${meanTokens(rows, 'openings')} tokens on average; ` +
    `for ${GROUPS.map((g) => `${g.name} ${share(rows.filter(g.has), (row) => row.rerank.firstLine)}`).join(', ')} with a heading and first line (before), ${meanTokens(rows, 'firstLine')} tokens`,
);

for (const group of GROUPS) {
  console.log(`\n${group.name}, per language (MRR; r@5 in brackets):\n`);
  console.log(`| language | n | House Style | search | naive BM25 | BM25, same passages | random order | packed |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  const inGroup = rows.filter(group.has);
  for (const language of [...new Set(inGroup.map((row) => languageOfSnippet(row.snippet)))].sort()) {
    const list = inGroup.filter((row) => languageOfSnippet(row.snippet) === language);
    const cells = METHODS.map((method) => method.score(list)).map((s) => `${f(s.mrr)} (${f(s.recall5)})`);
    console.log(`| ${language} | ${list.length} | ${cells.join(' | ')} | ${f(kept(list))} |`);
  }
}

// BENCH_VERBOSE=tuning lists the tuning half's ranks per snippet (House Style's beside both naive BM25s; - is not in
// the top 12; * marks a find of an `also` label, named on the line below), whether the review's packed prompt keeps
// the rule, and its snippets whose rule is not in the top 5. The held-out half is never listed: nobody looks at it
// to choose a change.
if (process.env.BENCH_VERBOSE === 'tuning') {
  const tuning = rows.filter((r) => !r.snippet.heldOut);
  const isAlso = (label: 'own' | AlsoLabel | undefined): label is AlsoLabel => label !== undefined && label !== 'own';
  const named = (also: AlsoLabel) => `${also.doc}: ${also.label}`;
  const cell = (found: Found) => `${found?.rank ?? '-'}${isAlso(found?.label) ? '*' : ''}`.padStart(7);
  console.log(`\n${'tuning snippet'.padEnd(44)}  review  search windows passages  packed`);
  for (const row of tuning) {
    const methods = { review: row.review, search: row.search, windows: row.bm25, passages: row.bm25Passages };
    console.log(`${row.snippet.name.padEnd(44)}${Object.values(methods).map(cell).join(' ')} ${(row.packed === undefined ? 'no' : isAlso(row.packed) ? 'yes*' : 'yes').padStart(7)}`);
    const alsoFound = [...Object.entries(methods).map(([method, found]) => [method, found?.label] as const), ['packed', row.packed] as const].filter(([, label]) => isAlso(label));
    for (const label of new Set(alsoFound.map(([, label]) => label as AlsoLabel))) console.log(`    * ${alsoFound.filter(([, l]) => l === label).map(([method]) => method).join(', ')}: found the also label ${named(label)}`);
  }
  console.log('');
  for (const row of tuning.filter((r) => (r.review?.rank ?? 99) > 5)) {
    const wanted = [row.snippet.label, ...row.snippet.also.map(named)].join(' or ');
    console.log(`  miss: ${row.snippet.name} wanted ${wanted} (rank ${row.review?.rank ?? '-'}${isAlso(row.review?.label) ? `, ${named(row.review.label)}` : ''}), got ${row.top.join(' | ')}`);
  }
}
