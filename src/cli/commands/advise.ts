import type { Command } from 'commander';
import { advise } from '../../core/advice/advise';
import { adviceText } from '../../core/advice/adviceText';
import { gatherFacts } from '../../core/advice/workspaceFacts';
import { action, allowRepoHostOption, hostOption, type HostOptions, loadCliConfig, resolveWorkspace } from '../run';

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description('RAG, fine-tuned or hybrid? A recommendation from measured facts of this workspace, with the numbers behind it and the next step.')
    .option('--dataset <dir>', 'the dataset to judge (default: the newest build in .housestyle/datasets, else the active version\'s)')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the advice and its facts as JSON')
    .action(
      action(async (options: HostOptions & { dataset?: string; workspace?: string; json?: boolean }) => {
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadCliConfig(workspace, options);
        const advice = advise(await gatherFacts(workspace, config, { ...(options.dataset && { dataset: options.dataset }) }));
        if (options.json) {
          process.stdout.write(`${JSON.stringify(advice, null, 2)}\n`);
          return;
        }
        process.stdout.write(adviceText(advice));
      }),
    );
}
