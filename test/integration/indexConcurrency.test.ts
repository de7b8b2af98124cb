import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@lancedb/lancedb';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { runCli } from '../support/cli';
import { seededRandom } from '../support/seededRandom';

const WORDS = ['naming', 'errors', 'tests', 'imports', 'logging', 'retries', 'modules', 'types', 'comments', 'reviews', 'commits', 'branches'];

/** Ids stored in the table, and how many rows hold them. */
async function storedIds(workspace: string): Promise<{ rows: number; ids: number }> {
  const db = await connect(path.join(workspace, '.housestyle/index'));
  const table = await db.openTable('kb_style');
  const ids = (await table.query().select(['id']).toArray()).map((row) => row.id as string);
  table.close();
  db.close();
  return { rows: ids.length, ids: new Set(ids).size };
}

/** Defect 4: one index writer at a time, and an index with duplicate rows repaired by the next run. */
describe('concurrent index runs', () => {
  let root: string;
  const config = parseConfig({ index: { embedder: 'hash' } });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hs-concurrent-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function workspace(name: string, files: number): Promise<string> {
    const dir = path.join(root, name);
    const random = seededRandom(files);
    await mkdir(path.join(dir, 'docs'), { recursive: true });
    for (let f = 0; f < files; f++) {
      const sections = Array.from({ length: 6 }, (_, s) => `## Rule ${s}\n\n${Array.from({ length: 80 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ')}.\n`);
      await writeFile(path.join(dir, 'docs', `guide-${f}.md`), `# Guide ${f}\n\n${sections.join('\n')}`);
    }
    return dir;
  }

  it('two index processes at once through the CLI: both succeed, every chunk is stored once', async () => {
    const dir = await workspace('two-clis', 120);
    // Overlap made certain: this test holds the lock until both runs are waiting for it, so both are running
    // when it is released, whatever the machine's load.
    const lockFile = path.join(dir, '.housestyle/index/kb_style.lock');
    await mkdir(path.dirname(lockFile), { recursive: true });
    await writeFile(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: 'the test' }));
    const waiting = new Set<number>();
    let bothWaiting!: () => void;
    const barrier = new Promise<void>((resolve) => (bothWaiting = resolve));
    const run = (n: number) =>
      runCli(['index', '--workspace', dir, '--embedder', 'hash', '--json'], {
        onStderr: (soFar) => {
          if (soFar.includes(`Waiting for the index run of process ${process.pid}`)) waiting.add(n);
          if (waiting.size === 2) bothWaiting();
        },
      });
    const runs = Promise.all([run(1), run(2)]);
    await Promise.race([barrier, runs]); // a run that exits instead of waiting fails below
    await rm(lockFile, { force: true });
    const [first, second] = await runs;
    assert.equal(waiting.size, 2, `both runs waited for the held lock:\n${first.stderr}\n${second.stderr}`);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const reports = [JSON.parse(first.stdout), JSON.parse(second.stdout)] as { updated: number; unchanged: number; rows: number }[];
    assert.deepEqual(reports.map((r) => r.updated + r.unchanged).sort(), [120, 120]);
    assert.deepEqual(
      reports.map((r) => r.updated).sort((a, b) => a - b),
      [0, 120],
      'one run wrote every file; the other waited for it and found them all unchanged',
    );
    const stored = await storedIds(dir);
    assert.equal(stored.rows, stored.ids);
    assert.equal(stored.rows, reports[0]!.rows);
    const kb = await openKnowledgeBase({ workspace: dir, config });
    const found = await kb.search('naming errors retries', { k: 20 });
    await kb.close();
    assert.equal(new Set(found.map((p) => p.id)).size, found.length, 'search returns each passage once');
    await assert.rejects(access(path.join(dir, '.housestyle/index/kb_style.lock')), 'the lock is released');
  });

  it('a lock left by a process that is gone is taken over; a live holder is named', async () => {
    const dir = await workspace('locks', 3);
    const lockFile = path.join(dir, '.housestyle/index/kb_style.lock');
    await mkdir(path.dirname(lockFile), { recursive: true });
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(lockFile, JSON.stringify({ pid: gone, host: hostname(), startedAt: '2026-12-01T10:00:00.000Z', command: 'housestyle index' }));
    // A short wait: a stale lock is taken over at once, and a run that waited on it instead fails here, not in 10 minutes.
    const report = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash', lockWaitMs: 600 });
    assert.equal(report.updated, 3);
    await assert.rejects(access(lockFile));

    await writeFile(lockFile, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: '2026-12-02T01:00:00.000Z', command: 'code --extension-host' }));
    const waits: string[] = [];
    const progress = { report: (phase: string) => void waits.push(phase) };
    await assert.rejects(indexKnowledgeBase({ workspace: dir, config, embedder: 'hash', lockWaitMs: 600, progress }), (error: unknown) => {
      assert.ok(error instanceof HouseStyleError && error.code === 'index-locked', String(error));
      assert.equal(error.message, `The index is being written by another run: process ${process.pid} on ${hostname()} (code --extension-host), since 2026-12-02T01:00:00.000Z.`);
      assert.ok(error.hint?.includes(lockFile));
      return true;
    });
    assert.ok(waits.some((phase) => phase.startsWith(`Waiting for the index run of process ${process.pid}`)), 'the wait is reported as progress');
    await rm(lockFile);
  });

  it('rows duplicated by concurrent runs of an older version are repaired by the next run', async () => {
    const dir = await workspace('duplicates', 5);
    const first = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash' });
    const db = await connect(path.join(dir, '.housestyle/index'));
    const table = await db.openTable('kb_style');
    const rows = (await table.query().toArray()).map((row) => ({ ...row, vector: Array.from(row.vector as Iterable<number>) }));
    await table.add(rows); // what two unlocked runs used to leave behind
    table.close();
    db.close();
    assert.deepEqual(await storedIds(dir), { rows: first.rows * 2, ids: first.rows });

    const repair = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash' });
    assert.equal(repair.repaired, 5);
    assert.deepEqual(await storedIds(dir), { rows: first.rows, ids: first.rows });
    const next = await indexKnowledgeBase({ workspace: dir, config, embedder: 'hash' });
    assert.deepEqual([next.repaired, next.updated, next.unchanged], [0, 0, 5]);
  });
});
