// The heavy index upkeep (the vector index a semantic embedder's run needs, optimizing) runs in a child process
// (upkeepWorker), so its memory never adds to the indexing process's: real LanceDB, the Ollama-API test server's /api/embed.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, totalmem } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig, type Config } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { indexUri } from '../../src/core/knowledge/indexUri';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { loadLanceDb } from '../../src/core/knowledge/loadLanceDb';
import { tableName } from '../../src/core/knowledge/lancedbSchema';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { runUpkeepInChild } from '../../src/core/knowledge/upkeepProcess';
import { startOllamaTestServer, type OllamaTestServer } from '../support/ollamaTestServer';

const FILES = 40;
const SECTIONS = 8;

let ollama: OllamaTestServer;
let workspace: string;
let config: Config;

async function vectorIndexed(): Promise<boolean> {
  const { lancedb } = await loadLanceDb();
  const connection = await lancedb.connect(indexUri(workspace, config));
  const table = await connection.openTable(tableName(config.review.knowledgeBase));
  try {
    return (await table.listIndices()).some((index) => index.columns.includes('vector'));
  } finally {
    table.close();
    connection.close();
  }
}

before(async () => {
  ollama = await startOllamaTestServer({ models: ['all-minilm'] });
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-vector-index-'));
  await mkdir(path.join(workspace, 'docs'));
  for (let f = 0; f < FILES; f++) {
    const sections = Array.from({ length: SECTIONS }, (_, s) => `## Rule ${f}-${s}\n\nGuideline ${f}-${s}: keep module m${f}x${s} small and name it after what it does.\n`);
    await writeFile(path.join(workspace, 'docs', `guide-${f}.md`), `# Guide ${f}\n\n${sections.join('\n')}`);
  }
  // Past the smallest threshold the schema allows, so the run needs a vector index.
  config = parseConfig({ ollama: { host: ollama.host, embedModel: 'all-minilm' }, index: { embedder: 'ollama', vectorIndexMinRows: 256 } });
});
after(async () => {
  await ollama.close();
  await rm(workspace, { recursive: true, force: true });
});

describe('index upkeep in a process of its own', () => {
  test('an index run past vectorIndexMinRows leaves a vector index, built by a child process, and search finds through it', async () => {
    const phases: string[] = [];
    const report = await indexKnowledgeBase({ workspace, config, client: OllamaClient.fromConfig(config), progress: { report: (phase, done, total) => phases.push(`${phase} ${done}/${total}`) } });
    assert.equal(report.rows, FILES * SECTIONS);
    assert.equal(await vectorIndexed(), true);
    assert.deepEqual(phases.slice(-2), ['Building the vector index 0/1', 'Building the vector index 1/1']);

    const kb = await openKnowledgeBase({ workspace, config, client: OllamaClient.fromConfig(config) });
    const [best] = await kb.search('Guideline 17-3: keep module m17x3 small', { k: 3 });
    await kb.close();
    assert.equal(best?.source, 'docs/guide-17.md');
    assert.equal(best?.heading, 'Guide 17 > Rule 17-3');
  });

  test('rows written after the indexes were built are found, by the handle that wrote them and by one opened later', async () => {
    const store = (await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase))!;
    const vector = async () => Float32Array.from({ length: store.identity.dimension }, (_, i) => (i === 0 ? 1 : 0));
    try {
      // Every row indexed: searches may skip unindexed data, and must stop doing so once there is some.
      assert.deepEqual(await store.search('zebrafish', { vector, fuseVectors: true, k: 3 }).then((found) => found.filter((p) => p.text.includes('zebrafish'))), []);
      const text = 'Name zebrafish fixtures after the tank they swim in.';
      await store.replaceSources(
        [{ id: 'late', source: 'docs/late.md', start_line: 1, end_line: 1, heading: 'Late', text, fts_text: text, content_hash: 'late', file_hash: 'late', file_stamp: 'late', applies_to: '[]', page: 0, languages: '[]', vector: await vector() }],
        new Set(['docs/late.md']),
      );
      const [bm25] = await store.search('zebrafish', { vector, fuseVectors: false, k: 1 });
      assert.equal(bm25?.source, 'docs/late.md');
      const nearest = await store.search('', { vector, fuseVectors: true, k: 1 });
      assert.equal(nearest[0]?.source, 'docs/late.md');
    } finally {
      store.close();
    }
    const kb = await openKnowledgeBase({ workspace, config, client: OllamaClient.fromConfig(config) });
    const [found] = await kb.search('zebrafish tank', { k: 1 });
    await kb.close();
    assert.equal(found?.source, 'docs/late.md');
    // Leave the workspace's index as the docs make it.
    await indexKnowledgeBase({ workspace, config, client: OllamaClient.fromConfig(config) });
  });

  test('the child reports its own peak memory; a table it cannot open is one clear error, not a crash', async () => {
    const store = (await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase))!;
    try {
      // Already indexed: nothing to build, no child.
      assert.deepEqual(await store.maintainIndexes(256), {});
    } finally {
      store.close();
    }
    const optimized = await runUpkeepInChild({ uri: indexUri(workspace, config), kb: config.review.knowledgeBase, task: { type: 'optimize' } });
    // The child's own figure, in MB: more than nothing, less than the machine has (a KB or byte figure would not be).
    assert.ok(optimized.peakRssMb > 0 && optimized.peakRssMb < totalmem() / 2 ** 20, `peak ${optimized.peakRssMb} MB`);

    await assert.rejects(runUpkeepInChild({ uri: indexUri(workspace, config), kb: 'no-such-kb', task: { type: 'vector-index' } }), (error: unknown) => {
      assert.ok(error instanceof HouseStyleError);
      assert.equal(error.code, 'index-unavailable');
      assert.match(error.message, /^The vector index could not be built: the knowledge base "no-such-kb" is not in .*\.$/);
      assert.match(error.hint ?? '', /^Search still works, more slowly until it is done; the next index run tries again\.$/);
      return true;
    });
  });

  test('cancelling stops the builder and keeps every row; the next run builds the index', async () => {
    const store = (await KnowledgeStore.open(indexUri(workspace, config), config.review.knowledgeBase))!;
    try {
      const { lancedb } = await loadLanceDb();
      const connection = await lancedb.connect(indexUri(workspace, config));
      await (await connection.openTable(tableName(config.review.knowledgeBase))).dropIndex('vector_idx');
      connection.close();
      await store.refresh();
      assert.equal(await vectorIndexed(), false);

      // Cancelled once the builder has been started (the phase is reported, then the child forked in the same
      // turn), long before a child process could have loaded LanceDB, let alone built an index.
      const abort = new AbortController();
      const building = store.maintainIndexes(256, { signal: abort.signal, progress: { report: () => void setImmediate(() => abort.abort()) } });
      await assert.rejects(building, (error: unknown) => error instanceof HouseStyleError && error.code === 'cancelled');
      assert.equal(await store.count(), FILES * SECTIONS);
      assert.equal(await vectorIndexed(), false);

      const again = await store.maintainIndexes(256);
      assert.ok(again.upkeep && again.upkeep.peakRssMb > 0);
      assert.equal(await vectorIndexed(), true);
    } finally {
      store.close();
    }
  });
});

