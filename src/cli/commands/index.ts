import type { Command } from 'commander';
import { Option } from 'commander';
import { loadConfig } from '../../core/config';
import type { EmbedderChoice } from '../../core/knowledge/embedder';
import { indexKnowledgeBase } from '../../core/knowledge/indexer';
import { action, cliExtensionRoot, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt } from '../run';

export function registerIndex(program: Command): void {
  program
    .command('index')
    .description('Index the workspace\'s docs and style guides into the knowledge base (incremental).')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--kb <name>', 'knowledge base to index (default: review.knowledgeBase, "style")')
    .addOption(new Option('--embedder <name>', 'embedder').choices(['auto', 'minilm', 'ollama', 'hash']))
    .option('--json', 'print the report as JSON')
    .action(
      action(async (options: { workspace?: string; kb?: string; embedder?: EmbedderChoice; json?: boolean }) => {
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadConfig(workspace);
        const progress = stderrProgress();
        const report = await withInterrupt((signal) =>
          indexKnowledgeBase({ workspace, config, kb: options.kb, embedder: options.embedder, extensionRoot: cliExtensionRoot(), logger: stderrLogger, progress, signal }),
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
