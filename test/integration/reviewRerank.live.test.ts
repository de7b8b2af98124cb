// The live lane's measurement of the optional rerank (review.rerank) on the retrieval benchmark's tuning half
// (test/bench/retrieval/teams: team documents House Style was not written for). Runs only against a real Ollama:
//   OLLAMA_HOST=http://127.0.0.1:11434 HOUSESTYLE_LIVE_MODEL=qwen2.5-coder:7b \
//   node --import tsx --test test/integration/reviewRerank.live.test.ts
// Without them the test is skipped with its reason. Prints recall@5, recall@12, MRR and the packed prompt's keep
// rate with and without the rerank, and fails when the model's answers are too often not a valid order.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import type { Passage } from '../../src/core/knowledge/passage';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { RERANK_CANDIDATES, rerankPassages } from '../../src/core/review/rerankRules';
import { fileTarget } from '../../src/core/review/reviewTarget';
import { reviewWindows } from '../../src/core/review/reviewWindow';
import { programmingLanguage, retrievalQuery, retrieveRules } from '../../src/core/review/ruleRetrieval';
import { scoreRanks } from '../bench/retrievalScoring';
import { covers, labelShown, loadTeamsCorpus, rankOf } from '../bench/teamsCorpus';

const host = process.env.OLLAMA_HOST?.trim();
const model = process.env.HOUSESTYLE_LIVE_MODEL?.trim();

/** At most this share of windows may get an answer that is not a valid order (each falls back to the search's order). */
const MAX_INVALID_SHARE = 0.1;

test('live: the review model reranks the retrieval benchmark\'s tuning half', { timeout: 60 * 60_000 }, async (t) => {
  if (!host) return void t.skip('OLLAMA_HOST not set: no real Ollama to rerank with (set it and HOUSESTYLE_LIVE_MODEL to run the live lane)');
  if (!model) return void t.skip('HOUSESTYLE_LIVE_MODEL not set: name a pulled chat model to rerank with');
  const corpus = await loadTeamsCorpus();
  for (const line of corpus.skipped) t.diagnostic(line);
  const tuning = corpus.snippets.filter((snippet) => !snippet.heldOut);
  if (tuning.length === 0) return void t.skip('no tuning snippet has its document here (see test/bench/retrieval/teams/README.md)');

  const workspace = await mkdtemp(path.join(tmpdir(), 'hs-rerank-live-'));
  try {
    for (const source of corpus.sources) {
      await mkdir(path.dirname(path.join(workspace, source.workspacePath)), { recursive: true });
      await writeFile(path.join(workspace, source.workspacePath), corpus.texts.get(source.doc)!);
    }
    const config = parseConfig({ index: { embedder: 'hash' }, ollama: { timeoutMs: 300_000 }, review: { rerank: true } });
    await indexKnowledgeBase({ workspace, config });
    const kb = await openKnowledgeBase({ workspace, config });
    const client = OllamaClient.fromConfig(config, process.env);
    const invalid: string[] = [];
    const logger = { info() {}, warn: (line: string) => invalid.push(line) };
    const lexical: (number | undefined)[][] = [];
    const reranked: (number | undefined)[][] = [];
    const kept = { lexical: 0, reranked: 0 };
    try {
      for (const snippet of tuning) {
        const source = corpus.sourceOf.get(snippet.doc)!;
        const [window] = reviewWindows(fileTarget(snippet.path, snippet.code), config.review.windowLines);
        const query = retrievalQuery(window!);
        const language = programmingLanguage(window!.target.language);
        const found = await kb.search(query, { k: RERANK_CANDIDATES, ...(language && { language }) });
        const order = await rerankPassages(found, window!, { client, model, config, logger });
        lexical.push([rankOf(found, source, snippet)]);
        reranked.push([rankOf(order, source, snippet)]);
        // A rule listed by its opening sentences is kept where what is shown holds its first line (as retrieval.bench counts it).
        const packs = async (passages: Passage[]) =>
          (await retrieveRules({ search: async (_query, options) => passages.slice(0, options?.k) }, query, snippet.path, config)).passages.some(({ passage, text, openings }) =>
            openings ? labelShown(passage, `${passage.heading}\n${text}`, source, snippet, corpus.texts) : covers(passage, source, snippet),
          );
        if (await packs(found)) kept.lexical++;
        if (await packs(order)) kept.reranked++;
      }
    } finally {
      await kb.close();
    }
    const line = (name: string, ranks: (number | undefined)[][], packed: number) => {
      const s = scoreRanks(ranks);
      return `${name}: r@5 ${s.recall5.toFixed(3)}, r@12 ${s.recall12.toFixed(3)}, MRR ${s.mrr.toFixed(3)}, packed ${(packed / tuning.length).toFixed(3)}`;
    };
    t.diagnostic(`${tuning.length} tuning snippets, ${model} at ${host}`);
    t.diagnostic(line('lexical order', lexical, kept.lexical));
    t.diagnostic(line(`reranked (first ${RERANK_CANDIDATES})`, reranked, kept.reranked));
    t.diagnostic(`answers that were not a valid order: ${invalid.length}`);
    assert.ok(invalid.length <= MAX_INVALID_SHARE * tuning.length, `${invalid.length} of ${tuning.length} rerank answers were not a valid order:\n${invalid.join('\n')}`);
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
});
