import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { adviceText } from '../../src/core/advice/adviceText';
import { advise } from '../../src/core/advice/advise';
import { gatherFacts } from '../../src/core/advice/workspaceFacts';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { parseConfig } from '../../src/core/config';
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

const RAW_CONFIG = () => ({ index: { embedder: 'hash' }, ollama: { host }, models: { latencyTargetMs: 5000 } });

/** A git workspace with a style guide changed `docCommits` times, and one commit that answers a review. */
async function workspace(docCommits: number): Promise<string> {
  const repo = GitTestRepo.create('app');
  repos.push(repo);
  for (let i = 0; i < docCommits; i++) repo.write('docs/STYLE_GUIDE.md', `# Style\n\nRule revision ${i}.\n`).commit(i === 0 ? 'Merge pull request #12 from team/style' : `Style guide: revision ${i} (#${12 + (i % 2)})`);
  repo.writeLines('src/app.ts', ['export function total(items: number[]) {', '  var sum = 0;', '  for (const item of items) sum += item;', '  return sum;', '}']).commit('Code');
  repo.writeLines('src/app.ts', ['export function total(items: number[]) {', '  let sum = 0;', '  for (const item of items) sum += item;', '  return sum;', '}']).commit('Address review comments: let, not var');
  await mkdir(path.join(repo.dir, '.housestyle'), { recursive: true });
  await writeFile(path.join(repo.dir, '.housestyle', 'config.json'), JSON.stringify(RAW_CONFIG()));
  return repo.dir;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value));
}

/** report.json as src/core/dataset/build.ts writes it, with the fields the advisor reads. */
function datasetReport(builtAt: string, train: number, events: Record<string, number>, drops: Record<string, number>) {
  return {
    generator: 'housestyle dataset build',
    builtAt,
    samples: { total: Math.round(train / 0.8), bySplit: { train, validation: Math.round(train / 10), test: Math.round(train / 10) }, byTask: {}, bySource: {} },
    events,
    drops,
    warnings: [],
  };
}

const figure = (value: number, low = value, high = value) => ({ value, low, high });
function evaluation(evaluatedAt: string, model: string, examples: number, fineTunedDelta: [number, number, number]) {
  const route = (name: string, routeModel: string, ms: number) => ({ route: name, model: routeModel, calls: examples, latency: { totalMs: ms * examples, loadMs: 0, promptEvalMs: 0, generationMs: 0, wallMs: 0, overheadMs: 0 }, tokens: { prompt: 0, completion: 0 }, examples, valid: examples, validRate: figure(1), bleu4: figure(10), bleu4WithStop: figure(10), exactMatch: figure(0), byTask: {} });
  const [value, low, high] = fineTunedDelta;
  return {
    evaluatedAt,
    examples,
    routes: [route('rag', 'qwen2.5-coder:7b', 900), route('fine-tuned', model, 400)],
    differences: [{ route: 'fine-tuned', baseline: 'rag', paired: examples, bleu4: figure(value, low, high), bleu4WithStop: figure(value, low, high), exactMatch: figure(0), validRate: figure(0) }],
    probe: [],
    warnings: [],
  };
}

