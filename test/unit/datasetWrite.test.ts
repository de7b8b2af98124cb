import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { defaultDatasetFolder } from '../../src/core/dataset/build';
import { renderDatasetCard } from '../../src/core/dataset/card';
import { writeDatasetFrom } from '../../src/core/dataset/writeDataset';
import type { MinedItem } from '../../src/core/dataset/reviewEvent';
import { HouseStyleError, isCancellation } from '../../src/core/errors';
import { evidence, reviewEvent } from '../support/reviewEvents';

const config = parseConfig({});
const swallowed = {
  groupId: 'pr-2',
  path: 'src/b.ts',
  diffHunk: '@@ -3,3 +3,5 @@\n try {\n   save(order);\n+} catch {\n+  // ignore\n }',
  before: 'try {\n  save(order);\n} catch {\n  // ignore\n}',
  after: 'try {\n  save(order);\n} catch (error) {\n  logger.error(error);\n  throw error;\n}',
  comment: 'Handle the error instead of swallowing it.',
};
const events = () =>
  evidence(
    reviewEvent({ groupId: 'pr-1' }),
    reviewEvent(swallowed),
    reviewEvent(swallowed),
    reviewEvent({ groupId: 'pr-3', path: 'package-lock.json' }),
    reviewEvent({ groupId: 'pr-4', author: 'renovate[bot]' }),
    reviewEvent({ groupId: 'pr-5', comment: 'LGTM' }),
    { skip: { source: 'commit 0123abcd logo.png', reason: 'binary diff' } },
  );

async function* failingAfter(items: AsyncIterable<MinedItem>, n: number): AsyncGenerator<MinedItem> {
  let i = 0;
  for await (const item of items) {
    if (i++ === n) throw new Error('source broke');
    yield item;
  }
}

