// review-findings windows as the reviewer is sent them when serving (`review --diff`), negatives from the same
// pull request's uncommented hunks, and window length that does not give the label away.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import type { ReviewEvent } from '../../src/core/dataset/reviewEvent';
import { lengthSignal } from '../../src/core/dataset/samples/lengthSignal';
import { reviewFindingsSamples } from '../../src/core/dataset/samples/reviewFindings';
import type { Sample } from '../../src/core/dataset/samples/sample';
import { expandRanges, type LineRange } from '../../src/core/lineRange';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { seededRandom } from '../../src/core/seededRandom';
import { reviewEvent } from '../support/reviewEvents';

const config = parseConfig({ dataset: { findingsNegativeShare: 0.5 } });
const FILE_LINES = 1500;
const fileText = Array.from({ length: FILE_LINES }, (_, i) => `  step${i + 1}(value);`).join('\n');

/** A pull request's comments on one file whose changed lines git gave (anchor.changed). */
function comments(pr: string, changed: LineRange[], on: Array<[line: number, words: string]>): ReviewEvent[] {
  return on.map(([line, words]) =>
    reviewEvent({ groupId: pr, path: `src/${pr}.c`, comment: words, anchor: { commit: `c-${pr}`, fileText, startLine: line, endLine: line, changed } }),
  );
}

/** The line ranges a sample's prompt shows ("12-40, 60-70"), from the record its prompt was built from. */
function shown(sample: Sample): string {
  return sample.metadata.prompt.window!.map((s) => `${s.startLine}-${s.endLine}`).join(', ');
}

const findingsOf = (sample: Sample) => (JSON.parse(sample.response) as { findings: Array<{ startLine: number; message: string }> }).findings;

describe('review-findings windows', () => {
  it('are the windows a diff review of the pull request is sent; a window with two comments gives two findings; negatives are its uncommented hunks', async () => {
    const changed = [
      { startLine: 20, endLine: 150 },
      { startLine: 400, endLine: 520 },
      { startLine: 700, endLine: 705 },
      { startLine: 1100, endLine: 1290 },
    ];
    const events = comments('pr-7', changed, [
      [30, 'This loop never ends when value is 0.'],
      [45, 'Free the buffer on the error path too.'],
      [1200, 'Name this constant.'],
    ]);
    const { samples } = await reviewFindingsSamples(events, { config });
    const target = { ...fileTarget('src/pr-7.c', fileText), ranges: expandRanges(changed, config.review.diffContextLines, FILE_LINES) };
    const served = reviewWindows(target, config.review.windowLines).map((w) => w.segments.map((s) => `${s.startLine}-${s.endLine}`).join(', '));
    assert.ok(served.length >= 3, served.join(' | '));
    for (const sample of samples) assert.ok(served.includes(shown(sample)), `${shown(sample)} is not a served window: ${served.join(' | ')}`);
    const positives = samples.filter((s) => findingsOf(s).length > 0);
    assert.deepEqual(
      positives.map((s) => findingsOf(s).map((f) => f.startLine)),
      [[30, 45], [1200]],
    );
    const negatives = samples.filter((s) => findingsOf(s).length === 0);
    // The one window without a comment (the 0.5 share asks for two).
    assert.equal(negatives.length, 1);
    for (const negative of negatives) {
      assert.equal(negative.groupId, 'pr-7');
      assert.ok(!positives.some((p) => shown(p) === shown(negative)));
    }
  });

  it('window length alone predicts the label no better than the base rate, though commented hunks are the long ones', async () => {
    const random = seededRandom(22);
    const events: ReviewEvent[] = [];
    for (let pr = 0; pr < 40; pr++) {
      // A short hunk, in half the pull requests a long one that drew no comment, and a long one that drew one:
      // too long to share a window, so the short hunks are short negatives a length threshold would tell apart.
      const short = { startLine: 100, endLine: 103 + Math.floor(random() * 37) };
      const quiet = { startLine: 400, endLine: 610 + Math.floor(random() * 25) };
      const commented = { startLine: 1100, endLine: 1310 + Math.floor(random() * 25) };
      events.push(...comments(`pr-${pr}`, [short, ...(pr % 2 === 0 ? [quiet] : []), commented], [[1110, 'Check the return value of read().']]));
    }
    const { samples } = await reviewFindingsSamples(events, { config: parseConfig({ dataset: { findingsNegativeShare: 0.25 } }) });
    const labelled = samples.map((s) => ({ length: s.metadata.windowLines!, positive: findingsOf(s).length > 0 }));
    assert.equal(labelled.filter((l) => l.positive).length, 40);
    const signal = lengthSignal(labelled)!;
    // Negatives taken in seeded order alone give AUC 0.60 and a threshold 7.5 points above the base rate here.
    assert.ok(signal.auc > 0.4 && signal.auc < 0.6, JSON.stringify(signal));
    assert.ok(signal.thresholdAccuracy - signal.baseRate < 0.05, JSON.stringify(signal));
  });
});

