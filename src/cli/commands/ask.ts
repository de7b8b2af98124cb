import type { Command } from 'commander';
import { Option } from 'commander';
import type { Route } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, stderrLogger, stderrProgress, withInterrupt, withService } from '../run';

export function registerAsk(program: Command): void {
  program
    .command('ask')
    .description("Answer a question from the knowledge base, with the passages it rests on.")
    .argument('<question...>', 'the question')
    .option('--file <file>', 'the file the question is about')
    .option('--lines <a-b>', 'only these lines of --file')
    .addOption(new Option('--route <route>', 'which model answers (default: models.route)').choices(['rag', 'fine-tuned', 'hybrid']))
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the answer, its citations and metrics as JSON')
    .action(
      action(async (words: string[], options: HostOptions & { file?: string; lines?: string; route?: Route; workspace?: string; json?: boolean }) => {
        // A flag that needs another is the command line's own rule: the editor always sends the file with its lines.
        if (options.lines !== undefined && options.file === undefined) throw new HouseStyleError('--lines needs --file.', 'For example: housestyle ask --file src/app.ts --lines 10-20 "is this named right?"', 'usage');
        const progress = stderrProgress();
        const result = await withService(options, options, (service) =>
          withInterrupt((signal) =>
            service.ask({
              question: words.join(' '),
              ...(options.file !== undefined && { file: options.file }),
              ...(options.lines !== undefined && { lines: options.lines }),
              ...(options.route && { route: options.route }),
              // The index line ends where the answer starts.
              ...(!options.json && { onToken: (token: string) => (progress.end(), present.prose(token)) }),
              progress,
              signal,
            }),
          ).finally(() => progress.end()),
        );
        if (options.json) return present.json(result);
        present.text('\n\n');
        if (result.route === 'fine-tuned') present.text('Sources: none (the fine-tuned route answers without retrieved passages).\n');
        else if (result.citations.length === 0) present.text(`Sources: none cited (${result.passages} passage${result.passages === 1 ? '' : 's'} were given).\n`);
        else present.text(`Sources:\n${result.citations.map((c) => `  [${c.label}] ${c.source}:${c.startLine}-${c.endLine}${c.heading ? `  ${c.heading}` : ''}\n`).join('')}`);
        if (result.unknownCitations.length) stderrLogger.warn(`dropped citations of passages that were not given: ${result.unknownCitations.join(', ')}`);
      }),
    );
}
