import type { Block } from './chunk';

/**
 * A heading that opens this many sections of one document is a label, not a section's name: WebKit-style guides
 * put "Right:" and "Wrong:" over every example, others "Example" or "Bad". Kept as headings, each example became
 * a passage of its own named "Wrong:", without the rule it shows, and the prose after it (often the next rule)
 * was filed under that label; a section name that recurs three times tells a reader nothing either.
 */
const LABEL_MIN_SECTIONS = 3;

/** The blocks with label headings taken out of their heading paths: a label's lines stay, as text of the section around it. */
export function withoutLabelHeadings(blocks: readonly Block[]): Block[] {
  const opened = new Map<string, number>();
  let previous: readonly string[] | undefined;
  for (const { heading } of blocks) {
    if (heading.length > 0 && !sameHeading(heading, previous)) opened.set(heading.at(-1)!, (opened.get(heading.at(-1)!) ?? 0) + 1);
    previous = heading;
  }
  const labels = new Set([...opened].filter(([, sections]) => sections >= LABEL_MIN_SECTIONS).map(([text]) => text));
  if (labels.size === 0) return [...blocks];
  return blocks.map((block) => ({ ...block, heading: block.heading.filter((part) => !labels.has(part)) }));
}

function sameHeading(a: readonly string[], b: readonly string[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((part, i) => part === b[i]);
}
