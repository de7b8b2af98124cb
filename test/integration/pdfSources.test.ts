// PDF standards documents on real LanceDB: PDFs generated here with pdf-lib, their text layer read with
// unpdf, passages cited by page and line within the page, pages without text skipped with a reason.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase, type IndexReport } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { runCli } from '../support/cli';

/** A PDF whose pages hold these lines of text; an empty page stands for a scanned one (no text layer). */
async function pdfOf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([600, 800]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 750 - i * 18, size: 12, font }));
  }
  return doc.save();
}

let workspace: string;
let report: IndexReport;
const config = parseConfig({ index: { embedder: 'hash' } });
before(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-pdf-'));
  await mkdir(path.join(workspace, 'docs'));
  await writeFile(
    path.join(workspace, 'docs', 'security-standard.pdf'),
    await pdfOf([
      ['Security Coding Standard', 'Version 3'],
      [],
      ['Secrets', 'Never commit credentials to the repository.', 'Read API tokens from the environment at start-up.'],
    ]),
  );
  await writeFile(path.join(workspace, 'docs', 'scanned.pdf'), await pdfOf([[], []]));
  await writeFile(path.join(workspace, 'docs', 'broken.pdf'), '%PDF-1.7 this is not really a PDF');
  report = await indexKnowledgeBase({ workspace, config });
});
after(() => rm(workspace, { recursive: true, force: true }));

test('indexes the text layer and cites the page and the lines within it', async () => {
  const kb = await openKnowledgeBase({ workspace, config });
  try {
    const [top] = await kb.search('credentials tokens environment', { k: 1 });
    assert.equal(top!.source, 'docs/security-standard.pdf');
    assert.equal(top!.page, 3);
    assert.deepEqual([top!.startLine, top!.endLine], [1, 3]);
    assert.equal(top!.text, 'Secrets\nNever commit credentials to the repository.\nRead API tokens from the environment at start-up.');
  } finally {
    await kb.close();
  }
});

test('skips pages and files without text, and unreadable PDFs, each with a reason', () => {
  const reasons = report.skipped.map((s) => `${s.source}: ${s.reason}`).sort();
  assert.deepEqual(reasons, [
    'docs/broken.pdf: not a readable PDF (Invalid PDF structure.); re-export it as PDF to index it',
    'docs/scanned.pdf: a PDF without a text layer (scanned?); run OCR on it to index it',
    'docs/security-standard.pdf: page 2 has no text layer (scanned?); run OCR on the PDF to index it',
  ]);
});

test('housestyle search prints the page, and --json carries it', async () => {
  const text = await runCli(['search', '--workspace', workspace, 'commit credentials']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^1\. docs\/security-standard\.pdf page 3:1-3/m);
  const json = await runCli(['search', '--workspace', workspace, '--json', '--k', '1', 'commit credentials']);
  assert.equal(JSON.parse(json.stdout).page, 3);
});
