/**
 * Calls `onElapsed` once `ms` of this process's running time have passed, and returns a function that stops it.
 * Time is counted in ticks, and a tick that comes late counts as at most two: while the process is paused or
 * its event loop blocked (a starved test runner, a module compiled on first import, a laptop waking), an answer
 * that arrives meanwhile waits unread in the socket, so that time says nothing about the other side's silence.
 */
export function afterRunningTime(ms: number, onElapsed: () => void): () => void {
  const tick = Math.max(1, Math.min(MAX_TICK_MS, Math.floor(ms / 4)));
  let counted = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    counted += Math.min(now - last, 2 * tick);
    last = now;
    if (counted < ms) return;
    clearInterval(timer);
    onElapsed();
  }, tick);
  return () => clearInterval(timer);
}

/** Fine enough that a silent host is given up on within a tenth of a second of `ms`. */
const MAX_TICK_MS = 100;
