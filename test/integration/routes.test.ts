import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Activity } from '../../src/core/activity';
import { askQuestion } from '../../src/core/chat/ask';
import { parseConfig, type Config } from '../../src/core/config';
import { compareRoutes } from '../../src/core/eval/compare';
import { evaluateRoutes } from '../../src/core/eval/evaluate';
import { GENERAL_PROBE } from '../../src/core/eval/generalProbe';
import { readRegistry, updateRegistry } from '../../src/core/models/registry';
import { readFileTarget } from '../../src/core/review/reviewTarget';
import { OllamaClient } from '../../src/core/models/ollama/client';
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
    const comparison = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => compareRoutes(session, [target], ['rag', 'fine-tuned', 'hybrid'], activity));
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
    const result = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) =>
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
    const fineTuned = await withSession({ workspace, config, client: OllamaClient.fromConfig(config), route: 'fine-tuned' }, (session) => askQuestion(session, { question: 'How do we name variables?', history }));
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
    const result = await withSession({ workspace: cart, config: parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host }, review: { k: 1 } }), client: new OllamaClient({ host: server.host, timeoutMs: 5000 }) }, (session) => askQuestion(session, { question: 'Is this fine?', code }));
    assert.deepEqual(result.citations.map((c) => c.heading), ['Guide > Default arguments']);
  });

  test('eval scores routes on the test split with exact figures, probes general skill, and saves the results with the version', async () => {
    const dataset = path.join(root, 'dataset');
    await mkdir(dataset, { recursive: true });
    const example = (marker: string, reference: string) => ({ messages: [{ role: 'system', content: 'You review code.' }, { role: 'user', content: `${marker}\n\`\`\`diff\n+const retry_count = 3;\n\`\`\`` }, { role: 'assistant', content: reference }] });
    const E1 = 'Use camelCase for variables: rename retry_count to retryCount.';
    const E2 = 'Never swallow errors in an empty catch block.';
    const E3 = JSON.stringify({ findings: [{ rule: 'naming', severity: 'warning', startLine: 3, endLine: 4, message: 'Use camelCase.' }] });
    await writeFile(path.join(dataset, 'test.jsonl'), [example('CASE-ONE', E1), example('CASE-TWO', E2), example('CASE-THREE', E3), example('CASE-FOUR', 'yes')].map((r) => JSON.stringify(r)).join('\n') + '\n');
    await writeFile(
      path.join(dataset, 'metadata.jsonl'),
      ['review-comment', 'review-comment', 'review-findings', 'quality-estimation'].map((task, i) => JSON.stringify({ file: 'test.jsonl', line: i + 1, task, path: 'src/retry.ts' })).join('\n') + '\n',
    );
    const answers: Record<string, Record<string, string>> = {
      // CASE-ONE differs from E1 only in case and spacing: exact match compares normalised tokens, not bytes.
      [BASE]: { 'CASE-ONE': ' use camelCase for variables:  Rename retry_count to retryCount .\n', 'CASE-TWO': '', 'CASE-THREE': JSON.stringify({ findings: [{ rule: 'naming', severity: 'warning', startLine: 4, endLine: 5, message: 'Use camelCase.', citations: ['R1'] }] }) },
      [ADAPTED]: { 'CASE-ONE': 'Rename retry_count to retryCount.', 'CASE-TWO': E2, 'CASE-THREE': '{"findings": []}' },
    };
    const probeAnswers: Record<string, string> = { 'js-map': '[2, 4, 6]', 'py-slice': 'elyts', 'big-o': 'O(log n)', 'sql-count': 'COUNT', 'http-404': '404', 'git-undo': 'git revert', 'ts-type': 'readonly [1, "a"]', 'regex-digit': '\\d' };
    server.onChat((body) => {
      const question = GENERAL_PROBE.find((q) => q.question === user(body));
      if (question) return { content: body.model === ADAPTED && ['ts-type', 'regex-digit'].includes(question.id) ? 'not sure' : probeAnswers[question.id]! };
      const marker = /CASE-[A-Z]+/.exec(user(body))![0];
      const cost = body.model === BASE ? { promptTokens: 500, completionTokens: 20, durationsMs: { total: 1000, load: 0, promptEval: 600, eval: 400 } } : { promptTokens: 200, completionTokens: 20, durationsMs: { total: 400, load: 0, promptEval: 100, eval: 300 } };
      return { content: answers[body.model]![marker]!, ...cost };
    });
    const activity = new Activity();
    const seen: string[] = [];
    activity.onChange((state) => seen.push(state.tasks.map((t) => `${t.kind} ${t.percent ?? '-'}`).join(',')));
    const report = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => evaluateRoutes(session, { dataset, routes: ['rag', 'fine-tuned'], activity }));
    assert.deepEqual(seen, ['evaluating -', 'evaluating 33', 'evaluating 66', '']);
    assert.deepEqual(report.byTask, { 'review-comment': 2, 'review-findings': 1 });
    const [rag, fineTuned] = report.routes;
    assert.deepEqual(
      { bleu4: rag!.bleu4, exactMatch: rag!.exactMatch, valid: rag!.valid, validRate: rag!.validRate, lines: rag!.lineAgreement, latency: rag!.latency.totalMs, tokens: rag!.tokens },
      // BLEU: mean(1, exp(-9) for the empty answer to a 9-token reference, 1) × 100; lines {4,5} against {3,4}.
      { bleu4: 66.67, exactMatch: 2 / 3, valid: 2, validRate: 2 / 3, lines: { precision: 0.5, recall: 0.5, examples: 1 }, latency: 3000, tokens: { prompt: 1500, completion: 60 } },
    );
    assert.deepEqual(
      { bleu4: fineTuned!.bleu4, exactMatch: fineTuned!.exactMatch, validRate: fineTuned!.validRate, lines: fineTuned!.lineAgreement, latency: fineTuned!.latency.totalMs, tokens: fineTuned!.tokens },
      // BLEU: mean(exp(1 - 13/8) for a 7-token answer whose n-grams all occur in a 12-token reference, 1, exp(-3)) × 100.
      { bleu4: 52.83, exactMatch: 1 / 3, validRate: 1, lines: { precision: 0, recall: 0, examples: 1 }, latency: 1200, tokens: { prompt: 600, completion: 60 } },
    );
    assert.deepEqual(report.probe, [
      { model: BASE, role: 'base', correct: 8, total: 8 },
      { model: ADAPTED, role: 'adapted', correct: 6, total: 8 },
    ]);
    // The rag route's prompt carried the rules; the fine-tuned route's was the example as trained.
    const chats = server.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as ModelRequestBody);
    assert.ok(chats.filter((b) => b.model === BASE && /CASE-/.test(user(b))).every(hasRules));
    assert.ok(chats.filter((b) => b.model === ADAPTED && /CASE-/.test(user(b))).every((b) => !hasRules(b)));
    assert.ok((await stat(report.file)).isFile());
    const saved = (await readRegistry(workspace)).models[0]!.evaluations.at(-1) as { routes: { route: string; bleu4: number }[] };
    assert.deepEqual(saved.routes.map((r) => [r.route, r.bleu4]), [['rag', 66.67], ['fine-tuned', 52.83]]);

    const cli = await runCli(['eval', '--workspace', workspace, '--dataset', dataset, '--routes', 'rag,fine-tuned', '--limit', '1']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /Evaluated 1 test example \(1 review-comment\)/);
    assert.match(cli.stdout, /rag\s+qwen2\.5-coder:7b\s+100\.00\s+100%\s+100%\s+n\/a\s+1000 ms/);
    const json = JSON.parse(await readFile(/Written to (.+)\n/.exec(cli.stdout)![1]!, 'utf8'));
    assert.equal(json.examples, 1);
  });

  test('eval scores each route on its own variant of review-findings samples, never adding rules twice', async () => {
    const dataset = path.join(root, 'dataset-variants');
    await mkdir(dataset, { recursive: true });
    const reference = JSON.stringify({ findings: [{ rule: 'naming', severity: 'warning', startLine: 1, endLine: 1, message: 'Use camelCase.' }] });
    const sample = (user: string) => JSON.stringify({ messages: [{ role: 'system', content: 'You are House Style.' }, { role: 'user', content: user }, { role: 'assistant', content: reference }] });
    const nonce = 'abcdef0123456789';
    await writeFile(path.join(dataset, 'test.jsonl'), `${sample('CASE-NR code')}\n${sample(`<rules-${nonce}>\n<rule-${nonce} id="R1">camelCase</rule-${nonce}>\n</rules-${nonce}>\nCASE-WR code`)}\n`);
    await writeFile(path.join(dataset, 'metadata.jsonl'), [1, 2].map((line) => JSON.stringify({ file: 'test.jsonl', line, task: 'review-findings', path: 'src/retry.ts' })).join('\n') + '\n');
    const asked: string[] = [];
    server.onChat((body) => {
      const question = GENERAL_PROBE.find((q) => q.question === user(body));
      if (question) return { content: 'no idea' };
      asked.push(`${body.model === BASE ? 'rag' : 'fine-tuned'} ${/CASE-[A-Z]+/.exec(user(body))![0]} ${(user(body).match(/<rules-[0-9a-f]{16}>/g) ?? []).length}`);
      return { content: reference };
    });
    const report = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => evaluateRoutes(session, { dataset, routes: ['rag', 'fine-tuned'] }));
    assert.deepEqual(asked, ['rag CASE-WR 1', 'fine-tuned CASE-NR 0']);
    assert.deepEqual(report.routes.map((r) => [r.route, r.examples, r.exactMatch]), [['rag', 1, 1], ['fine-tuned', 1, 1]]);
  });

  test('compare and eval refuse unknown routes in one line', async () => {
    const result = await runCli(['compare', '--workspace', workspace, '--routes', 'rag,fast', 'src/retry.ts']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^housestyle: Unknown route: fast\. Routes are rag, fine-tuned, hybrid, comma-separated\.\n$/);
  });
});
