/**
 * Words a full-text index can match code by. A rule's code examples are its best description, and the code
 * under review is written in the same tokens, but a text index keeps only words: it drops `!=`, `=[]` and `::`
 * and reads `nullPtr` as one word no prose uses. So code is also spelled as the parts of its identifiers
 * (`lineStart`: line, start) and as the adjacent pairs of symbols in each run of punctuation, in hex after `op`
 * (`!=` is `op213d`; `names=[]` gives `=[` and `[]`), which match in any language without a list of its
 * operators: pairs matched the rule ahead of the operator list on the team documents' tuning half
 * (test/bench/retrieval.bench.ts), and a run seen whole added nothing. Two words with only spaces between them
 * are also one word (`using namespace`, `return NULL`: `wpusingxnamespace`), as a rule's example and the code
 * that breaks it share such phrases where each word alone is everywhere; pairs across `.` or other symbols
 * matched no better on that half.
 */
export function codeTokens(code: string): string[] {
  const tokens: string[] = [];
  for (const [token] of code.matchAll(TOKEN)) {
    if (/^[\p{L}_$]/u.test(token)) {
      const parts = token.split(/_+|(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u).filter(Boolean);
      if (parts.length > 1) tokens.push(...parts.map((part) => part.toLowerCase()));
    } else if (!/^\p{N}/u.test(token)) {
      const symbols = [...token].map((c) => c.codePointAt(0)!.toString(16));
      for (let i = 1; i < symbols.length; i++) tokens.push(`op${symbols[i - 1]}${symbols[i]}`);
    }
  }
  for (const [, first, second] of code.matchAll(WORD_PAIR)) tokens.push(`wp${spelled(first!)}x${spelled(second!)}`);
  return tokens;
}

/** Two words with only spaces or tabs between them; the lookahead lets each word start the next pair too. */
const WORD_PAIR = /(?<![\p{L}\p{N}_$])([\p{L}_$][\p{L}\p{N}_$]*)[ \t]+(?=([\p{L}_$][\p{L}\p{N}_$]*))/gu;

/** A word as part of an index word: lower case, letters and digits only (the full-text tokenizer splits at anything else). */
function spelled(word: string): string {
  return word.toLowerCase().replace(/[_$]/g, '');
}

/** Identifiers, numbers, and runs of other symbols (no spaces between them). */
const TOKEN = /[\p{L}_$][\p{L}\p{N}_$]*|\p{N}[\p{L}\p{N}_.]*|[^\s\p{L}\p{N}_$]+/gu;

/**
 * The code in a passage of a document: fenced and indented blocks (after a blank line or more code), AsciiDoc
 * listing blocks under a `[source,…]` or `[listing]` line, and inline spans in backticks.
 */
export function codeOf(text: string): string {
  const code: string[] = [];
  for (const { line, kind } of linesByKind(text)) {
    if (kind === 'code') code.push(line);
    else if (kind === 'text') for (const [, span] of line.matchAll(/`+([^`]+)`+/g)) code.push(span!);
  }
  return code.join('\n');
}

/** A line that opens or closes a fenced code block (Markdown's ``` and ~~~). */
export const FENCE = /^\s*(```|~~~)/;

/**
 * Each line of a passage's text as code (in a fenced or indented block, or an AsciiDoc listing block), a block's
 * delimiter (a fence, a listing's `----`), or text (prose, headings, blank lines): `codeOf`'s reading, shared by
 * whatever reads a passage's prose apart from its examples.
 */
export function linesByKind(text: string): { line: string; kind: 'code' | 'delimiter' | 'text' }[] {
  const lines: { line: string; kind: 'code' | 'delimiter' | 'text' }[] = [];
  let fenced = false;
  // The delimiter line (`----`) that closes an open AsciiDoc listing block.
  let listing: string | undefined;
  let previous: 'blank' | 'code' | 'text' = 'blank';
  let sourceAttribute = false;
  for (const line of text.split('\n')) {
    if (listing !== undefined) {
      if (line.trimEnd() === listing) {
        listing = undefined;
        lines.push({ line, kind: 'delimiter' });
      } else lines.push({ line, kind: 'code' });
      continue;
    }
    // Only after its attribute line: `----` alone is a thematic break or a heading's underline in Markdown.
    if (sourceAttribute && /^(-{4,}|\.{4,})\s*$/.test(line)) {
      listing = line.trimEnd();
      sourceAttribute = false;
      lines.push({ line, kind: 'delimiter' });
      continue;
    }
    sourceAttribute = /^\[(?:source|listing)\b[^\]]*\]\s*$/.test(line);
    if (FENCE.test(line)) {
      fenced = !fenced;
      previous = 'blank';
      lines.push({ line, kind: 'delimiter' });
      continue;
    }
    // As in CommonMark, an indented block cannot interrupt a paragraph: an indented line right after text continues
    // it (a list item's wrapped prose), so its words do not become code tokens.
    const indented: boolean = /^( {4}|\t)/.test(line) && previous !== 'text';
    lines.push({ line, kind: fenced || (indented && line.trim() !== '') ? 'code' : 'text' });
    previous = line.trim() === '' ? 'blank' : fenced || indented ? 'code' : 'text';
  }
  return lines;
}
