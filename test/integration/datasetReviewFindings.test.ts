// The review-findings task, built end to end on REAL repositories the tests make (git, LanceDB with the
// hashing embedder, the Ollama-API test server): its prompts are the reviewer's own, its answers pass the
// reviewer's validation, a workspace without docs gets only the fine-tuned variant, and version-only
// variants of one change never sit in two splits.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseConfig, type Config } from '../../src/core/config';
import { buildDataset } from '../../src/core/dataset/build';
import type { DatasetReport } from '../../src/core/dataset/datasetReport';
import { SPLIT_NAMES, splitOf } from '../../src/core/dataset/split';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import type { Passage } from '../../src/core/knowledge/passage';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { buildPrompt } from '../../src/core/prompt/taskPrompt';
import type { ReviewPromptVariant } from '../../src/core/promptVariant';
import { reviewTargets } from '../../src/core/review/reviewer';
import { fileTarget } from '../../src/core/review/reviewTarget';
import type { ReviewWindow } from '../../src/core/review/reviewWindow';
import { validateAnswer } from '../../src/core/review/validateFindings';
import { REPO_ROOT } from '../support/cli';
import { GitTestRepo } from '../support/gitRepo';
import { startOllamaTestServer, type ModelRequestBody, type OllamaTestServer } from '../support/ollamaTestServer';
import { buildReviewCommentsRepo, type ReviewCommentsRepo } from '../support/reviewCommentsRepo';

const GITHUB = path.join(REPO_ROOT, 'test', 'fixtures', 'review-comments', 'github-review-comments.json');
const MODEL = 'qwen2.5-coder:7b';
const STYLE = [
  '# Style guide',
  '',
  '## Bindings',
  '',
  'Prefer const for bindings that are never reassigned; var is never used.',
  '',
  '## Timeouts',
  '',
  'Name timeout values as constants, such as TIMEOUT_MS, instead of bare numbers in calls.',
  '',
].join('\n');

interface Row {
  messages: { role: string; content: string }[];
  meta: { task: string; variant?: ReviewPromptVariant; groupId: string; file: string; commits?: string[]; replies?: unknown[]; source: string };
}

async function rows(out: string): Promise<Row[]> {
  const metadata = (await readFile(path.join(out, 'metadata.jsonl'), 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Row['meta'] & { line: number });
  const files = new Map<string, { messages: Row['messages'] }[]>();
  for (const split of SPLIT_NAMES) {
    const text = await readFile(path.join(out, `${split}.jsonl`), 'utf8').catch(() => '');
    files.set(`${split}.jsonl`, text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line)));
  }
  return metadata.filter((m) => files.has(m.file)).map((meta) => ({ messages: files.get(meta.file)![meta.line - 1]!.messages, meta }));
}

/** The window a prompt shows, rebuilt from the prompt alone: its path, its numbered lines and its ranges. */
function windowOf(user: string): { window: ReviewWindow; nonce: string; labels: Map<string, Passage> } {
  const open = /<code-([0-9a-f]{16}) path="([^"]*)" language="[^"]*" lines="([^"]*)">\n([\s\S]*?)\n<\/code-\1>/.exec(user)!;
  const [, nonce, file, ranges, body] = open as unknown as [string, string, string, string, string];
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    const numbered = /^\s*(\d+)\| (.*)$/.exec(line);
    if (numbered) lines[Number(numbered[1]) - 1] = numbered[2]!;
  }
  const segments = ranges.split(', ').map((range) => {
    const [startLine, endLine] = range.split('-').map(Number) as [number, number];
    return { startLine, endLine };
  });
  const target = { ...fileTarget(file, Array.from(lines, (l) => l ?? '').join('\n')), ranges: segments };
  const labels = new Map<string, Passage>();
  for (const match of user.matchAll(/<rule-[0-9a-f]{16} id="(R\d+)" source="([^"]*)" lines="(\d+)-(\d+)"/g)) {
    labels.set(match[1]!, { id: match[1]!, kb: 'style', source: match[2]!, startLine: Number(match[3]), endLine: Number(match[4]), heading: '', text: '', score: 1, appliesTo: [] });
  }
  return { window: { target, segments }, nonce: nonce!, labels };
}

