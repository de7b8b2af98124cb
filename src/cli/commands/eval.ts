import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { EvaluationReport } from '../../core/eval/evaluate';
import type { Figure, QualityFigures } from '../../core/eval/qualityFigures';
import { ROUTES, parseRoutes } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, stderrProgress, withInterrupt, withService } from '../run';
import { FIGURE_HEADERS, figureCells, table } from '../table';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("Score routes on a dataset's test split (BLEU-4, exact match, line agreement, valid answers, each with a 95% interval, per task and paired against rag; latency, tokens) and probe general coding skill.")
    .requiredOption('--dataset <dir>', 'a folder housestyle dataset build wrote')
    .option('--routes <list>', 'comma-separated routes', ROUTES.join(','))
    .option('--limit <n>', 'at most this many test examples', (value: string) => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of 1 or more');
      return n;
    })
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the report as JSON')
    .action(
      action(async (options: HostOptions & { dataset: string; routes: string; limit?: number; workspace?: string; json?: boolean }) => {
        const routes = parseRoutes(options.routes);
        const progress = stderrProgress();
        const report = await withService(options, options, (service) =>
          withInterrupt((signal) => service.evaluate({ dataset: options.dataset, routes, ...(options.limit && { limit: options.limit }), progress, signal })).finally(() => progress.end()),
        );
        if (options.json) present.json(report);
        else present.text(formatReport(report));
      }),
    );
}

const percent = (x: number) => `${Math.round(x * 100)}%`;
const bleu = (f: Figure) => `${f.value.toFixed(2)} [${f.low.toFixed(2)}, ${f.high.toFixed(2)}]`;
const rate = (f: Figure) => `${percent(f.value)} [${percent(f.low)}, ${percent(f.high)}]`;
const signed = (x: number, text: string) => `${x > 0 ? '+' : ''}${text}`;
const quality = (q: QualityFigures) => [bleu(q.bleu4), bleu(q.bleu4WithStop), rate(q.exactMatch), rate(q.validRate), q.lineAgreement ? `${percent(q.lineAgreement.precision.value)} / ${percent(q.lineAgreement.recall.value)}` : 'n/a'];
const QUALITY_HEADERS = ['BLEU-4', 'BLEU-4 with stopwords', 'exact', 'valid', 'lines P / R'];

function formatReport(report: EvaluationReport): string {
  const tasks = Object.entries(report.byTask).map(([task, n]) => `${n} ${task}`).join(', ');
  let text = `Evaluated ${report.examples} test example${report.examples === 1 ? '' : 's'} (${tasks}) from ${report.dataset}\n`;
  text += `BLEU-4 as CodeReviewer's evaluator returns it (stopwords removed) and with stopwords kept; [95% bootstrap interval].\n\n`;
  text += table(['route', 'model', ...QUALITY_HEADERS, ...FIGURE_HEADERS], report.routes.map((r) => [r.route, r.model, ...quality(r), ...figureCells(r)]));
  text += '\nBy task:\n';
  text += table(['route', 'task', 'examples', ...QUALITY_HEADERS], report.routes.flatMap((r) => Object.entries(r.byTask).map(([task, q]) => [r.route, task, String(q.examples), ...quality(q)])));
  if (report.differences.length > 0) {
    text += '\nAgainst the baseline, on the same examples (a difference whose interval holds 0 is no measured difference):\n';
    const delta = (f: Figure, show: (x: number) => string) => `${signed(f.value, show(f.value))} [${show(f.low)}, ${show(f.high)}]`;
    text += table(
      ['route', 'baseline', 'paired', 'BLEU-4', 'BLEU-4 with stopwords', 'exact'],
      report.differences.map((d) => [d.route, d.baseline, String(d.paired), delta(d.bleu4, (x) => x.toFixed(2)), delta(d.bleu4WithStop, (x) => x.toFixed(2)), delta(d.exactMatch, percent)]),
    );
  }
  text += '\nGeneral coding probe:\n';
  for (const p of report.probe) text += `  ${p.role} ${p.model}: ${p.correct}/${p.total}\n`;
  for (const warning of report.warnings) text += `\nWarning: ${warning}\n`;
  return `${text}\nWritten to ${report.file}\n`;
}
