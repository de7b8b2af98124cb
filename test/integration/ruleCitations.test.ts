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

  it('cites the rule a comment is about, and none when the prompt holds no such rule, on 40 hand-labelled comments', async (t) => {
    const cases = JSON.parse(await readFile(path.join(FIXTURES, 'cases.json'), 'utf8')) as CitationCase[];
    let cited = 0;
    let right = 0;
    let wanted = 0;
    let found = 0;
    const wrong: string[] = [];
    for (const { comment, prompt, cites } of cases) {
      const passages = prompt.map((section) => {
        const passage = sections.get(section);
        assert.ok(passage, `no section "${section}" in STYLE.md`);
        return { passage, text: passage.text };
      });
      const label = await citedPassage(knowledgeBase, comment, passages, { rank: config.dataset.citationRank, language: 'C' });
      const chosen = label === undefined ? null : prompt[Number(label.slice(1)) - 1]!;
      if (chosen !== null) cited++;
      if (chosen !== null && chosen === cites) right++;
      if (cites !== null) wanted++;
      if (cites !== null && chosen === cites) found++;
      if (chosen !== cites) wrong.push(`${comment} → ${chosen} (labelled ${cites})`);
    }
    const precision = right / cited;
    const recall = found / wanted;
    t.diagnostic(`citation precision ${right}/${cited} = ${(precision * 100).toFixed(1)}%, recall ${found}/${wanted} = ${(recall * 100).toFixed(1)}%`);
    for (const line of wrong) t.diagnostic(`miss: ${line}`);
    assert.ok(precision >= 0.9, `precision ${precision}`);
    assert.ok(recall >= 0.9, `recall ${recall}`);
  });
});
