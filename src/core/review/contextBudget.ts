import type { Passage } from '../knowledge/passage';
import { containsRange, overlaps } from '../lineRange';
import { passageExcerpt, queryTerms } from './passageExcerpt';
import { appliesToPath, isScopedTo } from './pathScope';
import { RULE_OPENING_CHARS, ruleOpenings } from './ruleOpenings';

/** A rule written for this kind of file outranks a general one of similar relevance. */
const SCOPE_BOOST = 1.25;

/** Under this many tokens left, an excerpt would say too little of its rule: what is left stays unused. */
const MIN_EXCERPT_TOKENS = 96;

/**
 * The most of the budget one passage may take when the query is known; a longer one shows its lines that best
 * match the query. A quarter kept the labelled rule for 0.900 of the team documents' tuning half (a third: 0.867,
 * a fifth: 0.900, a sixth: 0.800; test/bench/retrieval.bench.ts).
 */
const MAX_SHARE = 1 / 4;

/**
 * The share of the budget kept for the rule openings of passages not shown whole. A third kept the labelled rule for
 * 0.733 of the team documents' tuning half, with five more passages searched (half: 0.733 too, with fewer rules shown
 * whole; none: 0.657, where the first ten passages' whole sections filled the budget; test/bench/retrieval.bench.ts).
 */
const OPENINGS_SHARE = 1 / 3;

/** A passage chosen for the prompt, with the text it contributes (lines another packed chunk already carries are cut). */
export interface PackedPassage {
  passage: Passage;
  text: string;
  /** Shown by the opening sentence of each rule it states only (`ruleOpenings`): the budget had no room for more. */
  openings?: true;
}

export interface PackedContext {
  passages: PackedPassage[];
  /** Tokens the packed passages cost, as the `cost` function counted them. */
  tokens: number;
  dropped: { outOfScope: number; duplicate: number; overBudget: number };
  /** How many of the search's passages were weighed: the first `whole`, and those past them where some of those did not fit. */
  retrieved: number;
}

export interface PackOptions {
  /** Workspace-relative path of the reviewed file, for path-scoped rules. */
  path: string;
  budgetTokens: number;
  /** Tokens one passage costs in the prompt with this text (its rendered block). */
  cost: (passage: Passage, text: string) => number;
  /** What the passages were searched with: a long passage, or one the budget has no room for whole, shows the lines that best match it. */
  query?: string;
  /** How many of the candidates, in the search's order, may be shown whole or by their best lines; the rest only by their rule openings. All by default. */
  whole?: number;
}

/**
 * Packs retrieved passages into a token budget by priority: fused score, boosted for rules scoped to
 * the file; rules scoped elsewhere are left out; a chunk another packed chunk of the same source
 * already contains is left out, and lines shared with a neighbouring chunk (chunk overlap) are cut.
 * A chunk that continues a packed chunk of the same section (lines touching or overlapping) joins that
 * chunk's block, so the section's tag, source and heading are paid once (and it is cited as one passage).
 * When the query is known, a passage longer than a quarter of the budget shows only its lines that best match the
 * query (`passageExcerpt`), cited by those lines: four or five whole sections of 300 to 500 tokens filled the
 * default budget, and a rule the review needed, ranked eighth to tenth, was left out (test/bench/retrieval.bench.ts).
 * A passage that does not fit is skipped while smaller ones after it may still fit; what the budget has left then
 * goes, in rank order, to the skipped ones cut to their best lines. All this within two thirds of the budget: the
 * last third goes, in rank order, to the passages still not shown and, where some did not fit, the candidates past
 * `whole`, each shown by the opening sentence of each rule it states (`ruleOpenings`). A rule's statement is most of
 * what a review needs of it, and a few long sections' examples had taken the room of several rules.
 */
