import type { Command } from 'commander';
import { Option } from 'commander';
import * as path from 'node:path';
import type { DatasetReport } from '../../core/dataset/datasetReport';
import type { FormatName } from '../../core/dataset/exporters/datasetFormat';
import { HouseStyleError } from '../../core/errors';
import { FORMAT_NAMES, fetchProgressText, parseNumberRange } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, stderrProgress, withInterrupt, withService } from '../run';

interface DatasetBuildOptions {
  workspace?: string;
  repo?: string;
  comments?: string[];
  feedback?: string;
  out?: string;
  format: FormatName;
  since?: string;
  until?: string;
  path?: string[];
  maxCommits?: string;
  baseModel?: string;
  json?: boolean;
}

const counts = (record: Record<string, number>) =>
  Object.entries(record)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ');
const total = (record: Record<string, number>) => Object.values(record).reduce((sum, n) => sum + n, 0);

function summary(report: DatasetReport): string {
  const { samples, preferencePairs: pairs } = report;
  return [
    `Dataset (${report.format}) written to ${report.out}`,
    `  samples: ${samples.total} (${counts(samples.bySplit)}); preference pairs: ${pairs.total} (${counts(pairs.bySplit)})`,
    `  by task: ${counts(samples.byTask) || 'none'}`,
    `  near-duplicate pairs across splits: ${report.leakage.crossSplitPairs}`,
    `  scrubbed: ${total(report.scrubs)}${total(report.scrubs) ? ` (${counts(report.scrubs)})` : ''}`,
    `  left out: ${total(report.drops)}${total(report.drops) ? ` (${counts(report.drops)})` : ''}; skipped by sources: ${total(report.skipped.byReason)}`,
    `  card: ${path.join(report.out, 'README.md')}`,
    '',
  ].join('\n');
}

function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new HouseStyleError(`${flag} must be a positive whole number, not "${value}".`, `For example: ${flag} 1000`, 'usage');
  return n;
}

export function registerDataset(program: Command): void {
  const dataset = program.command('dataset').description('Fine-tuning datasets from the repository\'s review history.');
  dataset
    .command('fetch [target]')
    .description('Fetch review comments, reviews, thread states and commits from GitHub or GitLab (target github:OWNER/REPO or gitlab:GROUP/PROJECT; default: the git remote dataset.remote) into .housestyle/forge, which dataset build reads.')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--since <date>', 'only pull requests updated since this date')
    .option('--pr <range>', 'only these pull request numbers: 12 or 100-200')
    .option('--api-url <url>', 'API root of GitHub Enterprise Server (https://HOST/api/v3) or a self-hosted GitLab (https://HOST/api/v4)')
    .option('--json', 'print the report as JSON')
    .action(
      action(async (target: string | undefined, options: { workspace?: string; since?: string; pr?: string; apiUrl?: string; json?: boolean }) => {
        const progress = stderrProgress();
        const report = await withService(options, undefined, (service) =>
          withInterrupt((signal) =>
            service.fetchReviewComments({ target, apiUrl: options.apiUrl, since: options.since, ...(options.pr && { numbers: parseNumberRange(options.pr) }), signal, onProgress: (p) => progress.report(fetchProgressText(p), p.done, p.total) }),
          ).finally(() => progress.end()),
        );
        const { totals } = report;
        if (options.json) present.json(report, 'line');
        else present.text(`Fetched ${report.fetched} pull requests from ${report.source} (${report.unchanged} unchanged, ${report.requests.requests} requests, ${report.requests.notModified} not modified); cached: ${totals.pullRequests} pull requests, ${totals.comments} review comments, ${totals.reviews} reviews, ${totals.suggestions} suggestions; left out: ${totals.botComments} bot comments, ${totals.emptyApprovals} empty approvals.\n  export: ${report.exportFile} (dataset build reads it)\n`);
      }),
    );
  dataset
    .command('build')
    .description(
      'Mine git review history (and exported pull-request review comments, and the editor\'s feedback log) into a clean, split, secret-free fine-tuning dataset with a LLaMA-Factory config and a dataset card.',
    )
    .option('--workspace <dir>', 'workspace folder whose .housestyle/config.json applies (default: current folder)')
    .option('--repo <dir>', 'git repository to mine (default: the workspace)')
    .option('--comments <file...>', 'JSON exports of pull-request review comments (GitHub REST or GitLab discussions)')
    .option('--feedback <file>', 'editor feedback log (default: .housestyle/feedback.jsonl in the workspace, when present)')
    .option('--out <dir>', 'output folder; only the files a build wrote there are replaced, once the new build completes (default: .housestyle/datasets/<date-time> in the workspace)')
    .addOption(new Option('--format <format>', 'training file format').choices(FORMAT_NAMES).default('openai'))
    .option('--since <date>', 'only history after this date (any date git understands)')
    .option('--until <date>', 'only history before this date')
    .option('--path <glob...>', 'only history touching these paths (git pathspecs)')
    .option('--max-commits <n>', 'mine at most this many commits (default: dataset.maxCommits)')
    .option('--base-model <id>', 'Hugging Face model to train in train_lora.yaml (default: the checkpoint behind ollama.model)')
    .option('--json', 'print the report as JSON instead of a summary')
    .action(
      action(async (options: DatasetBuildOptions) => {
        const maxCommits = positiveInteger(options.maxCommits, '--max-commits');
        const progress = stderrProgress();
        const report = await withService(options, undefined, (service) =>
          withInterrupt((signal) =>
            service.buildDataset({
              ...(options.repo !== undefined && { repo: path.resolve(options.repo) }),
              comments: options.comments?.map((file) => path.resolve(file)),
              ...(options.feedback !== undefined && { feedback: path.resolve(options.feedback) }),
              ...(options.out !== undefined && { out: path.resolve(options.out) }),
              format: options.format,
              since: options.since,
              until: options.until,
              paths: options.path,
              maxCommits,
              baseModel: options.baseModel,
              signal,
              progress,
            }),
          ).finally(() => progress.end()),
        );
        if (options.json) present.json(report, 'line');
        else present.text(summary(report));
      }),
    );
}
