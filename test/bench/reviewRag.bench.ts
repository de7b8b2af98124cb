// Review RAG benchmark: the retrieval-augmentation overhead of one review window (query embedding,
// hybrid search, path scoping, dedup and budgeted packing; the model call excluded) at 10,000 and
// 100,000 indexed chunks, and the prompt tokens of budgeted packing against naive top-k concatenation
// at equal recall. The table is written straight through the store (hashing embedder, real LanceDB).
// Prints figures; never fails on time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { sha256 } from '../../src/core/hash';
import { createHashingEmbedder, hashText } from '../../src/core/knowledge/embedders/hashingEmbedder';
import { embeddingText } from '../../src/core/knowledge/indexer';
import { indexUri } from '../../src/core/knowledge/indexUri';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import type { Passage } from '../../src/core/knowledge/passage';
import type { ChunkRow } from '../../src/core/knowledge/lancedbSchema';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { passageCost } from '../../src/core/prompt/dataBlocks';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows, type ReviewWindow } from '../../src/core/review/reviewWindow';
import { listedPassages, retrievalQuery, retrieveRules, rulesForWindow } from '../../src/core/review/ruleRetrieval';
import { SYLLABLES, zipfText } from './zipfText';
import { peakRssMb, percentile } from './measure';

const BATCH_ROWS = 5000;
const TOPICS = 20;
const WINDOWS_PER_TOPIC = 10;
const { pick, word: zipfWord, prose, sentence } = zipfText(12345);

/** Each topic has words of its own, so a rule about it and code about it find each other. */
const topicWords = Array.from({ length: TOPICS }, (_, t) => Array.from({ length: 6 }, (_, w) => `q${SYLLABLES[t % SYLLABLES.length]}${SYLLABLES[(t * 7 + w) % SYLLABLES.length]}${SYLLABLES[(w * 3 + t) % SYLLABLES.length]}${t}`));

const DIMENSION = 384;

function row(source: string, startLine: number, endLine: number, heading: string, text: string, appliesTo: string[]): ChunkRow {
  const indexed = embeddingText({ heading, text });
  return {
    id: sha256(source, String(startLine), text).slice(0, 32),
    source,
    start_line: startLine,
    end_line: endLine,
    heading,
    text,
    fts_text: indexed,
    content_hash: sha256(heading, text).slice(0, 32),
    file_hash: sha256(source).slice(0, 32),
    file_stamp: 'bench',
    applies_to: JSON.stringify(appliesTo),
    languages: '[]',
    page: 0,
    vector: hashText(indexed, DIMENSION),
  };
}

/**
 * A topic's rule section in three chunks whose edges overlap by one line, as the chunker cuts a section longer
 * than chunking.maxTokens (these 9 lines are shorter: with the default 512 tokens it would keep them in one
 * chunk); and a Python rule on the same topic, scoped to Python files (retrieved too, never relevant to a .ts file).
 */
function topicRows(topic: number): { rows: ChunkRow[]; lines: string[] } {
  const rows: ChunkRow[] = [];
  let typescriptLines: string[] = [];
  for (const [source, appliesTo] of [[`docs/rules/topic-${topic}.md`, []], [`docs/rules/python/topic-${topic}.md`, ['**/*.py']]] as const) {
    const lines = Array.from({ length: 9 }, () => `${sentence(topicWords[topic]!, 4)} ${prose(8)}.`);
    if (appliesTo.length === 0) typescriptLines = lines;
    for (const [start, end] of [[0, 3], [3, 6], [6, 8]] as const) {
      // Lines are 1-based in the file; the heading sits on line 1.
      rows.push(row(source, start + 3, end + 3, `Rules > Topic ${topic}`, lines.slice(start, end + 1).join('\n'), [...appliesTo]));
    }
  }
  return { rows, lines: typescriptLines };
}

