import type { ActivityState, RunningTask, TaskKind } from '../core/activity';

/** What the status bar item shows for a state, and the command a click runs. Pure, so it is tested without an editor. */
export interface StatusView {
  text: string;
  tooltip: string;
  command: string;
  /** Drawn with the warning background. */
  warning: boolean;
}

const VERB: Record<TaskKind, string> = {
  indexing: 'indexing',
  reviewing: 'reviewing',
  asking: 'answering',
  'building-dataset': 'building dataset',
  'fetching-comments': 'fetching review comments',
  pulling: 'pulling',
  importing: 'importing adapter',
  training: 'training',
  comparing: 'comparing',
  evaluating: 'evaluating',
};

export const SHOW_LOG_COMMAND = 'housestyle.showLog';
export const CHECK_OLLAMA_COMMAND = 'housestyle.checkOllama';
export const FOCUS_COMMAND = 'workbench.view.extension.housestyle';

function describeTask(task: RunningTask): string {
  return `${VERB[task.kind]}${task.percent === undefined ? '' : ` ${task.percent}%`}`;
}

export function statusView(state: ActivityState): StatusView {
  const model = state.model ? `${state.model}${state.route ? ` · ${state.route}` : ''}` : 'no model chosen yet';
  const [first, ...others] = state.tasks;
  if (first) {
    const more = others.length ? ` (+${others.length})` : '';
    return {
      text: `$(sync~spin) House Style: ${describeTask(first)}${more}`,
      tooltip: [...state.tasks.map((task) => `${describeTask(task)} ${task.label}`), `Model: ${model}`, 'Click to show the log.'].join('\n'),
      command: SHOW_LOG_COMMAND,
      warning: false,
    };
  }
  if (state.ollama === 'unreachable') {
    return {
      text: '$(warning) House Style: Ollama unreachable',
      tooltip: `Ollama did not answer at ${state.host ?? 'the configured host'}. Click to check again, or set housestyle.ollama.host / OLLAMA_HOST.`,
      command: CHECK_OLLAMA_COMMAND,
      warning: true,
    };
  }
  return {
    text: `$(law) House Style${state.model ? `: ${model}` : ''}`,
    tooltip: `Idle. Model: ${model}${state.host ? ` on ${state.host}` : ''}${state.ollama === 'reachable' ? ' (reachable)' : ''}. Click to open House Style.`,
    command: FOCUS_COMMAND,
    warning: false,
  };
}
