import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';

let workspace: string;
const config = parseConfig({ index: { embedder: 'hash' }, knowledgeBases: { style: { include: ['docs/**/*.md'] } } });

before(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'housestyle-changed-'));
  const files: Record<string, string> = {
    'docs/tabs.md': '# Indentation\n\nIndent with tabs.\n',
    'docs/naming.md': '# Naming\n\nBooleans read as questions.\n',
    'docs/errors.md': '# Errors\n\nNever swallow an error.\n',
    'docs/drafts/.gitignore': '*.md\n',
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  await indexKnowledgeBase({ workspace, config });
});

after(() => rm(workspace, { recursive: true, force: true }));

async function indexed(): Promise<Record<string, string>> {
  const kb = await openKnowledgeBase({ workspace, config });
  try {
    const { sources } = await kb.overview();
    const texts: Record<string, string> = {};
    for (const { source } of sources) texts[source] = (await kb.search(path.basename(source, '.md'), { k: 1, sources: [source] }))[0]!.text;
    return texts;
  } finally {
    await kb.close();
  }
}

test('a watcher-reported change re-indexes only the named files, by the same rules as a full run', async () => {
  await writeFile(path.join(workspace, 'docs/tabs.md'), '# Indentation\n\nIndent with two spaces.\n');
  await writeFile(path.join(workspace, 'docs/new.md'), '# New\n\nA new rule.\n');
  await writeFile(path.join(workspace, 'docs/drafts/wip.md'), '# Draft\n\nIgnored by git.\n');
  await writeFile(path.join(workspace, 'notes.txt'), 'not a source\n');
  await unlink(path.join(workspace, 'docs/errors.md'));

  const report = await indexKnowledgeBase({ workspace, config, changed: ['docs/tabs.md', 'docs/new.md', 'docs/drafts/wip.md', 'notes.txt', 'docs/errors.md', '../outside.md'] });
  assert.deepEqual([report.files, report.updated, report.removed, report.unchanged], [2, 2, 1, 0]);
  const texts = await indexed();
  assert.deepEqual(Object.keys(texts).sort(), ['docs/naming.md', 'docs/new.md', 'docs/tabs.md'], 'the draft git ignores and the non-matching file stay out; the deleted doc is gone; the untouched doc stays');
  assert.match(texts['docs/tabs.md']!, /two spaces/);

  // The full run that follows finds nothing left to do: both ways agree.
  const full = await indexKnowledgeBase({ workspace, config });
  assert.deepEqual([full.updated, full.removed], [0, 0]);
});

test('a change to a file that is no source, or a save without a change, writes nothing', async () => {
  const report = await indexKnowledgeBase({ workspace, config, changed: ['notes.txt', 'docs/naming.md'] });
  assert.deepEqual([report.files, report.updated, report.removed, report.unchanged], [1, 0, 0, 1]);
});
