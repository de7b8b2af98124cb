import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '@lancedb/lancedb';
import { FTS_COLUMN } from '../../src/core/knowledge/lancedbSchema';
import { runCli } from '../support/cli';

const FILES = 20;
const SECTIONS = 1000;
const WORDS = 'buffer socket handle request stream parser token cursor thread signal queue record column schema'.split(' ');

/** A guide of SECTIONS short rules of about 60 words each: one passage per rule. */
function guide(file: number): string {
  const sections = Array.from({ length: SECTIONS }, (_, s) => {
    const i = file * SECTIONS + s;
    const words = Array.from({ length: 60 }, (_, w) => `${WORDS[(i * 7 + w * 13) % WORDS.length]}${(i * 31 + w * 17) % 3000}`);
    return `## Rule ${i}\n\n${words.join(' ')}\n`;
  });
  return `# Guide ${file}\n\n${sections.join('\n')}`;
}

describe('indexing a large knowledge base', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-fts-scale-'));
    await mkdir(path.join(workspace, 'docs'));
    for (let file = 0; file < FILES; file++) await writeFile(path.join(workspace, 'docs', `guide-${file}.md`), guide(file));
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('builds the full-text index over 20,000 passages where Lance would run one compute thread', async () => {
    const run = await runCli(['index', '--workspace', workspace, '--embedder', 'hash', '--json'], {
      // Lance gives itself one compute thread where the cores do not exceed those it reserves for I/O (two by
      // default, rust/lance-core/src/utils/tokio.rs): reserving more than any machine has makes this machine a
      // two-core one, where LanceDB 0.31's full-text index build over 20,000 rows never returned.
      env: { LANCE_IO_CORE_RESERVATION: '4096', LANCE_CPU_THREADS: undefined },
      // A deadline far above the run's length even on a loaded machine: the hang never ends by itself.
      signal: AbortSignal.timeout(300_000),
    });
    assert.equal(run.signal, null, 'the index run ended by itself (it was killed at the deadline)');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).rows, FILES * SECTIONS);

    const db = await connect(path.join(workspace, '.housestyle/index'));
    const table = await db.openTable('kb_style');
    const indices = await table.listIndices();
    table.close();
    db.close();
    assert.ok(indices.some((index) => index.columns.includes(FTS_COLUMN)), 'the full-text index exists');
  });
});
