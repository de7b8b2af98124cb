import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ago, healthNodes, knowledgeNodes } from '../../src/vscode/knowledge/knowledgeTreeNodes';

const now = new Date('2026-12-02T12:00:00Z');

test('the Knowledge tree lists each base with passages and age, its sources below, and says what is missing or broken', () => {
  const nodes = knowledgeNodes(
    [
      ['style', { overview: { name: 'style', embedder: 'hash-v1-384', passages: 7, updated: new Date('2026-12-02T11:55:00Z'), sources: [{ source: 'CONTRIBUTING.md', passages: 1, languages: [] }, { source: 'docs/style.md', passages: 4, languages: ['C', 'Shell'] }, { source: 'docs/guide.pdf', passages: 2, languages: ['Go'] }] } }],
      ['api', { missing: true }],
      ['team', { error: 'The index at s3://bucket/team cannot be opened.' }],
    ],
    now,
  );
  assert.deepEqual(
    nodes.map((n) => [n.label, n.description, n.contextValue, n.children?.map((c) => `${c.source ?? c.label} (${c.description})`)]),
    [
      ['style', '7 passages · indexed 5 min ago', 'base', ['Health (expand to check)', 'CONTRIBUTING.md (1 passage · any language)', 'docs/style.md (4 passages · C, Shell)', 'docs/guide.pdf (2 passages · Go)']],
      ['api', 'not indexed yet', 'base-missing', undefined],
      ['team', 'cannot be opened', 'base-broken', undefined],
    ],
  );
  assert.match(nodes[0]!.tooltip!, /3 sources, 7 passages, embedded with hash-v1-384/);
  // Each source says which code its rules are for, and a Markdown guide how to say otherwise (a PDF has no front matter).
  const [, anyLanguage, scoped, pdf] = nodes[0]!.children!.map((n) => n.tooltip);
  assert.match(anyLanguage!, /no programming language.*any language\.\nTo change this, state `languages: \[C, C\+\+\]` in its front matter/s);
  assert.match(scoped!, /^Rules for C, Shell code: reviews of code in other languages rank them after/);
  assert.equal(pdf, 'Rules for Go code: reviews of code in other languages rank them after their own language\'s rules.');
  assert.equal(nodes[2]!.tooltip, 'The index at s3://bucket/team cannot be opened.');
  assert.deepEqual(knowledgeNodes([]).map((n) => n.label), ['No knowledge base configured']);
});

test('ages read as a person says them', () => {
  const before = (ms: number) => ago(new Date(now.getTime() - ms), now);
  assert.deepEqual([before(10_000), before(59 * 60_000), before(3 * 3600_000), before(25 * 3600_000), before(72 * 3600_000)], ['just now', '59 min ago', '3 h ago', '1 day ago', '3 days ago']);
});

test("a base's Health row lists each finding with its fix, or says nothing was found", () => {
  const findings = healthNodes({
    kb: 'style',
    sources: 3,
    passages: 9,
    findings: [
      { check: 'no-headings', source: 'docs/notes.txt', message: 'No headings: passages carry no section path.', fix: 'Add a heading per rule.' },
      { check: 'not-retrieved', source: 'docs/old.md', message: 'No review retrieved it in 30 days.', fix: 'Remove it, or narrow the include globs.' },
    ],
  });
  assert.deepEqual(findings.map((n) => [n.label, n.source, n.tooltip]), [
    ['no headings: docs/notes.txt', 'docs/notes.txt', 'No headings: passages carry no section path.\nFix: Add a heading per rule.'],
    ['never retrieved: docs/old.md', 'docs/old.md', 'No review retrieved it in 30 days.\nFix: Remove it, or narrow the include globs.'],
  ]);
  assert.deepEqual(healthNodes({ kb: 'style', sources: 3, passages: 9, findings: [], notChecked: 'no retrieval log yet' }).map((n) => [n.label, n.description]), [['No problems found', '3 sources, 9 passages; no retrieval log yet']]);
});
