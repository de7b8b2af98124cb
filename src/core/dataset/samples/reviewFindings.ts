import type { Config } from '../../config';
import { HouseStyleError, throwIfCancelled } from '../../errors';
import { sha256 } from '../../hash';
import { parseHunkHeader } from '../../git/hunk';
import type { PackedPassage } from '../../review/contextBudget';
import { expandRanges, lineCount, type LineRange } from '../../lineRange';
import type { ReviewPromptVariant } from '../../promptVariant';
import { fileTarget, type ReviewTarget } from '../../review/reviewTarget';
import { reviewWindows, windowContains, type ReviewWindow } from '../../review/reviewWindow';
import { programmingLanguage, rulesForWindow, type RuleSearch } from '../../review/ruleRetrieval';
import { validateAnswer } from '../../review/validateFindings';
import type { ReviewEvent } from '../reviewEvent';
import { Tally } from '../tally';
import { citedPassage, commentFinding } from './commentFinding';
import { sampleMetadata, type Sample } from './sample';
import { samplePrompt } from './samplePrompt';

export interface ReviewFindingsOptions {
  config: Config;
  /** The workspace's knowledge base; without it only the fine-tuned variant is built. */
  rules?: RuleSearch;
  signal?: AbortSignal;
}

export interface ReviewFindingsResult {
  samples: Sample[];
  /** Comments and windows that gave no review-findings sample, by reason. */
  drops: Tally;
}

/** One window the reviewer would be sent, the comments made inside it, and the event it stands for. */
interface TrainingWindow {
  window: ReviewWindow;
  comments: ReviewEvent[];
  event: ReviewEvent;
}

/**
 * The reviewer's own task as training data: for each window of a commented file, the request
 * `buildReviewPrompt` makes (with the rules `rulesForWindow` retrieves for the hybrid variant, without rules
 * for the fine-tuned one) and the findings the human comments in that window stand for, as many as it holds.
 * Windows are cut as `review --diff` cuts them when serving: every line the pull request changed in the file,
 * with the same context, up to review.windowLines. Windows without a comment are `{"findings": []}`
 * negatives, dataset.findingsNegativeShare of the task: first those of the same pull request (its commented
 * files' other windows, and the windows of the files it changed that drew no comment), each chosen
 * nearest in length to a positive, so that window length alone does not give the label away. Every answer is
 * checked by the reviewer's `validateAnswer`; one that fails it stops the build.
 */
export async function reviewFindingsSamples(events: readonly ReviewEvent[], options: ReviewFindingsOptions): Promise<ReviewFindingsResult> {
  const drops = new Tally();
  const { positives, negatives } = trainingWindows(events, options.config, drops);
  const samples: Sample[] = [];
  const variants: ReviewPromptVariant[] = options.rules ? ['without-rules', 'with-rules'] : ['without-rules'];
  for (const variant of variants) {
    const made: number[] = [];
    for (const item of positives) {
      throwIfCancelled(options.signal);
      const sample = await windowSample(item, variant, options, drops);
      if (sample) {
        samples.push(sample);
        made.push(windowLength(item.window));
      }
    }
    // Negatives in the configured proportion of this variant's positives.
    const share = options.config.dataset.findingsNegativeShare;
    const wanted = Math.round((made.length * share) / (1 - share));
    // Each negative is as long as a positive at evenly spaced quantiles of the positives' lengths.
    const lengths = made.sort((a, b) => a - b);
    const unused = negatives.map((item) => ({ item, lines: windowLength(item.window) }));
    for (let taken = 0; taken < wanted && unused.length > 0; ) {
      throwIfCancelled(options.signal);
      const item = takeNearest(unused, lengths[Math.floor(((taken + 0.5) * lengths.length) / wanted)]!);
      const sample = await windowSample(item, variant, options, drops);
      if (sample) {
        samples.push(sample);
        taken++;
      }
    }
  }
  return { samples, drops };
}

