/** Where core reports progress and skipped inputs; the CLI writes to stderr, the editor to an output channel. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {} };

export interface Progress {
  /** `done` of `total` units finished; `total` is undefined while unknown; `detail` says it in words (MB, percent, rate). */
  report(phase: string, done: number, total?: number, detail?: string): void;
}

export const noProgress: Progress = { report() {} };
