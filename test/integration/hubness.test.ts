// Hubs on real LanceDB: a section full of examples matches any code of its language, so BM25 ranks it above the
// short rule the code breaks. A full index run measures how often each passage is among the first results for the
// knowledge base's own code examples, and lexical search discounts the passages that are for most of them.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { KnowledgeStore } from '../../src/core/knowledge/store';
import { searchRequest } from '../../src/core/review/ruleRetrieval';

// Short rules, each with its own example: the code examples the index run searches with.
const RULES: [string, string][] = [
  ['Context managers', 'with open(path) as handle:\n    data = handle.read()'],
  ['String formatting', 'message = f"{name} has {count} items"\nlogging.info(message)'],
  ['Wildcard imports', 'from os.path import join, exists\nfrom typing import Any'],
  ['Enumerate', 'for index, value in enumerate(values):\n    print(index, value)'],
  ['Dictionary access', 'total = prices.get(sku, 0)\nprices.setdefault(sku, 0)'],
  ['Boolean checks', 'if not pending:\n    shutdown()'],
  ['Lambda assignment', 'def square(x):\n    return x * x'],
  ['Global state', 'counter = Counter()\ncounter.increment()'],
  ['Type hints', 'def parse(text: str) -> int:\n    return int(text)'],
  ['Assertions', 'assert response.status == 200\nassert body'],
  ['Sorting', 'names = sorted(people, key=lambda p: p.age)\nnames.reverse()'],
  ['Path handling', 'base = Path(root) / "config"\nbase.mkdir(parents=True)'],
];

const GUIDE = `# Python style

## Examples

A module written the way this team writes Python, which uses a little of everything:

\`\`\`python
${RULES.map(([, code]) => code).join('\n')}

def collect(self, items, limit=None):
    result = []
    for item in items:
        if item is not None and len(result) < limit:
            result.append(self.convert(item))
    return result
\`\`\`

## Mutable default arguments

Never use a mutable value as a default argument: it is shared by every call.

\`\`\`python
def add(item, items=[]):
    items.append(item)
\`\`\`

## Bare except

Catch the exceptions you expect, never everything.

\`\`\`python
try:
    value = int(text)
except:
    value = 0
\`\`\`

## Comparisons to None

Compare with None by identity.

\`\`\`python
if result == None:
    return
\`\`\`
${RULES.map(([title, code]) => `\n## ${title}\n\nAs the example shows.\n\n\`\`\`python\n${code}\n\`\`\`\n`).join('')}`;

const CODE = `def remember(self, items, seen=[]):
    result = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
            result.append(self.convert(item))
    return result
`;

let workspace: string;
const config = parseConfig({ index: { embedder: 'hash' } });
before(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'hs-hubs-'));
  await mkdir(path.join(workspace, 'docs'));
  await writeFile(path.join(workspace, 'docs', 'python.md'), GUIDE);
  await indexKnowledgeBase({ workspace, config });
});
after(() => rm(workspace, { recursive: true, force: true }));

const topHeadings = async () => {
  const kb = await openKnowledgeBase({ workspace, config });
  try {
    const { query, language } = searchRequest(CODE, 'src/merge.py');
    return (await kb.search(query, { k: 3, ...(language && { language }) })).map((passage) => passage.heading);
  } finally {
    await kb.close();
  }
};

test('the index run finds the section of examples to be the hub, and search puts the rule the code breaks above it', async () => {
  const store = (await KnowledgeStore.open(path.join(workspace, config.index.uri), 'style'))!;
  let ratios: [string, number][];
  try {
    const headingOf = new Map<string, string>();
    for await (const passage of store.passages()) headingOf.set(passage.id, passage.heading);
    ratios = [...(await store.hubRatios())].map(([id, ratio]) => [headingOf.get(id)!, ratio]);
  } finally {
    store.close();
  }
  ratios.sort((a, b) => b[1] - a[1]);
  assert.equal(ratios[0]![0], 'Python style > Examples', `hub ratios: ${JSON.stringify(ratios)}`);
  assert.equal((await topHeadings())[0], 'Python style > Mutable default arguments');
});

test('without the measurement (an index made before it) the section of examples comes first', async () => {
  const store = (await KnowledgeStore.open(path.join(workspace, config.index.uri), 'style'))!;
  try {
    await store.writeHubs(new Map());
  } finally {
    store.close();
  }
  assert.equal((await topHeadings())[0], 'Python style > Examples');
});
