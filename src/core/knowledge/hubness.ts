import { codeQuery } from './codeQuery';
import { codeOf } from './codeTokens';
import type { Passage } from './passage';
import type { KnowledgeStore } from './store';

/**
 * Hubs: in a knowledge base, a few passages match almost any code of their language (a long section full of
 * examples: SerenityOS's "Names", Go's "Data-driven test cases"), so BM25 puts them first for code whose own rule
 * is a short section. How much a passage is one is measured once per full index run, from the knowledge base
 * alone: each code example of its documents (up to MAX_PROBES of them) is searched the way a review searches, and
 * each passage counts how often it is among the first HUB_DEPTH of another example's results. Its ratio is that
 * count over the average passage's; search divides a passage's score by 1 + HUB_WEIGHT times its ratio.
 */
const HUB_DEPTH = 10;
/** Code examples searched at most, spread evenly over the knowledge base, so a large one is measured in seconds. */
const MAX_PROBES = 500;
/**
 * On the team documents' tuning half (test/bench/retrieval.bench.ts) weights 0.15 to 0.25 all raised recall@5, MRR
 * and the packed keep rate (0.2: 0.689 / 0.822 / 0.439, packed 0.711, to 0.733 / 0.844 / 0.504, packed 0.778);
 * 0.3 lost recall@5 again.
 */
const HUB_WEIGHT = 0.2;

/** Each passage's hub ratio (absent: it was among no other example's first results). */
/** `onProbe` is called after each search (progress, and the caller's cancellation check). */
export async function measureHubs(store: KnowledgeStore, onProbe: (done: number, total: number) => void): Promise<Map<string, number>> {
  const probes: { id: string; query: string }[] = [];
  let passages = 0;
  for await (const passage of store.passages()) {
    passages++;
    const code = codeOf(passage.text).split('\n').filter((line) => line.trim() !== '');
    // One line of code is usually an inline mention (`nullptr`), not an example of code as written.
    if (code.length >= 2) probes.push({ id: passage.id, query: codeQuery(code, undefined) });
  }
  const step = Math.max(1, probes.length / MAX_PROBES);
  const total = Math.ceil(probes.length / step);
  const counts = new Map<string, number>();
  let hits = 0;
  for (let n = 0; n < total; n++) {
    const probe = probes[Math.floor(n * step)]!;
    for (const found of await store.search(probe.query, { fullTextOnly: true, k: HUB_DEPTH })) {
      if (found.id === probe.id) continue;
      counts.set(found.id, (counts.get(found.id) ?? 0) + 1);
      hits++;
    }
    onProbe(n + 1, total);
  }
  const average = hits / Math.max(1, passages);
  return new Map([...counts].map(([id, count]) => [id, count / average]));
}

/** The passages with their scores discounted by their hub ratios, best first. */
export function discountHubs(passages: readonly Passage[], ratios: ReadonlyMap<string, number>): Passage[] {
  if (ratios.size === 0) return [...passages];
  return passages.map((passage) => ({ ...passage, score: passage.score / (1 + HUB_WEIGHT * (ratios.get(passage.id) ?? 0)) })).sort((a, b) => b.score - a.score);
}
