import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseConfig } from '../../src/core/config';
import { advise } from '../../src/core/advice/advise';
import { gatherFacts } from '../../src/core/advice/workspaceFacts';
import { runCli } from '../support/cli';
import { GitTestRepo } from '../support/gitRepo';
import { unreachableHost } from '../support/ollamaTestServer';

let host: string;
const repos: GitTestRepo[] = [];

before(async () => {
  host = await unreachableHost();
});
after(() => {
  for (const repo of repos) repo.remove();
});

interface Shape {
  /** Commits that change the style guide. */
  docCommits: number;
  dataset?: { train: number; dropped: number; kept: number; comments?: number };
  /** Mean rag latency per call from the last evaluation. */
  ragMsPerCall?: number;
}

/** A git workspace with a style guide changed `docCommits` times, and optionally a dataset and an evaluation. */
async function workspace(shape: Shape): Promise<string> {
  const repo = GitTestRepo.create('app');
  repos.push(repo);
  for (let i = 0; i < shape.docCommits; i++) repo.write('docs/STYLE_GUIDE.md', `# Style\n\nRule revision ${i}.\n`).commit(i === 0 ? 'Merge pull request #12 from team/style' : `Style guide: revision ${i} (#${12 + (i % 2)})`);
  repo.write('src/app.ts', 'export {};\n').commit('Code');
  const dir = repo.dir;
  await mkdir(path.join(dir, '.housestyle'), { recursive: true });
  await writeFile(path.join(dir, '.housestyle', 'config.json'), JSON.stringify({ ollama: { host }, models: { latencyTargetMs: 5000 } }));
  if (shape.dataset) {
    const { train, dropped, kept, comments = 0 } = shape.dataset;
    const folder = path.join(dir, '.housestyle', 'dataset');
    await mkdir(folder, { recursive: true });
    const report = {
      generator: 'housestyle dataset build',
      samples: { total: Math.round(train / 0.8), bySplit: { train, validation: Math.round(train / 8), test: Math.round(train / 8) }, byTask: {}, bySource: {} },
      events: { 'git-followup': kept - comments, 'review-comment': comments },
      drops: { duplicate: dropped },
      warnings: [],
    };
    await writeFile(path.join(folder, 'report.json'), JSON.stringify(report));
  }
  if (shape.ragMsPerCall !== undefined) {
    await mkdir(path.join(dir, '.housestyle', 'eval'), { recursive: true });
    const rag = { route: 'rag', model: 'qwen2.5-coder:7b', calls: 4, latency: { totalMs: shape.ragMsPerCall * 4, loadMs: 0, promptEvalMs: 0, generationMs: 0, wallMs: 0, overheadMs: 0 }, tokens: { prompt: 0, completion: 0 }, bleu4: 12, exactMatch: 0, valid: 4, validRate: 1, examples: 4 };
    await writeFile(path.join(dir, '.housestyle', 'eval', 'eval-2026-12-01T10-00-00-000Z.json'), JSON.stringify({ evaluatedAt: '2026-12-01T10:00:00.000Z', routes: [rag], probe: [] }));
  }
  return dir;
}

async function adviceFor(shape: Shape) {
  const dir = await workspace(shape);
  return advise(await gatherFacts(dir, parseConfig({ ollama: { host }, models: { latencyTargetMs: 5000 } })));
}

