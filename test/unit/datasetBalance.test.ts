import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { balanceQualityEstimation, balanceWithinSplits } from '../../src/core/dataset/balance';
import { HouseStyleError } from '../../src/core/errors';
import { crossSplitNearDuplicates, leakageUnits, NEAR_DUPLICATE_THRESHOLD, nearDuplicatePairs, refuseCrossSplitLeakage } from '../../src/core/dataset/leakage';
import type { Sample } from '../../src/core/dataset/samples/sample';
import { splitByGroup, SPLIT_NAMES } from '../../src/core/dataset/split';
import { jaccard, shingles } from '../../src/core/shingles';
import { seededRandom } from '../support/seededRandom';

const WORDS = ['parse', 'buffer', 'socket', 'retry', 'cache', 'stream', 'token', 'queue', 'timer', 'handle', 'signal', 'frame', 'header', 'cursor', 'index', 'pool', 'lock', 'event', 'codec', 'route'];
const next = seededRandom(7);
const words = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');

function sample(task: Sample['task'], groupId: string, input: string, response: string): Sample {
  return { system: 's', instruction: 'Review this.', input, task, groupId, response, metadata: { source: 'pr-comment', path: 'a.c', language: 'C', date: '2026-01-01', prompt: { task, nonce: '0', path: 'a.c', language: 'C' } } };
}

const counts = (samples: Sample[]) => {
  const qe = samples.filter((s) => s.task === 'quality-estimation');
  return { qe: qe.length, yes: qe.filter((s) => s.response === 'yes').length, other: samples.length - qe.length };
};

describe('quality-estimation balance', () => {
  it('cuts the majority label to the configured share, then both labels to the task cap', () => {
    const samples = [
      ...Array.from({ length: 90 }, (_, i) => sample('quality-estimation', `g${i}`, `hunk ${i}`, 'no')),
      ...Array.from({ length: 10 }, (_, i) => sample('quality-estimation', `h${i}`, `other hunk ${i}`, 'yes')),
      ...Array.from({ length: 20 }, (_, i) => sample('review-comment', `c${i}`, `change ${i}`, 'Use const.')),
    ];
    const { samples: kept, dropped } = balanceQualityEstimation(samples, { maxShare: 0.5, maxLabelShare: 0.6, seed: 's' });
    const { qe, yes, other } = counts(kept);
    assert.equal(other, 20);
    assert.ok(qe <= other, `QE ${qe} is at most half of ${qe + other}`);
    assert.ok(yes / qe >= 0.4 && yes / qe <= 0.6, `yes ${yes} of ${qe}`);
    assert.deepEqual(dropped, { labelBalance: 75, taskShare: 5 });
    assert.deepEqual(balanceQualityEstimation(samples, { maxShare: 0.5, maxLabelShare: 0.6, seed: 's' }).samples, kept, 'reproducible');
  });

  it('balances the labels within each split, where whole groups can tip one split to a label', () => {
    // Balanced overall (40 yes, 40 no), but the "no" groups are large: split by group, train can end up mostly "no".
    const samples = [
      ...Array.from({ length: 40 }, (_, i) => sample('quality-estimation', `big${i % 4}`, `kept hunk ${i}`, 'no')),
      ...Array.from({ length: 40 }, (_, i) => sample('quality-estimation', `small${i}`, `reworked hunk ${i}`, 'yes')),
    ];
    const sets = { train: samples.filter((s) => s.groupId.startsWith('big') || Number(s.groupId.slice(5)) < 10), test: samples.filter((s) => s.groupId.startsWith('small') && Number(s.groupId.slice(5)) >= 10) };
    const { sets: balanced, dropped } = balanceWithinSplits(sets, { maxLabelShare: 0.6, seed: 's' });
    const train = counts(balanced.train);
    // 10 "yes" allow 15 "no" at a 0.6 share, plus one of slack.
    assert.deepEqual([train.yes, train.qe - train.yes], [10, 16], 'the minority label is kept whole');
    assert.equal(balanced.test.length, 1, 'a split of one label keeps only the slack');
    assert.equal(dropped, 40 - 16 + 29);
  });

  it('leaves a balanced, small task alone', () => {
    const samples = [sample('quality-estimation', 'a', 'x', 'yes'), sample('quality-estimation', 'b', 'y', 'no'), sample('code-refinement', 'c', 'z', 'w'), sample('code-refinement', 'd', 'v', 'u')];
    assert.equal(balanceQualityEstimation(samples, { maxShare: 0.5, maxLabelShare: 0.6, seed: 's' }).samples.length, 4);
  });
});

