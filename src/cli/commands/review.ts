import type { Command } from 'commander';
import { Option } from 'commander';
import packageJson from '../../../package.json';
import type { Config, Route, Severity } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import { OllamaClient } from '../../core/models/ollama/client';
import { resolveRoute } from '../../core/models/route';
import { withSession } from '../../core/session';
import { meetsThreshold } from '../../core/review/finding';
import { changedTargets, reviewTargets, rulesForTargets, type ReviewResult } from '../../core/review/reviewer';
import { readFileTarget, type ReviewTarget } from '../../core/review/reviewTarget';
import type { WindowRules } from '../../core/review/ruleRetrieval';
import { toSarif } from '../../core/review/sarif';
import { toCodeQuality } from '../../core/review/codeQuality';
import { formatFindingLine, formatSummary } from '../../core/review/textReport';
import { terminalLine } from '../../core/terminalText';
import { EXIT_FINDINGS, EXIT_OK, action, allowRepoHostOption, cliExtensionRoot, hostOption, loadCliConfig, resolveWorkspace, stderrLogger, stderrProgress, withInterrupt, type HostOptions } from '../run';

interface ReviewCliOptions extends HostOptions {
  workspace?: string;
  diff?: string | boolean;
  model?: string;
  format: 'text' | 'json' | 'sarif' | 'codequality';
  failOn?: Severity | 'none';
  kb?: string;
  rulesOnly?: boolean;
  fallbackToRules?: boolean;
  route?: Route;
}

export function registerReview(program: Command): void {
  program
    .command('review')
    .description('Review files, or the working tree\'s changes, against the rules in the knowledge base, with a local model on Ollama.')
    .argument('[files...]', 'files to review (relative to the workspace or absolute)')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--diff [base]', 'review changed lines of the working tree against HEAD, or against the merge base with BASE')
    .option('--model <name>', 'Ollama model (default: ollama.model)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif', 'codequality']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (default: review.failOn)').choices(['error', 'warning', 'info', 'hint', 'none']))
    .option('--kb <name>', 'knowledge base (default: review.knowledgeBase, "style")')
    .option('--rules-only', 'print the rules each file would be reviewed against, without calling the model')
    .addOption(new Option('--route <route>', 'rag: base model + rules; fine-tuned: the adapted model, no rules (no citations); hybrid: adapted model + rules (default: models.route)').choices(['rag', 'fine-tuned', 'hybrid']))
    .option('--fallback-to-rules', 'when Ollama or the model is unavailable, print the rules and how to start Ollama instead of failing (for demos, not CI)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (files: string[], options: ReviewCliOptions) => {
        if ((files.length > 0) === (options.diff !== undefined)) {
          const what = files.length > 0 ? 'Pass either files or --diff, not both.' : 'Nothing to review: name the files, or pass --diff [BASE].';
          throw new HouseStyleError(what, 'For example: housestyle review src/app.ts, or housestyle review --diff main', 'usage');
        }
        const workspace = await resolveWorkspace(options.workspace);
        const config = await loadCliConfig(workspace, options);
        const { model } = await resolveRoute(workspace, config, options.route ?? config.models.route, options.model);
        const targets =
          options.diff !== undefined
            ? await changedTargets(workspace, config, typeof options.diff === 'string' ? options.diff : undefined)
            : await Promise.all(files.map((file) => readFileTarget(workspace, file)));

        return withInterrupt(async (signal) => {
          const progress = stderrProgress();
          const rulesOnly = options.rulesOnly || (options.fallbackToRules && !(await modelAvailable(OllamaClient.fromConfig(config), model)));
          const opening = { workspace, config, kb: options.kb, model: options.model, route: options.route, modelCheck: rulesOnly ? 'skip' : 'require', extensionRoot: cliExtensionRoot(), logger: stderrLogger, progress, signal } as const;
          return withSession(opening, async (session) => {
            progress.end();
            if (rulesOnly) {
              printRules(await rulesForTargets({ config, knowledgeBase: session.knowledgeBase, signal }, targets), options.format);
              process.stdout.write(`${await ollamaStatusLine(session.client, model, options.rulesOnly ? 'Drop --rules-only for cited findings.' : '')}\n`);
              return EXIT_OK;
            }
            const result = await reviewTargets(session.reviewOptions(), targets);
            printResult({ ...result, route: session.route.route }, options.format, workspace, config);
            const failOn = options.failOn ?? config.review.failOn;
            return result.findings.some((f) => meetsThreshold(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK;
          }).finally(() => progress.end());
        });
      }),
    );
}

