// Index upkeep benchmark: what a timestamp-only change (touch, a branch switch) costs on 600 files,
// in time and in index size on disk, against a fresh index built in the same run; then what edits
// of every file leave behind while their old versions are younger than the cleanup grace period.
// Prints figures; never fails on time.
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { zipfText } from './zipfText';

const FILES = 600;
const CYCLES = 6;
const text = zipfText(20261202);

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

const workspace = await mkdtemp(path.join(tmpdir(), 'hs-bench-upkeep-'));
try {
  const files: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const file = path.join(workspace, 'docs', `area-${f % 20}`, `guide-${f}.md`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `# Guide ${f}\n\n${Array.from({ length: 10 }, (_, s) => `## Rule ${f}.${s}\n\n${text.prose(60)}.\n`).join('\n')}`);
    files.push(file);
  }
  const config = parseConfig({ index: { embedder: 'hash' } });
  const index = path.join(workspace, '.housestyle/index');
  const fresh = await indexKnowledgeBase({ workspace, config });
  const freshBytes = await folderBytes(index);
  console.log(`fresh index: ${fresh.files} files, ${fresh.rows} rows, ${Math.round(fresh.durationMs)} ms, ${mb(freshBytes)} on disk`);

  const unchanged = await indexKnowledgeBase({ workspace, config });
  console.log(`re-index with nothing changed: ${Math.round(unchanged.durationMs)} ms`);

  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    const when = new Date(Date.now() + cycle * 60_000);
    for (const file of files) await utimes(file, when, when);
    const touched = await indexKnowledgeBase({ workspace, config });
    const bytes = await folderBytes(index);
    console.log(
      `touch cycle ${cycle}: ${touched.updated} of ${touched.files} files rewritten, ${Math.round(touched.durationMs)} ms; index ${mb(bytes)} = ${(bytes / freshBytes).toFixed(2)}x the fresh one`,
    );
  }

  for (let cycle = 1; cycle <= 3; cycle++) {
    for (const [f, file] of files.entries()) await writeFile(file, `# Guide ${f}\n\nEdit ${cycle}: ${text.prose(20)}.\n\n## Rule ${f}.0\n\n${text.prose(60)}.\n`);
    const edited = await indexKnowledgeBase({ workspace, config });
    const bytes = await folderBytes(index);
    console.log(`edit cycle ${cycle} (every file changed): ${edited.updated} files rewritten, ${Math.round(edited.durationMs)} ms; index ${mb(bytes)} (old versions are kept 5 minutes for open readers)`);
  }
} finally {
  await rm(workspace, { recursive: true, force: true });
}
