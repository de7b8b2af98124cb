import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Activity } from '../../src/core/activity';
import { parseConfig, type Config } from '../../src/core/config';
import { evaluateRoutes, readEvaluationSplit } from '../../src/core/eval/evaluate';
import { GENERAL_PROBE } from '../../src/core/eval/generalProbe';
import { readRegistry, updateRegistry } from '../../src/core/models/registry';
import { withSession } from '../../src/core/session';
import { runCli } from '../support/cli';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer } from '../support/ollamaTestServer';

const BASE = 'qwen2.5-coder:7b';
const ADAPTED = 'housestyle-shop:20261202-1';

let root: string;
let server: OllamaTestServer;
let workspace: string;
let config: Config;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'housestyle-eval-'));
  server = await startOllamaTestServer({ models: [BASE, ADAPTED] });
  workspace = path.join(root, 'shop');
  const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 } };
  for (const [file, text] of Object.entries({
    'docs/STYLE_GUIDE.md': '# Style guide\n\n## Naming\n\nUse camelCase for variables and functions: `retryCount`, not `retry_count`.\n',
    '.housestyle/config.json': JSON.stringify(raw),
  })) {
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

const user = (body: ModelRequestBody) => body.messages!.findLast((m) => m.role === 'user')!.content;
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
  await writeFile(path.join(folder, 'metadata.jsonl'), examples.map((e, i) => JSON.stringify({ file: 'test.jsonl', line: i + 1, task: e.task, path: 'src/retry.ts' })).join('\n') + '\n');
  return folder;
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

describe('eval', () => {
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
    const report = await withSession({ workspace, config }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'], activity }));
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
    const again = await withSession({ workspace, config }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'] }));
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
    await writeFile(path.join(folder, 'metadata.jsonl'), lines.map((_, i) => JSON.stringify({ file: 'test.jsonl', line: i + 1, task: 'review-findings', path: 'src/retry.ts' })).join('\n') + '\n');
    const asked: string[] = [];
    server.onChat((body) => {
      const probe = probeAnswer(body);
      if (probe) return { content: probe };
      asked.push(`${body.model === BASE ? 'rag' : 'fine-tuned'} ${/WINDOW-\d (NR|WR)/.exec(user(body))![0]} ${(user(body).match(/<rules-[0-9a-f]{16}>/g) ?? []).length}`);
      // The adapter misses window 0.
      return { content: body.model === ADAPTED && user(body).includes('WINDOW-0') ? '{"findings": []}' : reference };
    });
    const split = await readEvaluationSplit(folder);
    const report = await withSession({ workspace, config }, (session) => evaluateRoutes(session, { split, routes: ['rag', 'fine-tuned'] }));
    assert.deepEqual(asked, [0, 1, 2, 3, 4].map((w) => `rag WINDOW-${w} WR 1`).concat([0, 1, 2, 3, 4].map((w) => `fine-tuned WINDOW-${w} NR 0`)));
    assert.deepEqual(report.routes.map((r) => [r.route, r.examples, r.exactMatch.value]), [['rag', 5, 1], ['fine-tuned', 5, 0.8]]);
    assert.deepEqual([report.differences[0]!.paired, report.differences[0]!.exactMatch.value], [5, -0.2]);
    // One miss in five: the interval holds 0, so this is no measured difference.
    assert.ok(report.differences[0]!.exactMatch.low < 0 && report.differences[0]!.exactMatch.high === 0, JSON.stringify(report.differences[0]));
    const json = JSON.parse(await readFile(report.file, 'utf8'));
    assert.equal(json.differences[0].paired, 5);
  });
});
