import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import { importAdapter } from '../../core/models/adapters/importAdapter';
import { OllamaClient, type OllamaModelInfo } from '../../core/models/ollama/client';
import { exportVersion } from '../../core/models/exportVersion';
import { readRegistry } from '../../core/models/registry';
import { removeVersion, useVersion } from '../../core/models/versions';
import { action, allowRepoHostOption, hostOption, type HostOptions, loadCliConfig, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt } from '../run';

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
        const workspace = await resolveWorkspace(options.workspace);
        const client = OllamaClient.fromConfig(await loadCliConfig(workspace, options));
        const progress = stderrProgress();
        const result = await withInterrupt((signal) =>
          importAdapter({ workspace, client, adapter: options.adapter, base: options.base, name: options.name, dataset: options.dataset, force: options.force, progress, logger: stderrLogger, signal }).finally(() => progress.end()),
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          return;
        }
        const { version } = result;
        const shape = [version.adapter.rank !== undefined && `rank ${version.adapter.rank}`, version.adapter.alpha !== undefined && `alpha ${version.adapter.alpha}`].filter(Boolean).join(', ');
        process.stdout.write(
          `Registered ${version.name} (${version.adapter.kind} adapter${shape ? `, ${shape}` : ''}) on ${version.base}: ` +
            `${result.uploaded.length} file${result.uploaded.length === 1 ? '' : 's'} uploaded, ${result.skipped.length} already in Ollama${result.pulledBase ? `; pulled ${version.base}` : ''}.\n`,
        );
        const active = (await readRegistry(workspace)).active;
        if (active !== version.name) process.stdout.write(`Use it with: housestyle model use ${version.name}\n`);
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
        const workspace = await resolveWorkspace(options.workspace);
        const client = OllamaClient.fromConfig(await loadCliConfig(workspace, options));
        const registry = await readRegistry(workspace);
        let installed: OllamaModelInfo[] | undefined;
        try {
          installed = await client.listModels();
        } catch (error) {
          if (!(error instanceof HouseStyleError && error.code === 'ollama-unreachable')) throw error;
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ host: client.host, ollama: installed ?? null, registry }, null, 2)}\n`);
          return;
        }
        const names = new Set(installed?.map((m) => m.name));
        process.stdout.write(registry.models.length ? 'Registered versions:\n' : 'No registered versions (housestyle model import, or housestyle train).\n');
        for (const version of registry.models) {
          const state = installed === undefined ? '' : names.has(version.name) ? '' : '  (missing from Ollama)';
          const evaluated = version.evaluations.length ? `, ${version.evaluations.length} evaluation${version.evaluations.length === 1 ? '' : 's'}` : '';
          process.stdout.write(`${version.name === registry.active ? '*' : ' '} ${version.name}  base ${version.base}, created ${version.createdAt.slice(0, 10)}${version.dataset ? `, dataset ${version.dataset.path}` : ''}${evaluated}${state}\n`);
        }
        if (installed === undefined) {
          process.stdout.write(`Ollama is not reachable at ${client.host}: start it (ollama serve) to see its models.\n`);
          return;
        }
        process.stdout.write(`Ollama at ${client.host}:\n`);
        for (const m of installed) process.stdout.write(`  ${m.name}${m.family ? `  ${m.family}` : ''}${m.parameterSize ? ` ${m.parameterSize}` : ''}\n`);
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
        const workspace = await resolveWorkspace(options.workspace);
        const { adapter, modelfile } = await exportVersion({ workspace, client: OllamaClient.fromConfig(await loadCliConfig(workspace, options)), name, out: path.resolve(options.out) });
        process.stdout.write(`Wrote ${adapter} and ${modelfile}; import with: ollama create ${name} -f ${modelfile}\n`);
      }),
    );

  model
    .command('use')
    .description('Make a registered version the fine-tuned model of the fine-tuned and hybrid routes.')
    .argument('<name>', 'a registered version')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .action(
      action(async (name: string, options: Common) => {
        const workspace = await resolveWorkspace(options.workspace);
        await useVersion(workspace, name);
        const config = await loadConfig(workspace);
        const overridden = config.models.fineTuned && config.models.fineTuned !== name ? ` (note: models.fineTuned in the config still names ${config.models.fineTuned}, which wins)` : '';
        process.stdout.write(`${name} is now the fine-tuned model${overridden}.\n`);
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
        const workspace = await resolveWorkspace(options.workspace);
        const { active, activeChanged } = await removeVersion(workspace, OllamaClient.fromConfig(await loadCliConfig(workspace, options)), name);
        process.stdout.write(`Removed ${name}.${activeChanged ? (active ? ` ${active} is now the active version.` : ' No version is left; the fine-tuned route needs a new import.') : ''}\n`);
      }),
    );
}
