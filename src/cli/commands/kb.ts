import type { Command } from 'commander';
import { terminalLine } from '../../core/service/frontEndHelpers';
import { EXIT_FINDINGS, EXIT_OK, present } from '../presenter';
import { action, positiveInt, withService } from '../run';

export function registerKb(program: Command): void {
  const kb = program.command('kb').description('Look after the knowledge base.');
  kb.command('health')
    .description('Find documents without headings, near-duplicate passages, sources no review retrieved lately and stale sections, each with its fix.')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--kb <name>', 'knowledge base (default: review.knowledgeBase, "style")')
    .option('--days <n>', 'report sources no review retrieved in this many days', positiveInt, 30)
    .option('--stale-days <n>', 'report a section this many days older than a different one of the same heading', positiveInt, 90)
    .option('--json', 'print the report as JSON')
    .action(
      action(async (options: { workspace?: string; kb?: string; days: number; staleDays: number; json?: boolean }) => {
        const report = await withService(options, undefined, (service) => service.health({ kb: options.kb, unusedDays: options.days, staleDays: options.staleDays }));
        if (options.json) {
          present.json(report, 'line');
        } else {
          const lines = report.findings.map((f) => `${f.check}: ${terminalLine(f.message)}\n  fix: ${terminalLine(f.fix)}\n`);
          const summary = `Knowledge base "${report.kb}": ${report.sources} sources, ${report.passages} passages, ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}.`;
          present.text(`${lines.join('')}${summary}${report.notChecked ? ` Not checked: ${report.notChecked}.` : ''}\n`);
        }
        return report.findings.length > 0 ? EXIT_FINDINGS : EXIT_OK;
      }),
    );
}
