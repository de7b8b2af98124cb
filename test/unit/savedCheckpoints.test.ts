import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { savedCheckpoints } from '../../src/core/models/training/interruptedRun';

test('only checkpoints holding trainer_state.json count: a run stopped while saving leaves one that cannot be resumed from', async () => {
  const output = await mkdtemp(path.join(tmpdir(), 'housestyle-checkpoints-'));
  try {
    for (const step of [6, 12, 18]) await mkdir(path.join(output, `checkpoint-${step}`));
    // 6 and 12 were saved whole; 18 has its adapter but not yet the trainer's state, which the Trainer writes last.
    for (const step of [6, 12]) await writeFile(path.join(output, `checkpoint-${step}`, 'trainer_state.json'), JSON.stringify({ global_step: step }));
    await writeFile(path.join(output, 'checkpoint-18', 'adapter_model.safetensors'), '');
    await mkdir(path.join(output, 'runs'));
    assert.deepEqual(await savedCheckpoints({}, output), [6, 12]);
    assert.deepEqual(await savedCheckpoints({}, path.join(output, 'missing')), []);
  } finally {
    await rm(output, { recursive: true, force: true });
  }
});
