import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { explainIndexFailure } from '../../src/core/knowledge/indexDamage';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { REPO_ROOT, runCli } from '../support/cli';

const DEMO = path.join(REPO_ROOT, 'test/fixtures/demo');
const TABLE = '.housestyle/index/kb_style.lance';

/** The newest entry of a folder of the table (manifests are named so that the newest sorts first). */
async function entry(dir: string, newest: 'first' | 'last' = 'first'): Promise<string> {
  const names = (await readdir(dir)).filter((name) => !name.endsWith('.json')).sort();
  return path.join(dir, newest === 'first' ? names[0]! : names.at(-1)!);
}

/** Ways an index is damaged in the field: a crash mid-copy, a sync tool, a user cleaning up by hand. */
const DAMAGE: Record<string, (table: string) => Promise<void>> = {
  'a data file deleted': async (table) => rm(await entry(path.join(table, 'data'))),
  'a data file truncated': async (table) => truncate(await entry(path.join(table, 'data')), 10),
  'a data file emptied': async (table) => truncate(await entry(path.join(table, 'data')), 0),
  'a data file overwritten': async (table) => writeFile(await entry(path.join(table, 'data')), 'garbage'.repeat(100)),
  'the newest manifest truncated': async (table) => truncate(await entry(path.join(table, '_versions')), 20),
  'the manifests deleted': async (table) => rm(path.join(table, '_versions'), { recursive: true }),
  '_indices deleted': async (table) => rm(path.join(table, '_indices'), { recursive: true }),
  'a search-index file truncated': async (table) => {
    const index = await entry(path.join(table, '_indices'));
    await truncate(await entry(index), 5);
  },
  'the table folder replaced by a file': async (table) => {
    await rm(table, { recursive: true });
    await writeFile(table, 'x');
  },
};

/** Defect 5: a damaged index is detected, said in one line, and rebuilt by `housestyle index --rebuild`. */
describe('a damaged index', () => {
  let root: string;
  const config = parseConfig({ index: { embedder: 'hash' } });
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hs-damage-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  async function indexed(name: string): Promise<string> {
    const workspace = path.join(root, name.replace(/\W+/g, '-'));
    await cp(DEMO, workspace, { recursive: true });
    await writeFile(path.join(workspace, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' } }));
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    // A second version, as after any edit: data in more than one file.
    await writeFile(path.join(workspace, 'docs/extra.md'), '# Extra\n\nPrefer early returns.\n');
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    return workspace;
  }

  const isDamage = (error: unknown) => {
    assert.ok(error instanceof HouseStyleError, `a HouseStyleError, got ${(error as Error)?.message?.slice(0, 300)}`);
    assert.equal(error.code, 'index-damaged', error.message);
    assert.match(error.message, /^The index at .+ is damaged: [a-z -]+\.$/);
    assert.ok(!/cargo|rustc|\.rs:/.test(error.message));
    return true;
  };

  for (const [kind, damage] of Object.entries(DAMAGE)) {
    it(`${kind}: index and search say so in one line`, async () => {
      const workspace = await indexed(kind);
      await damage(path.join(workspace, TABLE));
      await assert.rejects(indexKnowledgeBase({ workspace, config, embedder: 'hash' }), isDamage);
      await assert.rejects(
        openKnowledgeBase({ workspace, config }).then(async (kb) => {
          try {
            await kb.search('var let const', { k: 5 });
          } finally {
            await kb.close();
          }
        }),
        isDamage,
      );
    });
  }

  it('the CLI prints one line with the way out, and index --rebuild brings search back', async () => {
    const workspace = await indexed('cli');
    await DAMAGE['a data file truncated']!(path.join(workspace, TABLE));
    const failed = await runCli(['search', '--workspace', workspace, 'var let const']);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /^housestyle: The index at \S+ is damaged: a file is cut off or overwritten\. Rebuild it with `housestyle index --rebuild`.*\n$/);

    const rebuilt = await runCli(['index', '--workspace', workspace, '--rebuild', '--json']);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    const report = JSON.parse(rebuilt.stdout) as { updated: number; files: number };
    assert.equal(report.updated, report.files);
    const search = await runCli(['search', '--workspace', workspace, '--json', 'never use var']);
    assert.equal(search.code, 0, search.stderr);
    assert.match(search.stdout, /"source":"docs\/STYLE_GUIDE.md"/);
  });

  it('a bad index location and a full disk get one clear line each, not library text', async () => {
    const workspace = await indexed('location');
    await writeFile(path.join(workspace, 'not-a-folder'), 'x');
    const bad = parseConfig({ index: { embedder: 'hash', uri: 'not-a-folder/index' } });
    await assert.rejects(indexKnowledgeBase({ workspace, config: bad, embedder: 'hash' }), (error: unknown) => {
      assert.ok(error instanceof HouseStyleError && error.code === 'index-unavailable', String(error));
      assert.match(error.message, /^The index location .*not-a-folder\/index is not a writable folder\.$/);
      return true;
    });
    // A full disk cannot be made here; this is LanceDB's text for one, as it reaches us.
    const full = new Error('lance error: LanceError(IO): Generic LocalFileSystem error: Unable to copy file: No space left on device (os error 28), /usr/local/cargo/registry/src/lance-io-10.0.0/src/local.rs:133:40');
    const explained = explainIndexFailure(full, '/w/.housestyle/index');
    assert.ok(explained instanceof HouseStyleError && explained.code === 'disk-full');
    assert.equal(explained.message, 'The disk holding the index at /w/.housestyle/index is full.');
  });
});
