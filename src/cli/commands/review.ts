import type { Command } from 'commander';
import { Option } from 'commander';
import type { Config, Route, Severity } from '../../core/config';
import { HouseStyleError } from '../../core/errors';
import type { ReviewResult } from '../../core/review/reviewer';
import type { WindowRules } from '../../core/review/ruleRetrieval';
import { formatFindingLine, formatSummary, meetsThreshold, terminalLine, toCodeQuality } from '../../core/service/frontEndHelpers';
import { EXIT_FINDINGS, EXIT_OK, present } from '../presenter';
import { action, allowRepoHostOption, hostOption, reviewScope, stderrProgress, withInterrupt, withService, type HostOptions } from '../run';

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
  rerank?: boolean;
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
    .option('--rerank', 'let the review model reorder the 30 best-matching rules of each window before packing (one more model call per window; default: review.rerank)')
    .option('--fallback-to-rules', 'when Ollama or the model is unavailable, print the rules and how to start Ollama instead of failing (for demos, not CI)')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (files: string[], options: ReviewCliOptions) => {
        if ((files.length > 0) === (options.diff !== undefined)) {
          const what = files.length > 0 ? 'Pass either files or --diff, not both.' : 'Nothing to review: name the files, or pass --diff [BASE].';
          throw new HouseStyleError(what, 'For example: housestyle review src/app.ts, or housestyle review --diff main', 'usage');
        }
        const progress = stderrProgress();
        const scope = reviewScope(files, options.diff);
        return withService(options, options, async (service) => {
          const outcome = await withInterrupt((signal) =>
            service.review({ scope, kb: options.kb, model: options.model, route: options.route, rulesOnly: options.rulesOnly, fallbackToRules: options.fallbackToRules, rerank: options.rerank, progress, signal }),
          ).finally(() => progress.end());
          if (outcome.kind === 'rules') {
            printRules(outcome.rules, options.format);
            // JSON lines on stdout stay parseable: the word on Ollama goes to stderr there.
            if (options.format === 'json') for (const line of outcome.status.split('\n').filter(Boolean)) present.note(line);
            else present.text(`${outcome.status}\n`);
            return EXIT_OK;
          }
          const { result, config } = outcome;
          printResult(result, options.format, service.workspace, config);
          const failOn = options.failOn ?? config.review.failOn;
          return result.findings.some((f) => meetsThreshold(f.severity, failOn)) ? EXIT_FINDINGS : EXIT_OK;
        });
      }),
    );
}

function printRules(rules: WindowRules[], format: ReviewCliOptions['format']): void {
  if (format === 'json') {
    for (const { window, passages, retrieved, dropped } of rules) present.json({ path: window.target.path, segments: window.segments, retrieved, dropped, rules: passages.map(({ passage, openings }) => ({ ...passage, ...(openings && { openings }) })) }, 'line');
    return;
  }
  if (rules.length === 0) present.text('Nothing to review.\n');
  for (const { window, passages, retrieved, dropped } of rules) {
    const lines = window.segments.map((s) => `${s.startLine}-${s.endLine}`).join(',');
    const left = [dropped.outOfScope && `${dropped.outOfScope} scoped to other files`, dropped.duplicate && `${dropped.duplicate} duplicate`, dropped.overBudget && `${dropped.overBudget} over the token budget`].filter(Boolean);
    present.text(`${terminalLine(window.target.path)}:${lines}: ${passages.length} rule${passages.length === 1 ? '' : 's'} of ${retrieved} retrieved${left.length ? ` (${left.join(', ')})` : ''}\n`);
    for (const { passage, text, openings } of passages) {
      present.text(`  ${terminalLine(`${passage.source}:${passage.startLine}-${passage.endLine}${passage.heading ? `  ${passage.heading}` : ''}${openings ? '  (its rules\' opening sentences)' : ''}`)}\n`);
      // The heading is printed above; show the rule's first lines of text.
      const preview = text.split('\n').filter((line) => line.trim() && !/^#{1,6}\s/.test(line)).slice(0, 2);
      for (const line of preview) present.text(`      ${terminalLine(line.trim())}\n`);
    }
  }
}

/** `route` says how findings were made: on the fine-tuned route they carry no citations. */
function printResult(result: ReviewResult & { route: Route }, format: ReviewCliOptions['format'], workspace: string, config: Config): void {
  if (format === 'json') {
    present.json(result);
  } else if (format === 'sarif') {
    const { findings, ...figures } = result;
    present.sarif(findings, figures, workspace, config);
  } else if (format === 'codequality') {
    present.json(toCodeQuality(result.findings));
  } else {
    for (const finding of result.findings) present.text(`${formatFindingLine(finding)}\n`);
  }
  present.note(formatSummary(result));
}
