import type { Command } from 'commander';
import { adviceText } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, withService } from '../run';

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description('RAG, fine-tuned or hybrid? A recommendation from measured facts of this workspace, with the numbers behind it and the next step.')
    .option('--dataset <dir>', 'the dataset to judge (default: the latest registered version\'s, else .housestyle/dataset)')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the advice and its facts as JSON')
    .action(
      action(async (options: HostOptions & { dataset?: string; workspace?: string; json?: boolean }) => {
        const advice = await withService(options, options, (service) => service.advise({ ...(options.dataset && { dataset: options.dataset }) }));
        if (options.json) present.json(advice);
        else present.text(adviceText(advice));
      }),
    );
}
