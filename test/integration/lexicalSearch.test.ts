// The lexical path on real LanceDB: BM25 alone (stemmed, without stop words) when the embedder's vectors
// are lexical, topped up with nearest vectors when too few passages share a word with the query.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { createHashingEmbedder } from '../../src/core/knowledge/embedders/hashingEmbedder';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { runCli } from '../support/cli';

const GUIDE = `# Guide

## Imports

Wildcard imports should be avoided; put each import on its own line.

## Default arguments

Never use a mutable value as the default of an argument.

## Naming

Functions are named in lower case with underscores.

## Comparisons

Compare with singletons by identity: \`x is not y\`, never \`x != y\`.
`;

let workspace: string;
const config = parseConfig({ index: { embedder: 'hash' } });
before(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-lexical-'));
  await mkdir(path.join(workspace, 'docs'));
  await writeFile(path.join(workspace, 'docs', 'guide.md'), GUIDE);
  await indexKnowledgeBase({ workspace, config });
});
after(() => rm(workspace, { recursive: true, force: true }));

test('ranks by stemmed BM25 without embedding the query, and tops up to k by vectors', async () => {
  const store = (await KnowledgeStore.open(path.join(workspace, config.index.uri), 'style'))!;
  const embedder = createHashingEmbedder(store.identity.dimension);
  const embedded: string[] = [];
  const search = (query: string, k: number) =>
    store.search(query, { vector: async () => (embedded.push(query), (await embedder.embed([query]))[0]!), fuseVectors: !embedder.lexical, k });
  try {
    const [top] = await search('the import of a module', 1);
    assert.equal(top!.heading, 'Guide > Imports', '"import" finds "imports"; "the", "of", "a" match nothing');
    assert.deepEqual(embedded, [], 'a lexical embedder is not asked for the query vector when BM25 answers');

    const all = await search('mutable', 3);
    assert.equal(all.length, 3);
    assert.equal(all[0]!.heading, 'Guide > Default arguments');
    assert.deepEqual(embedded, ['mutable'], 'one match, so the rest come from the vector side');
    assert.ok(all[0]!.score >= all[1]!.score && all[1]!.score >= all[2]!.score, 'scores fall with rank');
  } finally {
    store.close();
  }
});

test('`housestyle search` given code finds the rule it breaks, by the operator the rule\'s example shares with it', async () => {
  // None of the snippet's words is in the guide ("values" would be: the stem of "value"): only its `!=` is, in the rule's example.
  const snippet = 'def total(prices):\n    if prices != None:\n        return prices';
  const found = await runCli(['search', '--workspace', workspace, '--k', '1', '--json', snippet]);
  assert.equal(found.code, 0, found.stderr);
  assert.equal(JSON.parse(found.stdout).heading, 'Guide > Comparisons');

  const queries = path.join(workspace, 'queries.jsonl');
  await writeFile(queries, [{ id: 'named', query: 'def total(prices): return prices != None', file: 'src/cart.py' }, { id: 'words', query: 'how are functions named' }].map((q) => JSON.stringify(q)).join('\n'));
  const batch = await runCli(['search', '--workspace', workspace, '--k', '1', '--queries', queries]);
  assert.equal(batch.code, 0, batch.stderr);
  assert.deepEqual(
    batch.stdout.trim().split('\n').map((line) => JSON.parse(line)).map((r: { id: string; results: { heading: string }[] }) => [r.id, r.results[0]!.heading]),
    [['named', 'Guide > Comparisons'], ['words', 'Guide > Naming']],
  );
});

test('in a workspace of guides for several languages, code is answered by its own language\'s rules first', async () => {
  const polyglot = await mkdtemp(path.join(tmpdir(), 'hs-polyglot-'));
  try {
    await mkdir(path.join(polyglot, 'docs'));
    // Both guides speak of naming functions; the JavaScript one uses the code's own words more.
    await writeFile(path.join(polyglot, 'docs', 'javascript.md'), '# JavaScript guide\n\n## Naming\n\nName a function that loads a user loadUser: camelCase names for functions.\n\n```javascript\nfunction loadUser(id) {}\n```\n');
    await writeFile(path.join(polyglot, 'docs', 'python.md'), '# Python guide\n\n## Naming\n\nFunction names are lowercase, with words separated by underscores.\n\n```python\ndef load_user(user_id): ...\n```\n');
    await indexKnowledgeBase({ workspace: polyglot, config });
    const code = 'def loadUser(id):\n    return fetch(id)';
    const top = async (...args: string[]) => {
      const found = await runCli(['search', '--workspace', polyglot, '--k', '1', '--json', ...args, code]);
      assert.equal(found.code, 0, found.stderr);
      const { source, languages } = JSON.parse(found.stdout) as { source: string; languages: string[] };
      assert.deepEqual(languages, [{ 'docs/python.md': 'Python', 'docs/typescript.md': 'TypeScript' }[source] ?? 'JavaScript']);
      return source;
    };
    assert.equal(await top(), 'docs/python.md', 'Python syntax: the Python guide first');
    assert.equal(await top('--file', 'src/users.py'), 'docs/python.md');
    assert.equal(await top('--file', 'src/users.ts'), 'docs/javascript.md', 'a JavaScript guide serves TypeScript');
    // Beside a TypeScript guide, the JavaScript guide is TypeScript code's kin, no longer its own: the TypeScript
    // guide comes first though the JavaScript one matches better, and JavaScript code keeps its own guide.
    await writeFile(path.join(polyglot, 'docs', 'typescript.md'), '# TypeScript guide\n\n## Naming\n\nUse camelCase for function names.\n\n```typescript\nfunction load(id: string): void {}\n```\n');
    await indexKnowledgeBase({ workspace: polyglot, config });
    assert.equal(await top('--file', 'src/users.ts'), 'docs/typescript.md');
    assert.equal(await top('--file', 'src/users.js'), 'docs/javascript.md');
  } finally {
    await rm(polyglot, { recursive: true, force: true });
  }
});
