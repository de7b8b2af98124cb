// Knowledge base benchmark: index throughput, incremental re-index of one edited file, and hybrid
// search latency (k=5, query embedding included) at 10,000 and 100,000 chunks, with the hashing
// embedder on real LanceDB. Prints figures; never fails on time.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';

const SECTIONS_PER_FILE = 10;
const WORDS = 'naming variable function class interface error exception retry logger logging async await promise test fixture module import export constant boolean return early nested loop cache query database transaction commit review comment style guide format indent spaces tabs semicolon quote string template literal null undefined optional strict equality type generic enum record map set array iterate closure callback event handler timeout cancel signal abort stream buffer encode decode parse serialize validate schema config setting default override'.split(' ');

function words(seed: number, count: number): string {
  let x = seed;
  return Array.from({ length: count }, () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return WORDS[x % WORDS.length];
  }).join(' ');
}

async function writeCorpus(dir: string, chunks: number): Promise<void> {
  for (let f = 0; f < chunks / SECTIONS_PER_FILE; f++) {
    const sections = Array.from({ length: SECTIONS_PER_FILE }, (_, s) => `## Rule ${f}.${s}\n\n${words(f * 100 + s, 60)}.\n`);
    const sub = path.join(dir, 'docs', `area-${f % 50}`);
    await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, `guide-${f}.md`), `# Guide ${f}\n\n${sections.join('\n')}`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const rssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function run(chunks: number): Promise<void> {
  const workspace = await mkdtemp(path.join(tmpdir(), `hs-bench-${chunks}-`));
  try {
    await writeCorpus(workspace, chunks);
    const config = parseConfig({ index: { embedder: 'hash' } });
    const full = await indexKnowledgeBase({ workspace, config });
    console.log(`${chunks} chunks: full index ${(full.durationMs / 1000).toFixed(1)} s, ${Math.round(full.rows / (full.durationMs / 1000))} chunks/s (${full.rows} rows, ${full.files} files), peak RSS so far ${rssMb()} MB`);

    const edited = path.join(workspace, 'docs/area-7/guide-7.md');
    const timings: number[] = [];
    for (let round = 0; round < 5; round++) {
      await writeFile(edited, (await readFile(edited, 'utf8')).replace(/## Rule 7\.3\n\n[^\n]*/, `## Rule 7.3\n\n${words(round + 999, 60)}.`));
      const report = await indexKnowledgeBase({ workspace, config });
      if (report.updated !== 1 || report.embedded !== 1) throw new Error(`expected one file and one chunk re-indexed, got ${report.updated}/${report.embedded}`);
      timings.push(report.durationMs);
    }
    timings.sort((a, b) => a - b);
    console.log(`${chunks} chunks: re-index after one edited file: median ${timings[2]!.toFixed(0)} ms (min ${timings[0]!.toFixed(0)}, max ${timings[4]!.toFixed(0)})`);

    const kb = await openKnowledgeBase({ workspace, config });
    const latencies: number[] = [];
    for (let i = 0; i < 220; i++) {
      const query = words(i * 7919, 4 + (i % 12));
      const started = performance.now();
      const results = await kb.search(query, { k: 5 });
      const elapsed = performance.now() - started;
      if (results.length !== 5) throw new Error(`expected 5 results, got ${results.length}`);
      if (i >= 20) latencies.push(elapsed);
    }
    await kb.close();
    latencies.sort((a, b) => a - b);
    console.log(`${chunks} chunks: hybrid search k=5 (with query embedding) p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms over ${latencies.length} queries; peak RSS ${rssMb()} MB`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

const sizes = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : [10_000, 100_000];
for (const size of sizes) await run(size);
