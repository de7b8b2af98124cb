import type { RouteFigures } from '../core/eval/routeFigures';

const ms = (n: number) => `${Math.round(n)} ms`;

/** The latency and token columns shared by compare and eval tables. */
export function figureCells(figures: RouteFigures): string[] {
  const { latency, tokens } = figures;
  return [ms(latency.totalMs), ms(latency.loadMs), ms(latency.promptEvalMs), ms(latency.generationMs), String(tokens.prompt), String(tokens.completion), ms(latency.overheadMs)];
}

export const FIGURE_HEADERS = ['total', 'load', 'prompt eval', 'generation', 'prompt tok', 'completion tok', 'overhead'];

/** A plain-text table with a rule under the headers; columns padded to their widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