describe('review-findings negatives from the files a pull request changed without a comment', () => {
  it('are the windows a diff review of those files is sent, before any hunk merged as written', async () => {
    const quietText = Array.from({ length: 400 }, (_, i) => `  other${i + 1}(value);`).join('\n');
    const quietChanged = [{ startLine: 30, endLine: 170 }];
    const events: ReviewEvent[] = [];
    for (const pr of ['pr-1', 'pr-2']) {
      // The commented file's only change lies in one window, so that file offers no negative.
      events.push(...comments(pr, [{ startLine: 20, endLine: 160 }], [[40, 'Check the return value of read().']]));
      events.push(reviewEvent({ kind: 'pr-file', groupId: pr, path: `src/${pr}-quiet.c`, neededReview: false, reviewedFile: { commit: `c-${pr}`, fileText: quietText, changed: quietChanged } }));
      // A hunk merged as written elsewhere: short, as a hunk alone is.
      events.push(reviewEvent({ kind: 'branch-rewrite', groupId: `merge-${pr}`, path: 'src/other.c', neededReview: false, diffHunk: '@@ -1,2 +1,3 @@\n int a;\n+int b;\n int c;' }));
    }
    const { samples } = await reviewFindingsSamples(events, { config });
    const negatives = samples.filter((s) => findingsOf(s).length === 0);
    assert.equal(negatives.length, 2);
    const quietTarget = (pr: string) => ({ ...fileTarget(`src/${pr}-quiet.c`, quietText), ranges: expandRanges(quietChanged, config.review.diffContextLines, 400) });
    for (const negative of negatives) {
      const path = negative.metadata.prompt.path;
      assert.match(path, /^src\/pr-[12]-quiet\.c$/);
      const served = reviewWindows(quietTarget(negative.groupId), config.review.windowLines).map((w) => w.segments.map((s) => `${s.startLine}-${s.endLine}`).join(', '));
      assert.ok(served.includes(shown(negative)), `${shown(negative)} is not a served window of ${path}: ${served.join(' | ')}`);
    }
  });
});

describe('lengthSignal', () => {
  it('is perfect for lengths that separate the labels, and at the base rate for lengths that say nothing', () => {
    const separated = [1, 2, 3, 10, 11, 12, 13].map((length) => ({ length, positive: length >= 10 }));
    assert.deepEqual(lengthSignal(separated), { samples: 7, baseRate: 4 / 7, thresholdAccuracy: 1, auc: 1 });
    const same = [5, 5, 7, 7, 5, 5, 7, 7].map((length, i) => ({ length, positive: i % 2 === 0 }));
    assert.deepEqual(lengthSignal(same), { samples: 8, baseRate: 0.5, thresholdAccuracy: 0.5, auc: 0.5 });
    // Shorter positives are as telling as longer ones.
    assert.equal(lengthSignal(separated.map((item) => ({ ...item, positive: !item.positive })))!.thresholdAccuracy, 1);
    assert.equal(lengthSignal([{ length: 3, positive: true }]), undefined);
  });
});
