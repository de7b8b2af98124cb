import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Activity } from '../../src/core/activity';
import { askQuestion } from '../../src/core/chat/ask';
import { parseConfig, type Config } from '../../src/core/config';
import { compareRoutes } from '../../src/core/eval/compare';
import { evaluateRoutes, readEvaluationSplit } from '../../src/core/eval/evaluate';
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

const probeAnswer = (body: ModelRequestBody) => (GENERAL_PROBE.some((q) => q.question === user(body)) ? 'not sure' : undefined);

interface Example {
  marker: string;
  task: 'review-comment' | 'review-findings';
  reference: string;
}

/** A dataset folder whose test split holds the examples, with the metadata `dataset build` writes beside it. */
async function dataset(name: string, examples: readonly Example[]): Promise<string> {
  const folder = path.join(root, name);
  await mkdir(folder, { recursive: true });
  const record = (e: Example) => ({ messages: [{ role: 'system', content: 'You review code.' }, { role: 'user', content: `${e.marker}\n\`\`\`diff\n+const retry_count = 3;\n\`\`\`` }, { role: 'assistant', content: e.reference }] });
  await writeFile(path.join(folder, 'test.jsonl'), examples.map((e) => JSON.stringify(record(e))).join('\n') + '\n');
  await writeFile(path.join(folder, 'metadata.jsonl'), examples.map((e, i) => JSON.stringify({ file: 'test.jsonl', line: i + 1, task: e.task, path: 'src/retry.ts', prompt: promptRecordOf(e, i) })).join('\n') + '\n');
  return folder;
}

/** What `dataset build` records of each prompt: a review comment's diff, or a window of the reviewed file; the marker is in the code. */
function promptRecordOf(e: Example, i: number): object {
  const common = { nonce: `abcdef01234567${String(i).padStart(2, '0')}`, path: 'src/retry.ts', language: 'TypeScript' };
  if (e.task === 'review-comment') return { ...common, task: e.task, diff: `@@ -0,0 +1 @@\n+const retry_count = 3; // ${e.marker}` };
  return { ...common, task: e.task, variant: 'without-rules', window: [{ startLine: 1, endLine: 1, lines: [`const retry_count = 3; // ${e.marker}`] }] };
}

const findings = (message: string, startLine: number) => JSON.stringify({ findings: [{ rule: 'naming', severity: 'warning', startLine, endLine: startLine, message }] });

