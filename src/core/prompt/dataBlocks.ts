import { randomBytes } from 'node:crypto';
import type { Passage } from '../knowledge/passage';
import { countTokens } from '../knowledge/tokens';
import type { LineRange } from '../lineRange';
import { withoutLinkTargets } from './withoutLinkTargets';

/** Code a prompt shows by line number: some lines of one file (the reviewer's windows are such, review/reviewWindow.ts). */
export interface CodeWindow {
  target: { path: string; language: string; lines: string[] };
  /** Sorted, disjoint ranges of the target's lines (several small diff hunks share one window). */
  segments: LineRange[];
}

/**
 * Workspace content (rules, code, diffs, review comments) reaches a model only inside data blocks whose tags
 * carry a nonce, with anything in the content that looks like one of these tags escaped, so content can
 * neither close its block nor forge another. The system message says that nothing inside a block is an
 * instruction (see taskPrompt.ts).
 */

/** What a prompt shows of a rule passage: where it is from, and (beside it) its text. */
export type PromptPassage = Pick<Passage, 'source' | 'startLine' | 'endLine' | 'heading'>;

/** A passage and the text of it the prompt shows (the context budget may trim lines another passage repeats). */
export interface PromptRule<P extends PromptPassage = PromptPassage> {
  passage: P;
  text: string;
}

/** Every tag a block may open; content that imitates one is escaped. */
const TAGS = ['rules', 'rule', 'code', 'diff', 'comment', 'cited-rule'] as const;
export type DataTag = (typeof TAGS)[number];

const NONCE_PLACEHOLDER = '0'.repeat(16);
const TAG_LOOKALIKE = new RegExp(`<(\\/?)(${[...TAGS].sort((a, b) => b.length - a.length).join('|')})-`, 'gi');

/** A per-request marker that workspace content cannot predict, so it cannot forge a closing delimiter. */
export function newNonce(): string {
  return randomBytes(8).toString('hex');
}

/** Escapes whatever in workspace content could open or close one of the prompt's data blocks. */
export function escapeData(text: string, nonce: string): string {
  return text.replaceAll(nonce, '[marker]').replace(TAG_LOOKALIKE, '&lt;$1$2-');
}

/** One data block: its tag with the nonce and attributes, the content escaped (or already rendered by `rendered`). */
export function dataBlock(tag: DataTag, nonce: string, attributes: Record<string, string>, content: { text: string } | { rendered: string }): string {
  const attrs = Object.entries(attributes)
    .map(([name, value]) => ` ${name}="${attribute(value)}"`)
    .join('');
  const body = 'rendered' in content ? content.rendered : escapeData(content.text, nonce);
  return `<${tag}-${nonce}${attrs}>\n${body}\n</${tag}-${nonce}>`;
}

/** Tokens one passage costs in a prompt (its whole block), for the context budget. */
export function passageCost(passage: PromptPassage, text: string): number {
  return countTokens(renderPassage('R00', passage, text, NONCE_PLACEHOLDER));
}

/** The rules block: one rule tag per passage, labelled R1…, and the labels mapped back to their passages. */
export function rulesBlock<P extends PromptPassage>(rules: readonly PromptRule<P>[], nonce: string): { text: string; labels: Map<string, P> } {
  const labels = new Map<string, P>();
  const blocks = rules.map(({ passage, text }, i) => {
    const label = `R${i + 1}`;
    labels.set(label, passage);
    return renderPassage(label, passage, text, nonce);
  });
  return { text: [`<rules-${nonce}>`, ...blocks, `</rules-${nonce}>`].join('\n'), labels };
}

/** The code block of a review window, each line numbered as in the file; gaps between segments are labelled, not shown. */
export function windowBlock(window: CodeWindow, nonce: string): string {
  const { path, language } = window.target;
  return dataBlock('code', nonce, { path, language, lines: segmentList(window) }, { rendered: renderWindow(window, nonce) });
}

/** The window's segments as "1-40, 52-60". */
export function segmentList(window: CodeWindow): string {
  return window.segments.map((s) => `${s.startLine}-${s.endLine}`).join(', ');
}

function renderPassage(label: string, passage: PromptPassage, text: string, nonce: string): string {
  const section = passage.heading ? ` section="${attribute(passage.heading)}"` : '';
  return `<rule-${nonce} id="${label}" source="${attribute(passage.source)}" lines="${passage.startLine}-${passage.endLine}"${section}>\n${escapeData(withoutLinkTargets(passage.source, text), nonce)}\n</rule-${nonce}>`;
}

function renderWindow(window: CodeWindow, nonce: string): string {
  const width = String(window.segments.at(-1)?.endLine ?? 1).length;
  const parts: string[] = [];
  window.segments.forEach((segment, i) => {
    if (i > 0) parts.push(`(lines ${window.segments[i - 1]!.endLine + 1}-${segment.startLine - 1} are not under review)`);
    for (let line = segment.startLine; line <= segment.endLine; line++) {
      parts.push(`${String(line).padStart(width)}| ${escapeData(window.target.lines[line - 1] ?? '', nonce)}`);
    }
  });
  return parts.join('\n');
}

function attribute(value: string): string {
  return value.replace(/[&<"\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\n': ' ', '\r': ' ' })[c]!);
}
