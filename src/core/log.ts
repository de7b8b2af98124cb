/** Where core reports progress and skipped inputs; the CLI writes to stderr, the editor to an output channel. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {} };

export interface Progress {
  /** `done` of `total` units finished; `total` is undefined while unknown. */
  report(phase: string, done: number, total?: number): void;
}

export const noProgress: Progress = { report() {} };
