import { setTimeout as delay } from 'node:timers/promises';
import { throwIfCancelled } from '../errors';

/** Waits that honour cancellation: the cancellation idiom's error, not the timer's AbortError. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfCancelled(signal);
  if (ms <= 0) return;
  await delay(ms, undefined, signal ? { signal } : undefined).catch(() => throwIfCancelled(signal));
}

/**
 * Keeps calls within a forge's documented pace: at most `concurrency` in flight and at most `perMinute` started
 * in any 60-second window (a sliding window, so a burst at the start of a minute cannot exceed it), and none
 * before `holdUntil` (set when the forge says its rate limit is spent).
 */
export class RequestPacer {
  private readonly started: number[] = [];
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private holdUntil = 0;

  constructor(
    private readonly concurrency: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stops every call from starting before `time` (ms since the epoch). */
  hold(time: number): void {
    this.holdUntil = Math.max(this.holdUntil, time);
  }

  async run<T>(body: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.slot(signal);
    try {
      await this.window(signal);
      return await body();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async slot(signal?: AbortSignal): Promise<void> {
    while (this.inFlight >= this.concurrency) {
      throwIfCancelled(signal);
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    throwIfCancelled(signal);
    this.inFlight++;
  }

  private async window(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.started.length > 0 && this.started[0]! <= now - 60_000) this.started.shift();
      const wait = Math.max(this.holdUntil - now, this.started.length >= this.perMinute ? this.started[0]! + 60_000 - now : 0);
      if (wait <= 0) break;
      await pause(wait, signal);
    }
    this.started.push(this.now());
  }
}
