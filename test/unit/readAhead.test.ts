// readAhead: the buffer that lets git's patch pass run while the graph pass is read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readAhead } from '../../src/core/readAhead';

test('pulls ahead up to the limit, yields every item in order, and rethrows a source error in place', async () => {
  let produced = 0;
  async function* source() {
    for (let i = 0; i < 10; i++) {
      produced++;
      yield i;
    }
    throw new Error('source broke');
  }
  const items = readAhead(source(), 3);
  await new Promise(setImmediate); // the pump runs on promise callbacks, which all run before the next macrotask
  assert.equal(produced, 3, 'the pump stops at the limit while nobody reads');
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const item of items) seen.push(item);
  }, /source broke/);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('return() stops the pump and closes the source', async () => {
  let closed = false;
  let produced = 0;
  async function* source() {
    try {
      for (;;) {
        produced++;
        yield produced;
      }
    } finally {
      closed = true;
    }
  }
  const items = readAhead(source(), 2);
  for await (const item of items) if (item === 2) break;
  assert.equal(closed, true);
  assert.ok(produced <= 5, `produced ${produced} items for a consumer that read 2`);
});
