// Knowledge base benchmark: index throughput and peak RSS (the vector index's build, in its own process, beside it), incremental re-index of one edited file, and
// search latency (k=5, query embedding included) at 10,000 and 100,000 chunks on real LanceDB: the
// default path with the hashing embedder (BM25 alone), hybrid fusion as a semantic embedder gets it
// (the same vectors, fused by RRF), and beside them LanceDB's own floor on the same table (its bare
// full-text and vector queries). Prints figures; never fails on time.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { createHashingEmbedder } from '../../src/core/knowledge/embedders/hashingEmbedder';
import { indexUri } from '../../src/core/knowledge/indexUri';
import { loadLanceDb } from '../../src/core/knowledge/loadLanceDb';
import { PASSAGE_COLUMNS, tableName, type ChunkRow } from '../../src/core/knowledge/lancedbSchema';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { seededRandom } from '../support/seededRandom';
import { zipfText } from './zipfText';
import { peakRssMb, percentile } from './measure';

const SECTIONS_PER_FILE = 10;
const text = zipfText(20261124);

async function writeCorpus(dir: string, chunks: number): Promise<void> {
  for (let f = 0; f < chunks / SECTIONS_PER_FILE; f++) {
    const sections = Array.from({ length: SECTIONS_PER_FILE }, (_, s) => `## Rule ${f}.${s}\n\n${text.prose(60)}.\n`);
    const sub = path.join(dir, 'docs', `area-${f % 50}`);
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, `guide-${f}.md`), `# Guide ${f}\n\n${sections.join('\n')}`);
  }
}



function report(chunks: number, what: string, samples: number[]): void {
  samples.sort((a, b) => a - b);
  console.log(`${chunks} chunks: ${what}: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms over ${samples.length} queries; peak RSS ${peakRssMb()} MB`);
}

