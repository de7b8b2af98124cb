import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { EvaluationReport } from '../../core/eval/evaluate';
import { ROUTES, parseRoutes } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, stderrProgress, withInterrupt, withService } from '../run';
import { FIGURE_HEADERS, figureCells, table } from '../table';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description("Score routes on a dataset's test split (BLEU-4, exact match, line agreement, valid answers, latency, tokens) and probe general coding skill.")
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

function formatReport(report: EvaluationReport): string {
  const tasks = Object.entries(report.byTask).map(([task, n]) => `${n} ${task}`).join(', ') || 'none of the evaluated tasks';
  let text = `Evaluated ${report.examples} test example${report.examples === 1 ? '' : 's'} (${tasks}) from ${report.dataset}\n\n`;
  const rows = report.routes.map((r) => [
    r.route,
    r.model,
    r.bleu4.toFixed(2),
    percent(r.exactMatch),
    percent(r.validRate),
    r.lineAgreement ? `${percent(r.lineAgreement.precision)} / ${percent(r.lineAgreement.recall)}` : 'n/a',
    ...figureCells(r),
  ]);
  text += table(['route', 'model', 'BLEU-4', 'exact', 'valid', 'lines P / R', ...FIGURE_HEADERS], rows);
  text += '\nGeneral coding probe:\n';
  for (const p of report.probe) text += `  ${p.role} ${p.model}: ${p.correct}/${p.total}\n`;
  return `${text}\nWritten to ${report.file}\n`;
}