describe('writeDatasetFrom', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'housestyle-write-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('counts every drop and skip by reason and warns about a small training set', async () => {
    const out = path.join(root, 'counts');
    const warnings: string[] = [];
    const report = await writeDatasetFrom(events(), { out, format: 'openai', config, logger: { info() {}, warn: (m) => warnings.push(m) } });
    assert.deepEqual(report.drops, {
      'bot-author': 1,
      'exact-duplicate': 1,
      'lock-file': 1,
      'quality-estimation-from-truncated-hunk': 2,
      'review-findings: comment-without-code-from-git': 2,
      'trivial-comment': 1,
    });
    assert.deepEqual(report.skipped.byReason, { 'binary diff': 1 });
    assert.deepEqual(report.samples.byTask, { 'code-refinement': 2, 'review-comment': 2 });
    assert.deepEqual(report.events, { 'pr-comment': 2 });
    assert.match(warnings[0]!, /fewer than 500/);
    assert.ok(report.warnings.includes(warnings[0]!));
    const card = await readFile(path.join(out, 'README.md'), 'utf8');
    assert.match(card, /fewer than 500/);
    assert.match(card, /\| lock-file \| 1 \|/);
    assert.match(card, /\| binary diff \| 1 \|/);
    assert.match(card, /seed `housestyle`/);
    // Two review comments in all: the test split cannot hold the five that eval needs, and the build says so.
    const metadata = (await readFile(path.join(out, 'metadata.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { file: string; task: string });
    const evaluable = metadata.filter((record) => record.file === 'test.jsonl' && ['review-comment', 'review-findings'].includes(record.task)).length;
    const testWarning = warnings.find((warning) => warning.startsWith('The test split has'));
    assert.equal(testWarning, `The test split has ${evaluable} example${evaluable === 1 ? '' : 's'} of the tasks \`housestyle eval\` scores (review-comment, review-findings), fewer than the 5 it needs: add history or comment exports before comparing routes.`);
    assert.ok(card.includes(testWarning!));
    // A list the card cuts says so: 25 comments fell back to their hunks, 20 are named.
    const examples = Array.from({ length: 20 }, (_, i) => ({ source: `pull/${i} src/a.ts`, reason: 'commit 0123456789ab is not in the local repository' }));
    const cut = renderDatasetCard({ ...report, fallbacks: { commentHunkFromExport: 25, examples } });
    assert.match(cut, /git could not supply it \([^)]*\): 25\.\n\nThe first 20 of 25:\n\n- pull\/0 src\/a\.ts: /);
    assert.doesNotMatch(renderDatasetCard({ ...report, fallbacks: { commentHunkFromExport: 20, examples } }), /The first 20/);
  });

  it('leaves no trace when cancelled while writing', async () => {
    const out = path.join(root, 'cancelled');
    const controller = new AbortController();
    const progress = { report: (phase: string) => phase === 'Writing dataset' && controller.abort() };
    await assert.rejects(writeDatasetFrom(events(), { out, format: 'sharegpt', config, signal: controller.signal, progress }), { name: 'HouseStyleError', code: 'cancelled' });
    assert.deepEqual(await readdir(root).then((names) => names.filter((n) => n.includes('cancelled'))), []);
  });

  it('keeps an existing dataset whole when a rebuild fails or is cancelled, and replaces it when one succeeds', async () => {
    const out = path.join(root, 'rebuilt');
    const first = await writeDatasetFrom(events(), { out, format: 'alpaca', config });
    const snapshot = async () => Object.fromEntries(await Promise.all((await readdir(out)).map(async (f) => [f, await readFile(path.join(out, f), 'utf8')])));
    const good = await snapshot();

    await assert.rejects(writeDatasetFrom(failingAfter(events(), 2), { out, format: 'openai', config }), /source broke/);
    assert.deepEqual(await snapshot(), good);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(writeDatasetFrom(events(), { out, format: 'openai', config, signal: controller.signal }), { name: 'HouseStyleError', code: 'cancelled' });
    assert.deepEqual(await snapshot(), good);
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.rebuilt')), []);

    const second = await writeDatasetFrom(events(), { out, format: 'openai', config });
    assert.equal(first.format, 'alpaca');
    assert.equal(JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')).format, second.format);
    assert.deepEqual(JSON.parse((await readFile(path.join(out, 'train.jsonl'), 'utf8')).split('\n')[0]!).messages?.length, 3);
  });

  it('replaces only the files a build wrote: an adapter trained into the folder, and notes, survive a rebuild', async () => {
    const out = path.join(root, 'kept');
    await writeDatasetFrom(events(), { out, format: 'openai', config });
    await mkdir(path.join(out, 'saves', 'lora'), { recursive: true });
    await writeFile(path.join(out, 'saves', 'lora', 'adapter_model.safetensors'), 'weights');
    await writeFile(path.join(out, 'NOTES.txt'), 'mine');
    const report = await writeDatasetFrom(events(), { out, format: 'sharegpt', config });
    assert.equal(await readFile(path.join(out, 'saves', 'lora', 'adapter_model.safetensors'), 'utf8'), 'weights');
    assert.equal(await readFile(path.join(out, 'NOTES.txt'), 'utf8'), 'mine');
    assert.deepEqual((await readdir(out)).sort(), [...report.files, 'NOTES.txt', 'saves'].sort());
    const yaml = await readFile(path.join(out, 'train_lora.yaml'), 'utf8');
    assert.match(yaml, new RegExp(`output_dir: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-adapter\n`), 'the adapter goes outside the dataset folder');
  });

  it('clears the temporary folders of killed builds, and keeps those of running ones', async () => {
    const out = path.join(root, 'killed');
    const dead = path.join(root, '.killed.building-dead');
    const alive = path.join(root, '.killed.building-alive');
    await mkdir(dead);
    await writeFile(path.join(dead, '.owner'), '2147483646');
    await mkdir(alive);
    await writeFile(path.join(alive, '.owner'), String(process.pid));
    await writeDatasetFrom(events(), { out, format: 'openai', config });
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.killed')), ['.killed.building-alive']);
  });

  it('gives every build its own default folder', () => {
    const first = defaultDatasetFolder('/ws', new Date(2026, 11, 2, 9, 30, 5));
    const second = defaultDatasetFolder('/ws', new Date(2026, 11, 2, 9, 30, 6));
    assert.equal(first, path.join('/ws', '.housestyle', 'datasets', '2026-12-02-093005'));
    assert.notEqual(first, second);
  });

  it('never replaces a folder that is not a House Style dataset', async () => {
    const out = path.join(root, 'src');
    await mkdir(out);
    await writeFile(path.join(out, 'main.ts'), 'export {};\n');
    await assert.rejects(
      writeDatasetFrom(events(), { out, format: 'openai', config }),
      (error: unknown) => error instanceof HouseStyleError && /not empty and holds no House Style dataset/.test(error.message),
    );
    assert.deepEqual(await readdir(out), ['main.ts']);
  });

  it('fails with the reasons, and writes nothing, when no sample survives', async () => {
    const out = path.join(root, 'empty');
    await assert.rejects(
      writeDatasetFrom(evidence(reviewEvent({ comment: 'LGTM' }), reviewEvent({ path: 'yarn.lock' })), { out, format: 'openai', config }),
      (error: unknown) => error instanceof HouseStyleError && /lock-file 1, trivial-comment 1/.test(error.message),
    );
    assert.deepEqual((await readdir(root)).filter((n) => n.includes('empty')), []);
  });
});