describe('advisor facts', () => {
  test('the newest dataset build under .housestyle/datasets, its noise share without the balancing caps, and the newest evaluation of the active version', async () => {
    const dir = await workspace(1);
    const datasets = path.join(dir, '.housestyle', 'datasets');
    // The build: 1,948 drops, of which 1,536 are balancing caps; 412 noise drops against 1,648 kept events.
    const drops = { 'quality-estimation-label-balance': 1200, 'quality-estimation-share-cap': 336, 'generated-file': 300, 'duplicate-sample': 112 };
    await writeJson(path.join(datasets, '2026-12-01-090000', 'report.json'), datasetReport('2026-12-01T09:00:00.000Z', 640, { 'branch-rewrite': 1630, 'pr-comment': 18 }, drops));
    await writeJson(path.join(datasets, '2026-11-20-090000', 'report.json'), datasetReport('2026-11-20T09:00:00.000Z', 100, {}, {}));
    await mkdir(path.join(datasets, '2026-12-02-090000'), { recursive: true }); // a build that never finished: no report.json
    const evalDir = path.join(dir, '.housestyle', 'eval');
    await writeJson(path.join(evalDir, 'eval-2026-12-02T10-00-00-000Z.json'), evaluation('2026-12-02T10:00:00.000Z', 'housestyle-app:2', 40, [9, 3, 15]));
    // Newer, but of another version; and newer still, a report from before intervals with 0 examples.
    await writeJson(path.join(evalDir, 'eval-2026-12-03T10-00-00-000Z.json'), evaluation('2026-12-03T10:00:00.000Z', 'housestyle-app:1', 40, [-5, -9, -1]));
    await writeJson(path.join(evalDir, 'eval-2026-12-04T10-00-00-000Z.json'), { evaluatedAt: '2026-12-04T10:00:00.000Z', examples: 0, routes: [{ route: 'rag', model: 'qwen2.5-coder:7b', bleu4: 0 }], probe: [] });
    await writeJson(path.join(dir, '.housestyle', 'models.json'), { version: 1, active: 'housestyle-app:2', models: [] });

    const facts = await gatherFacts(dir, parseConfig(RAW_CONFIG()), OllamaClient.fromConfig(parseConfig(RAW_CONFIG())));
    assert.equal(facts.dataset?.path, path.join(datasets, '2026-12-01-090000'));
    assert.deepEqual(
      { noise: facts.dataset!.noiseDrops, share: facts.dataset!.noiseShare, balancing: facts.dataset!.balancingDrops, comments: facts.dataset!.reviewComments },
      { noise: 412, share: 412 / 2060, balancing: 1536, comments: 18 },
    );
    assert.equal(facts.evaluation?.evaluatedAt, '2026-12-02T10:00:00.000Z');
    const advice = advise(facts);
    assert.deepEqual([advice.recommendation, advice.rule], ['fine-tuned', 4]);
    assert.match(adviceText(advice), /20% of mined evidence dropped as noise \(412 of 2,060\), and 1,536 quality-estimation samples left out by the balancing caps, which is not noise; 18 review comments kept as evidence\./);
    assert.match(adviceText(advice), /^Recommendation: fine-tuned \(decision table, row 4\)\n\nBecause:\n- Evaluation \(40 paired test examples\): fine-tuned BLEU-4 \+9\.00 \[\+3\.00, \+15\.00\] against rag: measurably better\.\n/);
  });

  test('with no evaluation of the active version, nothing measured is taken from another version', async () => {
    const dir = await workspace(1);
    await writeJson(path.join(dir, '.housestyle', 'eval', 'eval-2026-12-03T10-00-00-000Z.json'), evaluation('2026-12-03T10:00:00.000Z', 'housestyle-app:1', 40, [9, 3, 15]));
    await writeJson(path.join(dir, '.housestyle', 'models.json'), { version: 1, active: 'housestyle-app:2', models: [] });
    const facts = await gatherFacts(dir, parseConfig(RAW_CONFIG()), OllamaClient.fromConfig(parseConfig(RAW_CONFIG())));
    assert.equal(facts.evaluation, undefined);
    assert.ok(facts.unmeasured.includes(`route quality and latency: no evaluation of housestyle-app:2 yet, and Ollama is not reachable at ${host} to run one`), facts.unmeasured.join('\n'));
    assert.deepEqual([advise(facts).recommendation, advise(facts).rule], ['rag', 1]);
  });

  test('after a default dataset build, housestyle advise judges that build, works with Ollama down, and exits 0', async () => {
    const dir = await workspace(20);
    const none = await runCli(['advise', '--workspace', dir]);
    assert.equal(none.code, 0, none.stderr);
    assert.match(none.stdout, /\nNot measured:\n- dataset: no dataset build in \.housestyle\/datasets \(housestyle dataset build writes one\)/);
    assert.match(none.stdout, /\nNext step: Build a dataset/);

    const build = await runCli(['dataset', 'build', '--workspace', dir]);
    assert.equal(build.code, 0, build.stderr);
    const json = JSON.parse((await runCli(['advise', '--workspace', dir, '--json'])).stdout);
    assert.match(json.facts.dataset.path, /\.housestyle\/datasets\/\d{4}-\d{2}-\d{2}-\d{6}$/);
    assert.equal(json.recommendation, 'rag');
    assert.equal(json.facts.ollama.reachable, false);
    assert.match(json.because.join('\n'), /^Dataset .*\.housestyle\/datasets\/.*: \d+ training samples/m);
  });
});
