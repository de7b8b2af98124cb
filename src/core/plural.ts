/** "1 sample", "2 samples": a count with its noun in the right number (`plural` for irregular nouns). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}
