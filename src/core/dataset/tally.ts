/** Counts by reason or kind, so every drop and every scrub can be reported rather than silently lost. */
export class Tally<K extends string = string> {
  private readonly counts = new Map<K, number>();

  add(key: K, n = 1): void {
    if (n > 0) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  get(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  /** A plain record with keys sorted, so reports are stable from run to run. */
  toRecord(): Record<K, number> {
    const entries = [...this.counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries) as Record<K, number>;
  }
}
