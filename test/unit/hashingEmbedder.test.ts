import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHashingEmbedder } from '../../src/core/knowledge/embedders/hashingEmbedder';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('hashing embedder', () => {
  const embedder = createHashingEmbedder(384);

  it('gives deterministic unit vectors of the declared dimension', async () => {
    const [a, b, empty] = await embedder.embed(['Use camelCase for variables', 'Use camelCase for variables', '']);
    assert.equal(a!.length, 384);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(dot(a!, a!) - 1) < 1e-5);
    assert.ok(empty!.every((value) => value === 0), 'no words, no direction');
  });

  it('places related texts closer than unrelated ones, matching identifier parts', async () => {
    const [rule, code, other] = await embedder.embed([
      'Never swallow an error: an empty catch block hides failures.',
      'try { await saveUser(user) } catch (error) {} // swallow error',
      'Commit subjects use the imperative mood and at most 72 characters.',
    ]);
    assert.ok(dot(rule!, code!) > dot(rule!, other!));
    const [ident, words] = await embedder.embed(['getUserName', 'user name']);
    assert.ok(dot(ident!, words!) > 0.3, 'camelCase identifiers share features with their words');
  });
});