async function run(chunks: number): Promise<void> {
  const workspace = await mkdtemp(path.join(tmpdir(), `hs-bench-${chunks}-`));
  try {
    await writeCorpus(workspace, chunks);
    const config = parseConfig({ index: { embedder: 'hash' } });
    const full = await indexKnowledgeBase({ workspace, config });
    console.log(`${chunks} chunks: full index ${(full.durationMs / 1000).toFixed(1)} s, ${Math.round(full.rows / (full.durationMs / 1000))} chunks/s (${full.rows} rows, ${full.files} files), peak RSS while indexing ${peakRssMb()} MB`);

    const relative = 'docs/area-7/guide-7.md';
    const edited = path.join(workspace, relative);
    // The same edit re-indexed two ways: a full incremental run (lists the workspace, scans every row) as the
    // baseline, and the run the editor's file watcher makes (only the changed path).
    for (const [what, changed] of [['full incremental run', undefined], ['watcher run (changed path only)', [relative]]] as const) {
      const timings: number[] = [];
      for (let round = 0; round < 5; round++) {
        await writeFile(edited, (await readFile(edited, 'utf8')).replace(/## Rule 7\.3\n\n[^\n]*/, `## Rule 7.3\n\n${text.prose(60)}.`));
        const report = await indexKnowledgeBase({ workspace, config, ...(changed && { changed }) });
        if (report.updated !== 1 || report.embedded !== 1) throw new Error(`expected one file and one chunk re-indexed, got ${report.updated}/${report.embedded}`);
        timings.push(report.durationMs);
      }
      timings.sort((a, b) => a - b);
      console.log(`${chunks} chunks: re-index after one edited file, ${what}: median ${timings[2]!.toFixed(0)} ms (min ${timings[0]!.toFixed(0)}, max ${timings[4]!.toFixed(0)}); peak RSS ${peakRssMb()} MB`);
    }
    // The peaks above are this long-lived process's (as the editor's host would be). A `housestyle index` after
    // an edit runs in a process of its own:
    await writeFile(edited, (await readFile(edited, 'utf8')).replace(/## Rule 7\.3\n\n[^\n]*/, `## Rule 7.3\n\n${text.prose(60)}.`));
    const fresh = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { encoding: 'utf8', env: { ...process.env, BENCH_INDEX_WORKSPACE: workspace } });
    const { durationMs, peak } = JSON.parse(fresh.stdout) as { durationMs: number; peak: number };
    console.log(`${chunks} chunks: re-index after one edited file, full incremental run in a fresh process (as \`housestyle index\`): ${durationMs.toFixed(0)} ms; peak RSS of that process ${peak} MB`);

    const kb = await openKnowledgeBase({ workspace, config });
    const latencies: number[] = [];
    for (let i = 0; i < 220; i++) {
      const query = text.prose(4 + (i % 12));
      const started = performance.now();
      const results = await kb.search(query, { k: 5 });
      const elapsed = performance.now() - started;
      if (results.length !== 5) throw new Error(`expected 5 results, got ${results.length}`);
      if (i >= 20) latencies.push(elapsed);
    }
    await kb.close();
    report(chunks, 'search k=5, hashing embedder (BM25 alone), with query embedding', latencies);

    // The vector index a semantic embedder's index run builds (the hashing embedder's runs skip it), on the same table.
    const store = (await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase))!;
    const built = performance.now();
    const { upkeep: vectorIndexBuild } = await store.maintainIndexes(config.index.vectorIndexMinRows);
    console.log(
      vectorIndexBuild
        ? `${chunks} chunks: vector index as for a semantic embedder (HNSW-SQ) built by its child process in ${((performance.now() - built) / 1000).toFixed(1)} s, peak RSS of that process ${vectorIndexBuild.peakRssMb} MB; this process's peak RSS ${peakRssMb()} MB`
        : `${chunks} chunks: no vector index below vectorIndexMinRows (${config.index.vectorIndexMinRows})`,
    );
    const embedder = createHashingEmbedder(store.identity.dimension);
    await measureHybrid(chunks, indexUri(workspace, config), store, 'the hashing vectors (zipf text has no topics: the worst case for an ANN index)', async (query) => (await embedder.embed([query]))[0]!);
    store.close();

    // The same rows with vectors shaped like a semantic model's: each guide is about one of 500 topics, and its
    // passages' vectors lie near that topic's (a stand-in: no semantic model runs here at this scale).
    const topics = topicVectors(500, store.identity.dimension);
    const semantic = await KnowledgeStore.create(indexUri(workspace, config), 'semantic', { embedder: 'topic-stand-in', dimension: store.identity.dimension });
    const { lancedb } = await loadLanceDb();
    const indexed = await (await lancedb.connect(indexUri(workspace, config))).openTable(tableName(config.review.knowledgeBase));
    for await (const batch of indexed.query().select(['id', 'source', 'start_line', 'end_line', 'heading', 'text', 'fts_text', 'content_hash', 'file_hash', 'file_stamp', 'applies_to', 'page', 'languages'])) {
      const rows = batch.toArray().map((row) => ({ ...row.toJSON(), vector: topics.near(Number(/guide-(\d+)/.exec(row.source)![1]) % 500) }) as ChunkRow);
      await semantic.replaceSources(rows, new Set(rows.map((row) => row.source)));
    }
    indexed.close();
    await semantic.maintainIndexes(config.index.vectorIndexMinRows);
    await measureHybrid(chunks, indexUri(workspace, config), semantic, 'topic-shaped vectors, as a semantic embedder makes', async () => topics.near(topics.any()));
    semantic.close();
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

/** Hybrid search through the store beside LanceDB's bare full-text and vector queries on the same table, interleaved. */
async function measureHybrid(chunks: number, uri: string, store: KnowledgeStore, vectors: string, queryVector: (query: string) => Promise<Float32Array>): Promise<void> {
  const { lancedb } = await loadLanceDb();
  const table = await (await lancedb.connect(uri)).openTable(tableName(store.kb));
  const hasVectorIndex = (await table.listIndices()).some((index) => index.columns.includes('vector'));
  const timings = { hybrid: [] as number[], fts: [] as number[], vector: [] as number[] };
  for (let i = 0; i < 220; i++) {
    const query = text.prose(4 + (i % 12));
    const vector = await queryVector(query);
    const time = async (into: number[], run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      if (i >= 20) into.push(performance.now() - started);
    };
    await time(timings.hybrid, () => store.search(query, { vector: () => queryVector(query), fuseVectors: true, k: 5 }));
    // The floors read the same columns as House Style's search does.
    await time(timings.fts, () => table.query().fullTextSearch(query, { columns: 'fts_text' }).select([...PASSAGE_COLUMNS, '_score']).limit(5).toArray());
    await time(timings.vector, () => table.query().nearestTo(vector).select([...PASSAGE_COLUMNS, '_distance']).limit(5).toArray());
  }
  table.close();
  report(chunks, `hybrid search k=5 (BM25 + vectors, RRF) with ${vectors}, query embedding included`, timings.hybrid);
  report(chunks, '  LanceDB floor: bare full-text query k=5', timings.fts);
  report(chunks, `  LanceDB floor: bare vector query k=5 (${hasVectorIndex ? 'HNSW-SQ index' : 'no vector index: brute force'})`, timings.vector);
}

/** Seeded random unit vectors for `count` topics, and unit vectors scattered near one of them. */
function topicVectors(count: number, dimension: number): { near(topic: number): Float32Array; any(): number } {
  const random = seededRandom(384);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: count }, () => Float32Array.from({ length: dimension }, gaussian));
  return {
    any: () => Math.floor(random() * count),
    near(topic: number) {
      const vector = Float32Array.from(centres[topic]!, (x) => x + 0.6 * gaussian());
      const norm = Math.hypot(...vector);
      return vector.map((x) => x / norm);
    },
  };
}

// Each size runs in a process of its own, so its peak RSS is its own.
if (process.env.BENCH_INDEX_WORKSPACE) {
  const report = await indexKnowledgeBase({ workspace: process.env.BENCH_INDEX_WORKSPACE, config: parseConfig({ index: { embedder: 'hash' } }) });
  console.log(JSON.stringify({ durationMs: report.durationMs, peak: peakRssMb() }));
} else if (process.env.BENCH_SIZE) {
  await run(Number(process.env.BENCH_SIZE));
} else {
  for (const size of [10_000, 100_000]) {
    spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit', env: { ...process.env, BENCH_SIZE: String(size) } });
  }
}
