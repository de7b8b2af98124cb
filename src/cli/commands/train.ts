import { Option, type Command } from 'commander';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, stderrProgress, withInterrupt, withService } from '../run';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("Train a LoRA adapter with LLaMA-Factory on a dataset's train_lora.yaml, then import it as a new model version.")
    .requiredOption('--dataset <dir>', 'a folder housestyle dataset build wrote')
    .option('--remote <host:dir>', 'train on this ssh host, in this folder (files are copied there and back)')
    .addOption(new Option('--remote-setup <command>', "shell command run on the --remote host before llamafactory-cli, e.g. '. ~/venvs/lf/bin/activate'").env('HOUSESTYLE_REMOTE_SETUP'))
    .option('--resume-from <checkpoint>', 'continue an interrupted run from its checkpoint-N folder (on the --remote host for a remote run)')
    .option('--base <model>', 'the Ollama base model to serve the adapter on (default: ollama.model)')
    .option('--name <name>', 'Ollama model name (default: housestyle-<project>:<date>-<n>)')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the run and the registered version as JSON')
    .action(
      action(async (options: HostOptions & { dataset: string; remote?: string; remoteSetup?: string; resumeFrom?: string; base?: string; name?: string; workspace?: string; json?: boolean }) => {
        const progress = stderrProgress();
        const result = await withService(options, options, (service) =>
          withInterrupt((signal) =>
            service.train({
              dataset: options.dataset,
              ...(options.remote && { remote: options.remote }),
              ...(options.remoteSetup && { remoteSetup: options.remoteSetup }),
              ...(options.resumeFrom && { resumeFrom: options.resumeFrom }),
              ...(options.base && { base: options.base }),
              ...(options.name && { name: options.name }),
              progress,
              signal,
            }),
          ).finally(() => progress.end()),
        );
        if (options.json) return present.json(result);
        const { run, imported } = result;
        present.text(
          `Trained ${run.steps} steps${run.finalLoss !== undefined ? ` (final loss ${run.finalLoss.toFixed(3)})` : ''}${run.host ? ` on ${run.host}` : ''}; registered ${imported.version.name}.\n` +
            `Compare it: housestyle compare --diff --routes rag,fine-tuned,hybrid, or evaluate it: housestyle eval --dataset ${options.dataset}\n`,
        );
      }),
    );
}
