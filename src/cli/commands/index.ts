import type { Command } from 'commander';
import { Option } from 'commander';
import type { EmbedderChoice } from '../../core/knowledge/embedder';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, stderrProgress, withInterrupt, withService, type HostOptions } from '../run';

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
        const progress = stderrProgress();
        const report = await withService(options, options, (service) =>
          withInterrupt((signal) => service.index({ kb: options.kb, embedder: options.embedder, rebuild: options.rebuild, progress, signal })).finally(() => progress.end()),
        );
        if (options.json) return present.json(report, 'line');
        present.text(
          `Indexed "${report.kb}" with ${report.embedder}: ${report.files} files (${report.updated} updated, ${report.unchanged} unchanged, ` +
            `${report.removed} removed, ${report.skipped.length} skipped), ${report.rows} chunks; ${report.embedded} embedded, ${report.reused} reused, ` +
            `${Math.round(report.durationMs)} ms.\n`,
        );
      }),
    );
}