export function packPassages(candidates: readonly Passage[], options: PackOptions): PackedContext {
  const dropped = { outOfScope: 0, duplicate: 0, overBudget: 0 };
  const ranked = (passages: readonly Passage[]) =>
    passages
      .filter((passage) => appliesToPath(passage, options.path) || (dropped.outOfScope++, false))
      .map((passage, order) => ({ passage, order, priority: passage.score * (isScopedTo(passage, options.path) ? SCOPE_BOOST : 1) }))
      .sort((a, b) => b.priority - a.priority || a.order - b.order)
      .map(({ passage }) => passage);
  // By the search's order, before scoping: a passage past `whole` is never shown whole in the place of one scoped out.
  const wholeCount = Math.min(options.whole ?? candidates.length, candidates.length);
  const whole = ranked(candidates.slice(0, wholeCount));
  const wholeBudget = options.budgetTokens * (1 - OPENINGS_SHARE);

  const packed: PackedPassage[] = [];
  // What each packed block cost, so a chunk joining it is charged only the difference.
  const costs: number[] = [];
  const seenIds = new Set<string>();
  let tokens = 0;
  const pack = (passage: Passage): 'packed' | 'duplicate' | 'overBudget' => {
    if (seenIds.has(passage.id)) return 'duplicate';
    const text = withoutSharedLines(passage, packed);
    if (text === undefined) return 'duplicate';
    const section = packed.findIndex((other) => continuesSection(other.passage, passage));
    const block = section < 0 ? { passage, text } : joined(packed[section]!, { passage, text });
    const blockCost = options.cost(block.passage, block.text);
    const cost = blockCost - (section < 0 ? 0 : costs[section]!);
    if (tokens + cost > wholeBudget) return 'overBudget';
    seenIds.add(passage.id);
    const slot = section < 0 ? packed.length : section;
    packed[slot] = block;
    costs[slot] = blockCost;
    tokens += cost;
    return 'packed';
  };
  const terms = options.query === undefined ? undefined : queryTerms(options.query);
  const skipped: Passage[] = [];
  for (const passage of whole) {
    const outcome = pack(terms ? (passageExcerpt(passage, terms, options.budgetTokens * MAX_SHARE, options.cost) ?? passage) : passage);
    if (outcome === 'overBudget') skipped.push(passage);
    else if (outcome === 'duplicate') dropped.duplicate++;
  }
  // What the budget has left goes to the best lines of those that did not fit, in rank order.
  const unshown: Passage[] = [];
  for (const passage of skipped) {
    const room = wholeBudget - tokens;
    const excerpt = terms && room >= MIN_EXCERPT_TOKENS ? passageExcerpt(passage, terms, room, options.cost) : undefined;
    const outcome = excerpt ? pack(excerpt) : 'overBudget';
    if (outcome === 'overBudget') unshown.push(passage);
    else if (outcome === 'duplicate') dropped.duplicate++;
  }
  // The rest of the budget: the rules of those still not shown, then of the candidates past `whole`, where the budget
  // bound. Where every one of the first `whole` fit, their sections are short and the search's further passages are of
  // the noise level (test/bench/reviewRag.bench.ts): listing them would only cost tokens, so they are not weighed.
  const listing = skipped.length > 0;
  for (const passage of [...unshown, ...(listing ? ranked(candidates.slice(wholeCount)) : [])]) {
    const rest = seenIds.has(passage.id) ? undefined : withoutSharedLines(passage, packed);
    if (rest === undefined) {
      dropped.duplicate++;
      continue;
    }
    const text = ruleOpenings({ ...passage, text: rest }, RULE_OPENING_CHARS);
    const cost = options.cost(passage, text);
    if (!text || tokens + cost > options.budgetTokens) {
      dropped.overBudget++;
      continue;
    }
    seenIds.add(passage.id);
    packed.push({ passage, text, openings: true });
    tokens += cost;
  }
  return { passages: packed, tokens, dropped, retrieved: listing ? candidates.length : wholeCount };
}

/** Lines of the same file (a PDF's lines are counted within each page). */
function sameLines(a: Passage, b: Passage): boolean {
  return a.kb === b.kb && a.source === b.source && a.page === b.page;
}

/** `next` is the same section as `packed` (same lines, same heading) and touches or overlaps it. */
function continuesSection(packed: Passage, next: Passage): boolean {
  return sameLines(packed, next) && packed.heading === next.heading && next.startLine <= packed.endLine + 1 && packed.startLine <= next.endLine + 1;
}

/** One block of two touching chunks of a section, in file order; `next`'s text has had the shared lines cut. */
function joined(packed: PackedPassage, next: PackedPassage): PackedPassage {
  const before = packed.passage.startLine <= next.passage.startLine;
  return {
    passage: {
      ...packed.passage,
      startLine: Math.min(packed.passage.startLine, next.passage.startLine),
      endLine: Math.max(packed.passage.endLine, next.passage.endLine),
    },
    text: before ? `${packed.text}\n${next.text}` : `${next.text}\n${packed.text}`,
  };
}

/** The passage's text less the lines it shares with packed chunks of the same source; undefined if nothing new is left. */
function withoutSharedLines(passage: Passage, packed: readonly PackedPassage[]): string | undefined {
  let lines = passage.text.split('\n');
  for (const other of packed) {
    const q = other.passage;
    if (!sameLines(q, passage) || !overlaps(q, passage)) continue;
    if (containsRange(q, passage)) return undefined;
    const otherLines = other.text.split('\n');
    if (q.startLine <= passage.startLine) lines = lines.slice(sharedEdge(otherLines, lines));
    else lines = lines.slice(0, lines.length - sharedEdge(lines, otherLines));
    if (lines.every((line) => line.trim() === '')) return undefined;
  }
  return lines.join('\n');
}

/** How many trailing lines of `before` equal the leading lines of `after`. */
function sharedEdge(before: readonly string[], after: readonly string[]): number {
  for (let n = Math.min(before.length, after.length); n > 0; n--) {
    let same = true;
    for (let i = 0; i < n && same; i++) same = before[before.length - n + i] === after[i];
    if (same) return n;
  }
  return 0;
}
