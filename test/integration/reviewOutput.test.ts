import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Log } from 'sarif';
import type { CodeQualityIssue } from '../../src/core/review/codeQuality';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { reviewFile } from '../../src/core/review/reviewer';
import { runCli } from '../support/cli';
import { assertValidCodeQuality, assertValidSarif } from '../support/reportSchemas';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer } from '../support/ollamaTestServer';

const MODEL = 'qwen2.5-coder:7b';
const GUIDE = '# Style guide\n\n## Naming\n\nUse camelCase for variables and functions.\n';

function ruleLabel(body: ModelRequestBody): string {
  return /<rule-[0-9a-f]{16} id="(R\d+)"/.exec(body.messages!.find((m) => m.role === 'user')!.content)![1]!;
}

describe('review output and model answers', () => {
  let root: string;
  let workspace: string;
  let server: OllamaTestServer;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hs-output-'));
    server = await startOllamaTestServer({ models: [MODEL] });
    // A folder name with #, ? and %: SARIF must percent-encode it.
    workspace = path.join(root, 'team #1?50%');
    await mkdir(path.join(workspace, 'docs'), { recursive: true });
    await mkdir(path.join(workspace, 'src'), { recursive: true });
    await mkdir(path.join(workspace, '.housestyle'), { recursive: true });
    await writeFile(path.join(workspace, 'docs/STYLE_GUIDE.md'), GUIDE);
    await writeFile(path.join(workspace, 'src/app.ts'), 'export const retry_count = 3;\nexport const max_wait = 9;\n');
    await writeFile(path.join(workspace, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 } }));
  });
  after(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  /** Defect 6: model text with terminal controls, bidi overrides and a forged finding line. */
  const hostile = (body: ModelRequestBody) => ({
    content: JSON.stringify({
      findings: [
        {
          rule: 'camelCase\u001b]0;pwned\u0007',
          severity: 'warning',
          startLine: 1,
          endLine: 1,
          message: 'Rename it.\u001b[2J\r\u0000\nsrc/other.ts:9:1: error: forged finding \u202egnp.exe\u001b]8;;http://evil.example\u0007link\u001b]8;;\u0007',
          citations: [ruleLabel(body)],
        },
      ],
    }),
  });

  it('text output neutralises control and bidi characters and keeps one finding per line', async () => {
    server.onChat(hostile);
    const result = await runCli(['review', '--workspace', workspace, 'src/app.ts']);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, result.stdout);
    assert.match(lines[0]!, /^src\/app\.ts:1:1: warning: Rename it\.\\x1b\[2J\\r\\x00\\nsrc\/other\.ts:9:1: error: forged finding \\u202egnp\.exe\\x1b\]8;;http:\/\/evil\.example\\x07link/);
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(result.stdout + result.stderr), 'no raw control or bidi character reaches the terminal');
  });

  it('SARIF stays valid with the same text, and percent-encodes the workspace URI', async () => {
    server.onChat(hostile);
    const result = await runCli(['review', '--workspace', workspace, 'src/app.ts', '--format', 'sarif']);
    assert.equal(result.code, 1, result.stderr);
    const log = JSON.parse(result.stdout) as Log;
    await assertValidSarif(log);
    const base = log.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri!;
    assert.ok(base.endsWith('/team%20%231%3F50%25/'), base);
    assert.equal(decodeURIComponent(new URL('src/app.ts', base).pathname), path.join(workspace, 'src/app.ts'));
    assert.match(log.runs[0]!.results![0]!.message.text ?? '', /forged finding \u202e/, 'SARIF keeps the text as data; JSON escapes what it must');
  });

  it('a GitLab Code Quality report: valid, severities on GitLab\'s scale, one fingerprint per finding that survives a move', async () => {
    const finding = (line: number, severity: string) => ({ rule: 'camelCase', severity, startLine: line, endLine: line, message: 'Rename it to camelCase.' });
    const review = async (findings: object[]) => {
      server.onChat((body) => ({ content: JSON.stringify({ findings: findings.map((f) => ({ ...f, citations: [ruleLabel(body)] })) }) }));
      const result = await runCli(['review', '--workspace', workspace, 'src/app.ts', '--format', 'codequality']);
      assert.equal(result.code, 1, result.stderr);
      return JSON.parse(result.stdout) as CodeQualityIssue[];
    };
    const report = await review([finding(1, 'error'), finding(2, 'warning')]);
    await assertValidCodeQuality(report);
    assert.deepEqual(report.map((issue) => [issue.location.path, issue.location.lines.begin, issue.severity, issue.check_name]), [
      ['src/app.ts', 1, 'major', 'housestyle/camelcase'],
      ['src/app.ts', 2, 'minor', 'housestyle/camelcase'],
    ]);
    assert.match(report[0]!.description, /^Rename it to camelCase\. \(docs\/STYLE_GUIDE\.md:\d+-\d+\)$/);
    assert.notEqual(report[0]!.fingerprint, report[1]!.fingerprint, 'GitLab keeps one issue per fingerprint');
    // The same finding one line further down (code added above it) is the same issue to GitLab, not a new one.
    const moved = await review([finding(2, 'error')]);
    assert.equal(moved[0]!.fingerprint, report[0]!.fingerprint);
  });

  it('identical findings are merged; an invalid answer is echoed to the retry cut short', async () => {
    const config = parseConfig({ index: { embedder: 'hash' }, ollama: { host: server.host, timeoutMs: 5000 } });
    await indexKnowledgeBase({ workspace, config, embedder: 'hash' });
    const kb = await openKnowledgeBase({ workspace, config });
    const requests: ModelRequestBody[] = [];
    const finding = (label: string) => ({ rule: 'camelCase', severity: 'warning', startLine: 1, endLine: 1, message: 'Rename retry_count to retryCount.', citations: [label] });
    server.enqueueChat({ content: `{"findings": [${'x'.repeat(5 * 1024 * 1024)}`, chunks: ['{"findings": [', 'x'.repeat(5 * 1024 * 1024)] });
    server.onChat((body) => {
      requests.push(body);
      return { content: JSON.stringify({ findings: [finding(ruleLabel(body)), { ...finding(ruleLabel(body)), message: 'Rename  retry_count to retryCount.' }, finding(ruleLabel(body))] }) };
    });
    const result = await reviewFile({ workspace, config, knowledgeBase: kb, client: OllamaClient.fromConfig(config) }, 'src/app.ts');
    await kb.close();
    assert.equal(result.metrics.retries, 1);
    assert.equal(result.findings.length, 1);
    const echoed = requests[0]!.messages!.find((m) => m.role === 'assistant')!.content;
    assert.ok(echoed.length < 5000, `echoed ${echoed.length} characters`);
    assert.match(echoed, /more characters cut\]$/);
  });

  /** Defect 9: a host that trickles bytes cannot hold a call past its deadline; answers are capped. */
  it('a model call ends at its overall deadline although bytes keep arriving, and num_predict is capped', async () => {
    const requests: ModelRequestBody[] = [];
    server.onChat((body) => {
      requests.push(body);
      return { content: 'x'.repeat(200), chunks: Array.from({ length: 200 }, () => 'x'), chunkDelayMs: 50 };
    });
    const client = new OllamaClient({ host: server.host, timeoutMs: 2000, deadlineMs: 1000, maxAnswerTokens: 512 });
    await assert.rejects(client.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], onToken: () => {}, options: { num_predict: 100_000 } }), (error: unknown) => {
      assert.ok(error instanceof HouseStyleError && error.code === 'ollama-timeout', String(error));
      assert.match(error.message, /did not finish the chat with qwen2\.5-coder:7b within 1 s\.$/);
      assert.match(error.hint ?? '', /ollama\.deadlineMs/);
      return true;
    });
    assert.equal((requests[0]!.options as { num_predict: number }).num_predict, 512);
    assert.equal(parseConfig({}).ollama.deadlineMs, 600_000, 'on by default');
  });

  /** Defect 8: an include typo leaves the knowledge base empty: index warns, review exits 2. */
  it('an empty knowledge base: index names the globs that matched nothing, review exits 2 saying so', async () => {
    const typo = path.join(root, 'typo');
    await mkdir(path.join(typo, '.housestyle'), { recursive: true });
    await mkdir(path.join(typo, 'docs'), { recursive: true });
    await writeFile(path.join(typo, 'docs/STYLE_GUIDE.md'), GUIDE);
    await writeFile(path.join(typo, 'app.ts'), 'export const x = 1;\n');
    // The default include has globs for many kinds of guide; those that match nothing here are no typo, so no warning.
    await writeFile(path.join(typo, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host } }));
    const defaults = await runCli(['index', '--workspace', typo]);
    assert.equal(defaults.code, 0, defaults.stderr);
    assert.doesNotMatch(defaults.stderr, /matched no file/);
    await writeFile(path.join(typo, '.housestyle/config.json'), JSON.stringify({ index: { embedder: 'hash' }, ollama: { host: server.host }, knowledgeBases: { style: { include: ['doc/**/*.md'] } } }));
    const index = await runCli(['index', '--workspace', typo]);
    assert.equal(index.code, 0, index.stderr);
    assert.match(index.stderr, /^warning: The include glob "doc\/\*\*\/\*\.md" of knowledge base "style" matched no file\.$/m);
    const before = server.requests.length;
    const review = await runCli(['review', '--workspace', typo, 'app.ts']);
    assert.equal(review.code, 2);
    assert.match(review.stderr, /^housestyle: The knowledge base "style" is empty: 0 files indexed; these include globs matched no file: doc\/\*\*\/\*\.md\./m);
    assert.equal(server.requests.filter((r) => r.path === '/api/chat').length, server.requests.slice(0, before).filter((r) => r.path === '/api/chat').length, 'no model call');
  });
});
