import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { askQuestion, type CodeContext } from '../../core/chat/ask';
import type { Route } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import { workspacePath } from '../../core/review/reviewTarget';
import { withSession } from '../../core/session';
import { action, allowRepoHostOption, cliExtensionRoot, hostOption, type HostOptions, loadCliConfig, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt } from '../run';

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
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadCliConfig(workspace, options);
        const code = options.file ? await codeContext(workspace, options.file, options.lines) : undefined;
        if (options.lines && !code) throw new HouseStyleError('--lines needs --file.', 'For example: housestyle ask --file src/app.ts --lines 10-20 "is this named right?"', 'usage');
        const progress = stderrProgress();
        return withInterrupt((signal) =>
          withSession({ workspace, config, route: options.route, extensionRoot: cliExtensionRoot(), logger: stderrLogger, progress, signal }, async (session) => {
            progress.end();
            const result = await askQuestion(session, {
              question: words.join(' '),
              ...(code && { code }),
              ...(!options.json && { onToken: (token: string) => void process.stdout.write(token) }),
              signal,
            });
            if (options.json) {
              process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
              return;
            }
            process.stdout.write('\n\n');
            if (result.route === 'fine-tuned') process.stdout.write('Sources: none (the fine-tuned route answers without retrieved passages).\n');
            else if (result.citations.length === 0) process.stdout.write(`Sources: none cited (${result.passages} passage${result.passages === 1 ? '' : 's'} were given).\n`);
            else {
              process.stdout.write('Sources:\n');
              for (const c of result.citations) process.stdout.write(`  [${c.label}] ${c.source}:${c.startLine}-${c.endLine}${c.heading ? `  ${c.heading}` : ''}\n`);
            }
            if (result.unknownCitations.length) stderrLogger.warn(`dropped citations of passages that were not given: ${result.unknownCitations.join(', ')}`);
          }).finally(() => progress.end()),
        );
      }),
    );
}

async function codeContext(workspace: string, file: string, lines: string | undefined): Promise<CodeContext> {
  const relative = workspacePath(workspace, file);
  const text = await readFile(path.join(workspace, relative), 'utf8').catch((error: Error) => {
    throw new HouseStyleError(`Cannot read ${relative}: ${error.message}.`, 'Pass a file inside the workspace with --file.', 'usage');
  });
  if (!lines) return { path: relative, text };
  const match = /^(\d+)(?:-(\d+))?$/.exec(lines);
  if (!match) throw new HouseStyleError(`--lines ${lines} is not A-B.`, 'For example: --lines 10-20', 'usage');
  const startLine = Number(match[1]);
  return { path: relative, text, selection: { startLine, endLine: match[2] ? Number(match[2]) : startLine } };
}
