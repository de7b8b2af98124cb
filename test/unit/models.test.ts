import { test } from 'node:test';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { resolveCitations } from '../../src/core/chat/ask';
import { parseConfig } from '../../src/core/config';
import { HouseStyleError } from '../../src/core/errors';
import type { Passage } from '../../src/core/knowledge/passage';
import { OllamaClient } from '../../src/core/models/ollama/client';
import { nextVersionName, type ModelRegistry } from '../../src/core/models/registry';
import { parseRoutes } from '../../src/core/models/route';
import { trainAdapter } from '../../src/core/models/training/train';
import { describeStep, parseTrainerLogLine } from '../../src/core/models/training/trainerLog';

test('version names: housestyle-<project>:<yyyymmdd>-<n>, counting that day', () => {
  const registry: ModelRegistry = { version: 1, models: [] };
  const day = new Date('2026-12-02T10:00:00Z');
  assert.equal(nextVersionName('/work/My Shop_App', registry, day), 'housestyle-my-shop-app:20261202-1');
  registry.models.push({ name: 'housestyle-my-shop-app:20261202-1', base: 'b', createdAt: '', adapter: { kind: 'peft', source: '', digests: {} }, evaluations: [] });
  registry.models.push({ name: 'housestyle-my-shop-app:20261202-7', base: 'b', createdAt: '', adapter: { kind: 'peft', source: '', digests: {} }, evaluations: [] });
  assert.equal(nextVersionName('/work/My Shop_App', registry, day), 'housestyle-my-shop-app:20261202-8');
  assert.equal(nextVersionName('/work/My Shop_App', registry, new Date('2026-12-03T00:00:00Z')), 'housestyle-my-shop-app:20261203-1');
});

test('routes: a comma-separated list, each once; unknown ones named', () => {
  assert.deepEqual(parseRoutes('rag, hybrid,rag'), ['rag', 'hybrid']);
  assert.throws(() => parseRoutes('rag,lora'), (e: HouseStyleError) => e.code === 'usage' && e.message === 'Unknown route: lora.');
  assert.throws(() => parseRoutes(' , '), (e: HouseStyleError) => e.code === 'usage');
});

test("trainer log: LLaMA-Factory's LogCallback lines are read; other lines are not steps", () => {
  const line = '{"current_steps": 40, "total_steps": 120, "loss": 1.2345, "lr": 9.5e-05, "epoch": 1.0, "percentage": 33.33, "elapsed_time": "0:04:10", "remaining_time": "0:08:20", "throughput": 812.4, "total_tokens": 203100}';
  const entry = parseTrainerLogLine(line)!;
  assert.deepEqual(entry, { currentSteps: 40, totalSteps: 120, loss: 1.2345, epoch: 1, percentage: 33.33, elapsedTime: '0:04:10', remainingTime: '0:08:20' });
  assert.equal(describeStep(entry), 'step 40/120, loss 1.234, ETA 0:08:20');
  assert.equal(parseTrainerLogLine('{"eval_loss": 1.1}'), undefined);
  assert.equal(parseTrainerLogLine('Traceback (most recent call last):'), undefined);
});

test('chat citations: [R1] and [R1, R3] resolve; ids not in the prompt are dropped; other brackets are ignored', () => {
  const passage = (source: string): Passage => ({ id: source, kb: 'style', source, startLine: 1, endLine: 4, heading: 'H', text: '', score: 1, appliesTo: [] });
  const labels = new Map([
    ['R1', passage('a.md')],
    ['R3', passage('c.md')],
  ]);
  const { citations, unknown } = resolveCitations('Use camelCase [R1, R3]; see [the guide](x) and [R12]. Again [R1].', labels);
  assert.deepEqual(citations.map((c) => [c.label, c.source]), [['R1', 'a.md'], ['R3', 'c.md']]);
  assert.deepEqual(unknown, ['R12']);
});

test('--remote is HOST:DIR without anything ssh or a remote shell would read as options or commands; checked before anything is written', async () => {
  const dataset = await mkdtemp(path.join(tmpdir(), 'housestyle-remote-'));
  for (const remote of ['-oProxyCommand=touch_x:/tmp', 'gpu:/tmp/x;reboot', 'gpu', 'gpu:/tmp/a b']) {
    await assert.rejects(
      trainAdapter({ workspace: dataset, dataset, remote, config: parseConfig({}), client: new OllamaClient({ host: 'http://127.0.0.1:9', timeoutMs: 100 }) }),
      (e: HouseStyleError) => e.code === 'usage' && e.message.startsWith(`The training host ${remote} is not HOST:DIR`),
      remote,
    );
  }
  assert.deepEqual(await readdir(dataset), [], 'nothing was created');
  await rm(dataset, { recursive: true });
});
