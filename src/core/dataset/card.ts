import * as path from 'node:path';
import type { DatasetReport, HistogramBucket } from './datasetReport';
import type { SkipRecord } from './reviewEvent';
import { scrubClass } from './secretPatterns';
import { SPLIT_NAMES } from './split';
import { Tally } from './tally';

/** Bucket bounds in characters, doubling, then an open bucket. */
const BOUNDS = [128, 256, 512, 1024, 2048, 4096, 8192];
const BAR_WIDTH = 30;

export function histogram(lengths: Iterable<number>): HistogramBucket[] {
  const buckets: HistogramBucket[] = [...BOUNDS.map((upTo) => ({ upTo, count: 0 })), { upTo: null, count: 0 }];
  for (const length of lengths) {
    const bucket = buckets.find((b) => b.upTo === null || length <= b.upTo)!;
    bucket.count++;
  }
  return buckets;
}

function renderHistogram(buckets: HistogramBucket[]): string {
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const labels = buckets.map((b, i) => (b.upTo === null ? `> ${BOUNDS.at(-1)}` : `${i === 0 ? 0 : BOUNDS[i - 1]! + 1}–${b.upTo}`));
  const width = Math.max(...labels.map((l) => l.length));
  const lines = buckets.map((b, i) => `${labels[i]!.padStart(width)} | ${'█'.repeat(Math.ceil((b.count / max) * BAR_WIDTH))} ${b.count}`);
  return ['```text', ...lines, '```'].join('\n');
}

