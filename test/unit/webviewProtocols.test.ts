import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment, type DefaultTreeAdapterTypes } from 'parse5';
import { CHAT_VIEW_BODY, isChatViewRequest } from '../../src/protocol/chatView';
import { isKnowledgeViewRequest, KNOWLEDGE_VIEW_BODY } from '../../src/protocol/knowledgeView';

type ChildNode = DefaultTreeAdapterTypes.ChildNode;

test('the chat view accepts only well-formed requests: webview messages are untrusted input', () => {
  const ask = { type: 'ask', requestId: 1, question: 'How do we name booleans?', context: 'selection', kb: 'style', route: 'hybrid', history: [{ question: 'Tabs?', answer: 'Spaces.' }] };
  assert.equal(isChatViewRequest(ask), true);
  for (const [change, why] of [
    [{ question: '   ' }, 'a blank question'],
    [{ question: 'x'.repeat(8001) }, 'an oversized question'],
    [{ context: 'workspace' }, 'an unknown code context'],
    [{ route: 'cloud' }, 'an unknown route'],
    [{ kb: '../other' }, 'a knowledge base name that is not one'],
    [{ requestId: '1' }, 'a request id that is not a number'],
    [{ history: Array.from({ length: 7 }, () => ({ question: 'q', answer: 'a' })) }, 'too long a history'],
    [{ history: [{ question: 'q', answer: 3 }] }, 'a malformed exchange'],
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

test("a view's form cannot be submitted before its script runs: every control waits in a disabled fieldset", () => {
  const controls = (node: ChildNode, inDisabledFieldset: boolean, inForm: boolean): { name: string; waits: boolean }[] => {
    if (!('tagName' in node)) return [];
    const disabled = node.tagName === 'fieldset' && node.attrs.some((attr) => attr.name === 'disabled');
    const here = ['input', 'textarea', 'select', 'button'].includes(node.tagName) && inForm ? [{ name: node.tagName, waits: inDisabledFieldset }] : [];
    return [...here, ...node.childNodes.flatMap((child) => controls(child, inDisabledFieldset || disabled, inForm || node.tagName === 'form'))];
  };
  for (const [view, body] of [['knowledge', KNOWLEDGE_VIEW_BODY], ['chat', CHAT_VIEW_BODY]] as const) {
    const found = parseFragment(body).childNodes.flatMap((node) => controls(node, false, false));
    assert.ok(found.length >= 2, `${view}: the form's controls were found`);
    assert.deepEqual(found.filter((control) => !control.waits), [], `${view}: a control the browser could submit before the script has attached its handlers`);
  }
});
