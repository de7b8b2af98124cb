import * as path from 'node:path';
import type { Command } from 'commander';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, type HostOptions, stderrProgress, withInterrupt, withService } from '../run';

interface Common extends HostOptions {
  workspace?: string;
  json?: boolean;
}

export function registerModel(program: Command): void {
  const model = program.command('model').description('Fine-tuned model versions: import LoRA adapters into Ollama, list, choose, remove.');

  model
    .command('import')
    .description('Register a LoRA adapter (PEFT folder or .gguf) with Ollama as a new model version.')
    .requiredOption('--adapter <path>', 'PEFT folder (adapter_config.json + adapter_model.safetensors) or a .gguf adapter')
    .requiredOption('--base <model>', 'the Ollama base model it was trained on, e.g. qwen2.5-coder:7b')
    .option('--name <name>', 'Ollama model name (default: housestyle-<project>:<date>-<n>)')
    .option('--dataset <dir>', 'the dataset it was trained on, recorded with the version')
    .option('--force', 'register a new version even when this adapter is already one')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print the registered version as JSON')
    .action(
      action(async (options: Common & { adapter: string; base: string; name?: string; dataset?: string; force?: boolean }) => {
        const progress = stderrProgress();
        const { active, ...result } = await withService(options, options, (service) =>
          withInterrupt((signal) => service.importModel({ adapter: options.adapter, base: options.base, name: options.name, dataset: options.dataset, force: options.force, progress, signal })).finally(() => progress.end()),
        );
        if (options.json) return present.json(result);
        const { version } = result;
        const shape = [version.adapter.rank !== undefined && `rank ${version.adapter.rank}`, version.adapter.alpha !== undefined && `alpha ${version.adapter.alpha}`].filter(Boolean).join(', ');
        present.text(
          `Registered ${version.name} (${version.adapter.kind} adapter${shape ? `, ${shape}` : ''}) on ${version.base}: ` +
            `${result.uploaded.length} file${result.uploaded.length === 1 ? '' : 's'} uploaded, ${result.skipped.length} already in Ollama${result.pulledBase ? `; pulled ${version.base}` : ''}.\n`,
        );
        if (!active) present.text(`Use it with: housestyle model use ${version.name}\n`);
      }),
    );

  model
    .command('list')
    .description("Ollama's models beside the registry's versions.")
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .option('--json', 'print JSON')
    .action(
      action(async (options: Common) => {
        const { host, ollama: installed, registry } = await withService(options, options, (service) => service.listModels());
        if (options.json) return present.json({ host, ollama: installed, registry });
        const names = new Set(installed?.map((m) => m.name));
        let text = registry.models.length ? 'Registered versions:\n' : 'No registered versions (housestyle model import, or housestyle train).\n';
        for (const version of registry.models) {
          const state = installed === null ? '' : names.has(version.name) ? '' : '  (missing from Ollama)';
          const evaluated = version.evaluations.length ? `, ${version.evaluations.length} evaluation${version.evaluations.length === 1 ? '' : 's'}` : '';
          text += `${version.name === registry.active ? '*' : ' '} ${version.name}  base ${version.base}, created ${version.createdAt.slice(0, 10)}${version.dataset ? `, dataset ${version.dataset.path}` : ''}${evaluated}${state}\n`;
        }
        if (installed === null) {
          text += `Ollama is not reachable at ${host}: start it (ollama serve) to see its models.\n`;
        } else {
          text += `Ollama at ${host}:\n`;
          for (const m of installed) text += `  ${m.name}${m.family ? `  ${m.family}` : ''}${m.parameterSize ? ` ${m.parameterSize}` : ''}\n`;
        }
        present.text(text);
      }),
    );

  model
    .command('export')
    .description('Write a version as a GGUF adapter and a Modelfile, for ollama create or housestyle model import.')
    .argument('<name>', 'a registered version')
    .requiredOption('--out <dir>', 'folder to write adapter.gguf and Modelfile into')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (name: string, options: Common & { out: string }) => {
        const { adapter, modelfile } = await withService(options, options, (service) => service.exportModel({ name, out: path.resolve(options.out) }));
        present.text(`Wrote ${adapter} and ${modelfile}; import with: ollama create ${name} -f ${modelfile}\n`);
      }),
    );

  model
    .command('use')
    .description('Make a registered version the fine-tuned model of the fine-tuned and hybrid routes.')
    .argument('<name>', 'a registered version')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .action(
      action(async (name: string, options: Common) => {
        const { overriddenBy } = await withService(options, undefined, (service) => service.useModel(name));
        const overridden = overriddenBy ? ` (note: models.fineTuned in the config still names ${overriddenBy}, which wins)` : '';
        present.text(`${name} is now the fine-tuned model${overridden}.\n`);
      }),
    );

  model
    .command('remove')
    .description('Delete a version from Ollama and from the registry.')
    .argument('<name>', 'a registered version')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (name: string, options: Common) => {
        const { active, activeChanged } = await withService(options, options, (service) => service.removeModel(name));
        present.text(`Removed ${name}.${activeChanged ? (active ? ` ${active} is now the active version.` : ' No version is left; the fine-tuned route needs a new import.') : ''}\n`);
      }),
    );
}
