import type { DatasetReport, HistogramBucket } from './datasetReport';
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

function scrubsByClass(scrubs: Record<string, number>): Record<string, number> {
  const tally = new Tally();
  for (const [kind, n] of Object.entries(scrubs)) tally.add(scrubClass(kind), n);
  return tally.toRecord();
}

/** The dataset card: README.md in the output folder, for the people who will train on it. */
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
    ...(report.warnings.length ? ['## Warnings', '', ...report.warnings.map((w) => `- ${w}`), ''] : []),
    '## Files',
    '',
    ...report.files.map((f) => `- \`${f}\``),
    '',
    '## Samples',
    '',
    `${samples.total} supervised samples; ${pairs.total} preference pairs.`,
    report.dateRange ? `Changes and comments from ${report.dateRange.from} to ${report.dateRange.to}.` : 'No dated samples.',
    '',
    '### By split',
    '',
    `Split by change (pull request, merge or commit), never one change across sets; seed \`${report.split.seed}\`, ratios ${ratios}.`,
    '',
    table(['Split', 'Samples'], splitRows),
    '',
    table(['Split', 'Preference pairs'], pairRows),
    '',
    '### By task',
    '',
    table(['Task', 'Samples'], entries(samples.byTask)),
    '',
    '### By source',
    '',
    table(['Source', 'Samples'], entries(samples.bySource)),
    '',
    table(['Source', 'Evidence kept'], entries(report.events)),
    '',
    ...(pairs.total ? [table(['Pairing', 'Preference pairs'], entries(pairs.byPairing)), ''] : []),
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
    'Secrets and personal data replaced with placeholders such as `<SECRET:stripe-key>` or `<EMAIL>`, by class:',
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
    '## Training',
    '',
    `\`train_lora.yaml\` is a LoRA SFT starting point for LLaMA-Factory (rank 16, alpha 32) on \`${report.training.baseModel}\` ` +
      `with the \`${report.training.template}\` template; \`dataset_info.json\` describes the files. Run \`llamafactory-cli train train_lora.yaml\`.`,
    '',
  ].join('\n');
}
