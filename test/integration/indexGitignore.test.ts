import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { GitTestRepo } from '../support/gitRepo';

const repo = GitTestRepo.create();
after(() => repo.remove());

test('the index folder keeps itself out of git: Source Control lists only the docs, and the index still opens', async () => {
  repo.write('docs/STYLE_GUIDE.md', '# Style\n\n## Errors\n\nNever swallow an error.\n');
  const config = parseConfig({ index: { embedder: 'hash' } });
  const report = await indexKnowledgeBase({ workspace: repo.dir, config, embedder: 'hash' });
  assert.ok(report.rows > 0);

  assert.deepEqual(repo.git(['status', '--porcelain', '--untracked-files=all']).split('\n'), ['?? docs/STYLE_GUIDE.md']);
  assert.match(await readFile(path.join(repo.dir, '.housestyle', 'index', '.gitignore'), 'utf8'), /^\*$/m);

  // A second run opens the table beside the .gitignore and changes nothing.
  assert.equal((await indexKnowledgeBase({ workspace: repo.dir, config, embedder: 'hash' })).updated, 0);
  const kb = await openKnowledgeBase({ workspace: repo.dir, config });
  try {
    assert.equal((await kb.search('swallow an error', { k: 1 }))[0]?.source, 'docs/STYLE_GUIDE.md');
  } finally {
    await kb.close();
  }
});
