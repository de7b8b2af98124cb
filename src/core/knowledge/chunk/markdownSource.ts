import { AGENT_RULE_FILES } from '../../config';

/**
 * Whether a source is read as Markdown, its front matter (`languages:`, `applyTo:`) kept out of its passages: Cursor's
 * `.mdc` rules and the agents' rule files are Markdown too (Cursor's with front matter `globs`). Its own module, so the
 * editor's Knowledge tree can ask without loading the chunkers.
 */
export function isMarkdownSource(source: string): boolean {
  return /\.(md|markdown|mdx|mdc)$/i.test(source) || AGENT_RULE_FILES.includes(source.slice(source.lastIndexOf('/') + 1).toLowerCase());
}