function table(header: [string, string], rows: [string, number][]): string {
  if (rows.length === 0) return '_None._';
  return [`| ${header[0]} | ${header[1]} |`, '| --- | ---: |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

const entries = (record: Record<string, number>): [string, number][] => Object.entries(record);

const percent = (n: number, total: number) => `${total === 0 ? 0 : Math.round((n / total) * 1000) / 10}%`;

/** Each task's count and the balance of its answers. */
function taskTable(report: DatasetReport): string {
  const { samples } = report;
  const balance = (task: string) => {
    const labels = samples.labels[task as keyof typeof samples.labels];
    if (!labels) return '';
    const total = Object.values(labels).reduce((sum, n) => sum + n, 0);
    return Object.entries(labels)
      .map(([label, n]) => `${label} ${n} (${percent(n, total)})`)
      .join(', ');
  };
  const rows = Object.entries(samples.byTask).map(([task, n]) => `| ${task} | ${n} | ${percent(n, samples.total)} | ${balance(task)} |`);
  return rows.length ? ['| Task | Samples | Share | Balance |', '| --- | ---: | ---: | --- |', ...rows].join('\n') : '_None._';
}

/** How the history's pull requests landed, and where their review text is when git does not hold it. */
function historySection(report: DatasetReport): string[] {
  const h = report.history;
  if (!h) return [];
  const lines = [
    '## History',
    '',
    `${h.commits} commits mined. Pull requests found: ${h.pullRequestMerges} merged branches and ${h.pullRequestRuns} runs of commits sharing a \`PR-URL\` ` +
      `(mined as review rounds); ${h.branchSyncs} merges left out as branch syncs (release or maintenance lines, shared branches: their commits count as plain commits); ` +
      `${h.squashMerges} squash merges; ${h.pullRequestReferences} distinct pull requests referenced in commit messages.`,
    '',
  ];
  if (h.squashMerges > 0 || h.pullRequestReferences > h.pullRequestMerges + h.pullRequestRuns) {
    lines.push(
      "Squash-merged pull requests keep their review out of git: the reviewers' words live in the forge. Export them (GitHub: " +
        '`GET /repos/{owner}/{repo}/pulls/{n}/comments`; GitLab: `GET /projects/:id/merge_requests/:iid/discussions`) and pass the files with `--comments`.',
      '',
    );
  }
  return lines;
}

/** What would give this dataset more, and better, samples. */
function moreData(report: DatasetReport): string[] {
  const tips: string[] = [];
  const { byTask } = report.samples;
  if (!byTask['review-findings']) tips.push('Pull-request review comments (`--comments` with a GitHub or GitLab export) give `review-findings`, the task the reviewer serves.');
  if (!report.knowledgeBase.startsWith('Hybrid')) tips.push("Style guides and docs in the workspace's knowledge base (`housestyle index`) give the hybrid `review-findings` variant.");
  if (!byTask['review-comment']) tips.push('Review notes (`git notes --ref=review`) or comment exports give `review-comment` and `rule-explanation`.');
  if (report.samples.bySplit.train < 500) tips.push('More history (a wider `--since`, no `--max-commits`) or more exports: under 500 training samples a LoRA rarely learns a team\'s habits.');
  tips.push('Accepted and dismissed findings in the editor (the feedback log) give preference pairs.');
  return ['## For more data', '', ...tips.map((tip) => `- ${tip}`), ''];
}

function scrubsByClass(scrubs: Record<string, number>): Record<string, number> {
  const tally = new Tally();
  for (const [kind, n] of Object.entries(scrubs)) tally.add(scrubClass(kind), n);
  return tally.toRecord();
}

/** Where the reviewers' words came from: the forge and the fetch date, or the exported file. */
function reviewCommentSources(report: DatasetReport): string {
  if (report.reviewComments.length === 0) return 'Review comments: none (no export given and none fetched with `housestyle dataset fetch`).';
  const named = report.reviewComments.map((origin) =>
    origin.fetched ? `${origin.fetched.source}, fetched from the forge on ${origin.fetched.fetchedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}` : `the export \`${path.basename(origin.file)}\``,
  );
  return `Review comments from ${named.join('; ')}.`;
}

/** The dataset card: README.md in the output folder, for the people who will train on it. */
/** How well window length alone predicts whether a review-findings answer has findings. */
function findingsLengthLine(report: DatasetReport): string {
  const signal = report.samples.findingsLength;
  if (!signal) {
    const count = report.samples.byTask['review-findings'] ?? 0;
    return count === 0
      ? 'No review-findings samples: they are made from review comments (add exports with --comments, or `housestyle dataset fetch`).'
      : `Review-findings windows are cut as \`review --diff\` cuts them when serving; all ${count} have the same kind of answer, so there is no length signal to measure.`;
  }
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  return (
    'Review-findings windows are cut as `review --diff` cuts them when serving, negatives chosen as long as positives: ' +
    `window length alone predicts whether an answer has findings with at best ${pct(signal.thresholdAccuracy)} accuracy (the best length threshold) ` +
    `against a base rate of ${pct(signal.baseRate)} (always the more common answer); AUC ${signal.auc.toFixed(2)} (0.50 is no signal), over ${signal.samples} samples.`
  );
}

export function renderDatasetCard(report: DatasetReport): string {
  const { samples, preferencePairs: pairs } = report;
  const splitRows = SPLIT_NAMES.map((split): [string, number] => [split, samples.bySplit[split]]);
  const pairRows = SPLIT_NAMES.map((split): [string, number] => [split, pairs.bySplit[split]]);
  const ratios = SPLIT_NAMES.map((s) => `${s} ${Math.round(report.split.ratios[s] * 100)}%`).join(', ');
  return [
    '# House Style fine-tuning dataset',
    '',
    `Built by \`${report.generator}\` on ${report.builtAt} in the **${report.format}** format, from the repository's review history. ` +
      'Secrets and personal data were scrubbed before anything was written; the counts are below.',
    '',
    reviewCommentSources(report),
    '',
    ...(report.warnings.length ? ['## Warnings', '', ...report.warnings.map((w) => `- ${w}`), ''] : []),
    '## Files',
    '',
    ...report.files.map((f) => `- \`${f}\``),
    '',
    '`metadata.jsonl` has one line per written record: its file and line, task, change, source, path and language, and the record of its prompt ' +
      '(the window and its lines, the diff or code, the comment, the cited rule, the rules shown, the nonce), from which `housestyle eval` rebuilds the prompt.',
    '',
    '## Samples',
    '',
    `${samples.total} supervised samples; ${pairs.total} preference pairs.`,
    report.dateRange ? `Changes and comments from ${report.dateRange.from} to ${report.dateRange.to}.` : 'No dated samples.',
    '',
    '### By split',
    '',
    `Split by change (pull request, merge or commit), never one change across sets; seed \`${report.split.seed}\`, ratios ${ratios}; ` +
      `actual shares ${SPLIT_NAMES.map((s) => `${s} ${percent(samples.bySplit[s], samples.total)}`).join(', ')}.`,
    '',
    `Leakage: samples at least ${report.leakage.threshold} similar once versions, numbers and the numbers in identifiers are normalised are near-duplicates, ` +
      `and their changes are split together (${report.leakage.groups} changes in ${report.leakage.units} units). ` +
      `Near-duplicate pairs across splits, checked after splitting: **${report.leakage.crossSplitPairs}**.`,
    '',
    table(['Split', 'Samples'], splitRows),
    '',
    table(['Split', 'Preference pairs'], pairRows),
    '',
    '### By task',
    '',
    taskTable(report),
    '',
    "No commit message is ever used as a reviewer's words. Git history alone (review follow-ups, rewrites inside pull-request branches) " +
      `gave only tasks that need none: ${Object.entries(samples.fromGitOnly).map(([task, n]) => `${task} ${n}`).join(', ') || 'nothing'} ` +
      '(code refinement from git asks for the revision without a review comment).',
    '',
    `\`review-findings\` is the reviewer's own request (the same prompt builder), answered with the findings the human comments in each window stand for; ` +
      'the fine-tuned variant has no rules and no citations, the hybrid variant has the rules the reviewer retrieves and cites the one a comment matches. ' +
      'Severity follows what the comment means: a defect it names (bug, crash, leak, overflow, undefined behaviour, uninitialised read, infinite loop or spin, abort, race, security, data loss), unless it denies it, is an error however hedged; layout and wording (nit, typo, indent, whitespace, naming) is a hint; a request (should, must, please, avoid, missing, wrong, never or always) is a warning; a hedged idea (consider, maybe) is a hint; anything else is info. The rule is a short whole summary: a rule the comment cites, else its first sentence without openers.',
    '',
    findingsLengthLine(report),
    '',
    report.knowledgeBase,
    '',
    '### By source',
    '',
    table(['Source', 'Samples'], entries(samples.bySource)),
    '',
    table(['Source', 'Evidence kept'], entries(report.events)),
    '',
    `Review threads in the comment exports: ${report.reviewThreads.exported}, of which ${report.reviewThreads.imported} were imported (their code read from git, or from the export's diff hunk where git could not supply it) and ${report.events['pr-comment'] ?? 0} kept as evidence after cleaning` +
      (report.drops['author-annotation']
        ? `; ${report.drops['author-annotation']} opened by the pull request's own author on their diff (explanations, not review) were left out as author-annotation.`
        : '.') +
      (report.drops['no-request']
        ? ` ${report.drops['no-request']} threads whose root comment asks nothing of the code (praise or thanks, a remark about the review or the pull request, an FYI, explanation or answer, with no question about the code, suggestion, request or named defect) were left out as no-request.`
        : ''),
    '',
    ...(pairs.total ? [table(['Pairing', 'Preference pairs'], entries(pairs.byPairing)), ''] : []),
    ...historySection(report),
    '## Lengths (characters)',
    '',
    'User prompt:',
    '',
    renderHistogram(report.lengths.prompt),
    '',
    'Answer:',
    '',
    renderHistogram(report.lengths.response),
    '',
    '## Scrubbed',
    '',
    'Secrets and personal data replaced with placeholders such as `<SECRET:stripe-key>` or `<EMAIL>`, by class. Every text read from the history and the exports is scrubbed before it is judged, so these counts include texts later left out: the written files may hold fewer.',
    '',
    table(['Class', 'Replacements'], entries(scrubsByClass(report.scrubs))),
    '',
    'By kind:',
    '',
    table(['Kind', 'Replacements'], entries(report.scrubs)),
    '',
    '## Left out',
    '',
    'Dropped by cleaning, de-duplication and sample building:',
    '',
    table(['Reason', 'Dropped'], entries(report.drops)),
    '',
    'Skipped by the sources (git history, comment exports, feedback log):',
    '',
    table(['Reason', 'Skipped'], entries(report.skipped.byReason)),
    '',
    `Review comments whose code came from the export's diff hunk because git could not supply it (the commit or file is not local, or the commented line there is not the hunk's): ${report.fallbacks.commentHunkFromExport}.`,
    ...exampleList(report.fallbacks.examples, report.fallbacks.commentHunkFromExport),
    '',
    `Files that are not hand-written code (generated, lock files, minified), left out whole: ${report.generatedFiles.files}.`,
    ...exampleList(report.generatedFiles.examples, report.generatedFiles.files),
    '',
    ...moreData(report),
    '## Training',
    '',
    `\`train_lora.yaml\` is a LoRA SFT starting point for LLaMA-Factory (rank 16, alpha 32) on \`${report.training.baseModel}\` ` +
      `with the \`${report.training.template}\` template; \`dataset_info.json\` describes the files. Run \`llamafactory-cli train train_lora.yaml\`. ` +
      `The adapter is saved to \`${report.training.adapterDir}\`, outside this folder; a rebuild replaces only the files it wrote here.`,
    '',
  ].join('\n');
}

/** Named examples under a count, saying when they are only the first of it. */
function exampleList(examples: readonly SkipRecord[], total: number): string[] {
  if (examples.length === 0) return [];
  return ['', ...(examples.length < total ? [`The first ${examples.length} of ${total}:`, ''] : []), ...examples.map((f) => `- ${f.source}: ${f.reason}`)];
}