describe('compacting a table written in many small commits', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hs-scattered-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const rowsOf = (file: number) =>
    Array.from({ length: 60 }, (_, i) => {
      const text = `Rule ${file}-${i}: name the widget w${file}x${i} after its ${i % 2 ? 'owner' : 'purpose'}${i % 7 ? '' : ' and keep it small'}.`;
      return { id: `${file}-${i}`, source: `docs/guide-${file}.md`, start_line: i + 1, end_line: i + 1, heading: `Guide ${file} > Rule ${i}`, text, fts_text: text, content_hash: `${file}-${i}`, file_hash: `${file}`, file_stamp: `${file}`, applies_to: '[]', page: 0, languages: '[]', vector: Float32Array.from({ length: 8 }, (_, d) => (d === file % 8 ? 1 : 0)) };
    });
  const fragments = async (kb: string) => {
    const { lancedb } = await loadLanceDb();
    const connection = await lancedb.connect(dir);
    const table = await connection.openTable(tableName(kb));
    try {
      return (await table.stats()).fragmentStats.numFragments;
    } finally {
      table.close();
      connection.close();
    }
  };

  test('rows written in more than 20 commits are compacted by the upkeep child before the full-text index is built, and search returns what it does over rows written at once', async () => {
    const files = Array.from({ length: 21 }, (_, file) => file);
    // As an index run writes them: one commit per batch of files. The same rows in one commit beside them.
    const scattered = await KnowledgeStore.create(dir, 'scattered', { embedder: 'hash', dimension: 8 });
    const whole = await KnowledgeStore.create(dir, 'whole', { embedder: 'hash', dimension: 8 });
    const vector = async () => Float32Array.from({ length: 8 }, (_, d) => (d === 0 ? 1 : 0));
    try {
      for (const file of files) await scattered.replaceSources(rowsOf(file), new Set([`docs/guide-${file}.md`]));
      await whole.replaceSources(files.flatMap(rowsOf), new Set(files.map((file) => `docs/guide-${file}.md`)));
      assert.equal(await fragments('scattered'), 21);

      assert.ok((await scattered.maintainIndexes(Infinity)).upkeep, 'the compaction ran in the upkeep child');
      assert.deepEqual(await whole.maintainIndexes(Infinity), {}, 'one fragment: nothing to compact');
      assert.equal(await fragments('scattered'), 1);
      for (const query of ['widget w7x3 owner', 'keep the widget small', 'Rule 12-40 purpose']) {
        const found = await scattered.search(query, { vector, fuseVectors: false, k: 10 });
        assert.equal(found.length, 10);
        assert.deepEqual(found, (await whole.search(query, { vector, fuseVectors: false, k: 10 })).map((passage) => ({ ...passage, kb: 'scattered' })));
      }
    } finally {
      scattered.close();
      whole.close();
    }
  });

  test('rows that are to get a vector index are left as written: its build was slower over compacted rows', async () => {
    const store = await KnowledgeStore.create(dir, 'semantic', { embedder: 'hash', dimension: 8 });
    try {
      for (let file = 0; file < 21; file++) await store.replaceSources(rowsOf(file), new Set([`docs/guide-${file}.md`]));
      assert.ok((await store.maintainIndexes(256)).upkeep);
      assert.equal(await fragments('semantic'), 21);
      assert.ok((await store.search('widget w7x3 owner', { vector: async () => rowsOf(7)[0]!.vector, fuseVectors: true, k: 3 })).some((passage) => passage.id === '7-3'));
    } finally {
      store.close();
    }
  });
});