describe('the review-findings task', () => {
  let built: ReviewCommentsRepo;
  let server: OllamaTestServer;
  let config: Config;
  let workspace: string;
  let home: string;
  let report: DatasetReport;
  let all: Row[];

  before(async () => {
    server = await startOllamaTestServer({ models: [MODEL] });
    built = buildReviewCommentsRepo();
    workspace = built.repo.dir;
    home = path.dirname(workspace);
    const raw = { index: { embedder: 'hash' }, ollama: { host: server.host, model: MODEL, timeoutMs: 5000 }, dataset: { findingsNegativeShare: 0.5 } };
    await mkdir(path.join(workspace, 'docs'), { recursive: true });
    await writeFile(path.join(workspace, 'docs', 'STYLE.md'), STYLE);
    await mkdir(path.join(workspace, '.housestyle'), { recursive: true });
    await writeFile(path.join(workspace, '.housestyle', 'config.json'), JSON.stringify(raw));
    config = parseConfig(raw);
    const out = path.join(home, 'dataset');
    report = await buildDataset({ repo: workspace, workspace, comments: [GITHUB], out, format: 'openai', config });
    all = await rows(out);
  });
  after(async () => {
    await server.close();
    built.repo.remove();
  });

  test('both variants are built, from the comments, with negatives in the configured share', () => {
    const findings = all.filter((row) => row.meta.task === 'review-findings');
    const count = (variant: ReviewPromptVariant, empty: boolean) => findings.filter((row) => row.meta.variant === variant && (row.messages[2]!.content === '{"findings":[]}') === empty).length;
    assert.ok(count('without-rules', false) > 0 && count('with-rules', false) > 0, JSON.stringify(report.samples.labels));
    assert.ok(count('without-rules', true) > 0, 'windows without a comment are negatives');
    assert.ok(count('without-rules', true) <= count('without-rules', false), 'no more negatives than positives at a share of 0.5');
    assert.match(report.knowledgeBase, /^Hybrid review-findings windows carry the rules retrieved from the knowledge base "style" \(1 documents/);
  });

  test('the card says how well window length alone predicts the label, from the windows written', async () => {
    const findings = all.filter((row) => row.meta.task === 'review-findings');
    const signal = report.samples.findingsLength!;
    assert.equal(signal.samples, findings.length);
    const card = await readFile(path.join(home, 'dataset', 'README.md'), 'utf8');
    const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
    assert.ok(
      card.includes(`with at best ${pct(signal.thresholdAccuracy)} accuracy (the best length threshold) against a base rate of ${pct(signal.baseRate)} (always the more common answer); AUC ${signal.auc.toFixed(2)}`),
      card,
    );
  });

  test("every answer passes the reviewer's own validation, findings intact", () => {
    const findings = all.filter((row) => row.meta.task === 'review-findings');
    assert.ok(findings.length > 0);
    for (const row of findings) {
      const { window, labels } = windowOf(row.messages[1]!.content);
      const answer = row.messages[2]!.content;
      const check = validateAnswer(answer, window, labels, row.meta.variant);
      assert.ok(check.ok, `${answer}: ${check.ok ? '' : check.reason}`);
      assert.equal(check.findings.length, (JSON.parse(answer) as { findings: unknown[] }).findings.length, answer);
      if (row.meta.variant === 'without-rules') assert.doesNotMatch(answer, /citations/, 'the fine-tuned variant cites nothing');
    }
  });

  test('the comment becomes the finding: its words, its lines, a documented severity, the follow-up as the replacement, the matching rule cited', () => {
    const hybrid = all.find((row) => row.meta.variant === 'with-rules' && row.messages[2]!.content.includes('started'))!;
    const { findings } = JSON.parse(hybrid.messages[2]!.content) as { findings: Record<string, unknown>[] };
    const finding = findings.find((f) => String(f.message).includes('started'))!;
    assert.deepEqual(
      { ...finding, citations: undefined },
      { rule: 'Prefer const here: `started` is never reassigned', severity: 'warning', startLine: 11, endLine: 11, message: 'Prefer const here: `started` is never reassigned.', replacement: '  const started = Date.now();', citations: undefined },
    );
    const { labels } = windowOf(hybrid.messages[1]!.content);
    assert.equal(labels.get((finding.citations as string[])[0]!)?.startLine, 3, 'the Bindings rule, not the Timeouts one');
    // The thread's replies travel with the sample as context.
    assert.deepEqual(hybrid.meta.replies?.length, 2);
  });

  test('one prompt builder: the training prompt is exactly the request the reviewer sends for that window and those rules', async () => {
    const hybrid = all.filter((row) => row.meta.variant === 'with-rules');
    assert.ok(hybrid.length > 0);
    const knowledgeBase = await openKnowledgeBase({ workspace, config });
    try {
      for (const row of hybrid) {
        const { window, nonce } = windowOf(row.messages[1]!.content);
        const text = built.repo.git(['show', `${row.meta.commits![0]}:${window.target.path}`]);
        const target = { ...fileTarget(window.target.path, `${text}\n`), ranges: window.segments };
        const sent: ModelRequestBody[] = [];
        server.onChat((body) => {
          sent.push(body);
          return { content: '{"findings": []}' };
        });
        await reviewTargets({ workspace, config, knowledgeBase, client: OllamaClient.fromConfig(config), model: MODEL }, [target]);
        assert.equal(sent.length, 1);
        const reviewerNonce = /marker ([0-9a-f]{16})/.exec(sent[0]!.messages![0]!.content)![1]!;
        const asReviewer = sent[0]!.messages!.map((m) => ({ role: m.role, content: m.content.replaceAll(reviewerNonce, nonce) }));
        assert.deepEqual(asReviewer, row.messages.slice(0, 2));
      }
    } finally {
      await knowledgeBase.close();
    }
    // And the fine-tuned variant is the same builder without rules.
    const fineTuned = all.find((row) => row.meta.variant === 'without-rules')!;
    const { window, nonce } = windowOf(fineTuned.messages[1]!.content);
    assert.deepEqual(buildPrompt({ task: 'review-findings', variant: 'without-rules', window, nonce }).messages, fineTuned.messages.slice(0, 2));
  });

  test('a workspace without documents gets the fine-tuned variant only, and the card says so', async () => {
    const bare = await mkdtemp(path.join(tmpdir(), 'housestyle-nodocs-'));
    try {
      const out = path.join(bare, 'dataset');
      const result = await buildDataset({ repo: workspace, workspace: bare, comments: [GITHUB], out, format: 'openai', config });
      const variants = new Set((await rows(out)).filter((row) => row.meta.task === 'review-findings').map((row) => row.meta.variant));
      assert.deepEqual([...variants], ['without-rules']);
      const card = await readFile(path.join(out, 'README.md'), 'utf8');
      assert.match(card, /The workspace has no documents in the knowledge base "style".*only the fine-tuned review-findings variant \(no rules\) was built/);
      assert.equal(result.samples.labels['review-findings']['with-rules, findings'], undefined);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});

describe('version-only variants of a change', () => {
  let repo: GitTestRepo;
  const variants: string[] = [];

  before(() => {
    repo = GitTestRepo.create();
    repo.writeLines('src/main.c', ['int main(void) { return 0; }']);
    repo.commit('Initial commit');
    for (let i = 0; i < 36; i++) {
      repo.branch(`feature/f${i}`, 'main');
      const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india'];
      const name = `${words[i % 9]}_${words[Math.floor(i / 9)]}`;
      repo.writeLines(`src/${name}.c`, [`int ${name}(int value) {`, `  return value + ${name.length};`, '}']);
      repo.commit(`Add ${name}`);
      // The follow-up comes after a review, not in the same sitting.
      repo.wait(90).writeLines(`src/${name}.c`, [`int ${name}(int value) {`, `  if (value < 0) return -1; /* ${name} rejects negatives */`, `  return ${name}_offset(value);`, '}']);
      repo.commit(`Guard ${name}`);
      repo.checkout('main');
      repo.merge(`feature/f${i}`, `Merge pull request #${i + 1} from team/f${i}`);
    }
    // One fix, made on three release lines: the same change but for the version strings.
    for (const [i, version] of ['0.6.21', '0.8.28', '0.10.48'].entries()) {
      repo.branch(`fix/banner-${i}`, 'main');
      repo.writeLines(`src/banner-${version}.c`, ['const char *banner(void) {', `  return "node v${version} (stable)";`, '}']);
      repo.commit(`Banner for ${version}`);
      repo.wait(90).writeLines(`src/banner-${version}.c`, ['const char *banner(void) {', `  return format_banner("node", "v${version}", stable_channel());`, '}']);
      repo.commit(`Format the ${version} banner`);
      repo.checkout('main');
      variants.push(repo.merge(`fix/banner-${i}`, `Merge pull request #${100 + i} from team/banner-${i}`));
    }
  });
  after(() => repo.remove());

  test('never sit in two splits, and the card states the check', async () => {
    const ratios = { train: 0.6, validation: 0.2, test: 0.2 };
    // A seed whose plain per-change split would separate the three variants.
    const seed = Array.from({ length: 200 }, (_, i) => `v-${i}`).find((s) => new Set(variants.map((g) => splitOf(g, s, ratios))).size > 1)!;
    const config = parseConfig({ dataset: { seed, split: ratios } });
    const out = path.join(path.dirname(repo.dir), 'dataset');
    const report = await buildDataset({ repo: repo.dir, out, format: 'openai', config });
    const where = new Set((await rows(out)).filter((row) => variants.includes(row.meta.groupId)).map((row) => row.meta.file));
    assert.equal(where.size, 1, `variants in ${[...where]}`);
    assert.equal(report.leakage.crossSplitPairs, 0);
    assert.ok(report.leakage.units < report.leakage.groups);
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    assert.match(card, /Near-duplicate pairs across splits, checked after splitting: \*\*0\*\*/);
    // With at least 30 changes, the shares stay within 3 points of the ratios.
    for (const split of SPLIT_NAMES) {
      const share = report.samples.bySplit[split] / report.samples.total;
      assert.ok(Math.abs(share - ratios[split]) <= 0.03, `${split} ${share}`);
    }
  });
});

describe('a C++ header (.h)', () => {
  const FILE = 'src/cluster/slot_set.h';
  const header = (added: string[]) => [
    '// Copyright 2024, the authors.',
    '#pragma once',
    '',
    '#include <cstdint>',
    '',
    'namespace dfly {',
    '',
    'class SlotSet {',
    ' public:',
    '  explicit SlotSet(bool full);',
    '',
    '  bool Contains(uint16_t slot) const;',
    '  bool Empty() const;',
    '  size_t Count() const;',
    '  size_t Capacity() const;',
    '  void Set(uint16_t slot, bool value);',
    ...added,
    '  uint16_t First() const;',
    '  uint16_t Last() const;',
    '  uint16_t Next(uint16_t slot) const;',
    '',
    ' private:',
    '  uint64_t bits_[256];',
    '  int filled_;',
    '};',
    '',
    '}  // namespace dfly',
  ];
  let repo: GitTestRepo;
  let reviewed: string;
  let all: Row[];

  before(async () => {
    repo = GitTestRepo.create();
    repo.writeLines(FILE, header([]));
    repo.commit('Initial commit');
    repo.branch('feature/clear');
    repo.writeLines(FILE, header(['  void Clear();']));
    reviewed = repo.commit('Add SlotSet::Clear');
    repo.checkout('main');
    repo.merge('feature/clear', 'Merge pull request #5 from team/clear');
    // The commented hunk shows no C++ of its own: only the whole file, as git has it, says what language it is.
    const comments = path.join(path.dirname(repo.dir), 'comments.json');
    await writeFile(
      comments,
      JSON.stringify([
        {
          id: 501,
          path: FILE,
          diff_hunk: '@@ -14,6 +14,7 @@ class SlotSet {\n   size_t Count() const;\n   size_t Capacity() const;\n   void Set(uint16_t slot, bool value);\n+  void Clear();',
          body: 'Clear() must reset filled_ as well, or Count() is wrong after it.',
          commit_id: reviewed,
          original_commit_id: reviewed,
          line: 17,
          original_line: 17,
          side: 'RIGHT',
          in_reply_to_id: null,
          user: { login: 'reviewer' },
          created_at: '2024-01-02T09:00:00Z',
          html_url: 'https://github.com/team/slots/pull/5#discussion_r501',
          pull_request_url: 'https://api.github.com/repos/team/slots/pulls/5',
        },
      ]),
    );
    const out = path.join(path.dirname(repo.dir), 'dataset');
    await buildDataset({ repo: repo.dir, comments: [comments], out, format: 'openai', config: parseConfig({}) });
    all = (await rows(out)).filter((row) => (row.meta as Row['meta'] & { path: string }).path === FILE);
  });
  after(() => repo.remove());

  test('its samples say C++, decided from the whole file at the reviewed commit, in the prompt and the metadata alike', () => {
    assert.deepEqual([...new Set(all.map((row) => row.meta.task))].sort(), ['review-comment', 'review-findings']);
    for (const row of all) {
      assert.equal((row.meta as Row['meta'] & { language: string }).language, 'C++', row.meta.task);
      assert.match(row.messages[1]!.content, /language="C\+\+"/, row.meta.task);
    }
  });

  test('the review-findings prompt is the one a review of that file sends', () => {
    const row = all.find((r) => r.meta.task === 'review-findings')!;
    const { window, nonce } = windowOf(row.messages[1]!.content);
    const target = { ...fileTarget(FILE, `${repo.git(['show', `${reviewed}:${FILE}`])}\n`), ranges: window.segments };
    assert.deepEqual(buildPrompt({ task: 'review-findings', variant: 'without-rules', window: { target, segments: window.segments }, nonce }).messages, row.messages.slice(0, 2));
  });
});
