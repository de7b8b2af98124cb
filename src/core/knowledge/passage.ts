/** A retrieved chunk of a knowledge source, with where it came from (what findings cite). */
export interface Passage {
  /** Stable id of the chunk (changes when its text or position changes). */
  id: string;
  /** Knowledge base it came from. */
  kb: string;
  /** Path relative to the workspace, with forward slashes. */
  source: string;
  /** 1-based, inclusive lines of the source file. */
  startLine: number;
  endLine: number;
  /** Section path such as "Style guide > Naming > Variables"; empty when the text has no heading. */
  heading: string;
  text: string;
  /** Fused relevance; higher is better. Comparable only within one search. */
  score: number;
  /** Globs (relative to the workspace) of files the rule applies to; empty means everywhere. */
  appliesTo: string[];
  /** 1-based page of a PDF source; `startLine`/`endLine` then count lines within that page. */
  page?: number;
  /** Programming languages its document is about, where it shows any (`documentLanguages`). */
  languages?: string[];
}
