import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig, type Config } from '../../src/core/config';
import type { Embedder } from '../../src/core/knowledge/embedder';
import { createHashingEmbedder } from '../../src/core/knowledge/embedders/hashingEmbedder';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { loadLanceDb } from '../../src/core/knowledge/loadLanceDb';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { REPO_ROOT, runCli } from '../support/cli';

const DEMO = path.join(REPO_ROOT, 'test/fixtures/demo');

/** The hashing embedder, counting the texts it is asked to embed. */
function countingEmbedder(): Embedder & { texts: string[] } {
  const inner = createHashingEmbedder(384);
  const texts: string[] = [];
  return { id: inner.id, dimension: inner.dimension, texts, embed: async (batch) => (texts.push(...batch), inner.embed(batch)), close: async () => {} };
}

async function linesOf(workspace: string, source: string, start: number, end: number): Promise<string> {
  return (await readFile(path.join(workspace, source), 'utf8')).split('\n').slice(start - 1, end).join('\n');
}

async function rowsOf(workspace: string, config: Config): Promise<string[]> {
  const store = (await KnowledgeStore.open(path.join(workspace, config.index.uri), 'style'))!;
  const { files: sources } = await store.scan();
  const count = await store.count();
  store.close();
  return [`rows=${count}`, ...[...sources.entries()].map(([source, file]) => `${source}#${[...file.hashes].join(',')}`).sort()];
}

