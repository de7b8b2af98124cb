import type { Command } from 'commander';
import { OllamaClient } from '../../core/models/ollama/client';
import { trainAdapter } from '../../core/models/training/train';
import { action, allowRepoHostOption, hostOption, type HostOptions, loadCliConfig, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt } from '../run';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("Train a LoRA adapter with LLaMA-Factory on a dataset's train_lora.yaml, then import it as a new model version.")
    .requiredOption('--dataset <dir>', 'a folder housestyle dataset build wrote')
    .option('--remote <host:dir>', 'train on this ssh host, in this folder (files are copied there and back)')
    .option('--base <model>', 'the Ollama base model to serve the adapter on (default: ollama.model)')
    .option('--name <name>', 'Ollama model name (default: housestyle-<project>:<date>-<n>)')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the run and the registered version as JSON')
    .action(
      action(async (options: HostOptions & { dataset: string; remote?: string; base?: string; name?: string; workspace?: string; json?: boolean }) => {
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadCliConfig(workspace, options);
        const progress = stderrProgress();
        const result = await withInterrupt((signal) =>
          trainAdapter({
            workspace,
            config,
            client: OllamaClient.fromConfig(config),
            dataset: options.dataset,
            ...(options.remote && { remote: options.remote }),
            ...(options.base && { base: options.base }),
            ...(options.name && { name: options.name }),
            progress,
            logger: stderrLogger,
            signal,
          }).finally(() => progress.end()),
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const { run, imported } = result;
        process.stdout.write(
          `Trained ${run.steps} steps${run.finalLoss !== undefined ? ` (final loss ${run.finalLoss.toFixed(3)})` : ''}${run.host ? ` on ${run.host}` : ''}; registered ${imported.version.name}.\n` +
            `Compare it: housestyle compare --diff --routes rag,fine-tuned,hybrid, or evaluate it: housestyle eval --dataset ${options.dataset}\n`,
        );
      }),
    );
}
