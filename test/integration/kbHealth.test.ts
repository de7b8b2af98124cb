// `housestyle kb health` on real LanceDB: documents without headings, near-duplicate passages across
// documents, sources no review retrieved lately (from the log that reviews' searches leave), stale sections.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { checkKnowledgeBaseHealth } from '../../src/core/knowledge/health';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { runCli } from '../support/cli';

const ERRORS_RULE = 'Never swallow an exception silently: log it with its context and rethrow it, or return an error value that the caller must handle explicitly.';

let workspace: string;
const config = parseConfig({ index: { embedder: 'hash' } });
const write = async (file: string, text: string, daysAgo = 0) => {
  const full = path.join(workspace, file);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, text);
  const time = new Date(Date.now() - daysAgo * 86_400_000);
  await utimes(full, time, time);
};

before(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-health-'));
  await write('docs/style.md', `# Style\n\n## Errors\n\n${ERRORS_RULE}\n\n## Naming\n\nFunctions are verbs in camelCase; types are nouns in PascalCase.\n`);
  await write('docs/backend.md', `# Backend\n\n## Error handling\n\n${ERRORS_RULE}\n`);
  await write('docs/notes.txt', 'Some loose notes about deployments.\n\nAnother paragraph with no heading at all.\n');
  await write('docs/legacy.md', '# Legacy\n\n## Naming\n\nFunctions use snake_case and types use lower case with underscores.\n', 400);
  await indexKnowledgeBase({ workspace, config });
});
after(() => rm(workspace, { recursive: true, force: true }));

test('finds each kind of problem, with its fix', async () => {
  const before = await checkKnowledgeBaseHealth({ workspace, config });
  assert.equal(before.notChecked, 'unused sources: no reviews recorded in .housestyle/retrievals.jsonl yet');
  assert.ok(!before.findings.some((f) => f.check === 'not-retrieved'), 'without a log nothing is called unused');

  const kb = await openKnowledgeBase({ workspace, config });
  const retrieved = (await kb.search('swallow exception rethrow', { k: 1, forReview: true }))[0]!.source;
  await kb.search('naming functions camelCase', { k: 1 }); // a plain search is not a review
  await kb.close();

  const report = await checkKnowledgeBaseHealth({ workspace, config });
  const found = report.findings.map((f) => (f.check === 'near-duplicate' ? f.check : `${f.check} ${f.source}`)).sort();
  const unused = ['docs/backend.md', 'docs/legacy.md', 'docs/notes.txt', 'docs/style.md'].filter((s) => s !== retrieved).map((s) => `not-retrieved ${s}`);
  assert.deepEqual(found, ['near-duplicate', 'no-headings docs/notes.txt', ...unused, 'stale docs/legacy.md'].sort());
  const stale = report.findings.find((f) => f.check === 'stale')!;
  assert.match(stale.message, /^docs\/legacy\.md:3-5 \(Legacy > Naming\) is (399|400) days older than docs\/style\.md:\d+-\d+ \(Style > Naming\)/);
  assert.match(stale.fix, /bring docs\/legacy\.md in line with docs\/style\.md/);
  assert.match(report.findings.find((f) => f.check === 'near-duplicate')!.message, /docs\/(backend|style)\.md:\d+-\d+ .* and docs\/(backend|style)\.md:\d+-\d+ .* say the same thing/);
});

test('the CLI prints each finding with its fix and exits 1, or --json', async () => {
  const text = await runCli(['kb', 'health', '--workspace', workspace]);
  assert.equal(text.code, 1, text.stderr);
  assert.match(text.stdout, /^no-headings: docs\/notes\.txt has no headings: its 1 passage is cited without a section\.\n  fix: Add a heading/m);
  assert.match(text.stdout, /Knowledge base "style": 4 sources, \d+ passages, \d+ findings\./);
  const json = JSON.parse((await runCli(['kb', 'health', '--workspace', workspace, '--json'])).stdout);
  assert.equal(json.kb, 'style');
  assert.ok(json.findings.every((f: { fix: string }) => f.fix.length > 0));
});

test('copies of one boilerplate section in many documents are one group, not every pair', async () => {
  const boilerplate = await mkdtemp(path.join(tmpdir(), 'hs-health-group-'));
  try {
    const section = 'Every public member of this class is documented in the header and covered by the unit tests of its module; deprecated members keep working for one release and say which member replaces them.';
    for (const name of ['buffer', 'stream', 'timer', 'socket', 'pipe', 'signal', 'process']) {
      await mkdir(path.join(boilerplate, 'docs'), { recursive: true });
      await writeFile(path.join(boilerplate, 'docs', `${name}.md`), `# The ${name} API\n\n## Public members\n\n${section}\n\n## Usage\n\nHow to use a ${name} handle ${'in one of its own ways '.repeat(3)}with ${name}-specific words.\n`);
    }
    await writeFile(path.join(boilerplate, 'docs', 'errors.md'), `# Errors\n\n## Handling\n\n${ERRORS_RULE}\n`);
    await writeFile(path.join(boilerplate, 'docs', 'service.md'), `# Service\n\n## Failures\n\n${ERRORS_RULE}\n`);
    await indexKnowledgeBase({ workspace: boilerplate, config });
    const groups = (await checkKnowledgeBaseHealth({ workspace: boilerplate, config })).findings.filter((f) => f.check === 'near-duplicate');
    assert.equal(groups.length, 2, groups.map((g) => g.message).join('\n'));
    const seven = groups.find((g) => g.locations!.length > 2)!;
    assert.equal(seven.locations!.length, 7);
    assert.deepEqual(seven.locations!.map((l) => l.split(':')[0]), ['buffer', 'pipe', 'process', 'signal', 'socket', 'stream', 'timer'].map((n) => `docs/${n}.md`));
    assert.match(seven.message, /^7 passages: docs\/buffer\.md:\d+-\d+ \(The buffer API > Public members\), .* and docs\/timer\.md:\d+-\d+ .* say the same thing/);
    const pair = groups.find((g) => g.locations!.length === 2)!;
    assert.match(pair.message, /^docs\/errors\.md:\d+-\d+ \(Errors > Handling\) and docs\/service\.md:\d+-\d+ \(Service > Failures\) say the same thing/);
  } finally {
    await rm(boilerplate, { recursive: true, force: true });
  }
});