describe('knowledge base on real LanceDB', () => {
  let workspace: string;
  const config = parseConfig({});
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-kb-'));
    await cp(DEMO, workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('indexes the workspace and finds the right passage with its exact source lines', async () => {
    const embedder = countingEmbedder();
    const report = await indexKnowledgeBase({ workspace, config, embedder });
    assert.equal(report.files, 3);
    assert.equal(report.embedded, report.rows);
    assert.equal(embedder.texts.length, report.rows);

    const kb = await openKnowledgeBase({ workspace, config });
    const [top] = await kb.search('should I use var or let and const', { k: 3 });
    assert.equal(top!.source, 'docs/STYLE_GUIDE.md');
    assert.equal(top!.heading, 'Acme TypeScript Style Guide > Declarations');
    assert.equal(top!.text, await linesOf(workspace, top!.source, top!.startLine, top!.endLine));
    assert.match(top!.text, /Never use `var`/);
    assert.deepEqual(top!.languages, ['TypeScript'], 'its examples are TypeScript');

    const scoped = await kb.search('test names', { k: 5 });
    const rule = scoped.find((p) => p.source === '.housestyle/rules/tests.instructions.md');
    assert.deepEqual(rule?.appliesTo, ['**/*.test.ts']);
    const onlyContributing = await kb.search('style', { k: 5, sources: ['CONTRIBUTING.md'] });
    assert.ok(onlyContributing.length > 0 && onlyContributing.every((p) => p.source === 'CONTRIBUTING.md' && p.languages === undefined));
    await kb.close();
  });

  it('an index made by an earlier version is named as such, and one index run rebuilds it', async () => {
    const stale = await mkdtemp(path.join(tmpdir(), 'hs-kb-stale-'));
    try {
      await cp(path.join(DEMO, 'docs'), path.join(stale, 'docs'), { recursive: true });
      const { lancedb, arrow } = await loadLanceDb();
      const connection = await lancedb.connect(path.join(stale, config.index.uri));
      const schema = new arrow.Schema([new arrow.Field('id', new arrow.Utf8(), false)], new Map([['schema', '3'], ['embedder', 'hash-v1-384'], ['dimension', '384']]));
      (await connection.createEmptyTable('kb_style', schema)).close();
      connection.close();

      const searched = await runCli(['search', '--workspace', stale, 'naming']);
      assert.equal(searched.code, 2);
      assert.match(searched.stderr, /indexed by an earlier version of House Style\. Run `housestyle index`/);
      const indexed = await runCli(['index', '--workspace', stale]);
      assert.equal(indexed.code, 0, indexed.stderr);
      assert.match(indexed.stderr, /built by an earlier version of House Style; rebuilding it/);
      assert.equal((await runCli(['search', '--workspace', stale, 'naming'])).code, 0);
    } finally {
      await rm(stale, { recursive: true, force: true });
    }
  });

  it('re-embeds only the chunks of an edited file, and drops the rows of deleted and renamed files', async () => {
    const guide = path.join(workspace, 'docs/STYLE_GUIDE.md');
    const original = await readFile(guide, 'utf8');
    await writeFile(guide, original.replace('Never use `var`.', 'Never use `var`; prefer `const` everywhere.'));
    const embedder = countingEmbedder();
    const edited = await indexKnowledgeBase({ workspace, config, embedder });
    assert.deepEqual([edited.updated, edited.unchanged, edited.embedded], [1, 2, 1]);
    assert.equal(embedder.texts.length, 1);
    assert.match(embedder.texts[0]!, /prefer `const` everywhere/);
    assert.equal(edited.reused, edited.rows - 3 - 1, 'every other chunk of the guide kept its vector');

    await rename(path.join(workspace, 'CONTRIBUTING.md'), path.join(workspace, 'docs/contributing.md'));
    await rm(path.join(workspace, '.housestyle/rules/tests.instructions.md'));
    const moved = countingEmbedder();
    const after = await indexKnowledgeBase({ workspace, config, embedder: moved });
    assert.deepEqual([after.removed, after.updated, moved.texts.length], [2, 1, 0], 'a renamed file reuses its vectors');
    const rows = await rowsOf(workspace, config);
    assert.ok(!rows.some((r) => r.startsWith('CONTRIBUTING.md') || r.includes('tests.instructions')));
    const kb = await openKnowledgeBase({ workspace, config });
    const results = await kb.search('commit messages imperative mood', { k: 10 });
    assert.ok(results.some((p) => p.source === 'docs/contributing.md') && results.every((p) => p.source !== 'CONTRIBUTING.md'));
    await kb.close();

    const again = countingEmbedder();
    const unchanged = await indexKnowledgeBase({ workspace, config, embedder: again });
    assert.deepEqual([unchanged.updated, unchanged.removed, again.texts.length], [0, 0, 0]);
  });

  it('keeps a file named like SQL as data in filters and deletes', async () => {
    const hostile = "docs/x' OR 1=1 --.md";
    await writeFile(path.join(workspace, hostile), '# Quoting\n\nPaths are data, never part of a query.\n');
    await indexKnowledgeBase({ workspace, config, embedder: countingEmbedder() });
    const kb = await openKnowledgeBase({ workspace, config });
    const only = await kb.search('query data paths', { k: 10, sources: [hostile] });
    assert.deepEqual([...new Set(only.map((p) => p.source))], [hostile]);
    await kb.close();
    await rm(path.join(workspace, hostile));
    const report = await indexKnowledgeBase({ workspace, config, embedder: countingEmbedder() });
    assert.equal(report.removed, 1);
    assert.ok((await rowsOf(workspace, config)).every((r) => !r.includes('OR 1=1')));
    assert.ok(report.rows > 5, 'the predicate removed only that file');
  });

  it('skips malformed inputs with reasons and indexes the rest', async () => {
    const docs = path.join(workspace, 'docs');
    await writeFile(path.join(docs, 'binary.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    await writeFile(path.join(docs, 'latin1.md'), Buffer.from('# Caf\xe9 rules\n', 'latin1'));
    await writeFile(path.join(docs, 'empty.md'), '');
    await writeFile(path.join(docs, 'huge.md'), '');
    await truncate(path.join(docs, 'huge.md'), 50 * 1024 * 1024);
    const nested = Array.from({ length: 6 }, (_, i) => `${'#'.repeat(i + 1)} Level ${i + 1}\n\nText at level ${i + 1}.\n`).join('\n') + '####### not a heading\n'.repeat(200);
    await writeFile(path.join(docs, 'nested.md'), nested);
    const report = await indexKnowledgeBase({ workspace, config, embedder: countingEmbedder() });
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.source, s.reason]));
    assert.match(reasons['docs/binary.md']!, /binary/);
    assert.match(reasons['docs/latin1.md']!, /not valid UTF-8/);
    assert.match(reasons['docs/empty.md']!, /empty/);
    assert.match(reasons['docs/huge.md']!, /larger than 4\.0 MB \(50\.0 MB\)/);
    assert.equal(reasons['docs/nested.md'], undefined);
    const kb = await openKnowledgeBase({ workspace, config });
    const headings = (await kb.search('text at level 6', { k: 10, sources: ['docs/nested.md'] })).map((p) => p.heading);
    assert.ok(headings.includes('Level 1 > Level 2 > Level 3 > Level 4 > Level 5 > Level 6'), headings.join('; '));
    await kb.close();
  });

  it('re-embeds everything when the embedder changes, never mixing vector spaces', async () => {
    const inner = createHashingEmbedder(128);
    const texts: string[] = [];
    const other: Embedder = { ...inner, embed: async (batch) => (texts.push(...batch), inner.embed(batch)) };
    const report = await indexKnowledgeBase({ workspace, config, embedder: other });
    // Every distinct chunk is embedded anew (identical chunks share one vector); none is reused from the old space.
    assert.equal(texts.length, report.embedded);
    assert.equal(new Set(texts).size, texts.length);
    assert.ok(report.embedded >= report.rows - 3, `${report.embedded} of ${report.rows}`);
    const kb = await openKnowledgeBase({ workspace, config });
    assert.equal(kb.embedder, 'hash-v1-128');
    assert.ok((await kb.search('var', { k: 1 })).length === 1);
    await kb.close();
  });
});