describe('leakage between splits', () => {
  it('joins version-only variants of a change into one unit, so they never sit in two splits', () => {
    const body = (version: string) =>
      `File: "src/version.c"\n\nDiff:\n\`\`\`diff\n@@ -10,6 +10,7 @@\n static const char *banner(void) {\n-  return "node v${version} (stable)";\n+  return format_banner("node", "v${version}", stable_channel());\n }\n\`\`\``;
    const variants = ['0.6.21', '0.8.28', '0.10.48'].map((version, i) => sample('code-refinement', `merge-${i}`, body(version), `return format_banner("node", "v${version}", stable_channel());`));
    const unrelated = Array.from({ length: 60 }, (_, i) => sample('code-refinement', `pr-${i}`, `File: "src/m${i}.c"\n\n${words(30)}`, words(5)));
    const all = [...variants, ...unrelated];
    const unitOf = leakageUnits(all);
    assert.equal(new Set(variants.map((v) => unitOf(v.groupId))).size, 1, 'the three release lines are one unit');
    assert.equal(new Set(unrelated.map((v) => unitOf(v.groupId))).size, 60);
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const sets = splitByGroup(all, seed, { train: 0.4, validation: 0.3, test: 0.3 }, unitOf);
      assert.equal(crossSplitNearDuplicates(sets), 0);
      const where = SPLIT_NAMES.filter((split) => sets[split].some((s) => s.groupId.startsWith('merge-')));
      assert.equal(where.length, 1, `seed ${seed}: variants in ${where}`);
    }
    // Without the units, some seed separates them, and the check finds it.
    const separated = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((seed) => crossSplitNearDuplicates(splitByGroup(all, seed, { train: 0.4, validation: 0.3, test: 0.3 })));
    assert.ok(separated.some((pairs) => pairs > 0), `${separated}`);
  });

  it('finds exactly the pairs at or above the threshold among texts that share one layout', () => {
    // Files in one layout under one prompt template: unrelated texts share 40-50% of their shingles (the case
    // that made banding check most pairs), and copies with 1 to 10 lines rewritten fall on both sides of the threshold.
    const template = `You review one file of this team's code. ${WORDS.map((word, i) => `Rule ${i}: keep ${word} apart from ${WORDS[(i * 7) % WORDS.length]}.`).join(' ')}`;
    const file = () => Array.from({ length: 20 }, (_, line) => `export const ${words(1)}_${line} = "${words(4)}";`);
    const bases = Array.from({ length: 300 }, file);
    const edited = bases.slice(0, 60).map((lines, i) => lines.map((line, n) => (n < 1 + (i % 10) ? line.replace(/"[^"]*"/, `"${words(4)}"`) : line)));
    const texts = [...bases, ...edited].map((lines) => `${template}\n${lines.join('\n')}`);
    const sets = texts.map((text) => shingles(text));
    const expected: string[] = [];
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) if (jaccard(sets[i]!, sets[j]!) >= NEAR_DUPLICATE_THRESHOLD) expected.push(`${i}-${j}`);
    const similarity = (i: number) => jaccard(sets[i]!, sets[300 + i]!);
    assert.ok(edited.some((_, i) => similarity(i) >= 0.9 && similarity(i) < 0.92), 'some copies sit just above the threshold');
    assert.ok(edited.some((_, i) => similarity(i) >= 0.85 && similarity(i) < 0.9), 'some copies sit just below it');
    assert.ok(jaccard(sets[1]!, sets[2]!) > 0.4, 'unrelated texts share much of their shingles');
    assert.deepEqual(nearDuplicatePairs(texts).map(([i, j]) => `${i}-${j}`).sort(), expected.sort());
  });

  it('refuses to write splits that hold one change in two of them, and lets clean splits through', () => {
    const change = (version: string, group: string) => sample('code-refinement', group, `File: "src/version.c"\n\n-  return "node v${version} (stable)";\n+  return format_banner("node", "v${version}");`, `return format_banner("node", "v${version}");`);
    const other = sample('code-refinement', 'pr-other', `File: "src/m.c"\n\n${words(30)}`, words(5));
    const [first, second] = [change('0.10.48', 'merge-1'), change('0.12.18', 'merge-2')];
    assert.throws(
      () => refuseCrossSplitLeakage({ train: [first, other], validation: [], test: [second] }),
      (error: unknown) => error instanceof HouseStyleError && error.code === 'dataset' && /^1 near-duplicate sample pairs ended up in different splits; no dataset was written\.$/.test(error.message),
    );
    assert.equal(refuseCrossSplitLeakage({ train: [first, second], validation: [other], test: [] }), 0);
  });

  it('keeps split shares within 3 points of the ratios with a few large groups', () => {
    const groups = [210, ...Array.from({ length: 101 }, (_, i) => 5 + (i % 30))];
    const samples = groups.flatMap((size, g) => Array.from({ length: size }, (_, i) => sample('quality-estimation', `g${g}`, `${g}-${i}`, 'no')));
    const sets = splitByGroup(samples, 'housestyle', { train: 0.8, validation: 0.1, test: 0.1 });
    const share = (split: (typeof SPLIT_NAMES)[number]) => sets[split].length / samples.length;
    assert.ok(Math.abs(share('train') - 0.8) <= 0.03, `train ${share('train')}`);
    assert.ok(Math.abs(share('validation') - 0.1) <= 0.03, `validation ${share('validation')}`);
    assert.ok(Math.abs(share('test') - 0.1) <= 0.03, `test ${share('test')}`);
  });
});
