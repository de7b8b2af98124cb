// Hybrid review-findings citations on a hand-labelled set: real LanceDB, the workspace indexer and the
// knowledge base's own search (hashing embedder), the rules in each prompt as the reviewer would pack them.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/core/config';
import { citedPassage } from '../../src/core/dataset/samples/commentFinding';
import { indexKnowledgeBase } from '../../src/core/knowledge/indexer';
import { openKnowledgeBase, type KnowledgeBase } from '../../src/core/knowledge/knowledgeBase';
import type { Passage } from '../../src/core/knowledge/passage';
import { REPO_ROOT } from '../support/cli';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'citations');
/** The held-out set's first measured figures (22/24, 22/25), rounded down to 5 points. */
const HELD_OUT_FLOOR = { precision: 0.9, recall: 0.85 };

/** A review comment, the rules (by section) in the prompt of its window, and the one it is about (null: none of them). */
interface CitationCase {
  comment: string;
  prompt: string[];
  cites: string | null;
}

describe('hybrid citations by the reviewer’s own retrieval', () => {
  const config = parseConfig({ index: { embedder: 'hash' } });
  let workspace: string;
  let knowledgeBase: KnowledgeBase;
  let sections: Map<string, Passage>;

  before(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'housestyle-citations-'));
    await cp(path.join(FIXTURES, 'STYLE.md'), path.join(workspace, 'docs', 'STYLE.md'), { recursive: true });
    await indexKnowledgeBase({ workspace, config });
    knowledgeBase = await openKnowledgeBase({ workspace, config });
    const all = await knowledgeBase.search('C style guide', { k: 100 });
    sections = new Map(all.map((passage) => [passage.heading.split(' > ').at(-1)!, passage]));
  });
  after(async () => {
    await knowledgeBase.close();
    await rm(workspace, { recursive: true, force: true });
  });

  /** Precision and recall of the citations `dataset.citationRank` gives on one labelled set, with its misses. */
  async function score(file: string): Promise<{ right: number; cited: number; found: number; wanted: number; wrong: string[] }> {
    const cases = JSON.parse(await readFile(path.join(FIXTURES, file), 'utf8')) as CitationCase[];
    const tally = { right: 0, cited: 0, found: 0, wanted: 0, wrong: [] as string[] };
    for (const { comment, prompt, cites } of cases) {
      const passages = prompt.map((section) => {
        const passage = sections.get(section);
        assert.ok(passage, `no section "${section}" in STYLE.md`);
        return { passage, text: passage.text };
      });
      const label = await citedPassage(knowledgeBase, comment, passages, { rank: config.dataset.citationRank, language: 'C' });
      const chosen = label === undefined ? null : prompt[Number(label.slice(1)) - 1]!;
      if (chosen !== null) tally.cited++;
      if (chosen !== null && chosen === cites) tally.right++;
      if (cites !== null) tally.wanted++;
      if (cites !== null && chosen === cites) tally.found++;
      if (chosen !== cites) tally.wrong.push(`${comment} → ${chosen} (labelled ${cites})`);
    }
    return tally;
  }

  function report(t: { diagnostic(message: string): void }, name: string, tally: Awaited<ReturnType<typeof score>>): { precision: number; recall: number } {
    const precision = tally.right / tally.cited;
    const recall = tally.found / tally.wanted;
    t.diagnostic(`${name}: citation precision ${tally.right}/${tally.cited} = ${(precision * 100).toFixed(1)}%, recall ${tally.found}/${tally.wanted} = ${(recall * 100).toFixed(1)}%`);
    for (const line of tally.wrong) t.diagnostic(`miss: ${line}`);
    return { precision, recall };
  }

  it('cites the rule a comment is about, and none when the prompt holds no such rule, on the 40 comments the rank was chosen on', async (t) => {
    const { precision, recall } = report(t, 'tuning set', await score('cases.json'));
    assert.ok(precision >= 0.9, `precision ${precision}`);
    assert.ok(recall >= 0.9, `recall ${recall}`);
  });

  // held-out.json: 33 comments labelled after the rank was chosen and never used to choose it (frozen: change
  // the rule, never these labels). Its floors are the figures first measured on it, so a regression fails.
  it('holds on the held-out comments', async (t) => {
    const { precision, recall } = report(t, 'held out', await score('held-out.json'));
    assert.ok(precision >= HELD_OUT_FLOOR.precision, `precision ${precision}`);
    assert.ok(recall >= HELD_OUT_FLOOR.recall, `recall ${recall}`);
  });
});
