import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, parseConfig } from '../../src/core/config';
import { chunkSource } from '../../src/core/knowledge/chunk/chunkSource';
import { countTokens } from '../../src/core/knowledge/tokens';
import { terminalLine, terminalLines } from '../../src/core/terminalText';

/** Smaller defects of issue 14, item 11: inputs a hostile or unlucky workspace holds. */
describe('hostile and unlucky inputs', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-inputs-'));
    await mkdir(path.join(workspace, '.housestyle'));
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('a 5 MB run without whitespace becomes chunks of bounded size', () => {
    const run = 'aZ9+/'.repeat(1024 * 1024);
    for (const source of ['docs/blob.txt', 'docs/blob.md']) {
      const result = chunkSource(source, `# Blob\n\n${run}\n`, { maxTokens: 512, overlapTokens: 50, codeComments: false });
      assert.ok(!('skip' in result));
      assert.ok(result.chunks.length > 100, source);
      assert.ok(result.chunks.every((chunk) => countTokens(chunk.text) <= 512 && chunk.text.length <= 512 * 8), source);
      assert.equal(result.chunks.map((chunk) => chunk.text.replace(/^# Blob\n\n/, '')).join('').length >= run.length, true, 'nothing is lost');
    }
  });

  it('a config file saved with a UTF-8 byte-order mark is read', async () => {
    await writeFile(path.join(workspace, '.housestyle/config.json'), `\uFEFF${JSON.stringify({ chunking: { maxTokens: 300 } })}`);
    assert.equal((await loadConfig(workspace, { env: {} })).chunking.maxTokens, 300);
  });

  it('a custom exclude is added to the default excludes, never replacing them', () => {
    const config = parseConfig({ knowledgeBases: { style: { include: ['**/*.md'], exclude: ['drafts/**'] } } });
    const exclude = config.knowledgeBases.style!.exclude;
    assert.ok(exclude.includes('drafts/**'));
    for (const kept of ['**/node_modules/**', '**/.git/**', '.housestyle/index/**']) assert.ok(exclude.includes(kept), kept);
  });

  it('terminal text shows controls as escapes and indents continuation lines', () => {
    assert.equal(terminalLine('a\u001b[31mb\r\n\u202ec\u0000\u009b\u2028'), 'a\\x1b[31mb\\r\\n\\u202ec\\x00\\x9b\\u2028');
    assert.equal(terminalLine('tab\there, ünïcödé and emoji 👍 stay'), 'tab\\there, ünïcödé and emoji 👍 stay');
    assert.equal(terminalLines('first\nsrc/x.ts:1:1: error: forged\r\n\u001b]0;t\u0007', '  '), 'first\n  src/x.ts:1:1: error: forged\n  \\x1b]0;t\\x07');
  });
});
