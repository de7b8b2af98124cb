import { linesByKind } from '../knowledge/codeTokens';
import { LIST_ITEM, LIST_MARKER } from '../knowledge/chunk/listItems';
import type { Passage } from '../knowledge/passage';
import { withoutLinkTargets } from '../prompt/withoutLinkTargets';

/**
 * Characters of the rule openings shown per passage. With 1,000, what the rerank shows names the
 * labelled rule for 0.790 of the retrieval benchmark's tuning snippets (600: 0.752; 1,400: 0.800, for a worst-case
 * prompt 40% longer), against 0.410 with a heading and first line; most passages hold fewer.
 */
export const RULE_OPENING_CHARS = 1000;

/**
 * Characters of one rule's opening sentence: most rules' statements whole (100 named as many labelled rules of the
 * retrieval benchmark's tuning half, cutting more of them short; 160 named fewer within the budget).
 */
const SENTENCE_CHARS = 120;

/**
 * The opening sentence of each rule a passage states, one per line, within `maxChars`: each list item's and each
 * paragraph's first sentence, outside its code, as plain text. A section of bullets is many rules under one heading
 * ("Rules", "C# Coding Style"), and a rule's bullet often opens with an anchor (`* <a name="…"></a>`), so a heading and
 * a first line showed the rule a snippet broke for fewer than half of the snippets whose rule was among the 30 the
 * rerank reads (test/bench/retrieval.bench.ts). A line of "…" says rules were left out.
 */
export function ruleOpenings(passage: Pick<Passage, 'source' | 'heading' | 'text'>, maxChars: number): string {
  const title = plain(passage.heading.split(' > ').at(-1) ?? '').toLowerCase();
  const openings: string[] = [];
  for (const paragraph of paragraphs(withoutLinkTargets(passage.source, passage.text))) {
    const sentence = firstSentence(paragraph);
    if (sentence && sentence.toLowerCase() !== title && !openings.includes(sentence)) openings.push(sentence);
  }
  const shown: string[] = [];
  let used = 0;
  for (const opening of openings) {
    if (shown.length > 0 && used + opening.length > maxChars) {
      shown.push('…');
      break;
    }
    shown.push(opening);
    used += opening.length + 1;
  }
  return shown.join('\n');
}

/** The passage's prose as paragraphs, each list item one: headings, underlines, table rows and directives left out. */
function paragraphs(text: string): string[] {
  const found: string[] = [];
  let current: string[] = [];
  const close = () => {
    const paragraph = plain(current.join(' '));
    if (paragraph) found.push(paragraph);
    current = [];
  };
  for (const { line, kind } of linesByKind(text)) {
    if (kind !== 'text' || line.trim() === '' || NOT_PROSE.test(line)) {
      close();
      continue;
    }
    if (LIST_ITEM.test(line)) {
      close();
      current.push(line.replace(LIST_MARKER, ''));
    } else current.push(line);
  }
  close();
  return found;
}

/**
 * Lines that state no rule: Markdown and AsciiDoc headings, underlines and thematic breaks, table rows, AsciiDoc
 * block attributes (`[source,java]`, `[TIP]`), attribute entries (`:toc: preamble`) and preprocessor lines
 * (`ifndef::backend-pdf[]`), reStructuredText directives and comments (`.. note::`), and the rows of an HTML table
 * (Uber's Go guide sets its examples side by side under `<th>Bad</th><th>Good</th>`).
 */
const NOT_PROSE = /^(?:#{1,6}\s|={1,6}\s|\s*([=\-~^"'`#*+.:_])\1{2,}\s*$|\s*\||\[[^\]]*\]\s*$|:!?[\w-]+!?:(?:\s|$)|(?:ifn?def|ifeval|endif|include)::|\.\.(?:\s|$)|\s*<\/?(?:table|thead|tbody|tfoot|tr|td|th)\b)/i;

/** Text as a reader sees it: HTML tags dropped (link targets are, before: `withoutLinkTargets`), strong emphasis marks removed, spaces collapsed. */
function plain(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\*\*|__/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A paragraph's first sentence (ended by a stop before a capital, a bracket or a quote, not by "e.g." or an ellipsis), at most SENTENCE_CHARS. */
function firstSentence(paragraph: string): string {
  let end = paragraph.length;
  for (const match of paragraph.matchAll(/(?<!\.)[.!?](?=\s+[\p{Lu}[("'`]|\s*$)/gu)) {
    if (/\b(?:e\.g|i\.e|etc|vs|cf)$/i.test(paragraph.slice(0, match.index))) continue;
    end = match.index + 1;
    break;
  }
  const sentence = paragraph.slice(0, end).trim();
  return sentence.length > SENTENCE_CHARS ? `${sentence.slice(0, SENTENCE_CHARS).trimEnd()}…` : sentence;
}
