import type { Command } from 'commander';
import { Option } from 'commander';
import type { EmbedderChoice } from '../../core/knowledge/embedder';
import { indexKnowledgeBase } from '../../core/knowledge/indexer';
import { action, allowRepoHostOption, cliExtensionRoot, hostOption, loadCliConfig, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt, type HostOptions } from '../run';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('Index the workspace\'s docs and style guides into the knowledge base (incremental).')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--kb <name>', 'knowledge base to index (default: review.knowledgeBase, "style")')
    .addOption(new Option('--embedder <name>', 'embedder').choices(['auto', 'minilm', 'ollama', 'hash']))
    .option('--rebuild', 'delete the knowledge base\'s index and build it afresh (the way out of a damaged index)')
    .option('--json', 'print the report as JSON')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (options: { workspace?: string; kb?: string; embedder?: EmbedderChoice; rebuild?: boolean; json?: boolean } & HostOptions) => {
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadCliConfig(workspace, options);
        const progress = stderrProgress();
        const report = await withInterrupt((signal) =>
          indexKnowledgeBase({ workspace, config, kb: options.kb, embedder: options.embedder, rebuild: options.rebuild, extensionRoot: cliExtensionRoot(), logger: stderrLogger, progress, signal }),
        ).finally(() => progress.end());
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        process.stdout.write(
          `Indexed "${report.kb}" with ${report.embedder}: ${report.files} files (${report.updated} updated, ${report.unchanged} unchanged, ` +
            `${report.removed} removed, ${report.skipped.length} skipped), ${report.rows} chunks; ${report.embedded} embedded, ${report.reused} reused, ` +
            `${Math.round(report.durationMs)} ms.\n`,
        );
      }),
    );
}
