import type { Route } from '../../core/config';
import { NO_FINE_TUNED_MODEL } from '../../core/service/frontEndHelpers';
import type { ModelRegistry } from '../../core/models/registry';
import type { OllamaModelInfo } from '../../core/models/ollama/client';

/** What the Models tree shows, gathered once per refresh. */
export interface ModelsSnapshot {
  host: string;
  /** Undefined when Ollama did not answer. */
  installed?: OllamaModelInfo[];
  registry: ModelRegistry;
  route: Route;
  /** The base model (`ollama.model`) and the adapted one the fine-tuned and hybrid routes use, if any. */
  baseModel: string;
  fineTuned?: string;
}

/** A row of the Models tree as plain data (the provider makes TreeItems of it). Pure, so it is tested without an editor. */
export interface ModelNode {
  label: string;
  description?: string;
  tooltip?: string;
  contextValue: 'ollama' | 'ollama-down' | 'route' | 'group' | 'version' | 'version-active' | 'installed';
  icon: string;
  /** The command a click runs. */
  command?: string;
  /** For versions and installed models: the Ollama model name. */
  model?: string;
  children?: ModelNode[];
}

export function modelsNodes(s: ModelsSnapshot): ModelNode[] {
  const installed = s.installed && new Set(s.installed.map((m) => m.name));
  const routeModel = s.route === 'rag' ? s.baseModel : (s.fineTuned ?? NO_FINE_TUNED_MODEL);
  return [
    s.installed
      ? { label: 'Ollama', description: `${s.host} · ${s.installed.length} model${s.installed.length === 1 ? '' : 's'}`, contextValue: 'ollama', icon: 'server', tooltip: `Ollama answers at ${s.host}.` }
      : { label: 'Ollama', description: `${s.host} · unreachable`, contextValue: 'ollama-down', icon: 'warning', command: 'housestyle.checkOllama', tooltip: `Ollama did not answer at ${s.host}. Click to check again; set housestyle.ollama.host or OLLAMA_HOST if it runs elsewhere.` },
    {
      label: `Route: ${s.route}`,
      description: routeModel,
      contextValue: 'route',
      icon: 'git-compare',
      command: 'housestyle.chooseRoute',
      tooltip: 'rag: the base model with retrieved rules · fine-tuned: the adapted model without rules · hybrid: the adapted model with rules. Click to choose.',
    },
    {
      label: 'Fine-tuned versions',
      description: String(s.registry.models.length),
      contextValue: 'group',
      icon: 'versions',
      children: s.registry.models.length
        ? [...s.registry.models].reverse().map((v): ModelNode => {
            const shape = [v.adapter.rank !== undefined && `r${v.adapter.rank}`, v.adapter.alpha !== undefined && `α${v.adapter.alpha}`].filter(Boolean).join(' ');
            const active = v.name === s.registry.active;
            const missing = installed && !installed.has(v.name) ? ' · missing from Ollama' : '';
            // Versions share their project's name: the tag and the time tell them apart where the row is cut short.
            const tag = v.name.includes(':') ? v.name.slice(v.name.indexOf(':') + 1) : v.name;
            return {
              label: tag,
              description: `${active ? 'active · ' : ''}${v.createdAt.slice(0, 16).replace('T', ' ')} · ${v.base}${shape ? ` · ${shape}` : ''}${missing}`,
              tooltip: [`${v.name}`, `Base ${v.base}, ${v.adapter.kind} adapter${shape ? ` (${shape})` : ''}, created ${v.createdAt.slice(0, 10)}.`, v.dataset && `Dataset: ${v.dataset.path}.`, v.evaluations.length ? `${v.evaluations.length} evaluation(s) recorded.` : 'Not evaluated yet.'].filter(Boolean).join('\n'),
              contextValue: active ? 'version-active' : 'version',
              icon: active ? 'star-full' : 'package',
              model: v.name,
            };
          })
        : [{ label: 'None yet: train or import an adapter', contextValue: 'group', icon: 'info' }],
    },
    {
      label: 'Installed in Ollama',
      description: s.installed ? String(s.installed.length) : '?',
      contextValue: 'group',
      icon: 'library',
      children: (s.installed ?? []).map((m) => ({
        label: m.name,
        description: [m.name === s.baseModel && 'reviews (rag)', m.family, m.parameterSize, `${(m.size / 1e9).toFixed(1)} GB`].filter(Boolean).join(' · '),
        contextValue: 'installed' as const,
        icon: 'symbol-misc',
        model: m.name,
      })),
    },
  ];
}
