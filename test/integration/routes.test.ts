import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Activity } from '../../src/core/activity';
import { askQuestion } from '../../src/core/chat/ask';
import { parseConfig, type Config } from '../../src/core/config';
import { compareRoutes } from '../../src/core/eval/compare';
import { updateRegistry } from '../../src/core/models/registry';
import { readFileTarget } from '../../src/core/review/reviewTarget';
import { withSession } from '../../src/core/session';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer, type ScriptedAnswer } from '../support/ollamaTestServer';

const BASE = 'qwen2.5-coder:7b';
const ADAPTED = 'housestyle-shop:20261202-1';
const STYLE_GUIDE = `# Style guide

## Naming

Use camelCase for variables and functions: \`retryCount\`, not \`retry_count\`.
`;
const SOURCE = 'export const retry_count = 3;\n';

let root: string;
let server: OllamaTestServer;
let workspace: string;
let config: Config;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-routes-'));
  server = await startOllamaTestServer({ models: [BASE, ADAPTED] });
  workspace = path.join(root, 'shop');
  const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 } };
  for (const [file, text] of Object.entries({ 'docs/STYLE_GUIDE.md': STYLE_GUIDE, 'src/retry.ts': SOURCE, '.housestyle/config.json': JSON.stringify(raw) })) {
    await mkdir(path.dirname(path.join(workspace, file)), { recursive: true });
    await writeFile(path.join(workspace, file), text);
  }
  config = parseConfig(raw);
  await updateRegistry(workspace, (registry) => {
    registry.models.push({ name: ADAPTED, base: BASE, createdAt: '2026-12-02T00:00:00.000Z', adapter: { kind: 'peft', source: '/adapters/1', digests: {} }, evaluations: [] });
    registry.active = ADAPTED;
  });
});
after(async () => {
  server.onChat(undefined);
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const user = (body: ModelRequestBody) => body.messages!.find((m) => m.role === 'user')!.content;
const hasRules = (body: ModelRequestBody) => /<rules-[0-9a-f]{16}>/.test(user(body));

/** Scripted costs per route: the base with rules, the adapter without, the adapter with. */
function figures(body: ModelRequestBody): Pick<Extract<ScriptedAnswer, { content: string }>, 'promptTokens' | 'completionTokens' | 'durationsMs'> {
  if (body.model === BASE) return { promptTokens: 400, completionTokens: 40, durationsMs: { total: 2000, load: 100, promptEval: 1500, eval: 400 } };
  if (!hasRules(body)) return { promptTokens: 300, completionTokens: 30, durationsMs: { total: 500, load: 100, promptEval: 200, eval: 200 } };
  return { promptTokens: 400, completionTokens: 40, durationsMs: { total: 2100, load: 100, promptEval: 1500, eval: 500 } };
}

const finding = (citations: string[]) => ({ rule: 'camelCase names', severity: 'warning', startLine: 1, endLine: 1, message: 'Rename retry_count to retryCount.', citations });

describe('routes', () => {
  test('compare reviews the same file under each route and states the differences in numbers', async () => {
    server.onChat((body) => ({ content: JSON.stringify({ findings: [hasRules(body) ? finding(['R1']) : { ...finding([]), citations: undefined }] }), ...figures(body) }));
    const target = await readFileTarget(workspace, 'src/retry.ts');
    const activity = new Activity();
    const seen: string[] = [];
    activity.onChange((state) => seen.push(state.tasks.map((t) => `${t.kind} ${t.percent ?? '-'}`).join(',')));
    const comparison = await withSession({ workspace, config }, (session) => compareRoutes(session, [target], ['rag', 'fine-tuned', 'hybrid'], activity));
    assert.deepEqual(seen, ['comparing -', 'comparing 33', 'comparing 66', 'comparing 100', '']);
    const [rag, fineTuned, hybrid] = comparison.routes;
    assert.deepEqual(
      comparison.routes.map((r) => ({ route: r.route, model: r.model, calls: r.calls, findings: r.findings.length, sources: r.citedPassages, tokens: r.tokens })),
      [
        { route: 'rag', model: BASE, calls: 1, findings: 1, sources: ['docs/STYLE_GUIDE.md:3-5'], tokens: { prompt: 400, completion: 40 } },
        { route: 'fine-tuned', model: ADAPTED, calls: 1, findings: 1, sources: [], tokens: { prompt: 300, completion: 30 } },
        { route: 'hybrid', model: ADAPTED, calls: 1, findings: 1, sources: ['docs/STYLE_GUIDE.md:3-5'], tokens: { prompt: 400, completion: 40 } },
      ],
    );
    assert.deepEqual({ ...rag!.latency, wallMs: 0, overheadMs: 0 }, { totalMs: 2000, loadMs: 100, promptEvalMs: 1500, generationMs: 400, wallMs: 0, overheadMs: 0 });
    assert.equal(fineTuned!.latency.generationMs, 200);
    assert.equal(fineTuned!.findings[0]!.citations.length, 0);
    assert.equal(hybrid!.latency.totalMs, 2100);
    assert.deepEqual(comparison.summary, [
      'fine-tuned (vs rag): 1.5 s faster, 25% fewer prompt tokens, 1 finding against 1, no sources.',
      'hybrid (vs rag): 0.1 s slower, the same prompt tokens, 1 finding against 1, 1 cited passage against 1.',
    ]);
    const cli = await runCli(['compare', '--workspace', workspace, '--routes', 'rag,fine-tuned', 'src/retry.ts']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^route\s+model\s+findings\s+sources\s+total\s+load\s+prompt eval\s+generation\s+prompt tok\s+completion tok\s+overhead$/m);
    assert.match(cli.stdout, /^rag\s+qwen2\.5-coder:7b\s+1\s+1\s+2000 ms\s+100 ms\s+1500 ms\s+400 ms\s+400\s+40\s+\d+ ms$/m);
    assert.match(cli.stdout, /src\/retry\.ts:1: warning: Rename retry_count to retryCount\. \(no source\)/);
    assert.match(cli.stdout, /\nfine-tuned \(vs rag\): 1\.5 s faster, 25% fewer prompt tokens, 1 finding against 1, no sources\.\n$/);
    // The fine-tuned route's request carried no rules and asked for findings without citations.
    const fineTunedRequest = server.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as ModelRequestBody).find((b) => b.model === ADAPTED && !hasRules(b))!;
    assert.doesNotMatch(fineTunedRequest.messages![0]!.content, /rules-/);
  });

  test('review --route fine-tuned prints findings that say they have no source; a missing fine-tuned model is one clear line', async () => {
    server.onChat((body) => ({ content: JSON.stringify({ findings: [{ ...finding([]), citations: undefined }] }), ...figures(body) }));
    const reviewed = await runCli(['review', '--workspace', workspace, '--route', 'fine-tuned', 'src/retry.ts']);
    assert.equal(reviewed.code, 1, reviewed.stderr);
    assert.equal(reviewed.stdout.trim(), 'src/retry.ts:1:1: warning: Rename retry_count to retryCount. [camelCase names] (no source: fine-tuned model, reviewed without rules)');
    assert.match(reviewed.stderr, new RegExp(`reviewed by ${ADAPTED}`));
    const sarif = JSON.parse((await runCli(['review', '--workspace', workspace, '--route', 'fine-tuned', '--format', 'sarif', 'src/retry.ts'])).stdout);
    assert.equal(sarif.runs[0].results[0].message.text, 'Rename retry_count to retryCount. (no source: fine-tuned model, reviewed without rules)');
    assert.deepEqual(sarif.runs[0].results[0].relatedLocations ?? [], []);
    assert.equal(sarif.runs[0].properties.route, 'fine-tuned');

    const bare = path.join(root, 'bare');
    await mkdir(path.join(bare, '.housestyle'), { recursive: true });
    await writeFile(path.join(bare, '.housestyle', 'config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host } }));
    await writeFile(path.join(bare, 'a.ts'), SOURCE);
    const missing = await runCli(['review', '--workspace', bare, '--route', 'hybrid', 'a.ts']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^housestyle: The hybrid route needs a fine-tuned model, and none is configured or registered\. Train one/);

    server.models.delete(ADAPTED);
    try {
      const removed = await runCli(['review', '--workspace', workspace, '--route', 'fine-tuned', 'src/retry.ts']);
      assert.equal(removed.code, 2);
      assert.match(removed.stderr, new RegExp(`^housestyle: The fine-tuned model ${ADAPTED} \\(fine-tuned route\\) is not on Ollama at .*\\. Import it again`));
    } finally {
      server.models.add(ADAPTED);
    }
  });

  test('ask streams an answer from retrieved passages and resolves its citations, dropping unknown ones', async () => {
    server.onChat((body) => ({ content: hasRules(body) ? 'Use camelCase, like retryCount [R1]. See also [R7].' : 'Use camelCase [R1].', ...figures(body) }));
    const tokens: string[] = [];
    const result = await withSession({ workspace, config }, (session) =>
      askQuestion(session, { question: 'How do we name variables?', code: { path: 'src/retry.ts', text: SOURCE }, onToken: (t) => tokens.push(t) }),
    );
    assert.equal(tokens.join(''), result.answer);
    assert.equal(result.answer, 'Use camelCase, like retryCount [R1]. See also [R7].');
    assert.deepEqual(result.citations, [{ label: 'R1', source: 'docs/STYLE_GUIDE.md', startLine: 3, endLine: 5, heading: 'Style guide > Naming' }]);
    assert.deepEqual(result.unknownCitations, ['R7']);
    const prompt = user(server.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as ModelRequestBody);
    assert.match(prompt, /<rule-[0-9a-f]{16} id="R1" source="docs\/STYLE_GUIDE.md" lines="3-5"/);
    assert.match(prompt, /<code-[0-9a-f]{16} path="src\/retry.ts" language="TypeScript" lines="1-1">\n1\| export const retry_count = 3;/);
    assert.equal(result.metrics.promptTokens, 400);

    const history = [
      { role: 'user' as const, content: 'Question: Do we use tabs?' },
      { role: 'assistant' as const, content: 'No, two spaces.' },
    ];
    const fineTuned = await withSession({ workspace, config, route: 'fine-tuned' }, (session) => askQuestion(session, { question: 'How do we name variables?', history }));
    const followUp = server.requests.filter((r) => r.path === '/api/chat').at(-1)!.body as ModelRequestBody;
    assert.deepEqual(followUp.messages!.slice(1).map((m) => m.content), ['Question: Do we use tabs?', 'No, two spaces.', 'Question: How do we name variables?']);
    assert.deepEqual({ citations: fineTuned.citations, unknown: fineTuned.unknownCitations, passages: fineTuned.passages, model: fineTuned.model }, { citations: [], unknown: ['R1'], passages: 0, model: ADAPTED });

    const cli = await runCli(['ask', '--workspace', workspace, '--file', 'src/retry.ts', 'How', 'do', 'we', 'name', 'variables?']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^Use camelCase, like retryCount \[R1\]\. See also \[R7\]\.\n\nSources:\n  \[R1\] docs\/STYLE_GUIDE\.md:3-5  Style guide > Naming\n$/);
    assert.match(cli.stderr, /dropped citations of passages that were not given: R7/);
    const json = await runCli(['ask', '--workspace', workspace, '--json', 'How do we name variables?']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout);
    assert.deepEqual({ answer: parsed.answer, sources: parsed.citations.map((c: { source: string }) => c.source), route: parsed.route, promptTokens: parsed.metrics.promptTokens }, { answer: result.answer, sources: ['docs/STYLE_GUIDE.md'], route: 'rag', promptTokens: 400 });
  });

  test('ask about the code in view finds the rule the code breaks, though the question names none', async () => {
    const cart = path.join(root, 'cart');
    const guide = '# Guide\n\n## Imports\n\nPut each import on its own line.\n\n## Default arguments\n\nNever use a mutable value as the default of an argument.\n\n## Naming\n\nFunctions are named in lower case.\n';
    for (const [file, text] of Object.entries({ 'docs/guide.md': guide, '.housestyle/config.json': JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host }, review: { k: 1 } }) })) {
      await mkdir(path.dirname(path.join(cart, file)), { recursive: true });
      await writeFile(path.join(cart, file), text);
    }
    server.onChat(() => ({ content: 'Not quite [R1].', ...figures({ model: BASE } as ModelRequestBody) }));
    // The code's own words point elsewhere ("imports", "names"); its mutable default does not.
    const code = { path: 'src/cart.py', text: 'def imports(names=[]):\n    names.append("os")\n    return names\n' };
    const result = await withSession({ workspace: cart, config: parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host }, review: { k: 1 } }) }, (session) => askQuestion(session, { question: 'Is this fine?', code }));
    assert.deepEqual(result.citations.map((c) => c.heading), ['Guide > Default arguments']);
  });

  test('compare and eval refuse unknown routes in one line', async () => {
    const result = await runCli(['compare', '--workspace', workspace, '--routes', 'rag,fast', 'src/retry.ts']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^housestyle: Unknown route: fast\. Routes are rag, fine-tuned, hybrid, comma-separated\.\n$/);
  });
});
