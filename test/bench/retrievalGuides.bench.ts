// Retrieval quality on the guides House Style's retrieval was written and tuned for (the headline, on team
// docs it was not written for, is retrieval.bench.ts). For each code snippet in test/bench/retrieval/snippets.txt, does the review's retrieval
// (its query built from the window, then the knowledge base's search) return the guide sections the snippet
// breaks? All guides share one knowledge base, as a polyglot workspace's would, so the others' sections
// compete. Prints recall@5, recall@12 and MRR per embedder available here, on the tuned and the held-out
// guides, beside a naive baseline measured in the same run: BM25 over 60-line windows of the guides, queried
// with the snippet's text. Real LanceDB; the guides are public style guides (see retrieval/README.md).
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig, type Config } from '../../src/core/config';
import type { EmbedderChoice } from '../../src/core/knowledge/embedder';
import { createHashingEmbedder } from '../../src/core/knowledge/embedders/hashingEmbedder';
import { findMiniLmModel } from '../../src/core/knowledge/embedders/miniLmModel';
import { indexUri } from '../../src/core/knowledge/indexUri';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { ollamaEmbeddingStatus } from '../../src/core/knowledge/embedders/ollamaEmbeddingModels';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { passageCost } from '../../src/core/prompt/dataBlocks';
import { listedPassages, programmingLanguage, retrievalQuery, retrieveRules, searchText } from '../../src/core/review/ruleRetrieval';
import { K, naiveBm25, scoreRanks, type Hit, type Scores } from './retrievalScoring';

const DATA = path.join(import.meta.dirname, 'retrieval');
const HELD_OUT = new Set(['pep8', 'rust-api-naming']);

interface Snippet {
  guide: string;
  id: string;
  path: string;
  labels: string[];
  code: string;
}

interface Section {
  title: string;
  start: number;
  end: number;
}

interface Guide {
  name: string;
  file: string;
  lines: string[];
  sections: Section[];
}

/** The snippets of one file of the benchmark, in the order written. */
async function loadSnippets(file: string): Promise<Snippet[]> {
  const text = await readFile(path.join(DATA, file), 'utf8');
  return text
    .split(/^=== /m)
    .filter(Boolean)
    .map((entry) => {
      const [header, ...code] = entry.split('\n');
      const [name, file, labels] = header!.split(' | ').map((part) => part.trim());
      const [guide, id] = name!.split('/');
      return { guide: guide!, id: id!, path: file!, labels: labels!.split(';').map((l) => l.trim()), code: code.join('\n').trimEnd() };
    });
}

/**
 * Sections of a guide by heading text (backticks and tags dropped), each running to the next heading:
 * Markdown `#` headings outside fences, reStructuredText underlined titles, HTML `<h1>`–`<h6>` on one line.
 */
function sectionsOf(lines: string[], format: 'md' | 'rst' | 'html'): Section[] {
  const starts: { title: string; line: number }[] = [];
  let fenced = false;
  lines.forEach((line, i) => {
    if (format === 'md' && /^\s*```/.test(line)) fenced = !fenced;
    if (format === 'md' && !fenced && /^#{1,6}\s/.test(line)) starts.push({ title: line.replace(/^#+\s*/, '').replaceAll('`', '').trim(), line: i + 1 });
    const next = lines[i + 1] ?? '';
    if (format === 'rst' && /^\S/.test(line) && /^([=\-~])\1{2,}$/.test(next) && next.length >= line.trimEnd().length) starts.push({ title: line.trim(), line: i + 1 });
    const heading = format === 'html' ? /<h[1-6]\b[^>]*>(.*?)<\/h[1-6]>/i.exec(line) : null;
    if (heading) starts.push({ title: htmlText(heading[1]!), line: i + 1 });
  });
  return starts.map((s, i) => ({ title: s.title, start: s.line, end: (starts[i + 1]?.line ?? lines.length + 1) - 1 }));
}

function htmlText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };
  return html.replace(/<[^>]+>/g, '').replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, name: string) => entities[name]!).trim();
}

async function loadGuide(name: string): Promise<Guide> {
  const docs = path.join(DATA, 'guides', name, 'docs');
  const { readdir } = await import('node:fs/promises');
  const [file] = await readdir(docs);
  const lines = (await readFile(path.join(docs, file!), 'utf8')).split(/\r?\n/);
  return { name, file: `docs/${name}/${file}`, lines, sections: sectionsOf(lines, file!.endsWith('.rst') ? 'rst' : /\.html?$/.test(file!) ? 'html' : 'md') };
}

/** 1-based rank of the first result that covers the labelled section (at least 3 of its lines, or all of a shorter one). */
function rankOf(results: Hit[], guide: Guide, label: string): number | undefined {
  const section = guide.sections.find((s) => s.title === label);
  if (!section) throw new Error(`${guide.name}: no section titled "${label}"`);
  const needed = Math.min(3, section.end - section.start + 1);
  const index = results.findIndex((r) => r.source === guide.file && Math.min(r.endLine, section.end) - Math.max(r.startLine, section.start) + 1 >= needed);
  return index < 0 ? undefined : index + 1;
}

