import type { Progress } from '../../log';

const MB = 1024 * 1024;

/**
 * Reports a byte transfer (conversion, upload) as MB done of total, percent and rate, e.g.
 * "Uploading adapter.gguf: 120.0 of 480.0 MB, 25%, 96.3 MB/s". Returns the callback that takes the bytes done.
 */
export function byteProgress(progress: Progress, phase: string, total: number, now: () => number = performance.now.bind(performance)): (done: number) => void {
  const started = now();
  return (done) => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? `, ${(done / MB / seconds).toFixed(1)} MB/s` : '';
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    progress.report(phase, done, total, `${(done / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB, ${percent}%${rate}`);
  };
}
