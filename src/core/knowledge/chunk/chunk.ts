/** A piece of a knowledge source, sized for retrieval, that knows exactly where it came from. */
export interface Chunk {
  /** Path relative to the workspace, with forward slashes. */
  source: string;
  /** 1-based, inclusive lines of the source file. */
  startLine: number;
  endLine: number;
  /** Section path, e.g. "Style guide > Naming"; empty when there is none. */
  heading: string;
  text: string;
  /** Globs of files the rule applies to (from front matter); empty means everywhere. */
  appliesTo: string[];
  /** 1-based page of a PDF; the lines are then counted within that page. */
  page?: number;
}

/** One line of text with its 1-based line number in the source file. */
export interface SourceLine {
  line: number;
  text: string;
  /** Set when this text spans several source lines (e.g. an HTML paragraph); defaults to `line`. */
  endLine?: number;
}

/**
 * A run of lines that should stay together in one chunk where it fits (a paragraph, a list, a code
 * block), under a heading path.
 */
export interface Block {
  heading: string[];
  lines: SourceLine[];
  /**
   * One rule of a list (a bullet or a numbered item): packed whole, never cut between two chunks where it
   * fits in one, and never repeated as the overlap of the next (measured in test/bench/retrieval.bench.ts: a
   * chunk per rule ranked worse on the lexical path, as a one-line rule has too few words to match code by).
   */
  rule?: boolean;
}

export interface ChunkingOptions {
  maxTokens: number;
  overlapTokens: number;
}

export const HEADING_SEPARATOR = ' > ';
