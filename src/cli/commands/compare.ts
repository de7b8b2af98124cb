import type { Command } from 'commander';
import { HouseStyleError } from '../../core/errors';
import type { Comparison } from '../../core/eval/compare';
import { ROUTES, parseRoutes, terminalLine } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, reviewScope, stderrProgress, withInterrupt, withService } from '../run';
import { FIGURE_HEADERS, figureCells, table } from '../table';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('Review the same files under each route (rag, fine-tuned, hybrid) and show findings, sources, latency and tokens side by side.')
    .argument('[files...]', 'files to review')
    .option('--diff [base]', 'review changed lines against HEAD, or against the merge base with BASE')
    .option('--routes <list>', 'comma-separated routes', ROUTES.join(','))
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the comparison as JSON')
    .action(
      action(async (files: string[], options: HostOptions & { diff?: string | boolean; routes: string; workspace?: string; json?: boolean }) => {
        if ((files.length > 0) === (options.diff !== undefined)) {
          throw new HouseStyleError(files.length > 0 ? 'Pass either files or --diff, not both.' : 'Nothing to compare: name the files, or pass --diff [BASE].', 'For example: housestyle compare src/app.ts', 'usage');
        }
        const routes = parseRoutes(options.routes);
        const progress = stderrProgress();
        const comparison = await withService(options, options, (service) =>
          withInterrupt((signal) => service.compare({ scope: reviewScope(files, options.diff), routes, progress, signal })).finally(() => progress.end()),
        );
        if (options.json) present.json(comparison);
        else present.text(formatComparison(comparison));
      }),
    );
}

function formatComparison(comparison: Comparison): string {
  const rows = comparison.routes.map((r) => [r.route, r.model, String(r.findings.length), String(r.citedPassages.length), ...figureCells(r)]);
  let text = `Compared ${comparison.paths.length} file${comparison.paths.length === 1 ? '' : 's'}: ${comparison.paths.join(', ')}\n\n`;
  text += table(['route', 'model', 'findings', 'sources', ...FIGURE_HEADERS], rows);
  for (const route of comparison.routes) {
    text += `\n${route.route}:\n`;
    if (route.findings.length === 0) text += '  no findings\n';
    for (const f of route.findings) {
      const sources = f.citations.map((c) => `${c.source}:${c.startLine}-${c.endLine}`).join(', ') || 'no source';
      text += `  ${terminalLine(`${f.path}:${f.startLine}: ${f.severity}: ${f.message} (${sources})`)}\n`;
    }
  }
  if (comparison.summary.length) text += `\n${comparison.summary.join('\n')}\n`;
  return text;
}