describe('advisor', () => {
  test('fast-changing docs and no dataset: rag, with the churn in numbers and how to start a dataset', async () => {
    const advice = await adviceFor({ docCommits: 20 });
    assert.equal(advice.recommendation, 'rag');
    assert.equal(advice.reasons[0], 'Docs: 20 commits changed 1 of 1 indexed doc in the 90 days up to the last commit (1.6 a week): they change too often for an adapter to keep up; retrieval does.');
    assert.equal(advice.nextStep, 'Build a dataset from your review history: housestyle dataset build (2 pull-request references in git history).');
    assert.ok(advice.unmeasured.some((u) => u.includes(`Ollama is not reachable at ${host}`)), advice.unmeasured.join('\n'));
    assert.ok(advice.unmeasured.some((u) => u.startsWith('latency against the 5,000 ms target')));
  });

  test('a large clean dataset and a latency target rag misses: fine-tuned', async () => {
    const advice = await adviceFor({ docCommits: 1, dataset: { train: 640, dropped: 100, kept: 900 }, ragMsPerCall: 8000 });
    assert.equal(advice.recommendation, 'fine-tuned');
    assert.deepEqual(advice.reasons, [
      'Docs: 1 commit changed 1 of 1 indexed doc in the 90 days up to the last commit (0.1 a week): stable enough to learn.',
      'Dataset: 640 training samples of 800 (enough), 10% of mined evidence dropped as noise.',
      'Latency: rag takes 8,000 ms a call against a target of 5,000 ms: too slow.',
    ]);
    assert.match(advice.nextStep, /^Train an adapter on the dataset: housestyle train --dataset .*\.housestyle\/dataset, then set models\.route to fine-tuned\.$/);
  });

  test('both (fast docs, a large clean dataset, a missed latency target): hybrid', async () => {
    const advice = await adviceFor({ docCommits: 20, dataset: { train: 640, dropped: 100, kept: 900 }, ragMsPerCall: 8000 });
    assert.equal(advice.recommendation, 'hybrid');
    assert.match(advice.reasons[0]!, /they change too often/);
    assert.match(advice.reasons[2]!, /too slow/);
  });

  test('a small dataset: rag, and the next step names the review comments to export', async () => {
    const advice = await adviceFor({ docCommits: 2, dataset: { train: 120, dropped: 10, kept: 140, comments: 0 } });
    assert.equal(advice.recommendation, 'rag');
    assert.match(advice.reasons[1]!, /^Dataset: 120 training samples of 150 \(at least 500 needed\)/);
    assert.equal(advice.nextStep, 'Grow the dataset to 500+ clean samples: export your review comments (2 PR references, 0 comments imported) and rebuild with housestyle dataset build --comments FILE.');
  });

  test('evaluation deltas and a general-skill drop are reported, and the next step is to retrain', async () => {
    const dir = await workspace({ docCommits: 1, dataset: { train: 640, dropped: 100, kept: 900 } });
    const figures = (route: string, bleu4: number, ms: number) => ({ route, model: route === 'rag' ? 'qwen2.5-coder:7b' : 'housestyle-app:20261202-1', calls: 4, latency: { totalMs: ms * 4, loadMs: 0, promptEvalMs: 0, generationMs: 0, wallMs: 0, overheadMs: 0 }, tokens: { prompt: 0, completion: 0 }, bleu4, exactMatch: 0, valid: 4, validRate: 1, examples: 4 });
    await mkdir(path.join(dir, '.housestyle', 'eval'), { recursive: true });
    await writeFile(
      path.join(dir, '.housestyle', 'eval', 'eval-2026-12-01T10-00-00-000Z.json'),
      JSON.stringify({ evaluatedAt: '2026-12-01T10:00:00.000Z', routes: [figures('rag', 10, 3000), figures('hybrid', 14.5, 3200)], probe: [{ model: 'qwen2.5-coder:7b', role: 'base', correct: 8, total: 8 }, { model: 'housestyle-app:20261202-1', role: 'adapted', correct: 5, total: 8 }] }),
    );
    await writeFile(path.join(dir, '.housestyle', 'models.json'), JSON.stringify({ version: 1, active: 'housestyle-app:20261202-1', models: [] }));
    const advice = advise(await gatherFacts(dir, parseConfig({ ollama: { host }, models: { latencyTargetMs: 5000 } })));
    assert.equal(advice.recommendation, 'hybrid');
    assert.ok(advice.reasons.includes('Latency: rag takes 3,000 ms a call against a target of 5,000 ms.'));
    assert.ok(advice.reasons.includes('Evaluation: hybrid BLEU-4 14.50 against rag 10.00 (+4.50), valid answers 100% against 100%.'));
    assert.ok(advice.reasons.includes('General coding probe: 5/8 for the adapted model against 8/8 for the base: it forgot general skills.'));
    assert.equal(advice.nextStep, 'Retrain with fewer epochs or a lower learning rate (the adapter forgot general skills), then evaluate again; meanwhile use hybrid.');
  });

  test('housestyle advise works with Ollama down, says what it could not measure, and exits 0', async () => {
    const dir = await workspace({ docCommits: 3 });
    const result = await runCli(['advise', '--workspace', dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Recommendation: rag\n/);
    assert.match(result.stdout, /\nNot measured:\n- dataset: no dataset at \.housestyle\/dataset/);
    assert.match(result.stdout, /Ollama is not reachable at/);
    assert.match(result.stdout, /\nNext step: Build a dataset/);
    const json = JSON.parse((await runCli(['advise', '--workspace', dir, '--json'])).stdout);
    assert.equal(json.recommendation, 'rag');
    assert.equal(json.facts.ollama.reachable, false);
  });
});