async function modelAvailable(client: OllamaClient, model: string): Promise<boolean> {
  return (await client.isReachable()) && (await client.hasModel(model).catch(() => false));
}

/** One line that says whether a review could run, and exactly what to do if not. */
async function ollamaStatusLine(client: OllamaClient, model: string, whenReady: string): Promise<string> {
  if (!(await client.isReachable())) {
    return `No review ran: Ollama is not reachable at ${client.host}. Start it with \`ollama serve\` (or set OLLAMA_HOST), pull the model with \`ollama pull ${model}\`, then run this again for cited findings.`;
  }
  if (!(await client.hasModel(model).catch(() => false))) {
    return `No review ran: Ollama at ${client.host} does not have ${model}. Pull it with \`ollama pull ${model}\`, then run this again for cited findings.`;
  }
  return `Ollama is ready at ${client.host} with ${model}. ${whenReady}`.trim();
}

function printRules(rules: WindowRules[], format: ReviewCliOptions['format']): void {
  if (format === 'json') {
    for (const { window, passages, retrieved, dropped } of rules) {
      const entry = { path: window.target.path, segments: window.segments, retrieved, dropped, rules: passages.map(({ passage }) => passage) };
      process.stdout.write(`${JSON.stringify(entry)}\n`);
    }
    return;
  }
  if (rules.length === 0) process.stdout.write('Nothing to review.\n');
  for (const { window, passages, retrieved, dropped } of rules) {
    const lines = window.segments.map((s) => `${s.startLine}-${s.endLine}`).join(',');
    const left = [dropped.outOfScope && `${dropped.outOfScope} scoped to other files`, dropped.duplicate && `${dropped.duplicate} duplicate`, dropped.overBudget && `${dropped.overBudget} over the token budget`].filter(Boolean);
    process.stdout.write(`${terminalLine(window.target.path)}:${lines}: ${passages.length} rule${passages.length === 1 ? '' : 's'} of ${retrieved} retrieved${left.length ? ` (${left.join(', ')})` : ''}\n`);
    for (const { passage, text } of passages) {
      process.stdout.write(`  ${terminalLine(`${passage.source}:${passage.startLine}-${passage.endLine}${passage.heading ? `  ${passage.heading}` : ''}`)}\n`);
      // The heading is printed above; show the rule's first lines of text.
      const preview = text.split('\n').filter((line) => line.trim() && !/^#{1,6}\s/.test(line)).slice(0, 2);
      for (const line of preview) process.stdout.write(`      ${terminalLine(line.trim())}\n`);
    }
  }
}

/** `route` says how findings were made: on the fine-tuned route they carry no citations. */
function printResult(result: ReviewResult & { route: Route }, format: ReviewCliOptions['format'], workspace: string, config: Config): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (format === 'sarif') {
    const { findings, ...figures } = result;
    const log = toSarif(findings, { toolVersion: packageJson.version, workspace, properties: { ...figures, temperature: config.review.temperature, seed: config.review.seed } });
    process.stdout.write(`${JSON.stringify(log, null, 2)}\n`);
  } else if (format === 'codequality') {
    process.stdout.write(`${JSON.stringify(toCodeQuality(result.findings), null, 2)}\n`);
  } else {
    for (const finding of result.findings) process.stdout.write(`${formatFindingLine(finding)}\n`);
  }
  process.stderr.write(`${formatSummary(result)}\n`);
}
