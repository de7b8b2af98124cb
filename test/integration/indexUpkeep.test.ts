import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@lancedb/lancedb';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { REPO_ROOT } from '../support/cli';

const DEMO = path.join(REPO_ROOT, 'test/fixtures/demo');

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  return total;
}

async function tableVersion(uri: string): Promise<number> {
  const db = await connect(uri);
  const table = await db.openTable('kb_style');
  const version = await table.version();
  table.close();
  db.close();
  return version;
}

describe('index upkeep', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hs-upkeep-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  /** Defect 10: touch or a branch switch changes times, not content; nothing is rewritten. */
  it('a timestamp-only change writes nothing: the table keeps its version', async () => {
    const workspace = path.join(root, 'touch');
    await cp(DEMO, workspace, { recursive: true });
    const config = parseConfig({ index: { embedder: 'hash' } });
    const first = await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    const uri = path.join(workspace, '.housestyle/index');
    const version = await tableVersion(uri);
    const later = new Date(Date.now() + 3_600_000);
    for (const file of ['docs/STYLE_GUIDE.md', 'CONTRIBUTING.md', '.housestyle/rules/tests.instructions.md']) await utimes(path.join(workspace, file), later, later);
    for (let cycle = 0; cycle < 2; cycle++) {
      const touched = await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
      assert.deepEqual([touched.updated, touched.unchanged, touched.embedded, touched.rows], [0, first.files, 0, first.rows]);
    }
    assert.equal(await tableVersion(uri), version, 'no commit was made');
  });

  it('versions older than the grace period are deleted, and the index returns to its fresh size', async () => {
    const workspace = path.join(root, 'versions');
    await mkdir(path.join(workspace, 'docs'), { recursive: true });
    const guide = (f: number, edit: number) => `# Guide ${f}\n\nEdit ${edit}.\n\n${Array.from({ length: 8 }, (_, s) => `## Rule ${s}\n\n${'Keep functions small and names clear. '.repeat(12)}\n`).join('\n')}`;
    for (let f = 0; f < 40; f++) await writeFile(path.join(workspace, 'docs', `guide-${f}.md`), guide(f, 0));
    const config = parseConfig({ index: { embedder: 'hash' } });
    const uri = path.join(workspace, '.housestyle/index');
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    const freshBytes = await folderBytes(uri);
    for (let edit = 1; edit <= 3; edit++) {
      for (let f = 0; f < 40; f++) await writeFile(path.join(workspace, 'docs', `guide-${f}.md`), guide(f, edit));
      await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    }
    assert.ok((await folderBytes(uri)) > freshBytes * 1.2, 'old versions are kept for the grace period');
    const store = (await KnowledgeStore.open(uri, 'style'))!;
    await store.cleanupOldVersions(new Date(Date.now() + 1000)); // as a run after the grace period would
    store.close();
    assert.ok((await folderBytes(uri)) <= freshBytes * 1.2, `${await folderBytes(uri)} bytes against ${freshBytes} fresh`);
  });

  it('a knowledge base kept open (as the editor keeps one) reads on after another run cleaned up its version', async () => {
    const workspace = path.join(root, 'kept-open');
    await cp(DEMO, workspace, { recursive: true });
    const config = parseConfig({ index: { embedder: 'hash' } });
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    const kb = await openKnowledgeBase({ workspace, config });
    assert.ok((await kb.search('never use var', { k: 3 })).length > 0);
    for (let edit = 0; edit < 3; edit++) {
      await writeFile(path.join(workspace, 'docs/STYLE_GUIDE.md'), `# Guide\n\n## Declarations\n\nNever use var (edit ${edit}).\n`);
      await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    }
    const store = (await KnowledgeStore.open(path.join(workspace, '.housestyle/index'), 'style'))!;
    await store.cleanupOldVersions(new Date(Date.now() + 1000));
    store.close();
    const found = await kb.search('never use var', { k: 3 });
    await kb.close();
    assert.match(found[0]!.text, /Never use var \(edit 2\)/, 'the newest version is read');
  });

  /** Item 11: an index placed anywhere in the workspace is never a source of itself. */
  it('an index folder named by index.uri is not indexed, with a custom exclude too', async () => {
    const workspace = path.join(root, 'own-folder');
    await cp(DEMO, workspace, { recursive: true });
    await writeFile(path.join(workspace, 'notes.txt'), 'Prefer small functions.\n');
    const config = parseConfig({ index: { embedder: 'hash', uri: 'kb-index' }, knowledgeBases: { style: { include: ['**/*'], exclude: ['src/**'] } } });
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    await writeFile(path.join(workspace, 'notes.txt'), 'Prefer small functions and early returns.\n');
    const second = await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    assert.ok((await readdir(path.join(workspace, 'kb-index'))).length > 0);
    const db = await connect(path.join(workspace, 'kb-index'));
    const table = await db.openTable('kb_style');
    const sources = new Set((await table.query().select(['source']).toArray()).map((row) => row.source as string));
    table.close();
    db.close();
    assert.ok(![...sources].some((source) => source.startsWith('kb-index/') || source.startsWith('src/')), [...sources].join(', '));
    assert.ok(!second.skipped.some((s) => s.source.startsWith('kb-index/')));
    assert.ok(sources.has('notes.txt') && sources.has('docs/STYLE_GUIDE.md'));
  });
  /**
   * LanceDB 0.31 answers a full-text query over rows its index does not cover by scanning them, and where the index
   * covers none (every document changed, or a new House Style version re-read them all) it cuts the scan at the limit
   * before ranking: the first matching rows in table order came back, not the best.
   */
  it('after every document changed, search still ranks by relevance: a full-text index that covers no row is brought up to date', async () => {
    const workspace = path.join(root, 'all-changed');
    await mkdir(path.join(workspace, 'docs'), { recursive: true });
    const filler = (f: number) => Array.from({ length: 3 }, (_, s) => `## Rule ${s}\n\nKeep functions small and take time over names in module ${f}.\n`).join('\n');
    const write = async (edit: number) => {
      for (let f = 0; f < 30; f++) await writeFile(path.join(workspace, 'docs', `guide-${String(f).padStart(2, '0')}.md`), `# Guide ${f}\n\nEdit ${edit}.\n\n${filler(f)}`);
      await writeFile(path.join(workspace, 'docs', 'time.md'), `# Time\n\nEdit ${edit}.\n\n## Clocks\n\nPrefer Time.current over Time.now: the current time in the zone the application runs in.\n`);
    };
    const config = parseConfig({ index: { embedder: 'hash' } });
    const best = async () => {
      const kb = await openKnowledgeBase({ workspace, config });
      try {
        return (await kb.search('time current now', { k: 3 }))[0]?.heading;
      } finally {
        await kb.close();
      }
    };
    await write(0);
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    assert.equal(await best(), 'Time > Clocks');
    await write(1);
    const changed = await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    assert.equal(changed.updated, 31, 'every document was re-read');
    assert.equal(await best(), 'Time > Clocks', 'the best passage, not the first in table order');
  });
});
