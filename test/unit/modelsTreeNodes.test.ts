import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelsNodes, type ModelsSnapshot } from '../../src/vscode/models/modelsTreeNodes';

const version = (name: string, extra: object = {}) => ({
  name,
  base: 'qwen2.5-coder:7b',
  createdAt: '2026-12-01T10:00:00Z',
  adapter: { kind: 'peft' as const, source: '/adapters/a', digests: {}, rank: 16, alpha: 32 },
  evaluations: [],
  ...extra,
});

const snapshot: ModelsSnapshot = {
  host: 'http://127.0.0.1:11434',
  installed: [
    { name: 'qwen2.5-coder:7b', size: 4_700_000_000, digest: 'a', family: 'qwen2', parameterSize: '7.6B' },
    { name: 'housestyle-acme:20261201-1', size: 4_800_000_000, digest: 'b' },
  ],
  registry: { version: 1, active: 'housestyle-acme:20261201-1', models: [version('housestyle-acme:20261201-1', { dataset: { path: '.housestyle/datasets/x', cardSha256: 'c' } }), version('housestyle-acme:20261202-1')] },
  route: 'hybrid',
  baseModel: 'qwen2.5-coder:7b',
  fineTuned: 'housestyle-acme:20261201-1',
};

test('the Models tree shows Ollama, the route with its model, versions newest first by tag and time with the active one marked, and installed models', () => {
  const [ollama, route, versions, installed] = modelsNodes(snapshot);
  assert.deepEqual([ollama!.label, ollama!.description, ollama!.contextValue], ['Ollama', 'http://127.0.0.1:11434 · 2 models', 'ollama']);
  assert.deepEqual([route!.label, route!.description, route!.command], ['Route: hybrid', 'housestyle-acme:20261201-1', 'housestyle.chooseRoute']);
  assert.deepEqual(
    versions!.children!.map((n) => [n.label, n.description, n.contextValue]),
    [
      ['20261202-1', '2026-12-01 10:00 · qwen2.5-coder:7b · r16 α32 · missing from Ollama', 'version'],
      ['20261201-1', 'active · 2026-12-01 10:00 · qwen2.5-coder:7b · r16 α32', 'version-active'],
    ],
  );
  assert.match(versions!.children![1]!.tooltip!, /^housestyle-acme:20261201-1\n.*Dataset: \.housestyle\/datasets\/x\./s);
  assert.equal(versions!.children![1]!.model, 'housestyle-acme:20261201-1', 'Use and Remove act on the full name');
  assert.deepEqual(installed!.children!.map((n) => n.description), ['reviews (rag) · qwen2 · 7.6B · 4.7 GB', '4.8 GB']);
});

test('with Ollama down and nothing trained, the tree says so and offers what to do', () => {
  const [ollama, route, versions, installed] = modelsNodes({ ...snapshot, installed: undefined, registry: { version: 1, models: [] }, route: 'fine-tuned', fineTuned: undefined });
  assert.deepEqual([ollama!.description, ollama!.contextValue, ollama!.command], ['http://127.0.0.1:11434 · unreachable', 'ollama-down', 'housestyle.checkOllama']);
  assert.equal(route!.description, 'no fine-tuned model yet');
  assert.deepEqual(versions!.children!.map((n) => n.label), ['None yet: train or import an adapter']);
  assert.equal(installed!.description, '?');
  assert.deepEqual(installed!.children, []);
});