/** Lines of code a window shows. */
function windowLength(window: ReviewWindow): number {
  return window.segments.reduce((sum, segment) => sum + lineCount(segment), 0);
}

/**
 * Removes and returns the window nearest `length` lines long; ties go to the earlier one (same pull request first,
 * then seeded). Lengths are counted once, beside the windows: this runs once per negative over all the rest.
 */
function takeNearest(items: Array<{ item: TrainingWindow; lines: number }>, length: number): TrainingWindow {
  let best = 0;
  for (let i = 1; i < items.length; i++) {
    if (Math.abs(items[i]!.lines - length) < Math.abs(items[best]!.lines - length)) best = i;
  }
  return items.splice(best, 1)[0]!.item;
}

/**
 * Commented windows, and uncommented ones: other windows of the pull requests' commented files and the windows
 * of their uncommented files ('pr-file' events) first, then windows of hunks merged as written; each kind in a
 * seeded order.
 */
function trainingWindows(events: readonly ReviewEvent[], config: Config, drops: Tally): { positives: TrainingWindow[]; negatives: TrainingWindow[] } {
  const byFile = new Map<string, ReviewEvent[]>();
  for (const event of events) {
    if (event.kind !== 'pr-comment' || !event.comment) continue;
    if (!event.anchor) {
      drops.add('comment-without-code-from-git');
      continue;
    }
    const key = `${event.groupId}\u0000${event.path}\u0000${event.anchor.commit}`;
    byFile.set(key, [...(byFile.get(key) ?? []), event]);
  }
  const positives: TrainingWindow[] = [];
  const samePullRequest: TrainingWindow[] = [];
  const mergedAsWritten: TrainingWindow[] = [];
  const { windowLines, diffContextLines } = config.review;
  for (const comments of byFile.values()) {
    const first = comments[0]!;
    const anchor = first.anchor!;
    const target = fileTarget(first.path, anchor.fileText);
    const commented = comments.map((c) => ({ startLine: c.anchor!.startLine, endLine: c.anchor!.endLine }));
    // What a diff review of the pull request is sent for this file; without its base, the commented hunks.
    const changed = anchor.changed ?? comments.flatMap((c) => (c.fullHunk ? addedLines(c.fullHunk) : []));
    const reviewed: ReviewTarget = { ...target, ranges: expandRanges([...commented, ...changed], diffContextLines, target.lines.length) };
    const placed = new Set<ReviewEvent>();
    for (const window of reviewWindows(reviewed, windowLines)) {
      const inside = comments.filter((c) => windowContains(window, c.anchor!));
      for (const c of inside) placed.add(c);
      (inside.length > 0 ? positives : samePullRequest).push({ window, comments: inside, event: first });
    }
    drops.add('comment-across-windows', comments.length - placed.size);
  }
  for (const event of events) {
    // A file the pull request changed that drew no comment: the windows a diff review of it is sent.
    if (event.kind !== 'pr-file' || !event.reviewedFile?.changed) continue;
    const target = fileTarget(event.path, event.reviewedFile.fileText);
    const reviewed: ReviewTarget = { ...target, ranges: expandRanges(event.reviewedFile.changed, diffContextLines, target.lines.length) };
    for (const window of reviewWindows(reviewed, windowLines)) samePullRequest.push({ window, comments: [], event });
  }
  for (const event of events) {
    // A hunk merged as written in a pull request: what the reviewer saw there drew no comment.
    if (event.kind !== 'branch-rewrite' || event.neededReview) continue;
    const target = hunkTarget(event, diffContextLines);
    if (!target) continue;
    for (const window of reviewWindows(target, windowLines)) mergedAsWritten.push({ window, comments: [], event });
  }
  const order = (item: TrainingWindow) => sha256(config.dataset.seed, item.event.groupId, item.window.target.path, describe(item.window));
  const seeded = (items: TrainingWindow[]) => items.sort((a, b) => (order(a) < order(b) ? -1 : 1));
  return { positives, negatives: [...seeded(samePullRequest), ...seeded(mergedAsWritten)] };
}

