/**
 * Messages between the compare panel's webview (media/compare) and the extension
 * (src/vscode/compare/comparePanel.ts). Both sides import these types.
 */
export interface CompareFinding {
  path: string;
  startLine: number;
  endLine: number;
  severity: string;
  rule: string;
  message: string;
  sources: { source: string; startLine: number; endLine: number; heading: string }[];
}

export interface CompareRoute {
  route: string;
  model: string;
  calls: number;
  latency: { totalMs: number; loadMs: number; promptEvalMs: number; generationMs: number; wallMs: number; overheadMs: number };
  tokens: { prompt: number; completion: number };
  findings: CompareFinding[];
}

/** From the extension to the webview. */
export type CompareViewEvent =
  | { type: 'comparison'; paths: string[]; routes: CompareRoute[]; summary: string[] }
  | { type: 'running'; paths: string[]; routes: string[] }
  | { type: 'error'; message: string };

/** From the webview to the extension. */
export type CompareViewRequest = { type: 'ready' } | { type: 'open'; source: string; startLine: number; endLine: number };

/** Messages from a webview are untrusted input: accept only well-formed requests. */
export function isCompareViewRequest(value: unknown): value is CompareViewRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'ready') return true;
  return m.type === 'open' && typeof m.source === 'string' && Number.isInteger(m.startLine) && Number.isInteger(m.endLine) && (m.startLine as number) >= 1 && (m.endLine as number) >= (m.startLine as number);
}