async function buildTable(workspace: string, chunks: number): Promise<Map<number, string[]>> {
  const config = parseConfig({ index: { embedder: 'hash' } });
  const { id, dimension } = createHashingEmbedder(DIMENSION);
  const store = await KnowledgeStore.create(indexUri(workspace, config), config.review.knowledgeBase, { embedder: id, dimension });
  const ruleLines = new Map<number, string[]>();
  const planted: ChunkRow[] = [];
  for (let t = 0; t < TOPICS; t++) {
    const { rows, lines } = topicRows(t);
    planted.push(...rows);
    ruleLines.set(t, lines);
  }
  let written = 0;
  let file = 0;
  while (written < chunks) {
    const batch: ChunkRow[] = written === 0 ? [...planted] : [];
    while (batch.length < BATCH_ROWS && written + batch.length < chunks) {
      const source = `docs/area-${file % 50}/guide-${file}.md`;
      for (let s = 0; s < 10 && batch.length < BATCH_ROWS; s++) batch.push(row(source, s * 4 + 3, s * 4 + 5, `Guide ${file} > Rule ${s}`, prose(60), []));
      file++;
    }
    await store.replaceSources(batch, new Set(batch.map((r) => r.source)));
    written += batch.length;
  }
  const started = performance.now();
  await store.maintainIndexes(config.index.vectorIndexMinRows);
  console.log(`${chunks} chunks: table written (${await store.count()} rows), indexes built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  store.close();
  return ruleLines;
}

/** A review window of TypeScript that uses a topic's words among everyday code. */
function codeWindow(topic: number, variant: number): ReviewWindow {
  const lines = Array.from({ length: 80 }, (_, i) => {
    const call = i % 8 === variant % 8 ? pick(topicWords[topic]!) : zipfWord();
    return `  const value${i} = ${call}(${zipfWord()}, ${i}); // ${prose(3)}`;
  });
  return reviewWindows(fileTarget(`src/feature-${topic}/module-${variant}.ts`, `export function run() {\n${lines.join('\n')}\n}\n`), 250)[0]!;
}

/** Share of the topic rule's lines that the given passage texts carry. */
function recall(ruleLines: string[], texts: string[]): number {
  const carried = new Set(texts.flatMap((text) => text.split('\n')));
  return ruleLines.filter((line) => carried.has(line)).length / ruleLines.length;
}



async function run(chunks: number): Promise<void> {
  const workspace = await mkdtemp(path.join(tmpdir(), `hs-review-bench-${chunks}-`));
  try {
    const ruleLines = await buildTable(workspace, chunks);
    const config = parseConfig({ index: { embedder: 'hash' } });
    const kb = await openKnowledgeBase({ workspace, config });
    const overhead: number[] = [];
    const windows: { path: string; retrieved: Passage[]; lines: string[] }[] = [];
    const warmup = 10;
    for (let i = 0; i < warmup + TOPICS * WINDOWS_PER_TOPIC; i++) {
      const topic = i % TOPICS;
      const window = codeWindow(topic, Math.floor(i / TOPICS));
      const started = performance.now();
      await rulesForWindow(kb, window, config);
      const elapsed = performance.now() - started;
      if (i < warmup) continue;
      overhead.push(elapsed);
      windows.push({ path: window.target.path, retrieved: await kb.search(retrievalQuery(window), { k: listedPassages(config) }), lines: ruleLines.get(topic)! });
    }
    await kb.close();
    overhead.sort((a, b) => a - b);
    console.log(
      `${chunks} chunks: RAG overhead per review window (retrieval k=${listedPassages(config)} + scoping + packing into ${config.review.contextTokens} tokens) ` +
        `p50 ${percentile(overhead, 50).toFixed(1)} ms, p95 ${percentile(overhead, 95).toFixed(1)} ms over ${overhead.length} windows; peak RSS ${peakRssMb()} MB`,
    );

    // Naive: the search's top k concatenated as retrieved (no scoping, no dedup, no budget), with the
    // smallest k, the same for every window, whose mean recall reaches the budgeted prompts' mean recall.
    // Budgeted: the same retrieved passages packed at the default budget and at tighter ones that bind.
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const naiveAt = (k: number) => ({
      recall: mean(windows.map((w) => recall(w.lines, w.retrieved.slice(0, k).map((p) => p.text)))),
      tokens: mean(windows.map((w) => w.retrieved.slice(0, k).reduce((sum, p) => sum + passageCost(p, p.text), 0))),
    });
    for (const budget of [config.review.contextTokens, 1024, 768]) {
      // The review's own packing (retrieveRules) of the passages the naive prompt takes its top k from.
      const budgeted = { ...config, review: { ...config.review, contextTokens: budget } };
      const packed = await Promise.all(
        windows.map(async (w) => ({ w, packed: await retrieveRules({ search: async () => w.retrieved }, '', w.path, budgeted) })),
      );
      const budgetedRecall = mean(packed.map(({ w, packed: p }) => recall(w.lines, p.passages.map((x) => x.text))));
      const budgetedTokens = mean(packed.map(({ packed: p }) => p.tokens));
      let k = 1;
      while (k < config.review.k && naiveAt(k).recall < budgetedRecall) k++;
      const naive = naiveAt(k);
      console.log(
        `${chunks} chunks, budget ${budget}: context tokens per window, budgeted ${budgetedTokens.toFixed(0)} (${mean(packed.map(({ packed: p }) => p.passages.length)).toFixed(1)} passages, rule-line recall ${budgetedRecall.toFixed(2)}) ` +
          `vs naive top-${k} ${naive.tokens.toFixed(0)} (recall ${naive.recall.toFixed(2)}): ${((1 - budgetedTokens / naive.tokens) * 100).toFixed(0)}% fewer`,
      );
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [10_000, 100_000];
for (const size of sizes) await run(size);