async function windowSample(item: TrainingWindow, variant: ReviewPromptVariant, options: ReviewFindingsOptions, drops: Tally): Promise<Sample | undefined> {
  const { config } = options;
  const { window, comments, event } = item;
  const nonce = sha256(config.dataset.seed, event.groupId, window.target.path, describe(window)).slice(0, 16);
  const findings = comments.map((c) => commentFinding({ comment: c.comment!, startLine: c.anchor!.startLine, endLine: c.anchor!.endLine, ...(c.anchor!.revised !== undefined && { revised: c.anchor!.revised }) }));
  let rules: PackedPassage[] = [];
  let answer: object[] = findings;
  if (variant === 'with-rules') {
    rules = (await rulesForWindow(options.rules!, window, config)).passages;
    // The reviewer sends no request for a window no rule applies to.
    if (rules.length === 0) {
      drops.add('hybrid-window-without-rules');
      return undefined;
    }
    const language = programmingLanguage(window.target.language);
    const cited = await Promise.all(
      findings.map(async (finding) => ({ ...finding, citations: [await citedPassage(options.rules!, finding.message, rules, { rank: config.dataset.citationRank, ...(language && { language }) })] })),
    );
    answer = cited.filter((finding) => finding.citations[0] !== undefined);
    drops.add('hybrid-finding-without-matching-rule', cited.length - answer.length);
    if (findings.length > 0 && answer.length === 0) return undefined;
  }
  const input = { task: 'review-findings', variant, window, rules } as const;
  const { prompt, record, labels } = samplePrompt(input, window.target, nonce);
  const response = JSON.stringify({ findings: answer });
  const check = validateAnswer(response, window, labels, variant);
  const kept = check.ok ? check.findings.length : 0;
  if (!check.ok || kept !== answer.length) {
    const where = `${window.target.path}:${describe(window)}`;
    throw new HouseStyleError(
      `A review-findings answer for ${where} failed the reviewer's own validation (${check.ok ? `${answer.length - kept} of ${answer.length} findings dropped` : check.reason}); no dataset was written.`,
      'This is a bug in House Style; please report it with the repository history that caused it.',
      'dataset',
    );
  }
  return { ...prompt, task: 'review-findings', groupId: event.groupId, response, metadata: { ...sampleMetadata(event, record), variant, windowLines: windowLength(window) } };
}

/** New-side lines a hunk adds. */
function addedLines(hunkText: string): LineRange[] {
  const [header = '', ...body] = hunkText.split('\n');
  const hunk = parseHunkHeader(header);
  if (!hunk) return [];
  const ranges: LineRange[] = [];
  let line = hunk.newStart;
  for (const text of body) {
    if (text[0] === '+') ranges.push({ startLine: line, endLine: line });
    if (text[0] === '+' || text[0] === ' ' || text === '') line++;
  }
  return ranges;
}

/**
 * A review target from a hunk alone: the hunk's new side at its own line numbers (lines before it are
 * blank, never shown: the prompt shows only the lines under review), its added lines under review with the
 * context a diff review gives them, within the hunk.
 */
function hunkTarget(event: ReviewEvent, contextLines: number): ReviewTarget | undefined {
  const [header = '', ...body] = event.diffHunk.split('\n');
  const hunk = parseHunkHeader(header);
  const added = addedLines(event.diffHunk);
  if (!hunk || added.length === 0) return undefined;
  const newSide = body.filter((text) => text[0] !== '-' && text[0] !== '\\').map((text) => text.slice(1));
  const lines = [...Array<string>(hunk.newStart - 1).fill(''), ...newSide];
  const target = fileTarget(event.path, `${lines.join('\n')}\n`);
  const ranges = expandRanges(added, contextLines, lines.length).map((r) => ({ startLine: Math.max(hunk.newStart, r.startLine), endLine: r.endLine }));
  return { ...target, ranges };
}

function describe(window: ReviewWindow): string {
  return window.segments.map((s) => `${s.startLine}-${s.endLine}`).join(',');
}
