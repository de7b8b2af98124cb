import { CommanderError } from 'commander';
import packageJson from '../../package.json';
import type { Config } from '../core/config';
import { HouseStyleError, describeError } from '../core/errors';
import type { Finding } from '../core/review/finding';
import { terminalLine, terminalLines, terminalProse, toSarif } from '../core/service/frontEndHelpers';

/** Exit statuses of the CLI contract: 0 ok / no findings, 1 findings, 2 usage or runtime error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/**
 * The CLI's one way to the terminal. Text goes out neutralised line by line (a control character in a
 * file name, a passage or a model's answer is shown as an escape, never acted on); JSON and SARIF go out
 * as documents; errors become one line and an exit status.
 */
export const present = {
  /** Lines of text for stdout; each line is neutralised, so whatever workspace or model text it carries cannot act on the terminal. */
  text(text: string): void {
    process.stdout.write(text.split('\n').map(terminalLine).join('\n'));
  },
  /** A streamed answer: line breaks and tabs kept, every other unsafe character escaped. */
  prose(text: string): void {
    process.stdout.write(terminalProse(text));
  },
  /** One JSON document (indented) or one JSON line (`line`). */
  json(value: unknown, layout: 'document' | 'line' = 'document'): void {
    process.stdout.write(`${layout === 'line' ? JSON.stringify(value) : JSON.stringify(value, null, 2)}\n`);
  },
  /** Findings as a SARIF 2.1.0 log, with the run's figures and the sampling settings that made them. */
  sarif(findings: readonly Finding[], figures: Record<string, unknown>, workspace: string, config: Config): void {
    present.json(toSarif(findings, { toolVersion: packageJson.version, workspace, properties: { ...figures, temperature: config.review.temperature, seed: config.review.seed } }));
  },
  /** A line for stderr (summaries, warnings), neutralised. */
  note(text: string): void {
    process.stderr.write(`${terminalLine(text)}\n`);
  },
  /**
   * The one mapping from a failure to what the user sees and the exit status: Commander has already printed
   * its usage errors (help and --version exit cleanly); anything else is one neutralised line, and the stack
   * only with HOUSESTYLE_DEBUG.
   */
  failure(error: unknown): number {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    process.stderr.write(`housestyle: ${terminalLines(describeError(error), '  ')}\n`);
    if (!(error instanceof HouseStyleError) && process.env.HOUSESTYLE_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return EXIT_ERROR;
  },
};
