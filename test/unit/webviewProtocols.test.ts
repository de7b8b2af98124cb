import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isChatViewRequest } from '../../src/protocol/chatView';
import { isKnowledgeViewRequest } from '../../src/protocol/knowledgeView';

test('the chat view accepts only well-formed requests: webview messages are untrusted input', () => {
  const ask = { type: 'ask', requestId: 1, question: 'How do we name booleans?', context: 'selection', kb: 'style', route: 'hybrid' };
  assert.equal(isChatViewRequest(ask), true);
  for (const [change, why] of [
    [{ question: '   ' }, 'a blank question'],
    [{ question: 'x'.repeat(8001) }, 'an oversized question'],
    [{ context: 'workspace' }, 'an unknown code context'],
    [{ route: 'cloud' }, 'an unknown route'],
    [{ kb: '../other' }, 'a knowledge base name that is not one'],
    [{ requestId: '1' }, 'a request id that is not a number'],
  ] as const) {
    assert.equal(isChatViewRequest({ ...ask, ...change }), false, why);
  }
  assert.equal(isChatViewRequest({ type: 'open', source: 'docs/style.md', startLine: 3, endLine: 5 }), true);
  assert.equal(isChatViewRequest({ type: 'open', source: 'docs/style.md', startLine: 5, endLine: 3 }), false);
  assert.equal(isChatViewRequest({ type: 'open', source: 'docs/style.md', startLine: 0, endLine: 3 }), false);
  assert.equal(isChatViewRequest({ type: 'insert', code: 'const a = 1;' }), true);
  assert.equal(isChatViewRequest({ type: 'insert', code: 42 }), false);
  assert.equal(isChatViewRequest({ type: 'cancel', requestId: 3 }), true);
  for (const junk of [null, 'ask', [], { type: 'eval', code: 'x' }, { type: 'copy' }]) assert.equal(isChatViewRequest(junk), false, JSON.stringify(junk));
});

test('the knowledge view accepts only well-formed requests', () => {
  assert.equal(isKnowledgeViewRequest({ type: 'search', requestId: 1, query: 'naming' }), true);
  assert.equal(isKnowledgeViewRequest({ type: 'search', requestId: 1, query: 'x'.repeat(2001) }), false);
  assert.equal(isKnowledgeViewRequest({ type: 'open', source: 'docs/a.md', startLine: 1.5, endLine: 2 }), false);
  assert.equal(isKnowledgeViewRequest({ type: 'delete' }), false);
});
