// The optional rerank of a review's rules by the review model (review.rerank, `housestyle review --rerank`),
// against the Ollama test server scripting the model's order.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseConfig, type Config } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase, type KnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { reviewFile, type ReviewOptions } from '../../src/core/review/reviewer';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer } from '../support/ollamaTestServer';

const MODEL = 'qwen2.5-coder:7b';

// Four sections; the code below matches Naming's words best, so the search ranks Naming first.
const STYLE_GUIDE = `# Style guide

## Naming

Use camelCase for variables and functions: \`loadUser\`, not \`load_user\`.

## Errors

Never swallow an error: an empty catch block hides failures from everyone.
Log it, or rethrow it with context.

\`\`\`ts
throw new ConfigError('no port', cause);
\`\`\`

## Comments

Comments say why, not what.

## Imports

- Import named bindings, never a whole module.
- Keep imports sorted by their path.
`;
const SOURCE = `export function load_user(user_id: string) {
  try {
    return fetch_user(user_id);
  } catch (e) {}
}
`;

let root: string;
let server: OllamaTestServer;
let workspace: string;
let config: Config;
let kb: KnowledgeBase;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-rerank-'));
  server = await startOllamaTestServer({ models: [MODEL] });
  workspace = path.join(root, 'ws');
  // One rule per prompt (review.k 1), so the order decides which rule the review sees.
  const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 }, review: { k: 1 } };
  for (const [file, text] of Object.entries({ 'docs/STYLE_GUIDE.md': STYLE_GUIDE, 'src/users.ts': SOURCE, '.housestyle/config.json': JSON.stringify(raw) })) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  config = parseConfig(raw);
  await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
  kb = await openKnowledgeBase({ workspace, config });
});

after(async () => {
  await kb.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const isRerank = (body: ModelRequestBody) => (body.format as { required?: string[] } | undefined)?.required?.[0] === 'order';
const userMessage = (body: ModelRequestBody) => body.messages!.find((m) => m.role === 'user')!.content;

/** The id the rerank prompt gave the passage of `section`. */
function idOf(body: ModelRequestBody, section: string): string {
  const match = [...userMessage(body).matchAll(/<rule-[0-9a-f]{16} id="(R\d+)"[^>]*section="([^"]*)"/g)].find((m) => m[2]!.endsWith(`> ${section}`));
  assert.ok(match, `the rerank prompt lists ${section}`);
  return match[1]!;
}

/** The sections of the rules a review prompt carried. */
function reviewedSections(body: ModelRequestBody): string[] {
  return [...userMessage(body).matchAll(/<rule-[0-9a-f]{16} id="R\d+"[^>]*section="([^"]*)"/g)].map((m) => m[1]!.split(' > ').at(-1)!);
}

/** Answers the rerank with `order(body)` and every review with no findings; returns the requests seen. */
function script(order: (body: ModelRequestBody) => string): ModelRequestBody[] {
  const bodies: ModelRequestBody[] = [];
  server.onChat((body) => {
    bodies.push(body);
    return { content: isRerank(body) ? order(body) : '{"findings": []}' };
  });
  return bodies;
}

function options(overrides: Partial<ReviewOptions> & { rerank?: boolean } = {}): ReviewOptions {
  const { rerank, ...rest } = overrides;
  return { workspace, config: rerank === undefined ? config : { ...config, review: { ...config.review, rerank } }, knowledgeBase: kb, client: OllamaClient.fromConfig(config), ...rest };
}

test('off by default: one review call, carrying the search\'s first rule', async () => {
  assert.equal(config.review.rerank, false);
  const bodies = script(() => assert.fail('no rerank was asked for'));
  const result = await reviewFile(options(), 'src/users.ts');
  assert.equal(bodies.length, 1);
  assert.equal(isRerank(bodies[0]!), false);
  assert.deepEqual(reviewedSections(bodies[0]!), ['Naming']);
  assert.equal(result.metrics.calls, 1);
});

test('on: the model reorders the headings, and the review packs the rule it put first', async () => {
  const bodies = script((body) => JSON.stringify({ order: [idOf(body, 'Errors'), idOf(body, 'Naming')] }));
  const result = await reviewFile(options({ rerank: true }), 'src/users.ts');
  assert.deepEqual(bodies.map(isRerank), [true, false]);
  const [rerank, review] = bodies as [ModelRequestBody, ModelRequestBody];
  // Every passage is a candidate, shown inside the nonce-tagged blocks by its heading and the opening sentence of each
  // rule it states (every bullet's), not whole: no second sentence, no example.
  const nonce = /marker ([0-9a-f]{16})/.exec(rerank.messages![0]!.content)![1]!;
  const rules = userMessage(rerank).slice(userMessage(rerank).indexOf(`<rules-${nonce}>`), userMessage(rerank).indexOf(`</rules-${nonce}>`));
  for (const section of ['Naming', 'Errors', 'Comments', 'Imports']) idOf(rerank, section);
  assert.match(rules, /Never swallow an error/);
  assert.match(rules, /Import named bindings, never a whole module\.\nKeep imports sorted by their path\./);
  assert.doesNotMatch(userMessage(rerank), /rethrow it with context/);
  assert.doesNotMatch(userMessage(rerank), /ConfigError/);
  assert.match(userMessage(rerank), new RegExp(`<code-${nonce} [^>]*>\\n1\\| export function load_user`));
  assert.deepEqual(reviewedSections(review), ['Errors']);
  assert.equal(result.metrics.calls, 2);
});

test('an answer that is not a valid order keeps the search\'s order, with one log line', async () => {
  const warnings: string[] = [];
  const logger = { info() {}, warn: (line: string) => warnings.push(line) };
  for (const invalid of ['Errors first, then Naming.', '{"order": ["R99"]}', '{"ranking": ["R1"]}']) {
    warnings.length = 0;
    const bodies = script(() => invalid);
    await reviewFile(options({ rerank: true, logger }), 'src/users.ts');
    assert.deepEqual(bodies.map(isRerank), [true, false], invalid);
    assert.deepEqual(reviewedSections(bodies[1]!), ['Naming'], invalid);
    assert.equal(warnings.length, 1, invalid);
    assert.match(warnings[0]!, /qwen2\.5-coder:7b answered the rerank of src\/users\.ts with .+; its rules keep the search's order\./);
  }
});

test('cancelled while the model reorders: the review stops with `cancelled` and asks nothing more', async () => {
  const controller = new AbortController();
  const bodies: ModelRequestBody[] = [];
  server.onChat((body) => {
    bodies.push(body);
    controller.abort(); // the user cancels while the rerank is being answered
    return { content: '{"order": []}', delayMs: 60_000 };
  });
  const error = await reviewFile(options({ rerank: true, signal: controller.signal }), 'src/users.ts').then(
    () => assert.fail('the review was cancelled'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof HouseStyleError && error.code === 'cancelled', String(error));
  assert.deepEqual(bodies.map(isRerank), [true]);
});

test('housestyle review --rerank turns it on for one run', async () => {
  const bodies = script((body) => JSON.stringify({ order: [idOf(body, 'Comments')] }));
  const result = await runCli(['review', '--workspace', workspace, 'src/users.ts', '--rerank', '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(bodies.map(isRerank), [true, false]);
  assert.deepEqual(reviewedSections(bodies[1]!), ['Comments']);
  assert.equal(JSON.parse(result.stdout).metrics.calls, 2);
});