// The five: two answered exactly, one invalid answer to a `{"findings": []}` example, and two one-word
// answers whose word the reference holds (9 and 11 tokens with stopwords; 5 and 4 without).
const FIVE: Example[] = [
  { marker: 'CASE-A', task: 'review-comment', reference: 'Use camelCase for variables: rename retry_count to retryCount.' },
  { marker: 'CASE-B', task: 'review-findings', reference: findings('Use camelCase.', 1) },
  { marker: 'CASE-C', task: 'review-findings', reference: '{"findings": []}' },
  { marker: 'CASE-D', task: 'review-comment', reference: 'please rename this flag to something callers can read' },
  { marker: 'CASE-E', task: 'review-comment', reference: 'this loop can run forever when the queue is never drained' },
];
const RAG_ANSWERS: Record<string, string> = { 'CASE-A': FIVE[0]!.reference, 'CASE-B': findings('Use camelCase.', 1), 'CASE-C': "I think it's fine.", 'CASE-D': 'rename', 'CASE-E': 'loop' };

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
    // Advice quotes the latency that comparison measured, naming it, where no newer evaluation did.
    const advice = await runCli(['advise', '--workspace', workspace]);
    assert.equal(advice.code, 0, advice.stderr);
    assert.match(advice.stdout, /^- Latency: rag takes 2,000 ms a call \(Compare Routes on src\/retry\.ts, \d{4}-\d\d-\d\d \d\d:\d\d UTC\) against a target of [\d,]+ ms/m);
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
    const guide = '# Guide\n\n## Imports\n\nPut each import on its own line.\n\n## Default arguments\n\nNever use a mutable value as the default of an argument: `def add(item, items=[])`.\n\n## Naming\n\nFunctions are named in lower case.\n';
    for (const [file, text] of Object.entries({ 'docs/guide.md': guide, '.housestyle/config.json': JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host }, review: { k: 1 } }) })) {
      await mkdir(path.dirname(path.join(cart, file)), { recursive: true });
      await writeFile(path.join(cart, file), text);
    }
    server.onChat(() => ({ content: 'Not quite [R1].', ...figures({ model: BASE } as ModelRequestBody) }));
    // The code's own words point elsewhere ("imports", "names"); its mutable default does not, and the rule's
    // example shows that syntax (`=[]`): retrieval matches code by its tokens, with no vocabulary naming constructs.
    const code = { path: 'src/cart.py', text: 'def imports(names=[]):\n    names.append("os")\n    return names\n' };
    const result = await withSession({ workspace: cart, config: parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host }, review: { k: 1 } }), client: new OllamaClient({ host: server.host, timeoutMs: 5000 }) }, (session) => askQuestion(session, { question: 'Is this fine?', code }));
    assert.deepEqual(result.citations.map((c) => c.heading), ['Guide > Default arguments']);
  });

  test('five scripted examples: an invalid answer scores 0, exact 40%, BLEU 40.50 with stopwords and 47.17 as returned, with intervals, per task and paired', async () => {
    const folder = await dataset('five', FIVE);
    server.onChat((body) => {
      const probe = probeAnswer(body);
      if (probe) return { content: probe };
      const marker = /CASE-[A-Z]/.exec(user(body))![0];
      // The fine-tuned route answers every example as the human did.
      return { content: body.model === BASE ? RAG_ANSWERS[marker]! : FIVE.find((e) => e.marker === marker)!.reference };
    });
    const split = await readEvaluationSplit(folder);
    const activity = new Activity();
    const seen: string[] = [];
    activity.onChange((state) => seen.push(state.tasks.map((t) => `${t.kind} ${t.percent ?? '-'}`).join(',')));
    const report = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'], activity }));
    assert.deepEqual(seen, ['evaluating -', 'evaluating 33', 'evaluating 66', '']);
    const [rag, fineTuned] = report.routes;
    // With stopwords: (1 + 1 + 0 + exp(1 - 10/2) + exp(1 - 12/2)) / 5 = (2 + 0.018316 + 0.006738) / 5 → 40.50.
    // Returned: (1 + 1 + 0 + exp(1 - 6/2) + exp(1 - 5/2)) / 5 = (2 + 0.135335 + 0.223130) / 5 → 47.17.
    assert.deepEqual(
      { exact: rag!.exactMatch.value, withStop: rag!.bleu4WithStop.value, returned: rag!.bleu4.value, valid: rag!.valid, examples: rag!.examples },
      { exact: 0.4, withStop: 40.5, returned: 47.17, valid: 4, examples: 5 },
    );
    for (const figure of [rag!.exactMatch, rag!.bleu4WithStop, rag!.bleu4, rag!.validRate]) assert.ok(figure.low <= figure.value && figure.value <= figure.high && figure.low < figure.high, JSON.stringify(figure));
    // Per task: the three review comments (with stopwords (1 + 0.018316 + 0.006738) / 3) and the two findings examples.
    assert.deepEqual(
      Object.fromEntries(Object.entries(rag!.byTask).map(([task, q]) => [task, [q.examples, q.exactMatch.value, q.bleu4WithStop.value, q.validRate.value]])),
      { 'review-comment': [3, 1 / 3, 34.17, 1], 'review-findings': [2, 0.5, 50, 0.5] },
    );
    assert.deepEqual([fineTuned!.exactMatch.value, fineTuned!.bleu4WithStop.value, fineTuned!.bleu4.value], [1, 100, 100]);
    // Paired on the same five examples: fine-tuned minus rag, measurably better (the interval excludes 0).
    const [difference] = report.differences;
    assert.deepEqual([difference!.route, difference!.baseline, difference!.paired, difference!.bleu4WithStop.value, difference!.exactMatch.value], ['fine-tuned', 'rag', 5, 59.5, 0.6]);
    assert.ok(difference!.bleu4WithStop.low > 0 && difference!.bleu4WithStop.high <= 100, JSON.stringify(difference));
    assert.deepEqual(report.bootstrap, { resamples: 1000, seed: 22 });
    assert.match(report.warnings[0]!, /^Only 5 test examples: the intervals are wide/);
    // Reproducible: the same answers give the same intervals.
    const again = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'] }));
    assert.deepEqual(again.routes.map((r) => [r.bleu4, r.exactMatch]), report.routes.map((r) => [r.bleu4, r.exactMatch]));
    assert.deepEqual(again.differences, report.differences);
    const saved = (await readRegistry(workspace)).models[0]!.evaluations.at(-1) as { routes: { route: string; bleu4: { value: number } }[] };
    assert.deepEqual(saved.routes.map((r) => [r.route, r.bleu4.value]), [['rag', 47.17], ['fine-tuned', 100]]);

    const cli = await runCli(['eval', '--workspace', workspace, '--dataset', folder, '--routes', 'rag,fine-tuned']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^rag\s+qwen2\.5-coder:7b\s+47\.17 \[[\d.]+, [\d.]+\]\s+40\.50 \[[\d.]+, [\d.]+\]\s+40% \[\d+%, \d+%\]\s+80% /m);
    assert.match(cli.stdout, /^fine-tuned\s+rag\s+5\s+\+52\.83 \[/m);
    assert.match(cli.stdout, /\nWarning: Only 5 test examples/);
    assert.ok((await stat(/Written to (.+)\n/.exec(cli.stdout)![1]!)).isFile());
  });

  test('a test split under 5 examples is refused in one line saying how to get more, and leaves no report', async () => {
    const few = await dataset('few', FIVE.slice(0, 3));
    const empty = await dataset('empty', []);
    const reports = async () => (await readdir(path.join(workspace, '.housestyle', 'eval')).catch(() => [])).length;
    const before = await reports();
    for (const args of [['--dataset', few], ['--dataset', empty], ['--dataset', await dataset('five-limited', FIVE), '--limit', '4']]) {
      const result = await runCli(['eval', '--workspace', workspace, '--routes', 'rag', ...args]);
      assert.equal(result.code, 2, result.stdout);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /has \d test examples? of the evaluated tasks \(review-comment, review-findings\); at least 5 are needed to measure anything.*Add review comments \(housestyle dataset fetch, or dataset build --comments FILE\) and rebuild/);
    }
    assert.equal(await reports(), before);
  });

  test('a dataset whose metadata has no prompt record (built by an older House Style) is refused in one line saying to rebuild it', async () => {
    const folder = await dataset('five-old', FIVE);
    const metadata = path.join(folder, 'metadata.jsonl');
    const rows = (await readFile(metadata, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    await writeFile(metadata, rows.map(({ prompt: _, ...row }) => JSON.stringify(row)).join('\n') + '\n');
    const result = await runCli(['eval', '--workspace', workspace, '--dataset', folder, '--routes', 'rag']);
    assert.equal(result.code, 2, result.stdout);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /test\.jsonl:1 has no prompt record in metadata\.jsonl \(the dataset was built by an older House Style\)\..*Rebuild the dataset with housestyle dataset build\./);
  });

  test('each route is scored on its own prompt variant of a review window, and the variants pair up for the difference', async () => {
    const folder = path.join(root, 'variants');
    await mkdir(folder, { recursive: true });
    const reference = findings('Use camelCase.', 1);
    const lines: string[] = [];
    for (let w = 0; w < 5; w++) {
      const nonce = `abcdef012345678${w}`;
      const code = `<code-${nonce} path="src/retry.ts" language="typescript" lines="1-1">\n1| const retry_count = ${w};\n</code-${nonce}>`;
      const rules = `<rules-${nonce}>\n<rule-${nonce} id="R1">camelCase</rule-${nonce}>\n</rules-${nonce}>`;
      for (const prompt of [`WINDOW-${w} NR\n${code}`, `${rules}\nWINDOW-${w} WR\n${code}`]) {
        lines.push(JSON.stringify({ messages: [{ role: 'system', content: 'You are House Style.' }, { role: 'user', content: prompt }, { role: 'assistant', content: reference }] }));
      }
    }
    await writeFile(path.join(folder, 'test.jsonl'), lines.join('\n') + '\n');
    // Each window in both variants, as `dataset build` records them (one nonce per window; the rules only with rules).
    const records = [0, 1, 2, 3, 4].flatMap((w) =>
      (['NR', 'WR'] as const).map((v) => ({
        task: 'review-findings',
        nonce: `abcdef012345678${w}`,
        variant: v === 'NR' ? 'without-rules' : 'with-rules',
        path: 'src/retry.ts',
        language: 'TypeScript',
        window: [{ startLine: 1, endLine: 1, lines: [`const retry_count = ${w}; // WINDOW-${w} ${v}`] }],
        ...(v === 'WR' && { rules: [{ source: 'docs/STYLE_GUIDE.md', startLine: 3, endLine: 5, heading: 'Style guide > Naming', text: 'camelCase' }] }),
      })),
    );
    await writeFile(path.join(folder, 'metadata.jsonl'), records.map((prompt, i) => JSON.stringify({ file: 'test.jsonl', line: i + 1, task: 'review-findings', path: 'src/retry.ts', prompt })).join('\n') + '\n');
    const asked: string[] = [];
    server.onChat((body) => {
      const probe = probeAnswer(body);
      if (probe) return { content: probe };
      asked.push(`${body.model === BASE ? 'rag' : 'fine-tuned'} ${/WINDOW-\d (NR|WR)/.exec(user(body))![0]} ${(user(body).match(/<rules-[0-9a-f]{16}>/g) ?? []).length}`);
      // The adapter misses window 0.
      return { content: body.model === ADAPTED && user(body).includes('WINDOW-0') ? '{"findings": []}' : reference };
    });
    const split = await readEvaluationSplit(folder);
    const report = await withSession({ workspace, config, client: OllamaClient.fromConfig(config) }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'] }));
    assert.deepEqual(asked, [0, 1, 2, 3, 4].map((w) => `rag WINDOW-${w} WR 1`).concat([0, 1, 2, 3, 4].map((w) => `fine-tuned WINDOW-${w} NR 0`)));
    assert.deepEqual(report.routes.map((r) => [r.route, r.examples, r.exactMatch.value]), [['rag', 5, 1], ['fine-tuned', 5, 0.8]]);
    assert.deepEqual([report.differences[0]!.paired, report.differences[0]!.exactMatch.value], [5, -0.2]);
    // One miss in five: the interval holds 0, so this is no measured difference.
    assert.ok(report.differences[0]!.exactMatch.low < 0 && report.differences[0]!.exactMatch.high === 0, JSON.stringify(report.differences[0]));
    const json = JSON.parse(await readFile(report.file, 'utf8'));
    assert.equal(json.differences[0].paired, 5);
  });
  test('compare and eval refuse unknown routes in one line', async () => {
    const result = await runCli(['compare', '--workspace', workspace, '--routes', 'rag,fast', 'src/retry.ts']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^housestyle: Unknown route: fast\. Routes are rag, fine-tuned, hybrid, comma-separated\.\n$/);
  });
});
