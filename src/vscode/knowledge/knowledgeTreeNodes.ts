import type { HealthCheck, HealthReport } from '../../core/knowledge/health';
import type { KnowledgeOverview } from '../../core/knowledge/knowledgeBase';
import { counted, isMarkdownSource } from '../../core/service/frontEndHelpers';

/** A row of the Knowledge tree, as plain data: what the tree provider turns into TreeItems. Pure, so it is tested without an editor. */
export interface KnowledgeNode {
  /** `health` is checked when expanded (it reads every passage); its children are its findings. */
  kind: 'base' | 'source' | 'message' | 'health' | 'finding';
  label: string;
  description?: string;
  tooltip?: string;
  /** Drives the context menu (`view/item/context` when clauses). */
  contextValue: 'base' | 'base-missing' | 'base-broken' | 'source' | 'message' | 'health' | 'finding';
  /** For sources: the workspace-relative path to open. */
  source?: string;
  kb: string;
  children?: KnowledgeNode[];
}

export type BaseState = { overview: KnowledgeOverview } | { missing: true } | { error: string };

export function knowledgeNodes(bases: [name: string, state: BaseState][], now = new Date()): KnowledgeNode[] {
  if (bases.length === 0) return [{ kind: 'message', label: 'No knowledge base configured', contextValue: 'message', kb: '' }];
  return bases.map(([kb, state]) => {
    if ('missing' in state) {
      return { kind: 'base', label: kb, description: 'not indexed yet', tooltip: 'Index the workspace to search and cite these rules.', contextValue: 'base-missing', kb };
    }
    if ('error' in state) {
      return { kind: 'base', label: kb, description: 'cannot be opened', tooltip: state.error, contextValue: 'base-broken', kb };
    }
    const { overview } = state;
    const when = overview.updated ? `indexed ${ago(overview.updated, now)}` : 'indexed';
    return {
      kind: 'base',
      label: kb,
      description: `${counted(overview.passages, 'passage')} · ${when}`,
      tooltip: `${counted(overview.sources.length, 'source')}, ${counted(overview.passages, 'passage')}, embedded with ${overview.embedder}${overview.updated ? `, last indexed ${overview.updated.toLocaleString()}` : ''}.`,
      contextValue: 'base',
      kb,
      children: [
        { kind: 'health', label: 'Health', description: 'expand to check', tooltip: 'Documents without headings, near-duplicate passages, sources no review retrieved, stale sections.', contextValue: 'health', kb },
        ...overview.sources.map(({ source, passages, languages }): KnowledgeNode => ({
          kind: 'source',
          label: source,
          description: `${counted(passages, 'passage')} · ${languages.length > 0 ? languages.join(', ') : 'any language'}`,
          tooltip: scopeTooltip(source, languages),
          contextValue: 'source',
          source,
          kb,
        })),
      ],
    };
  });
}

/** What a source's languages mean for reviews, and where a Markdown guide can say otherwise (`documentLanguages`). */
function scopeTooltip(source: string, languages: readonly string[]): string {
  const scope = languages.length > 0
    ? `Rules for ${languages.join(', ')} code: reviews of code in other languages rank them after their own language's rules.`
    : 'Shows no programming language, so its rules count for code in any language.';
  return isMarkdownSource(source) ? `${scope}\nTo change this, state \`languages: [C, C++]\` in its front matter.` : scope;
}

const CHECK_LABEL: Record<HealthCheck, string> = {
  'no-headings': 'no headings',
  'near-duplicate': 'near-duplicate',
  'not-retrieved': 'never retrieved',
  stale: 'stale',
};

/** A health check's findings as rows: the source, what is wrong, and the fix as the tooltip. */
export function healthNodes(report: HealthReport): KnowledgeNode[] {
  if (report.findings.length === 0) {
    return [{ kind: 'message', label: 'No problems found', description: `${counted(report.sources, 'source')}, ${counted(report.passages, 'passage')}${report.notChecked ? `; ${report.notChecked}` : ''}`, contextValue: 'message', kb: report.kb }];
  }
  return report.findings.map((finding) => ({
    kind: 'finding',
    label: `${CHECK_LABEL[finding.check]}: ${finding.source}`,
    description: finding.message,
    tooltip: `${finding.message}\nFix: ${finding.fix}`,
    contextValue: 'finding',
    source: finding.source,
    kb: report.kb,
  }));
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(then: Date, now: Date): string {
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