async function availableEmbedders(config: Config): Promise<{ choice: EmbedderChoice; label: string }[]> {
  const embedders: { choice: EmbedderChoice; label: string }[] = [{ choice: 'hash', label: 'hash (lexical fallback)' }];
  const minilm = findMiniLmModel({ modelDir: config.index.modelDir });
  if (minilm) embedders.push({ choice: 'minilm', label: `minilm (${minilm})` });
  else console.log('minilm: not measured (no local all-MiniLM-L6-v2 files on this machine)');
  const ollama = await ollamaEmbeddingStatus(OllamaClient.fromConfig(config));
  if (ollama.installed) embedders.push({ choice: 'ollama', label: `ollama ${ollama.installed.name}` });
  else console.log(`ollama: not measured (${ollama.reachable ? 'no embedding model installed' : 'not reachable'} at ${ollama.host})`);
  return embedders;
}

const written = await loadSnippets('snippets.txt');
// Added later with the whole Airbnb guide and PEP 8 and with Effective Go; nothing was tuned on them.
const added = await loadSnippets('snippets-whole-guides.txt').catch(() => []);
const snippets = [...written, ...added];
const fromAdded = new Set(added);
/** The snippet groups scored apart: what retrieval was tuned on, and what it never saw while being changed. */
const GROUPS: { name: string; has: (snippet: Snippet) => boolean }[] = [
  { name: 'tuned', has: (s) => !fromAdded.has(s) && !HELD_OUT.has(s.guide) },
  { name: 'held-out', has: (s) => !fromAdded.has(s) && HELD_OUT.has(s.guide) },
  ...(added.length > 0 ? [{ name: 'added', has: (s: Snippet) => fromAdded.has(s) }] : []),
];
const guides = new Map(await Promise.all([...new Set(snippets.map((s) => s.guide))].map(async (name) => [name, await loadGuide(name)] as const)));
const baseConfig = parseConfig({});
const rows: { method: string; scores: Scores[] }[] = [];
const packing: string[] = [];
const scored = <T extends { snippet: Snippet; guide: Guide; results: Hit[] }>(runs: T[]) =>
  GROUPS.map((group) => scoreRanks(runs.filter((r) => group.has(r.snippet)).map(({ snippet, guide, results }) => snippet.labels.map((label) => rankOf(results, guide, label)))));

