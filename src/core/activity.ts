/** What House Style is busy with, for a status line: the editor's status bar and, later, its trees. */
export type TaskKind = 'indexing' | 'reviewing' | 'asking' | 'building-dataset' | 'fetching-comments' | 'pulling' | 'importing' | 'training' | 'comparing' | 'evaluating';

export interface RunningTask {
  id: number;
  kind: TaskKind;
  /** What it works on, for a tooltip ("src/app.ts", "style"). */
  label: string;
  /** 0–100 once known. */
  percent?: number;
}

export interface ActivityState {
  tasks: RunningTask[];
  /** What the last call to Ollama showed; `unknown` until one is made. */
  ollama: 'unknown' | 'reachable' | 'unreachable';
  host?: string;
  model?: string;
  route?: string;
}

export interface TaskHandle {
  report(percent: number): void;
  end(): void;
}

/**
 * The observable state of House Style's work. Core sessions report into it; front ends subscribe. It holds
 * no editor types, so the status logic is tested in plain Node.
 */
export class Activity {
  private current: ActivityState = { tasks: [], ollama: 'unknown' };
  private readonly listeners = new Set<(state: ActivityState) => void>();
  private nextId = 1;

  get state(): ActivityState {
    return this.current;
  }

  onChange(listener: (state: ActivityState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  begin(kind: TaskKind, label: string): TaskHandle {
    const id = this.nextId++;
    this.update({ tasks: [...this.current.tasks, { id, kind, label }] });
    let ended = false;
    return {
      report: (percent) => {
        if (ended) return;
        const rounded = Math.max(0, Math.min(100, Math.floor(percent)));
        const task = this.current.tasks.find((t) => t.id === id);
        if (task && task.percent !== rounded) this.update({ tasks: this.current.tasks.map((t) => (t.id === id ? { ...t, percent: rounded } : t)) });
      },
      end: () => {
        if (ended) return;
        ended = true;
        this.update({ tasks: this.current.tasks.filter((t) => t.id !== id) });
      },
    };
  }

  /** Runs `body` as a task that ends however `body` ends. */
  async run<T>(kind: TaskKind, label: string, body: (task: TaskHandle) => Promise<T>): Promise<T> {
    const task = this.begin(kind, label);
    try {
      return await body(task);
    } finally {
      task.end();
    }
  }

  ollamaSeen(host: string, reachable: boolean): void {
    const ollama = reachable ? 'reachable' : 'unreachable';
    if (this.current.ollama !== ollama || this.current.host !== host) this.update({ ollama, host });
  }

  modelChosen(model: string, route?: string): void {
    if (this.current.model !== model || this.current.route !== route) this.update({ model, ...(route ? { route } : { route: undefined }) });
  }

  private update(change: Partial<ActivityState>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }
}