describe('an indexer killed mid-run', () => {
  let workspace: string;
  let reference: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-kill-'));
    reference = await mkdtemp(path.join(tmpdir(), 'hs-kill-ref-'));
    // Enough files for several write batches, so the kill lands between commits.
    for (const dir of [workspace, reference]) {
      await mkdir(path.join(dir, 'docs'), { recursive: true });
      for (let i = 0; i < 1500; i++) {
        const text = `# Rule ${i}\n\nRule ${i} says names of kind ${i % 37} use ${i % 2 ? 'camelCase' : 'snake_case'}.\n\n## Why ${i}\n\nBecause reviewers ${i % 11} said so.\n\n## Examples ${i}\n\nSee module ${i * 7}.\n`;
        await writeFile(path.join(dir, 'docs', `rule-${String(i).padStart(4, '0')}.md`), text);
      }
    }
  });
  after(async () => {
    await rm(workspace, { recursive: true, force: true });
    await rm(reference, { recursive: true, force: true });
  });

  it('leaves a usable index, and the next run completes it to the same rows as a clean run', async () => {
    const versions = path.join(workspace, '.housestyle/index/kb_style.lance/_versions');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'index', '--workspace', workspace, '--embedder', 'hash'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill as soon as the first batch of rows is committed (the first manifest is the empty table).
    const manifests = async () => ((await readdir(versions).catch(() => [])) as string[]).filter((f) => f.endsWith('.manifest')).length;
    while ((await manifests()) < 2 && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'the indexer was killed before it finished');

    const config = parseConfig({});
    const partial = await rowsOf(workspace, config);
    const kb = await openKnowledgeBase({ workspace, config });
    assert.ok((await kb.search('camelCase', { k: 3 })).length > 0, 'the partial index answers searches');
    await kb.close();

    const resumed = await runCli(['index', '--workspace', workspace, '--embedder', 'hash', '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    const report = JSON.parse(resumed.stdout);
    assert.ok(report.unchanged > 0, 'the files committed before the kill are not redone');
    assert.ok(report.updated > 0 && report.updated < 1500);
    assert.ok(partial.length - 1 < 1500);

    assert.equal((await runCli(['index', '--workspace', reference, '--embedder', 'hash'])).code, 0);
    assert.deepEqual(await rowsOf(workspace, config), await rowsOf(reference, config));
  });
});

describe('housestyle search (CLI contract)', () => {
  let workspace: string;
  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'hs-cli-'));
    await cp(DEMO, workspace, { recursive: true, filter: (src) => !src.includes(`${path.sep}index`) });
  });
  after(() => rm(workspace, { recursive: true, force: true }));

  it('answers batch queries as JSON lines with the documented fields', async () => {
    assert.equal((await runCli(['search', '--workspace', workspace, 'x'])).code, 2, 'searching before indexing is an error');
    const indexed = await runCli(['index', '--workspace', workspace]);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stderr, /Embedder: hash-v1-384 \(no local all-MiniLM-L6-v2 model/);
    const queries = path.join(workspace, 'queries.jsonl');
    await writeFile(queries, '{"id":"q1","query":"console.log in library code"}\n\n{"id":2,"query":"strict equality"}\n');
    const result = await runCli(['search', '--workspace', workspace, '--k', '2', '--json', '--queries', queries]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((l) => l.id), ['q1', 2]);
    for (const line of lines) {
      assert.equal(line.results.length, 2);
      for (const r of line.results) {
        const documented = ['appliesTo', 'endLine', 'heading', 'kb', 'score', 'source', 'startLine', 'text'];
        assert.deepEqual(Object.keys(r).sort(), r.source === 'docs/STYLE_GUIDE.md' ? [...documented.slice(0, 4), 'languages', ...documented.slice(4)] : documented);
        if (r.languages) assert.deepEqual(r.languages, ['TypeScript']);
        assert.equal(r.text, await linesOf(workspace, r.source, r.startLine, r.endLine));
      }
    }
    assert.equal(lines[0].results[0].heading, 'Acme TypeScript Style Guide > Logging');
    assert.equal(lines[1].results[0].heading, 'Acme TypeScript Style Guide > Equality');
  });

  it('exits 2 with one clear line for a missing workspace, broken config, unknown knowledge base or bad query file', async () => {
    const missing = await runCli(['index', '--workspace', path.join(workspace, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Workspace folder not found: .*nope\. Pass an existing folder with --workspace DIR\./);
    const unknown = await runCli(['search', '--workspace', workspace, '--kb', 'archi', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown knowledge base "archi"/);
    const badQueries = path.join(workspace, 'bad.jsonl');
    await writeFile(badQueries, '{"id":"q1"}\n');
    const bad = await runCli(['search', '--workspace', workspace, '--queries', badQueries]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.jsonl:1 is not a \{"id","query"\} JSON object/);
    await writeFile(path.join(workspace, '.housestyle/config.json'), '{ not json');
    const broken = await runCli(['index', '--workspace', workspace]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /config\.json is not valid JSON/);
    assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');
    const usage = await runCli(['search', '--bogus']);
    assert.equal(usage.code, 2);
  });
});