for (const { choice, label } of await availableEmbedders(baseConfig)) {
  const runs: { snippet: Snippet; guide: Guide; results: Hit[] }[] = [];
  // `housestyle search` given the snippet alone (no file named): the code recognised and searched as code
  // (its words and code tokens), against the snippet's text searched as written (what search did before).
  const searched: typeof runs = [];
  const asWritten: typeof runs = [];
  // Ablations, to show what each part of the lexical path adds: the query without its code tokens
  // (language, path and frequent words), and the hashing embedder's vectors fused in.
  const wordsOnly: typeof runs = [];
  const fused: typeof runs = [];
  // What a review's prompt carries: the same search's passages as retrieveRules packs them.
  const packed: (typeof runs[number] & { tokens: number; naiveTokens: number[] })[] = [];
  const misses: string[] = [];
  const workspace = await mkdtemp(path.join(tmpdir(), 'hs-retrieval-'));
  try {
    for (const guide of guides.values()) await cp(path.join(DATA, 'guides', guide.name, 'docs'), path.join(workspace, 'docs', guide.name), { recursive: true });
    const config = parseConfig({ index: { embedder: choice } });
    const client = OllamaClient.fromConfig(config);
    await indexKnowledgeBase({ workspace, config, client });
    const kb = await openKnowledgeBase({ workspace, config, client });
    const store = choice === 'hash' ? await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase) : undefined;
    const hashing = createHashingEmbedder();
    for (const snippet of snippets) {
      const guide = guides.get(snippet.guide)!;
      const [window] = reviewWindows(fileTarget(snippet.path, snippet.code), config.review.windowLines);
      const query = retrievalQuery(window!);
      const language = programmingLanguage(window!.target.language);
      // The review's own search: as many passages as it packs or lists, the first K of them ranked here.
      const results = await kb.search(query, { k: Math.max(K, listedPassages(config)), ...(language && { language }) });
      runs.push({ snippet, guide, results });
      searched.push({ snippet, guide, results: await searchText(kb, snippet.code, { k: K }) });
      asWritten.push({ snippet, guide, results: await kb.search(snippet.code, { k: K }) });
      const rules = await retrieveRules({ search: async (_query, options) => results.slice(0, options?.k) }, query, snippet.path, config);
      const naiveTokens = results.map((p) => passageCost(p, p.text)).map((cost, i, all) => all.slice(0, i + 1).reduce((a, b) => a + b, 0));
      packed.push({ snippet, guide, results: rules.passages.map(({ passage }) => passage), tokens: rules.tokens, naiveTokens });
      if (store) {
        const lines = query.split('\n');
        wordsOnly.push({ snippet, guide, results: await kb.search(lines.slice(0, 2).join('\n'), { k: K, ...(language && { language }) }) });
        fused.push({ snippet, guide, results: await store.search(query, { vector: async () => (await hashing.embed([query]))[0]!, fuseVectors: true, k: K }) });
      }
      // BENCH_VERBOSE=tuned (or another group's name) lists that group's snippets whose sections are not in the top 5.
      if (GROUPS.find((g) => g.name === process.env.BENCH_VERBOSE)?.has(snippet) && snippet.labels.some((l) => (rankOf(results, guide, l) ?? 99) > 5)) {
        const ranks = snippet.labels.map((l) => rankOf(results, guide, l) ?? '-').join(',');
        misses.push(`${guide.name}/${snippet.id}: wanted ${snippet.labels.join('; ')} (rank ${ranks}), got ${results.slice(0, 5).map((r) => `${r.source.split('/')[1]}: ${r.heading.split(' > ').at(-1)}`).join(' | ')}`);
      }
    }
    await kb.close();
    store?.close();
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
  rows.push({ method: `${label}: review query, search`, scores: scored(runs) });
  rows.push({ method: `${label}: \`housestyle search\` with the snippet alone`, scores: scored(searched) });
  rows.push({ method: `${label}: the snippet's text searched as written`, scores: scored(asWritten) });
  if (wordsOnly.length > 0) {
    rows.push({ method: `${label}: review query without code tokens, search`, scores: scored(wordsOnly) });
    rows.push({ method: `${label}: review query, BM25 fused with the hashing vectors (no language preference)`, scores: scored(fused) });
  }
  for (const miss of misses) console.log(`  miss (${process.env.BENCH_VERBOSE}): ${miss}`);
  // Label recall of the packed rules against naive top-k concatenation, at the smallest k as good.
  const labelRecall = (list: typeof runs) => list.reduce((sum, r) => sum + r.snippet.labels.filter((l) => rankOf(r.results, r.guide, l) !== undefined).length / r.snippet.labels.length, 0) / list.length;
  const packedRecall = labelRecall(packed);
  const packedTokens = packed.reduce((sum, r) => sum + r.tokens, 0) / packed.length;
  let k = 1;
  while (k < K && labelRecall(runs.map((r) => ({ ...r, results: r.results.slice(0, k) }))) < packedRecall) k++;
  const naiveTokens = packed.reduce((sum, r) => sum + r.naiveTokens[Math.min(k, r.naiveTokens.length) - 1]!, 0) / packed.length;
  const naiveRecall = labelRecall(runs.map((r) => ({ ...r, results: r.results.slice(0, k) })));
  packing.push(
    `${label}: the review's packed rules (default ${baseConfig.review.contextTokens}-token budget) carry ${packedRecall.toFixed(3)} of the labelled sections in ${packedTokens.toFixed(0)} tokens; ` +
      `naive top-${k} ${naiveRecall.toFixed(3)} in ${naiveTokens.toFixed(0)} tokens (${packedTokens <= naiveTokens ? `${((1 - packedTokens / naiveTokens) * 100).toFixed(0)}% fewer` : `${((packedTokens / naiveTokens - 1) * 100).toFixed(0)}% more`})`,
  );
}

const naive = naiveBm25([...guides.values()].map((guide) => ({ source: guide.file, lines: guide.lines })));
const baselineRuns = snippets.map((snippet) => ({ snippet, guide: guides.get(snippet.guide)!, results: naive(snippet.code) }));
rows.push({ method: 'baseline: BM25 over 60-line windows, snippet text', scores: scored(baselineRuns) });

const f = (x: number) => x.toFixed(3);
console.log(
  `\n${snippets.length} snippets over ${guides.size} guides; tuned on ${written.filter(GROUPS[0]!.has).length} snippets of ${[...new Set(written.filter(GROUPS[0]!.has).map((s) => s.guide))].join(', ')}; ` +
    `held out ${[...HELD_OUT].join(', ')}${added.length > 0 ? `, and the ${added.length} snippets added with whole guides (${[...new Set(added.map((s) => s.guide))].join(', ')})` : ''}\n`,
);
console.log(`| method | ${GROUPS.map((g) => `${g.name} r@5 | ${g.name} r@12 | ${g.name} MRR`).join(' | ')} |`);
console.log(`| --- | ${GROUPS.map(() => '--- | --- | ---').join(' | ')} |`);
for (const { method, scores } of rows) console.log(`| ${method} | ${scores.map((x) => `${f(x.recall5)} | ${f(x.recall12)} | ${f(x.mrr)}`).join(' | ')} |`);
console.log(`\n(${GROUPS.map((g, i) => `${g.name}: ${rows[0]!.scores[i]!.n} snippets`).join(', ')})`);
for (const line of packing) console.log(`\n${line}`);
